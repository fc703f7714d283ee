/* json_out.c — the CLI's own JSON documents (test, oracle run, explain, profile show, checks,
 * fields, repair): built as cJSON trees, each with its "schema" version key
 * (docs/schemas/NAME.schema.json), printed once. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include "cli.h"

cJSON *cli_json_doc(const char *schema)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "schema", schema);
    return o;
}

int cli_json_write(FILE *out, cJSON *doc)
{
    char *s = cJSON_Print(doc);
    cJSON_Delete(doc);
    if (!s) return EXIT_USAGE;
    int rc = fprintf(out, "%s\n", s) < 0 ? EXIT_USAGE : EXIT_OK;
    free(s);
    return rc;
}

cJSON *cli_json_hex(uint64_t v)
{
    char b[24];
    snprintf(b, sizeof b, "0x%llx", (unsigned long long)v);
    return cJSON_CreateString(b);
}
