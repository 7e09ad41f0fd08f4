/* Time text: see timefmt.h. */
#include "timefmt.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void
s_gmtime(int64_t epoch_ms, struct tm *tm)
{
    time_t t = (time_t)(epoch_ms >= 0 ? epoch_ms / 1000 : (epoch_ms - 999) / 1000);
    gmtime_r(&t, tm);
}

char *
timefmt_rfc3339(char *out, size_t size, int64_t epoch_ms)
{
    struct tm tm;
    s_gmtime(epoch_ms, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return out;
}

char *
timefmt_rfc3339_ms(char *out, size_t size, int64_t epoch_ms)
{
    struct tm tm;
    s_gmtime(epoch_ms, &tm);
    int ms = (int)(((epoch_ms % 1000) + 1000) % 1000);
    snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
    return out;
}

char *
timefmt_logstamp(char *out, size_t size, int64_t epoch_ms)
{
    struct tm tm;
    s_gmtime(epoch_ms, &tm);
    strftime(out, size, "%Y-%m-%d %H:%M:%S", &tm);
    return out;
}

char *
timefmt_amzdate(char out[17], int64_t epoch_ms)
{
    struct tm tm;
    s_gmtime(epoch_ms, &tm);
    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
    return out;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t
s_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int
s_digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i])) {
            return -1;
        }
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

int
timefmt_parse_rfc3339(const char *s, int64_t *out_ms)
{
    int y, mo, d, h, mi, sec, ms = 0;
    const char *p = s;
    if (s_digits(&p, 4, &y) || *p++ != '-' || s_digits(&p, 2, &mo) || *p++ != '-' ||
        s_digits(&p, 2, &d) || (*p != 'T' && *p != 't' && *p != ' ')) {
        return -1;
    }
    p++;
    if (s_digits(&p, 2, &h) || *p++ != ':' || s_digits(&p, 2, &mi) || *p++ != ':' ||
        s_digits(&p, 2, &sec)) {
        return -1;
    }
    if (*p == '.') {
        p++;
        int scale = 100, n = 0;
        while (isdigit((unsigned char)*p)) {
            if (n < 3) {
                ms += (*p - '0') * scale;
                scale /= 10;
            }
            n++;
            p++;
        }
        if (n == 0) {
            return -1;
        }
    }
    int offset_min = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1, oh, om;
        p++;
        if (s_digits(&p, 2, &oh) || *p++ != ':' || s_digits(&p, 2, &om)) {
            return -1;
        }
        offset_min = sign * (oh * 60 + om);
    } else if (*p != '\0') {
        return -1;
    }
    if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) {
        return -1;
    }
    int64_t days = s_days_from_civil(y, mo, d);
    int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - (int64_t)offset_min * 60;
    *out_ms = secs * 1000 + ms;
    return 0;
}

int
timefmt_parse_http_date(const char *s, int64_t *out_ms)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    const char *p = strchr(s, ',');
    p = p ? p + 1 : s;
    while (*p == ' ') {
        p++;
    }
    int d, y, h, mi, sec;
    if (s_digits(&p, 2, &d) || *p++ != ' ') {
        return -1;
    }
    const char *m = strstr(months, (char[4]){p[0], p[1] ? p[1] : 'x', p[1] && p[2] ? p[2] : 'x', 0});
    if (!m || (m - months) % 3 != 0) {
        return -1;
    }
    int mo = (int)(m - months) / 3 + 1;
    p += 3;
    if (*p++ != ' ' || s_digits(&p, 4, &y) || *p++ != ' ' || s_digits(&p, 2, &h) || *p++ != ':' ||
        s_digits(&p, 2, &mi) || *p++ != ':' || s_digits(&p, 2, &sec)) {
        return -1;
    }
    *out_ms = (s_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) * 1000;
    return 0;
}
