/*
 * What `run` shows on stderr while a job runs (SPEC §2): on a terminal, one
 * live summary line redrawn with "\r" (notable changes printed above it);
 * elsewhere one line per state change; with --log-format json, one JSON object
 * per line (log_event). Never writes to stdout, which holds the task's log.
 */
#ifndef EB_REPORT_PROGRESS_H
#define EB_REPORT_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

#include "report/result.h"
#include "util/log.h"

enum progress_mode {
    PROGRESS_TTY,   /* live line + warnings above it */
    PROGRESS_LINES, /* one text line per change */
    PROGRESS_JSON,  /* one JSON object per change */
};

struct progress;

/* f is the terminal stream (stderr) for PROGRESS_TTY; notes always go through log_event. */
struct progress *progress_new(FILE *f, enum progress_mode mode);
/* The mode for stderr: json when --log-format json, tty when stderr is a terminal. */
enum progress_mode progress_mode_for(int fd, enum log_format format);
void progress_free(struct progress *p);

/* A state change (an engine note). On a terminal only warnings and errors are printed. */
void progress_note(struct progress *p, enum log_level level, const char *event,
                   const char *fields_json, const char *msg);
/* Redraw the live line from r (terminal only; at most when its text changes). */
void progress_update(struct progress *p, const struct job_report *r, int64_t now_ms);
/* End the live line so that what follows starts on a fresh line. */
void progress_finish(struct progress *p);

/* The summary text: "3 tasks: 1 pending, 1 running, 1 succeeded, 0 failed, 1 retry, 0:12 of 1:00:00". */
void progress_summary(const struct job_report *r, int64_t now_ms, char *out, size_t size);

#endif
