/* test_campaign_state.c — harness/diff/campaign_state.c without an oracle: the mismatches chosen
 * for minimization are the lowest case indices of each signature whatever order the batches
 * arrive in (--jobs), each ready only once every case below it is done; a shard's journal
 * refuses a case of another shard; the header keys that make a campaign tell two apart
 * (diff merge), the batch size and shard do not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "campaign_impl.h"

static cJSON *header(unsigned cases, unsigned per_sig, int shard_k, int shard_n)
{
    char t[400];
    snprintf(t, sizeof t, "{\"journal\":\"vmxaudit diff\",\"version\":1,\"backend\":\"bochs\",\"cpu\":\"c\","
             "\"model\":\"sdm\",\"seed\":1,\"cases\":%u,\"minimize\":%u,\"batch_size\":10}",
             cases, per_sig);
    cJSON *h = cJSON_Parse(t);
    if (shard_n) {
        const int sh[2] = { shard_k, shard_n };
        cJSON_AddItemToObject(h, "shard", cJSON_CreateIntArray(sh, 2));
    }
    return h;
}

/* A batch of cases lo..hi (step), the ones in mism[] mismatches of signature "A". */
static cJSON *batch(unsigned lo, unsigned hi, unsigned step, const unsigned *mism, size_t nm)
{
    cJSON *r = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(r, "cases");
    cJSON_AddNumberToObject(r, "batch", 0);
    for (unsigned i = lo; i <= hi; i += step) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddNumberToObject(c, "i", i);
        bool m = false;
        for (size_t k = 0; k < nm; k++) m |= mism[k] == i;
        cJSON_AddStringToObject(c, "v", m ? "mismatch" : "agree");
        if (m) {
            cJSON_AddStringToObject(c, "sig", "A");
            const int ref[5] = { 1, 2, 7, 0, 0 };
            cJSON_AddItemToObject(c, "r", cJSON_CreateIntArray(ref, 5));
        }
        cJSON_AddItemToArray(arr, c);
    }
    return r;
}

static void apply(vxa_campaign_state *s, cJSON *rec, int want)
{
    assert_int_equal(vxa_state_apply(s, rec, 1), want);
    cJSON_Delete(rec);
}

static void test_lowest_whatever_the_order(void **state)
{
    (void)state;
    vxa_campaign_state s;
    vxa_state_init(&s, 0);
    apply(&s, header(20, 1, 0, 0), 0);
    const unsigned late[] = { 12, 17 }, early[] = { 6 };
    apply(&s, batch(10, 19, 1, late, 2), 0);        /* a second worker's batch first */
    assert_null(vxa_state_next_pending(&s));          /* 0..9 not done: a lower one may come */
    apply(&s, batch(0, 9, 1, early, 1), 0);
    vxa_candidate *c = vxa_state_next_pending(&s);
    assert_non_null(c);
    assert_int_equal(c->index, 6);                    /* the lowest, not the first to arrive */
    assert_true(c->have_ref);
    assert_int_equal(s.st.sigs[0].count, 3);
    assert_int_equal(s.st.sigs[0].selected, 1);
    assert_false(vxa_state_complete(&s));
    apply(&s, cJSON_Parse("{\"min\":6,\"file\":\"mismatches/a.json\",\"reproduced\":true,\"runs\":3}"), 0);
    assert_null(vxa_state_next_pending(&s));
    assert_true(vxa_state_complete(&s));
    assert_string_equal(s.st.sigs[0].file, "mismatches/a.json");
    /* a merged shard's minimization of another index: its runs count, nothing else */
    apply(&s, cJSON_Parse("{\"min\":12,\"file\":\"mismatches/b.json\",\"reproduced\":true,\"runs\":4,"
                          "\"superseded\":true}"), 0);
    assert_int_equal(s.superseded_runs, 4);
    assert_int_equal(s.st.oracle_runs, 7);
    assert_string_equal(s.st.sigs[0].file, "mismatches/a.json");
    vxa_state_free(&s);
}

static void test_shard(void **state)
{
    (void)state;
    vxa_campaign_state s;
    vxa_state_init(&s, 0);
    apply(&s, header(10, 2, 1, 4), 0);                /* cases 1, 5, 9 */
    assert_int_equal(s.st.total, 3);
    assert_true(vxa_state_owns(&s, 5));
    assert_false(vxa_state_owns(&s, 6));
    const unsigned m[] = { 5, 9 };
    apply(&s, batch(5, 9, 4, m, 2), 0);
    assert_null(vxa_state_next_pending(&s));          /* case 1 is not done */
    apply(&s, batch(1, 1, 1, NULL, 0), 0);
    assert_int_equal(vxa_state_next_pending(&s)->index, 5);
    assert_int_equal(s.st.done, 3);
    apply(&s, batch(2, 2, 1, NULL, 0), 2);            /* a case of shard 2/4: the journal is damaged */
    vxa_state_free(&s);
    vxa_state_init(&s, 0);
    apply(&s, cJSON_Parse("{\"journal\":\"vmxaudit diff\",\"cases\":10,\"shard\":[4,4]}"), 2);
    vxa_state_free(&s);
}

static void test_header_differs(void **state)
{
    (void)state;
    cJSON *a = header(20, 1, 0, 4), *b = header(20, 1, 3, 4), *c = header(20, 2, 0, 4);
    assert_null(vxa_header_differs(a, b));            /* another shard of the same campaign */
    cJSON_ReplaceItemInObjectCaseSensitive(b, "batch_size", cJSON_CreateNumber(33));
    assert_null(vxa_header_differs(a, b));            /* batch size: how, not what */
    assert_string_equal(vxa_header_differs(a, c), "minimize");
    cJSON_ReplaceItemInObjectCaseSensitive(b, "seed", cJSON_CreateNumber(2));
    assert_string_equal(vxa_header_differs(a, b), "seed");
    cJSON_Delete(a);
    cJSON_Delete(b);
    cJSON_Delete(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lowest_whatever_the_order),
        cmocka_unit_test(test_shard),
        cmocka_unit_test(test_header_differs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
