/*
 * Durations of SPEC §3 (src/job/duration.c): the accepted forms, every kind
 * of bad text, and formatting back.
 */
#include "job/duration.h"
#include "unit.h"

TEST(job_duration_table)
{
    static const struct {
        const char *text;
        int ok;
        int64_t ms;
    } rows[] = {
        {"30s", 1, 30000},
        {"45m", 1, 2700000},
        {"1h", 1, 3600000},
        {"2h15m30s", 1, 8130000},
        {"3600s", 1, 3600000},
        {"20ms", 1, 20},
        {"1m30s", 1, 90000},
        {"1h500ms", 1, 3600500},
        {"0s", 1, 0},
        {"15s", 1, 15000},
        {"2h30m", 1, 9000000},
        {"90m", 1, 5400000},
        /* bad rows */
        {"", 0, 0},
        {"30", 0, 0},
        {"s", 0, 0},
        {"90x", 0, 0},
        {"1.5h", 0, 0},
        {"-5s", 0, 0},
        {"+5s", 0, 0},
        {" 5s", 0, 0},
        {"5s ", 0, 0},
        {"5 s", 0, 0},
        {"1s1h", 0, 0},
        {"1h1h", 0, 0},
        {"1ms1s", 0, 0},
        {"5S", 0, 0},
        {"5sec", 0, 0},
        {"1d", 0, 0},
        {"10us", 0, 0},
        {"99999999999999999999h", 0, 0},
        {"3000000000h", 0, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int64_t ms = -7;
        int rc = duration_parse(rows[i].text, &ms);
        if (rows[i].ok) {
            EXPECT_INT(rc, 0);
            EXPECT_INT(ms, rows[i].ms);
        } else {
            EXPECT_INT(rc, -1);
            EXPECT_INT(ms, -7);
            if (rc == 0) {
                fprintf(stderr, "accepted bad duration \"%s\"\n", rows[i].text);
            }
        }
    }
    int64_t ms;
    EXPECT_INT(duration_parse(NULL, &ms), -1);
}

TEST(job_duration_format)
{
    static const struct {
        int64_t ms;
        const char *text;
    } rows[] = {{0, "0s"}, {20, "20ms"}, {30000, "30s"}, {3600000, "1h"},
                {8130000, "2h15m30s"}, {3600500, "1h500ms"}, {90000, "1m30s"}};
    char buf[48];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        EXPECT_STR(duration_format(buf, sizeof buf, rows[i].ms), rows[i].text);
        int64_t back = -1;
        EXPECT_INT(duration_parse(buf, &back), 0);
        EXPECT_INT(back, rows[i].ms);
    }
}
