#!/usr/bin/env python3
"""pmu_lam_undetermined.py — how often the rules that the profile's PMU and LAM data decide stay
undetermined on the bundled profiles (docs/formats.md, "pmu" and cpuid "lam"):
HOST_PERF_GLOBAL_CTRL_RSVD, GUEST_PERF_GLOBAL_CTRL_RESERVED, HOST_CR3_WIDTH, GUEST_CR3_WIDTH.

Three sets of cases per bundled profile, all from corpus/layouts:
  layouts  every bundled layout as it is (none loads IA32_PERF_GLOBAL_CTRL or sets CR3 bits 62:61)
  pgc      linux64 with "load IA32_PERF_GLOBAL_CTRL" on entry and exit and the guest and host
           fields set to one bit, for each bit 0..63 (64 cases)
  lam      linux64 with host and guest CR3 bit 61, then bit 62 set (2 cases)
Prints, per set, the cases run and the undetermined results of each rule, and the profiles that
still leave a rule undetermined.

usage: harness/bench/pmu_lam_undetermined.py VMXAUDIT CORPUS_DIR [--profiles a,b,...] [-v]
(-v: name the profiles)
"""
import json, os, subprocess, sys, tempfile
from collections import Counter, defaultdict

RULES = ("HOST_PERF_GLOBAL_CTRL_RSVD", "GUEST_PERF_GLOBAL_CTRL_RESERVED", "HOST_CR3_WIDTH", "GUEST_CR3_WIDTH")


def check(vmxaudit, path, corpus):
    env = dict(os.environ, VMXAUDIT_CORPUS=corpus)
    out = subprocess.run([vmxaudit, "check", path, "--format", "json"], capture_output=True, text=True, env=env)
    if out.returncode not in (0, 1):
        sys.exit("vmxaudit check %s: exit %d: %s" % (path, out.returncode, out.stderr.strip()))
    return [u["check"] for u in json.loads(out.stdout).get("undetermined", [])]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    vmxaudit, corpus = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    names = sorted(f[:-5] for f in os.listdir(os.path.join(corpus, "profiles")) if f.endswith(".json"))
    if "--profiles" in sys.argv:
        names = sys.argv[sys.argv.index("--profiles") + 1].split(",")
    layouts = sorted(f[:-5] for f in os.listdir(os.path.join(corpus, "layouts")) if f.endswith(".json"))
    base = json.load(open(os.path.join(corpus, "layouts", "linux64.json")))
    counts = {s: Counter() for s in ("layouts", "pgc", "lam")}
    cases = Counter()
    left = defaultdict(set)
    with tempfile.TemporaryDirectory() as tmp:
        def run(kind, prof, doc):
            path = os.path.join(tmp, "c.json")
            doc = dict(doc, profile=prof)
            with open(path, "w") as f:
                json.dump(doc, f)
            cases[kind] += 1
            for u in check(vmxaudit, path, corpus):
                if u in RULES:
                    counts[kind][u] += 1
                    left[u].add(prof)
        for prof in names:
            for lay in layouts:
                run("layouts", prof, json.load(open(os.path.join(corpus, "layouts", lay + ".json"))))
            for bit in range(64):
                d = json.loads(json.dumps(base))
                v = d["vmcs"]
                v["VM_EXIT_CONTROLS"] = hex(int(v["VM_EXIT_CONTROLS"], 16) | 1 << 12)
                v["VM_ENTRY_CONTROLS"] = hex(int(v["VM_ENTRY_CONTROLS"], 16) | 1 << 13)
                v["HOST_IA32_PERF_GLOBAL_CTRL"] = v["GUEST_IA32_PERF_GLOBAL_CTRL"] = hex(1 << bit)
                run("pgc", prof, d)
            for bit in (61, 62):
                d = json.loads(json.dumps(base))
                d["vmcs"]["HOST_CR3"] = hex(int(d["vmcs"]["HOST_CR3"], 16) | 1 << bit)
                d["vmcs"]["GUEST_CR3"] = hex(int(d["vmcs"]["GUEST_CR3"], 16) | 1 << bit)
                run("lam", prof, d)
    print("%d profiles" % len(names))
    for kind in ("layouts", "pgc", "lam"):
        print("%-8s %5d cases: %s" % (kind, cases[kind], ", ".join("%s %d" % (r, counts[kind][r]) for r in RULES)))
    for r in RULES:
        print("undetermined %s on %d profiles%s" % (r, len(left[r]),
              ": " + " ".join(sorted(left[r])) if "-v" in sys.argv else ""))


if __name__ == "__main__":
    main()
