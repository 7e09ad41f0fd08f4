/*
 * SPEC §5 log text: see logfmt.h. The cap keeps the head of a log; the
 * closing truncation line says how much was left out, so a reader never
 * mistakes a capped log for a complete one.
 */
#include "logfmt.h"

#include <stdio.h>

#include "util/timefmt.h"

/* Room kept below the cap for the truncation line. */
#define S_TAIL_RESERVE 160u

void
logfmt_begin(struct logfmt *f, struct eb_buf *out, const char *stream, size_t max_bytes)
{
    f->out = out;
    f->start_len = out->len;
    f->max_bytes = max_bytes ? max_bytes : LOGFMT_DEFAULT_MAX;
    f->dropped_lines = 0;
    f->dropped_bytes = 0;
    (void)buf_printf(out, "=== %s ===\n\n", stream);
}

static size_t
s_used(const struct logfmt *f)
{
    return f->out->len - f->start_len;
}

void
logfmt_line(struct logfmt *f, int64_t ts_ms, const char *text, size_t len, size_t cut_bytes)
{
    if (len > 0 && text[len - 1] == '\n') {
        len--;
    }
    if (len > 0 && text[len - 1] == '\r') {
        len--;
    }
    size_t cut = cut_bytes;
    if (len > LOGFMT_LINE_MAX) {
        cut += len - LOGFMT_LINE_MAX;
        len = LOGFMT_LINE_MAX;
    }
    size_t need = len + 24 + (cut ? 48 : 0);
    if (f->dropped_lines > 0 || s_used(f) + need + S_TAIL_RESERVE > f->max_bytes) {
        f->dropped_lines++;
        f->dropped_bytes += len + cut;
        return;
    }
    char stamp[32];
    timefmt_logstamp(stamp, sizeof stamp, ts_ms);
    (void)buf_printf(f->out, "[%s] ", stamp);
    (void)buf_append(f->out, text, len);
    if (cut) {
        (void)buf_printf(f->out, " [... line cut: %zu more bytes]", cut);
    }
    (void)buf_putc(f->out, '\n');
}

void
logfmt_note(struct logfmt *f, const char *text)
{
    (void)buf_printf(f->out, "%s\n", text);
}

void
logfmt_end(struct logfmt *f)
{
    if (f->dropped_lines > 0) {
        (void)buf_printf(f->out,
                         "[... log truncated: %zu more lines (%zu bytes) not kept, limit %zu bytes ...]\n",
                         f->dropped_lines, f->dropped_bytes, f->max_bytes);
    }
}
