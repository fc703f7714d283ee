/* case_files.c — the case files named on a command line: files as given, folders searched
 * recursively for *.json, each folder's files in name order. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

void cli_case_files(const char *path, char ***list, size_t *n)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        size_t first = *n;
        while (d && (e = readdir(d))) {
            if (e->d_name[0] == '.') continue;
            char p[4096];
            snprintf(p, sizeof p, "%s/%s", path, e->d_name);
            size_t l = strlen(e->d_name);
            struct stat s2;
            if (stat(p, &s2) == 0 && S_ISDIR(s2.st_mode)) cli_case_files(p, list, n);
            else if (l > 5 && !strcmp(e->d_name + l - 5, ".json")) {
                *list = realloc(*list, (*n + 1) * sizeof **list);
                (*list)[(*n)++] = strdup(p);
            }
        }
        if (d) closedir(d);
        qsort(*list + first, *n - first, sizeof **list, cmp_str);
        return;
    }
    *list = realloc(*list, (*n + 1) * sizeof **list);
    (*list)[(*n)++] = strdup(path);
}
