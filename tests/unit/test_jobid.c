/* Job ids derived from idempotency keys (ECSBATCH_JOB_KEY). */
#include <string.h>

#include "job/jobid.h"
#include "unit.h"

TEST(jobid_from_key_rows)
{
    static const struct {
        const char *key;
        const char *prefix; /* the readable part, before the hash */
    } rows[] = {
        {"arn:aws:scheduler:us-west-2:123456789012:schedule/default/nightly@2026-11-23T02:00:00Z",
         "ule-default-nightly-2026-11-23T02-00-00Z-"},
        {"plain_key-1", "plain_key-1-"},
        {"::::", ""},
        {"a b  c", "a-b-c-"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char id[JOBID_MAX + 1];
        jobid_from_key(rows[i].key, id);
        EXPECT(jobid_is_valid(id));
        size_t plen = strlen(rows[i].prefix);
        EXPECT(strlen(id) == plen + 16);
        EXPECT(strncmp(id, rows[i].prefix, plen) == 0);
        char again[JOBID_MAX + 1];
        jobid_from_key(rows[i].key, again);
        EXPECT_STR(again, id);
    }
    /* keys that read the same once cleaned still differ */
    char a[JOBID_MAX + 1], b[JOBID_MAX + 1];
    jobid_from_key("x:1", a);
    jobid_from_key("x/1", b);
    EXPECT(strcmp(a, b) != 0);
}
