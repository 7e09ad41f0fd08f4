/*
 * Live progress on stderr: see progress.h. The terminal line is cleared
 * ("\r\033[K") before anything else is printed, then redrawn, so notes and
 * the line never mix.
 */
#include "progress.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/xalloc.h"

struct progress {
    FILE *f;
    enum progress_mode mode;
    bool drawn;        /* the live line is on screen */
    char last[256];    /* its text */
};

struct progress *
progress_new(FILE *f, enum progress_mode mode)
{
    struct progress *p = xcalloc(1, sizeof *p);
    p->f = f ? f : stderr;
    p->mode = mode;
    return p;
}

enum progress_mode
progress_mode_for(int fd, enum log_format format)
{
    if (format == LOG_JSON) {
        return PROGRESS_JSON;
    }
    return isatty(fd) ? PROGRESS_TTY : PROGRESS_LINES;
}

void
progress_free(struct progress *p)
{
    if (p) {
        progress_finish(p);
        free(p);
    }
}

static void
s_clear(struct progress *p)
{
    if (p->drawn) {
        fputs("\r\033[K", p->f);
        fflush(p->f);
        p->drawn = false;
    }
}

void
progress_note(struct progress *p, enum log_level level, const char *event, const char *fields_json,
              const char *msg)
{
    if (!p) {
        return;
    }
    if (p->mode == PROGRESS_TTY) {
        if (level > LOG_WARN || !log_enabled(level)) {
            return;
        }
        s_clear(p);
        log_event(level, event, fields_json, "%s", msg);
        if (p->last[0]) {
            fprintf(p->f, "%s", p->last);
            fflush(p->f);
            p->drawn = true;
        }
        return;
    }
    log_event(level, event, fields_json, "%s", msg);
}

static void
s_duration(char *out, size_t size, int64_t ms)
{
    int64_t s = ms / 1000;
    if (s >= 3600) {
        snprintf(out, size, "%" PRId64 ":%02d:%02d", s / 3600, (int)(s / 60 % 60), (int)(s % 60));
    } else {
        snprintf(out, size, "%d:%02d", (int)(s / 60), (int)(s % 60));
    }
}

void
progress_summary(const struct job_report *r, int64_t now_ms, char *out, size_t size)
{
    struct report_counts c;
    job_report_count(r, &c);
    char el[32], to[32];
    s_duration(el, sizeof el, now_ms > r->started_at_ms ? now_ms - r->started_at_ms : 0);
    s_duration(to, sizeof to, r->timeout_ms);
    char stopped[32] = "";
    if (c.ended > 0) {
        snprintf(stopped, sizeof stopped, ", %d stopped", c.ended);
    }
    snprintf(out, size,
             "job %s: %d task%s: %d pending, %d running, %d succeeded, %d failed%s, %d retr%s, "
             "%s of %s",
             r->job_id ? r->job_id : "?", c.tasks, c.tasks == 1 ? "" : "s",
             c.pending + c.retrying, c.running, c.succeeded, c.failed, stopped, c.retries,
             c.retries == 1 ? "y" : "ies", el, to);
}

void
progress_update(struct progress *p, const struct job_report *r, int64_t now_ms)
{
    if (!p || p->mode != PROGRESS_TTY || !log_enabled(LOG_INFO)) {
        return;
    }
    char line[256];
    int n = snprintf(line, sizeof line, "ecsbatch: ");
    progress_summary(r, now_ms, line + n, sizeof line - (size_t)n);
    if (p->drawn && strcmp(line, p->last) == 0) {
        return;
    }
    snprintf(p->last, sizeof p->last, "%s", line);
    fprintf(p->f, "\r\033[K%s", line);
    fflush(p->f);
    p->drawn = true;
}

void
progress_finish(struct progress *p)
{
    if (p && p->drawn) {
        fputc('\n', p->f);
        fflush(p->f);
        p->drawn = false;
        p->last[0] = '\0';
    }
}
