/*
 * Duration text ↔ milliseconds (SPEC §3). The grammar is deliberately small:
 * what Heimdall's documents use and what a person reads without doubt.
 */
#include "job/duration.h"

#include <stdio.h>

#include "util/buf.h"

/* Units in the only order they may appear; "ms" is tried before "m". */
static const struct {
    const char *name;
    int64_t ms;
} s_units[] = {{"h", 3600000}, {"m", 60000}, {"s", 1000}, {"ms", 1}};

enum { S_NUNITS = sizeof s_units / sizeof s_units[0] };

int
duration_parse(const char *text, int64_t *out_ms)
{
    if (!text || !*text) {
        return -1;
    }
    const char *s = text;
    int64_t total = 0;
    size_t next_unit = 0; /* the first unit still allowed */
    while (*s) {
        if (*s < '0' || *s > '9') {
            return -1;
        }
        int64_t count = 0;
        while (*s >= '0' && *s <= '9') {
            if (count > DURATION_MAX_MS / 10) {
                return -1;
            }
            count = count * 10 + (*s - '0');
            s++;
        }
        size_t u;
        if (s[0] == 'm' && s[1] == 's') {
            u = 3;
        } else if (*s == 'h') {
            u = 0;
        } else if (*s == 'm') {
            u = 1;
        } else if (*s == 's') {
            u = 2;
        } else {
            return -1; /* no unit, or an unknown one */
        }
        if (u < next_unit) {
            return -1; /* repeated or out of order */
        }
        next_unit = u + 1;
        s += u == 3 ? 2 : 1;
        if (count > (DURATION_MAX_MS - total) / s_units[u].ms) {
            return -1;
        }
        total += count * s_units[u].ms;
    }
    *out_ms = total;
    return 0;
}

char *
duration_format(char *out, size_t size, int64_t ms)
{
    struct eb_buf b = EB_BUF_INIT;
    if (ms <= 0) {
        (void)buf_puts(&b, ms == 0 ? "0s" : "?");
    }
    for (size_t u = 0; ms > 0 && u < S_NUNITS; u++) {
        int64_t n = ms / s_units[u].ms;
        if (n > 0) {
            (void)buf_printf(&b, "%lld%s", (long long)n, s_units[u].name);
            ms -= n * s_units[u].ms;
        }
    }
    snprintf(out, size, "%s", buf_cstr(&b));
    buf_cleanup(&b);
    return out;
}
