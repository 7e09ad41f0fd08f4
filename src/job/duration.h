/*
 * Durations of the catalogue and the job (SPEC §3): "30s", "45m", "1h",
 * "2h15m30s", "3600s", "20ms": integer counts with units h, m, s, ms, each
 * unit at most once and from the largest to the smallest. Nothing else.
 */
#ifndef EB_JOB_DURATION_H
#define EB_JOB_DURATION_H

#include <stddef.h>
#include <stdint.h>

/* The longest duration accepted: 100 years, far beyond any ECS task. */
#define DURATION_MAX_MS ((int64_t)100 * 365 * 24 * 3600 * 1000)

/*
 * Parse text into milliseconds. Returns 0, or -1 when text is NULL, empty,
 * has a sign, a space, a fraction, an unknown or repeated unit, units out of
 * order, or exceeds DURATION_MAX_MS. *out_ms is set only on success.
 */
int duration_parse(const char *text, int64_t *out_ms);

/* The shortest text duration_parse reads back as ms ("1h", "2h15m30s", "50ms", "0s"). Returns out. */
char *duration_format(char *out, size_t size, int64_t ms);

/* What a bad duration is told with, after its quoted text. */
#define DURATION_HINT "is not a duration (integer counts of units h, m, s, ms, e.g. \"30s\", \"2h15m30s\")"

#endif
