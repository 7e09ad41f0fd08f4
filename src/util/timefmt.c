/* Time text: see timefmt.h. */
#include "timefmt.h"

#include <ctype.h>
#include <string.h>
#include <time.h>

/*
 * epoch_ms as UTC in `layout`: Y is the 4-digit year, m d H M S two digits each, f the
 * milliseconds; any other character stands for itself. Faster than strftime, which
 * status documents call thousands of times a second.
 */
static char *
s_format(char *out, size_t size, int64_t epoch_ms, const char *layout)
{
    int64_t secs = epoch_ms >= 0 ? epoch_ms / 1000 : (epoch_ms - 999) / 1000;
    time_t t = (time_t)secs;
    struct tm tm;
    gmtime_r(&t, &tm);
    size_t n = 0;
    for (const char *l = layout; *l && size > 0 && n < size - 1; l++) {
        int v;
        size_t width = 2;
        switch (*l) {
        case 'Y':
            v = tm.tm_year + 1900;
            width = 4;
            break;
        case 'm':
            v = tm.tm_mon + 1;
            break;
        case 'd':
            v = tm.tm_mday;
            break;
        case 'H':
            v = tm.tm_hour;
            break;
        case 'M':
            v = tm.tm_min;
            break;
        case 'S':
            v = tm.tm_sec;
            break;
        case 'f':
            v = (int)(epoch_ms - secs * 1000);
            width = 3;
            break;
        default:
            out[n++] = *l;
            continue;
        }
        char digits[4] = {0};
        for (size_t i = width; i > 0; i--) {
            digits[i - 1] = (char)('0' + v % 10);
            v /= 10;
        }
        for (size_t i = 0; i < width && n < size - 1; i++) {
            out[n++] = digits[i];
        }
    }
    if (size > 0) {
        out[n] = '\0';
    }
    return out;
}

char *
timefmt_rfc3339(char *out, size_t size, int64_t epoch_ms)
{
    return s_format(out, size, epoch_ms, "Y-m-dTH:M:SZ");
}

char *
timefmt_rfc3339_ms(char *out, size_t size, int64_t epoch_ms)
{
    return s_format(out, size, epoch_ms, "Y-m-dTH:M:S.fZ");
}

char *
timefmt_logstamp(char *out, size_t size, int64_t epoch_ms)
{
    return s_format(out, size, epoch_ms, "Y-m-d H:M:S");
}

char *
timefmt_amzdate(char out[17], int64_t epoch_ms)
{
    return s_format(out, 17, epoch_ms, "YmdTHMSZ");
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
