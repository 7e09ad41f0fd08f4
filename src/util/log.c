/* Diagnostics on stderr: see log.h. */
#include "log.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "buf.h"
#include "timefmt.h"

static enum log_level s_level = LOG_INFO;
static enum log_format s_format = LOG_TEXT;
static const char *const s_names[LOG__COUNT] = {"error", "warn", "info", "debug"};

void
log_setup(enum log_level level, enum log_format format)
{
    s_level = level;
    s_format = format;
}

enum log_level
log_get_level(void)
{
    return s_level;
}

enum log_format
log_get_format(void)
{
    return s_format;
}

bool
log_enabled(enum log_level level)
{
    return level <= s_level;
}

static void
s_emit(enum log_level level, const char *event, const char *fields_json, const char *fmt, va_list ap)
{
    struct eb_buf msg = EB_BUF_INIT;
    (void)buf_vprintf(&msg, fmt, ap);
    if (s_format == LOG_TEXT) {
        fprintf(stderr, "ecsbatch: %s%s%s\n", level <= LOG_WARN ? s_names[level] : "",
                level <= LOG_WARN ? ": " : "", buf_cstr(&msg));
    } else {
        cJSON *o = NULL;
        if (fields_json) {
            o = cJSON_Parse(fields_json);
        }
        if (!cJSON_IsObject(o)) {
            cJSON_Delete(o);
            o = cJSON_CreateObject();
        }
        char ts[40];
        timefmt_rfc3339_ms(ts, sizeof ts, (int64_t)time(NULL) * 1000);
        cJSON_AddItemToObject(o, "time", cJSON_CreateString(ts));
        cJSON_AddItemToObject(o, "level", cJSON_CreateString(s_names[level]));
        if (event) {
            cJSON_AddItemToObject(o, "event", cJSON_CreateString(event));
        }
        cJSON_AddItemToObject(o, "msg", cJSON_CreateString(buf_cstr(&msg)));
        char *text = cJSON_PrintUnformatted(o);
        if (text) {
            fprintf(stderr, "%s\n", text);
            cJSON_free(text);
        }
        cJSON_Delete(o);
    }
    fflush(stderr);
    buf_cleanup(&msg);
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
    if (!log_enabled(level)) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    s_emit(level, NULL, NULL, fmt, ap);
    va_end(ap);
}

void
log_event(enum log_level level, const char *event, const char *fields_json, const char *fmt, ...)
{
    if (!log_enabled(level)) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    s_emit(level, event, fields_json, fmt, ap);
    va_end(ap);
}

static bool
s_contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] && toupper((unsigned char)hay[i]) == needle[i]) {
            i++;
        }
        if (i == n) {
            return true;
        }
    }
    return false;
}

bool
log_is_secret_name(const char *name)
{
    static const char *const words[] = {"SECRET", "TOKEN", "PASSWORD", "KEY"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (s_contains_ci(name, words[i])) {
            return true;
        }
    }
    return false;
}
