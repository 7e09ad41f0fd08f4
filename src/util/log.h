/*
 * The launcher's own diagnostics, on stderr: text ("ecsbatch: level: msg")
 * or JSON lines ({"time":…,"level":…,"msg":…,…}), chosen by --log-format /
 * ECSBATCH_LOG_FORMAT. Nothing secret is ever passed here; log_is_secret_name
 * tells which environment variable names must have their values masked.
 */
#ifndef EB_LOG_H
#define EB_LOG_H

#include <stdbool.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG, LOG__COUNT };
enum log_format { LOG_TEXT, LOG_JSON };

void log_setup(enum log_level level, enum log_format format);
enum log_level log_get_level(void);
enum log_format log_get_format(void);
bool log_enabled(enum log_level level);

/* One diagnostic line. */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * A structured event: in JSON mode, the object {"time","level","event",<fields>}
 * where fields_json is a JSON object text whose members are merged in (may be NULL);
 * in text mode, "ecsbatch: <msg>".
 */
void log_event(enum log_level level, const char *event, const char *fields_json, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/* SPEC §6: names containing SECRET, TOKEN, PASSWORD or KEY (any case). */
bool log_is_secret_name(const char *name);
/* The text printed in place of a secret value. */
#define LOG_MASK "****"

#endif
