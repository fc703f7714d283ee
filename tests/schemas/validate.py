#!/usr/bin/env python3
"""validate.py SCHEMA_DIR NAME FILE... — validates each JSON file ('-': stdin) against
docs/schemas/NAME.schema.json with python3-jsonschema (Debian), resolving the urn:vmxaudit:*
references between the schemas.  Prints 'ok FILE' or the first errors; exit 1 if any file fails.
--expect-invalid: each file must FAIL validation (shows that the schema can catch a bad document)."""
import json
import os
import sys
import warnings

import jsonschema

warnings.filterwarnings("ignore", category=DeprecationWarning)


def load_schemas(d):
    store = {}
    for f in sorted(os.listdir(d)):
        if f.endswith(".schema.json"):
            with open(os.path.join(d, f)) as fh:
                s = json.load(fh)
            jsonschema.Draft202012Validator.check_schema(s)
            store[s["$id"]] = s
    return store


def main():
    args = sys.argv[1:]
    invert = "--expect-invalid" in args
    args = [a for a in args if a != "--expect-invalid"]
    if len(args) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    store = load_schemas(args[0])
    schema = store["urn:vmxaudit:" + args[1]]
    resolver = jsonschema.RefResolver.from_schema(schema, store=store)
    v = jsonschema.Draft202012Validator(schema, resolver=resolver)
    bad = 0
    for path in args[2:]:
        try:
            doc = json.load(sys.stdin if path == "-" else open(path))
        except ValueError as e:
            print(f"FAIL {path}: not JSON: {e}")
            bad += 1
            continue
        errors = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
        if invert:
            if errors:
                print(f"ok   {path}: invalid as expected ({errors[0].message[:100]})")
            else:
                print(f"FAIL {path}: valid against {args[1]}, expected a violation")
                bad += 1
            continue
        if errors:
            bad += 1
            for e in errors[:5]:
                where = "/".join(str(p) for p in e.absolute_path) or "(top)"
                print(f"FAIL {path}: {args[1]}: at {where}: {e.message[:300]}")
        else:
            print(f"ok   {path}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
