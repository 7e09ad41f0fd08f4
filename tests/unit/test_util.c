/* Unit tests of src/util. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/jsonarena.h"
#include "util/jsonx.h"
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

TEST(jsonarena_trees)
{
    static const char a_text[] = "{\"tasks\":[{\"taskArn\":\"arn:a\",\"n\":1},{\"taskArn\":\"arn:b\"}]}";
    cJSON *a = jsonarena_parse(a_text, sizeof a_text - 1);
    REQUIRE(a != NULL);
    /* a second tree alive at once, and cJSON's own allocator back between parses */
    cJSON *b = jsonarena_parse("[1, \"two\", {\"three\": 3}]", 24);
    REQUIRE(b != NULL);
    cJSON *own = cJSON_CreateString("heap");
    EXPECT_STR(own->valuestring, "heap");
    cJSON_Delete(own);
    const cJSON *tasks = cJSON_GetObjectItemCaseSensitive(a, "tasks");
    EXPECT_INT(cJSON_GetArraySize(tasks), 2);
    EXPECT_STR(jsonx_str(cJSON_GetArrayItem(tasks, 1), "taskArn"), "arn:b");
    EXPECT_STR(cJSON_GetArrayItem(b, 1)->valuestring, "two");
    jsonarena_free(a);
    EXPECT_INT(cJSON_GetArrayItem(b, 0)->valueint, 1);
    jsonarena_free(b);
    EXPECT(jsonarena_parse("{\"open\": [", 10) == NULL);
    EXPECT(jsonarena_parse(NULL, 0) == NULL);
    jsonarena_free(NULL);
    /* a node larger than a block */
    size_t big = 200 * 1024;
    char *text = malloc(big + 3);
    REQUIRE(text != NULL);
    text[0] = '"';
    memset(text + 1, 'x', big);
    text[big + 1] = '"';
    text[big + 2] = '\0';
    cJSON *s = jsonarena_parse(text, big + 2);
    REQUIRE(s != NULL);
    EXPECT_INT(strlen(s->valuestring), big);
    jsonarena_free(s);
    /* a short text whose tree outgrows its first block: 2,000 empty lists */
    size_t n = 0;
    text[n++] = '[';
    for (int i = 0; i < 2000; i++) {
        memcpy(text + n, i ? ",[]" : "[]", i ? 3 : 2);
        n += i ? 3 : 2;
    }
    text[n++] = ']';
    cJSON *lists = jsonarena_parse(text, n);
    REQUIRE(lists != NULL);
    EXPECT_INT(cJSON_GetArraySize(lists), 2000);
    EXPECT(cJSON_IsArray(cJSON_GetArrayItem(lists, 1999)));
    jsonarena_free(lists);
    free(text);
}
