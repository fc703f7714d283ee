/* corpus.c — finding the bundled profiles and layouts: in the folder the caller set
 * (vxa_set_data_root), else $VMXAUDIT_CORPUS, else the data folder configured at build time. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "codec_internal.h"

#ifndef VXA_DATADIR
#define VXA_DATADIR "/usr/local/share/vmxaudit"
#endif

static char set_root[1024];

void vxa_set_data_root(const char *dir)
{
    snprintf(set_root, sizeof set_root, "%s", dir ? dir : "");
}

/* The candidate roots in order; NULL past the end. */
static const char *roots(unsigned i)
{
    if (set_root[0]) return i == 0 ? set_root : NULL;
    switch (i) {
    case 0: return getenv("VMXAUDIT_CORPUS");
    case 1: return VXA_DATADIR;
    default: return NULL;
    }
}

static bool is_dir(const char *p)
{
    struct stat st;
    return p && *p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *vxa_data_root(void)
{
    for (unsigned i = 0; i < 2; i++)
        if (is_dir(roots(i))) return roots(i);
    return NULL;
}

char *vxa_corpus_find(const char *sub, const char *name)
{
    char path[1400];
    for (unsigned i = 0; i < 2; i++) {
        const char *r = roots(i);
        if (!r || !*r) continue;
        snprintf(path, sizeof path, "%s/%s/%s.json", r, sub, name);
        if (access(path, R_OK) == 0) return strdup(path);
    }
    return NULL;
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

char **vxa_corpus_list(const char *sub)
{
    char path[1400];
    for (unsigned i = 0; i < 2; i++) {
        const char *r = roots(i);
        if (!r || !*r) continue;
        snprintf(path, sizeof path, "%s/%s", r, sub);
        DIR *d = opendir(path);
        if (!d) continue;
        size_t n = 0, cap = 64;
        char **list = malloc(cap * sizeof *list);
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t l = strlen(e->d_name);
            if (l < 6 || strcmp(e->d_name + l - 5, ".json")) continue;
            if (n + 1 >= cap) list = realloc(list, (cap *= 2) * sizeof *list);
            list[n] = strdup(e->d_name);   /* not strndup: mingw-w64 lacks it */
            list[n][l - 5] = 0;
            n++;
        }
        closedir(d);
        qsort(list, n, sizeof *list, cmp);
        list[n] = NULL;
        return list;
    }
    char **empty = malloc(sizeof *empty);
    empty[0] = NULL;
    return empty;
}

void vxa_corpus_list_free(char **list)
{
    if (!list) return;
    for (char **l = list; *l; l++) free(*l);
    free(list);
}
