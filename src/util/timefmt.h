/*
 * Time text: RFC 3339 UTC (result documents, ECSBATCH_DEADLINE), the log
 * line stamp "YYYY-MM-DD HH:MM:SS", SigV4's amz-date, and parsing of the
 * RFC 3339 / ISO 8601 stamps AWS returns (credential Expiration, metadata).
 */
#ifndef EB_TIMEFMT_H
#define EB_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* "2026-11-22T10:00:00Z" (seconds precision). Returns out. */
char *timefmt_rfc3339(char *out, size_t size, int64_t epoch_ms);
/* "2026-11-22T10:00:00.123Z". */
char *timefmt_rfc3339_ms(char *out, size_t size, int64_t epoch_ms);
/* "2026-11-22 10:00:00" (UTC), the log line stamp of SPEC §5. */
char *timefmt_logstamp(char *out, size_t size, int64_t epoch_ms);
/* "20150830T123600Z" into out[17]. */
char *timefmt_amzdate(char out[17], int64_t epoch_ms);
/*
 * Parse "YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]" (also with a space for T).
 * Returns 0 and the epoch ms, or -1.
 */
int timefmt_parse_rfc3339(const char *s, int64_t *out_ms);
/* Parse an HTTP Date header ("Sun, 30 Aug 2015 12:36:00 GMT"). */
int timefmt_parse_http_date(const char *s, int64_t *out_ms);

#endif
