/* out_name.c — see out_name.h. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "out_name.h"

void vxa_out_name(const char *name, const char *salt, char *out, size_t n)
{
    char slug[65];
    size_t o = 0;
    uint32_t h = 2166136261u;                      /* FNV-1a over name, NUL, salt */
    for (const char *p = name ? name : ""; ; p++) {
        h = (h ^ (uint8_t)*p) * 16777619u;
        if (!*p) break;
        char c = *p;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '-';
        if (o + 1 >= sizeof slug) continue;
        if (ok) slug[o++] = c;
        else if (o && slug[o - 1] != '-') slug[o++] = '-';   /* '/', '.', spaces: one '-' */
    }
    for (const char *p = salt ? salt : ""; *p; p++) h = (h ^ (uint8_t)*p) * 16777619u;
    while (o && slug[o - 1] == '-') o--;
    size_t s = 0;
    while (s < o && slug[s] == '-') s++;
    slug[o] = 0;
    snprintf(out, n, "%s-%08x.json", s < o ? slug + s : "case", (unsigned)h);
}

int vxa_out_name_plain(const char *name)
{
    return name && *name && strcmp(name, ".") && strcmp(name, "..") && !strchr(name, '/') &&
           !strchr(name, '\\');
}
