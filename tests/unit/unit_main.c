/* The unit-test runner: see unit.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#define UNIT_MAX 2048

static const struct unit_test *s_tests[UNIT_MAX];
static size_t s_ntests;
static int s_failures;
bool unit_abort_test;
static char s_data_dir[4096] = "tests";

void
unit_register(const struct unit_test *t)
{
    if (s_ntests < UNIT_MAX) {
        s_tests[s_ntests++] = t;
    }
}

void
unit_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stdout, "    %s:%d: ", file, line);
    vfprintf(stdout, fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
    s_failures++;
}

const char *
unit_data_dir(void)
{
    return s_data_dir;
}

static int
s_cmp(const void *a, const void *b)
{
    const struct unit_test *x = *(const struct unit_test *const *)a;
    const struct unit_test *y = *(const struct unit_test *const *)b;
    int c = strcmp(x->file, y->file);
    return c ? c : strcmp(x->name, y->name);
}

int
main(int argc, char **argv)
{
    const char *env = getenv("UNIT_DATA");
    if (env && env[0]) {
        snprintf(s_data_dir, sizeof s_data_dir, "%s", env);
    }
    qsort(s_tests, s_ntests, sizeof s_tests[0], s_cmp);
    int passed = 0, failed = 0;
    for (size_t i = 0; i < s_ntests; i++) {
        const struct unit_test *t = s_tests[i];
        if (argc > 1 && !strstr(t->name, argv[1])) {
            continue;
        }
        s_failures = 0;
        unit_abort_test = false;
        t->fn();
        fflush(stdout);
        if (s_failures) {
            printf("FAIL unit %s\n", t->name);
            failed++;
        } else {
            printf("ok   unit %s\n", t->name);
            passed++;
        }
        fflush(stdout);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
