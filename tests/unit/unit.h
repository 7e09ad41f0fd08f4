/*
 * A small unit-test harness: TEST(name) { ... } registers itself (so a new
 * test file needs no edit elsewhere); EXPECT_* record a failure and go on,
 * REQUIRE_* record it and end the test. The runner prints one line per test
 * and "N passed, N failed". Run one test: unit-tests NAME-SUBSTRING.
 */
#ifndef EB_UNIT_H
#define EB_UNIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct unit_test {
    const char *name;
    const char *file;
    void (*fn)(void);
};

void unit_register(const struct unit_test *t);
void unit_fail(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Set by REQUIRE_* to end the current test. */
extern bool unit_abort_test;
/* Folder of test data: tests/ of the source tree (set from the runner's argv[0] or UNIT_DATA). */
const char *unit_data_dir(void);

#define TEST(name)                                                                                 \
    static void test_##name(void);                                                                 \
    static const struct unit_test s_unit_##name = {#name, __FILE__, test_##name};                  \
    __attribute__((constructor)) static void s_register_##name(void)                               \
    {                                                                                              \
        unit_register(&s_unit_##name);                                                             \
    }                                                                                              \
    static void test_##name(void)

#define EXPECT(cond)                                                                               \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            unit_fail(__FILE__, __LINE__, "expected %s", #cond);                                   \
        }                                                                                          \
    } while (0)

#define EXPECT_INT(a, b)                                                                           \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        if (a_ != b_) {                                                                            \
            unit_fail(__FILE__, __LINE__, "%s == %lld, expected %lld (%s)", #a, a_, b_, #b);       \
        }                                                                                          \
    } while (0)

#define EXPECT_STR(a, b)                                                                           \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                                   \
            unit_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", #a, a_ ? a_ : "(null)",  \
                      b_ ? b_ : "(null)");                                                         \
        }                                                                                          \
    } while (0)

#define EXPECT_CONTAINS(hay, needle)                                                               \
    do {                                                                                           \
        const char *h_ = (hay), *n_ = (needle);                                                    \
        if (!h_ || !strstr(h_, n_)) {                                                              \
            unit_fail(__FILE__, __LINE__, "%s == \"%s\" does not contain \"%s\"", #hay,             \
                      h_ ? h_ : "(null)", n_);                                                     \
        }                                                                                          \
    } while (0)

#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            unit_fail(__FILE__, __LINE__, "required %s", #cond);                                   \
            unit_abort_test = true;                                                                \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#endif
