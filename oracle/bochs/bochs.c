/* bochs.c — the Bochs oracle: batches of cases through one Bochs process at a time; a crash or
 * hang costs one case, and Bochs restarts at the next (docs/oracles.md, docs/harness.md). */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "batch.h"
#include "bochs.h"
#include "unbacked.h"
#include "machine.h"
#include "payload_abi.h"
#include "report.h"
#include "session.h"

/* A Bochs log line: 11-digit tick count, level letter, "[MODULE] message". */
static const char *log_message(const char *line, char *level)
{
    int i = 0;
    while (i < 11 && isdigit((unsigned char)line[i])) i++;
    if (i != 11 || !isalpha((unsigned char)line[11]) || line[12] != '[') return NULL;
    const char *m = strchr(line + 12, ']');
    if (!m) return NULL;
    *level = line[11];
    return m[1] == ' ' ? m + 2 : m + 1;
}

static int append(char **text, const char *line)
{
    size_t a = *text ? strlen(*text) : 0, b = strlen(line);
    char *t = realloc(*text, a + b + 2);
    if (!t) return -1;
    memcpy(t + a, line, b);
    t[a + b] = '\n';
    t[a + b + 1] = 0;
    *text = t;
    return 0;
}

static bool find_in_path(const char *prog)
{
    if (strchr(prog, '/')) return access(prog, X_OK) == 0;
    const char *path = getenv("PATH");
    if (!path) path = "/usr/bin:/bin";
    while (*path) {
        size_t n = strcspn(path, ":");
        char full[4200];
        snprintf(full, sizeof full, "%.*s/%s", (int)n, path, prog);
        struct stat st;
        if (n && stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0) return true;
        path += n + (path[n] == ':');
    }
    return false;
}

/* A signal that ends the process while a machine is live (SIGINT, SIGTERM, SIGHUP where the
 * program left their default action): Bochs is killed and the machine's folder removed, then
 * the signal takes its course.  Nothing of ours is left in $TMPDIR. */
static struct bx_machine *volatile live_machine;
static volatile pid_t live_child;
static const int end_signals[] = { SIGINT, SIGTERM, SIGHUP };

static void on_end_signal(int sig)
{
    if (live_child > 0) kill(-live_child, SIGKILL);
    if (live_machine) bx_machine_cleanup(live_machine);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void guard_machine(struct bx_machine *m, struct sigaction *old)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_end_signal;
    live_machine = m;
    for (size_t i = 0; i < sizeof end_signals / sizeof end_signals[0]; i++) {
        sigaction(end_signals[i], NULL, &old[i]);
        if (old[i].sa_handler == SIG_DFL) sigaction(end_signals[i], &sa, NULL);
    }
}

static void unguard_machine(const struct sigaction *old)
{
    for (size_t i = 0; i < sizeof end_signals / sizeof end_signals[0]; i++)
        if (old[i].sa_handler == SIG_DFL) sigaction(end_signals[i], &old[i], NULL);
    live_machine = NULL;
}

/* What one Bochs process did with a batch. */
struct run_state {
    struct vxa_oracle_result *out;
    bool *done;
    struct vxa_oracle_probe *probe;
    bool ready, finished;
    long open_id;                     /* a case between @B and @R; -1 none */
    bool retry_left;                  /* one fresh Bochs left for a death in this call */
    bool died;                        /* this run: Bochs ended on its own before finishing */
    bool solo;                        /* a feature-control case alone (may leave VMX off) */
    char *open_log;
    bool vmx_abort;                   /* the open case's VM exit ended in a VMX abort */
    char last_words[512];             /* the last non-report lines: why Bochs stopped */
};

static void remember(struct run_state *st, const char *line)
{
    size_t n = strlen(st->last_words);
    if (n + strlen(line) + 2 > sizeof st->last_words) n = 0;
    snprintf(st->last_words + n, sizeof st->last_words - n, "%s%s", n ? " | " : "", line);
}

/* A case the payload never answered: crashed or timeout, with the log so far (taken over). */
static void settle(struct vxa_oracle_result *r, enum vxa_oracle_kind kind, const char *detail,
                   char *log)
{
    vxa_oracle_result_free(r);
    r->kind = kind;
    r->log = log;
    r->detail = strdup(detail);
}

static void close_case(struct run_state *st, enum vxa_oracle_kind kind, const char *detail)
{
    if (st->open_id < 0) return;
    settle(&st->out[st->open_id], kind, detail, st->open_log);
    st->open_log = NULL;
    st->done[st->open_id] = true;
    st->open_id = -1;
}

static void handle_line(struct run_state *st, const char *line, size_t ncases, FILE *trace)
{
    char level;
    const char *msg;
    uint32_t id;
    if (trace) fprintf(trace, "%s\n", line);
    if (line[0] == '@') {
        if (!strncmp(line, "@H ", 3)) {
            vxa_report_probe_line(line, st->probe);
            if (!strncmp(line, "@H fault", 8)) remember(st, line);   /* the payload died */
            if (!strcmp(line, "@H ready") || !strncmp(line, "@H vmxon fail", 13)) st->ready = true;
        } else if (vxa_report_begin_line(line, &id) && id < ncases) {
            free(st->open_log);
            st->open_log = NULL;
            st->open_id = id;
        } else if (!strncmp(line, "@R ", 3)) {
            struct vxa_oracle_result r;
            vxa_oracle_result_init(&r);
            int ok = vxa_report_result_line(line, &id, &r);
            if (ok == 1 && id < ncases) {
                vxa_oracle_result_free(&st->out[id]);
                st->out[id] = r;
                st->out[id].log = id == st->open_id ? st->open_log : NULL;
                if (id == st->open_id) st->open_log = NULL;
                st->done[id] = true;
                st->open_id = -1;
            } else {
                vxa_oracle_result_free(&r);
                remember(st, line);
            }
        } else if (!strcmp(line, "@E done")) {
            st->finished = true;
        }
        return;
    }
    if ((msg = log_message(line, &level))) {
        if (st->open_id >= 0 && (level == 'e' || level == 'p')) append(&st->open_log, msg);
        if (st->open_id >= 0 && !strncmp(msg, "VMABORT:", 8)) st->vmx_abort = true;
        if (level == 'p') remember(st, msg);
        return;
    }
    /* Bochs's own complaints ("[      ] bochsrc:8: cpu directive malformed.") and ours */
    if (line[0] == '[' || !strncmp(line, "vxa-bochs:", 10)) remember(st, line);
}

static void capture_version(struct vxa_oracle_probe *p, const char *line)
{
    const char *v = strstr(line, "Bochs x86 Emulator ");
    if (v && !p->backend_version[0])
        snprintf(p->backend_version, sizeof p->backend_version, "%s", v + 19);
}

/* One Bochs process over the pending cases, in order.  Returns VXA_ORACLE_OK when the run
 * made progress (or finished), else a backend status with `err` set. */
static int run_once(const struct vxa_bochs_options *opt, struct bx_machine *m, const char *bochs,
                    const struct vxa_oracle_case *cases, size_t ncases, const size_t *pending,
                    size_t npending, struct run_state *st, char *err, size_t errlen)
{
    size_t len = 0, encoded = 0;
    uint8_t *batch = vxa_batch_encode(cases, pending, npending, bx_batch_max(), &len, &encoded);
    if (!batch) {
        snprintf(err, errlen, npending ? "case %zu does not fit in a batch" : "out of memory",
                 npending ? pending[0] : 0);
        return VXA_ORACLE_FAILED;
    }
    int rc = bx_machine_write_batch(m, batch, len, err, errlen);
    free(batch);
    if (rc) return rc;

    struct bx_session s;
    if (bx_session_start(&s, bochs, m->dir, err, errlen)) return VXA_ORACLE_FAILED;
    live_child = s.pid;
    double boot_t = opt->boot_timeout_s > 0 ? opt->boot_timeout_s : 30;
    double case_t = opt->case_timeout_s > 0 ? opt->case_timeout_s : 5;
    double deadline = bx_now() + boot_t;
    const char *line;
    int got;
    st->ready = st->finished = false;
    st->open_id = -1;
    st->last_words[0] = 0;
    st->vmx_abort = false;
    while ((got = bx_session_line(&s, deadline, &line)) == 1) {
        capture_version(st->probe, line);
        handle_line(st, line, ncases, opt->trace);
        if (st->finished) break;
        if (st->vmx_abort) { got = -1; break; }   /* shutdown (SDM 28.7): no answer will come */
        if (line[0] == '@' && st->ready) deadline = bx_now() + case_t;   /* progress */
    }
    if (got == -1) {
        bx_session_kill(&s);
        if (st->open_id >= 0 && st->vmx_abort && bx_vmx_abort_after_entry(st->open_log)) {
            close_case(st, VXA_ORACLE_EXIT_ABORTED, "VM entry succeeded, then its VM exit ended in a VMX abort (SDM 28.7; "
                       "oracle/bochs/unbacked.h); Bochs was killed in the shutdown state");
        } else if (st->open_id >= 0 && st->vmx_abort) {
            close_case(st, VXA_ORACLE_TIMEOUT, "a VMX abort (shutdown state, SDM 28.7): no answer; Bochs was killed");
        } else if (st->open_id >= 0) {
            close_case(st, VXA_ORACLE_TIMEOUT, "no answer in time: Bochs was killed");
        } else if (!st->ready) {
            bx_session_finish(&s, bx_now() + 5);
            live_child = 0;
            snprintf(err, errlen, "Bochs did not boot the payload within %.0f s%s%s", boot_t,
                     st->last_words[0] ? ": " : "", st->last_words);
            return VXA_ORACLE_FAILED;
        }
    } else if (got == 0 && st->open_id >= 0) {
        if (st->retry_left) {             /* once: the case again, in a fresh Bochs */
            fprintf(stderr, "vmxaudit: Bochs died during case %ld: that case again in a fresh Bochs\n",
                    st->open_id);
            st->retry_left = false;
            st->died = true;
            free(st->open_log);
            st->open_log = NULL;
            st->open_id = -1;
        } else {
            close_case(st, VXA_ORACLE_CRASHED, "Bochs stopped during this case (and in a fresh Bochs)");
        }
    } else if (got == 0 && !st->finished && !st->ready && st->retry_left) {
        fprintf(stderr, "vmxaudit: Bochs died while booting: once more\n");
        st->retry_left = false;           /* died while booting: boot once more */
        st->died = true;
        bx_session_finish(&s, bx_now() + 5);
        live_child = 0;
        return VXA_ORACLE_OK;
    }
    bx_session_finish(&s, bx_now() + 5);
    live_child = 0;
    free(st->open_log);
    st->open_log = NULL;
    if (!st->ready) {
        snprintf(err, errlen, "Bochs stopped before the payload ran%s%s",
                 st->last_words[0] ? ": " : "", st->last_words);
        return VXA_ORACLE_NOT_AVAILABLE;
    }
    if (!st->probe->vmx_on && !(st->solo && st->done[pending[0]])) {
        snprintf(err, errlen, "the payload cannot use VMX on this CPU model: %s",
                 st->probe->vmx_failure);
        return VXA_ORACLE_NOT_AVAILABLE;
    }
    return VXA_ORACLE_OK;     /* cases beyond `encoded` stay pending for the next run */
}

/* A VMXON case that assumes IA32_FEATURE_CONTROL unlocked or without VMX outside SMX: the
 * payload runs it first after boot, before it locks the MSR (oracle/payload/feature_control.c),
 * so it gets a Bochs of its own. */
static bool needs_own_boot(const struct vxa_oracle_case *c)
{
    return c->instruction == VXA_ORACLE_VMXON && (c->feature_control & 5) != 5;
}

/* BIOS-bochs-latest sets IA32_FEATURE_CONTROL bits 0 and 2 (RDMSR, OR 5, WRMSR at 3AH, on the
 * BSP and the APs): the payload finds it locked.  BIOS-bochs-legacy (the same rombios without its
 * 32-bit PCI/ACPI/SMP set-up) leaves Bochs's reset value 0.  The name beside the configured one. */
static void use_legacy_bios(struct bx_machine *m)
{
    char *slash = strrchr(m->bios, '/');
    if (!slash || strcmp(slash + 1, "BIOS-bochs-latest")) return;
    snprintf(slash + 1, sizeof m->bios - (size_t)(slash + 1 - m->bios), "%s", "BIOS-bochs-legacy");
}

const char *vxa_bochs_select(const struct vxa_bochs_options *opt, char *buf, size_t n, char *err, size_t errlen)
{
    if (opt && opt->bochs && *opt->bochs) return opt->bochs;
    const char *v = opt ? opt->version : NULL;
    if (v && *v && strcmp(v, "2.7")) {       /* Debian 12's package is 2.7; others are built */
        const char *cache = getenv("VXA_BOCHS_CACHE"), *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
        if (cache && *cache) snprintf(buf, n, "%s/bochs-%s/bin/bochs", cache, v);
        else if (xdg && *xdg) snprintf(buf, n, "%s/vmxaudit/bochs-%s/bin/bochs", xdg, v);
        else snprintf(buf, n, "%s/.cache/vmxaudit/bochs-%s/bin/bochs", home ? home : "", v);
        if (access(buf, X_OK) == 0) return buf;
        snprintf(err, errlen, "Bochs %s is not built here (%s): run oracle/bochs/build-bochs.sh %s", v, buf, v);
        return NULL;
    }
    const char *env = getenv("VXA_BOCHS");       /* its banner is checked against `version` */
    return env && *env ? env : "bochs";
}

static int run_cases(const struct vxa_bochs_options *opt_in, const char *cpu_model,
                     const struct vxa_oracle_case *cases, size_t n, struct vxa_oracle_result *out,
                     struct vxa_oracle_probe *probe_out, char *err, size_t errlen);

/* The cases without the all-ones memory the machine has no RAM for (unbacked.h), then run. */
int vxa_bochs_run(const struct vxa_bochs_options *opt_in, const char *cpu_model,
                  const struct vxa_oracle_case *cases, size_t n, struct vxa_oracle_result *out,
                  struct vxa_oracle_probe *probe_out, char *err, size_t errlen)
{
    struct vxa_oracle_blob *blobs = NULL;
    struct vxa_oracle_case *own = bx_drop_unbacked(cases, n, &blobs);
    if (!own) {
        snprintf(err, errlen, "out of memory");
        return VXA_ORACLE_FAILED;
    }
    int rc = run_cases(opt_in, cpu_model, own, n, out, probe_out, err, errlen);
    free(own);
    free(blobs);
    return rc;
}

static int run_cases(const struct vxa_bochs_options *opt_in, const char *cpu_model,
                     const struct vxa_oracle_case *cases, size_t n, struct vxa_oracle_result *out,
                     struct vxa_oracle_probe *probe_out, char *err, size_t errlen)
{
    struct vxa_bochs_options opt = opt_in ? *opt_in : (struct vxa_bochs_options){ 0 };
    char chosen[4200];
    const char *bochs = vxa_bochs_select(&opt, chosen, sizeof chosen, err, errlen);
    if (!bochs) return VXA_ORACLE_NOT_AVAILABLE;
    struct vxa_oracle_probe probe_local;
    struct vxa_oracle_probe *probe = probe_out ? probe_out : &probe_local;
    memset(probe, 0, sizeof *probe);
    err[0] = 0;

    size_t *pending = calloc(n + 1, sizeof *pending);
    bool *done = calloc(n + 1, sizeof *done);
    if (!pending || !done) {
        free(pending);
        free(done);
        snprintf(err, errlen, "out of memory");
        return VXA_ORACLE_FAILED;
    }
    for (size_t i = 0; i < n; i++) {      /* cases the payload cannot run are answered here */
        int unsupported;
        vxa_oracle_result_init(&out[i]);
        const char *why = vxa_case_check(&cases[i], &unsupported);
        if (!why && vxa_batch_case_size(&cases[i]) > bx_batch_max() - sizeof(struct vxa_batch_header))
            why = "case larger than a Bochs batch (3 x 128 KiB less the payload's share)";
        if (why) {
            out[i].kind = unsupported ? VXA_ORACLE_UNSUPPORTED : VXA_ORACLE_ERROR;
            out[i].detail = strdup(why);
            done[i] = true;
        }
    }
    if (!find_in_path(bochs)) {
        snprintf(err, errlen, "Bochs not found ('%s'): install bochs bochs-term bochsbios vgabios",
                 bochs);
        free(pending);
        free(done);
        return VXA_ORACLE_NOT_AVAILABLE;
    }
    struct bx_machine m;
    int rc = bx_machine_prepare(&m, &opt, cpu_model, err, errlen);
    if (rc) {
        free(pending);
        free(done);
        return rc;
    }
    struct sigaction old_actions[sizeof end_signals / sizeof end_signals[0]];
    guard_machine(&m, old_actions);
    struct run_state st = { .out = out, .done = done, .probe = probe, .open_id = -1, .retry_left = true };
    bool first = true;
    for (;;) {
        size_t np = 0;
        for (size_t i = 0; i < n; i++)
            if (!done[i] && !needs_own_boot(&cases[i])) pending[np++] = i;
        if (np == 0 && !first) break;
        struct vxa_oracle_probe again;
        if (!first) {                     /* a restart: keep the first boot's probe */
            memset(&again, 0, sizeof again);
            st.probe = &again;
        }
        st.died = false;
        rc = run_once(&opt, &m, bochs, cases, n, pending, np, &st, err, errlen);
        st.probe = probe;
        if (st.died && first) {           /* the boot that died never probed: boot again */
            memset(probe, 0, sizeof *probe);
            continue;
        }
        first = false;
        if (rc) break;
        if (st.died) continue;            /* the retry: the pending cases in a fresh Bochs */
        size_t left = 0;
        for (size_t i = 0; i < n; i++) left += !done[i] && !needs_own_boot(&cases[i]);
        if (left == np && np) {           /* no progress: blame the first pending case */
            settle(&out[pending[0]], VXA_ORACLE_CRASHED, "Bochs stopped before reporting this case",
                   NULL);
            done[pending[0]] = true;
        }
    }
    for (size_t i = 0; i < n && rc == VXA_ORACLE_OK; i++) {   /* after the first boot's probe */
        if (done[i] || !needs_own_boot(&cases[i])) continue;
        struct vxa_oracle_probe again = { 0 };
        char latest[sizeof m.bios];
        snprintf(latest, sizeof latest, "%s", m.bios);
        use_legacy_bios(&m);
        st.probe = &again;
        st.solo = true;
        st.retry_left = true;
        rc = run_once(&opt, &m, bochs, cases, n, &i, 1, &st, err, errlen);
        if (!done[i] && rc == VXA_ORACLE_OK)   /* a death is retried once */
            rc = run_once(&opt, &m, bochs, cases, n, &i, 1, &st, err, errlen);
        if (!done[i] && rc == VXA_ORACLE_OK) {
            settle(&out[i], VXA_ORACLE_CRASHED, "Bochs stopped before reporting this case", NULL);
            done[i] = true;
        }
        st.solo = false;
        st.probe = probe;
        snprintf(m.bios, sizeof m.bios, "%s", latest);
    }
    bx_machine_cleanup(&m);
    unguard_machine(old_actions);
    free(pending);
    free(done);
    return rc;
}

int vxa_bochs_probe(const struct vxa_bochs_options *opt, const char *cpu_model,
                    struct vxa_oracle_probe *probe, char *err, size_t errlen)
{
    return vxa_bochs_run(opt, cpu_model, NULL, 0, NULL, probe, err, errlen);
}
