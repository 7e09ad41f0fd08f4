/*
 * The log format of SPEC §5 (the seed's): a "=== {stream} ===" header, a blank
 * line, then "[YYYY-MM-DD HH:MM:SS] message" lines in UTC. Used by every
 * backend's fetch_log. A log is capped (head kept) and very long lines are
 * cut, each with a visible note, so one noisy attempt cannot exhaust memory.
 */
#ifndef EB_REPORT_LOGFMT_H
#define EB_REPORT_LOGFMT_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define LOGFMT_DEFAULT_MAX (1024u * 1024u) /* bytes of formatted text per attempt's log */
#define LOGFMT_LINE_MAX 16384u             /* bytes of one message kept */

struct logfmt {
    struct eb_buf *out;     /* borrowed; the log is appended to it */
    size_t start_len;       /* out->len when the log began */
    size_t max_bytes;       /* cap on what this log adds to out */
    size_t dropped_lines;   /* lines not kept because of the cap */
    size_t dropped_bytes;   /* their message bytes */
};

/*
 * Begin a log in out: writes the "=== stream ===" header and the blank line.
 * max_bytes 0 = LOGFMT_DEFAULT_MAX. out must outlive f.
 */
void logfmt_begin(struct logfmt *f, struct eb_buf *out, const char *stream, size_t max_bytes);
/*
 * One message at ts_ms (epoch ms): "[stamp] text\n". A trailing "\n" or
 * "\r\n" is dropped; a message longer than LOGFMT_LINE_MAX is cut and says by
 * how much (cut_bytes: bytes the caller already dropped from this line).
 */
void logfmt_line(struct logfmt *f, int64_t ts_ms, const char *text, size_t len, size_t cut_bytes);
/* A line without a time stamp, e.g. "(no log stream ecs/main/abc: the task never started)". */
void logfmt_note(struct logfmt *f, const char *text);
/* Close the log: adds the truncation line when anything was dropped. */
void logfmt_end(struct logfmt *f);

#endif
