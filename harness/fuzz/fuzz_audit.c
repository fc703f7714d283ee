/* fuzz_audit.c — the engine as a fuzz target (docs/harness.md): a compact binary case
 * (vmxaudit/binary.h) -> audit, with the cheap invariants on every input:
 *   - no crash or undefined behaviour (ASan+UBSan builds);
 *   - determinism: the same report twice — on a deterministic eighth of the inputs (picked by a
 *     hash of the bytes, so a finding reproduces), since a second audit halves exec/s;
 *   - consistency: the predicted outcome follows from the classes of the violations.
 * Per-check outcomes are extra coverage (fuzz_common.h), so a new check outcome is progress.
 * The expensive invariants (repair, JSON round trips) are fuzz_repair's. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "fuzz_common.h"

static vxa_bin_case fc;
static vxa_report r1, r2;

static bool sampled(const uint8_t *data, size_t size)
{
    /* FNV-1a over 64-bit words (a byte at a time was a tenth of the target's own time) */
    uint64_t h = 14695981039346656037ull, w;
    size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        memcpy(&w, data + i, 8);
        h = (h ^ w) * 1099511628211ull;
    }
    for (; i < size; i++) h = (h ^ data[i]) * 1099511628211ull;
    return ((h ^ h >> 29 ^ h >> 47) & 7u) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!vxa_bin_decode(data, size, &fc)) return 0;
    vxa_memory m = vxa_bin_memory(&fc);
    vxa_input in = { &fc.profile, &fc.vmcs, &fc.entry, &m, fc.model };
    if (sampled(data, size)) {
        memset(&r1, 0, sizeof r1);
        memset(&r2, 0, sizeof r2);
        vxa_audit(&in, &r1);
        vxa_audit(&in, &r2);
        if (memcmp(&r1, &r2, sizeof r1) != 0) fuzz_die("audit is not deterministic");
    } else {
        vxa_audit(&in, &r1);
    }
    const char *why = fuzz_outcome_inconsistent(&r1, &fc.entry);
    if (why) fuzz_die(why);
    fuzz_count_checks(&r1, &fc.entry, vxa_check_counters);
    return 0;
}
