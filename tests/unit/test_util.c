/* Unit tests of src/util. */
#include <stdlib.h>

#include "unit.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/timefmt.h"

TEST(buf_grows_and_caps)
{
    struct eb_buf b;
    buf_init(&b, 8);
    EXPECT_INT(buf_puts(&b, "1234"), 0);
    EXPECT_INT(buf_printf(&b, "%d", 5678), 0);
    EXPECT_STR(buf_cstr(&b), "12345678");
    EXPECT_INT(buf_putc(&b, 'x'), -1);
    EXPECT_INT(b.len, 8);
    buf_cleanup(&b);
    buf_cleanup(&b);
    EXPECT_STR(buf_cstr(&b), "");
}

TEST(timefmt_round_trip)
{
    char s[40];
    EXPECT_STR(timefmt_rfc3339(s, sizeof s, 1440938160000), "2015-08-30T12:36:00Z");
    EXPECT_STR(timefmt_amzdate(s, 1440938160000), "20150830T123600Z");
    EXPECT_STR(timefmt_logstamp(s, sizeof s, 1699710323000), "2023-11-11 13:45:23");
    EXPECT_STR(timefmt_rfc3339_ms(s, sizeof s, 1440938160123), "2015-08-30T12:36:00.123Z");
    EXPECT_STR(timefmt_rfc3339_ms(s, sizeof s, -1), "1969-12-31T23:59:59.999Z");
    EXPECT_STR(timefmt_rfc3339(s, 8, 1440938160000), "2015-08"); /* truncated, terminated */
    EXPECT_STR(timefmt_rfc3339(s, 3, 1440938160000), "20");
    int64_t ms = 0;
    EXPECT_INT(timefmt_parse_rfc3339("2015-08-30T12:36:00Z", &ms), 0);
    EXPECT_INT(ms, 1440938160000);
    EXPECT_INT(timefmt_parse_rfc3339("2015-08-30T12:36:00.5Z", &ms), 0);
    EXPECT_INT(ms, 1440938160500);
    EXPECT_INT(timefmt_parse_rfc3339("2015-08-30T14:36:00+02:00", &ms), 0);
    EXPECT_INT(ms, 1440938160000);
    EXPECT_INT(timefmt_parse_rfc3339("2015-08-30", &ms), -1);
    EXPECT_INT(timefmt_parse_rfc3339("2015-13-30T12:36:00Z", &ms), -1);
    EXPECT_INT(timefmt_parse_http_date("Sun, 30 Aug 2015 12:36:00 GMT", &ms), 0);
    EXPECT_INT(ms, 1440938160000);
}

TEST(clock_fake_sleeps_instantly)
{
    struct clock_fake f;
    clock_fake_init(&f, 1000000);
    clock_sleep(&f.clock, 3600 * 1000);
    EXPECT_INT(clock_now(&f.clock), 1000000 + 3600 * 1000);
}

TEST(secret_names)
{
    EXPECT(log_is_secret_name("AWS_SECRET_ACCESS_KEY"));
    EXPECT(log_is_secret_name("db_password"));
    EXPECT(log_is_secret_name("GithubToken"));
    EXPECT(log_is_secret_name("API_KEY"));
    EXPECT(!log_is_secret_name("DATA_SOURCE"));
    EXPECT(!log_is_secret_name("TASK_NAME"));
}
