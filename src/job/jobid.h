/*
 * Job ids (SPEC §2): [A-Za-z0-9_-]{1,64}; when neither --job-id nor the
 * document gives one, a generated one.
 */
#ifndef EB_JOB_JOBID_H
#define EB_JOB_JOBID_H

#include <stdbool.h>

#define JOBID_MAX 64
#define JOBID_GENERATED_LEN 12

/* True when id is 1..64 characters of [A-Za-z0-9_-]. */
bool jobid_is_valid(const char *id);

/*
 * A fresh id: 12 characters of lowercase RFC 4648 base32 ([a-z2-7], 60 bits)
 * from the getrandom system call; if that fails, from the time, the pid and a
 * counter mixed through SHA-256. Written into out (13 bytes with the NUL).
 */
void jobid_generate(char out[JOBID_GENERATED_LEN + 1]);

/*
 * The job id of an idempotency key (ECSBATCH_JOB_KEY, e.g. an EventBridge Scheduler
 * "<aws.scheduler.schedule-arn>@<aws.scheduler.scheduled-time>", which is no valid id):
 * the key's last 40 characters with every run of other characters as one '-', then
 * '-' and 16 hex digits of its SHA-256. The same key always gives the same id.
 */
void jobid_from_key(const char *key, char out[JOBID_MAX + 1]);

#endif
