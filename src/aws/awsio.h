/*
 * The AWS client core's local inputs, shared by creds.c, profile.c, http.c and
 * call.c: environment variables that count only when set and non-empty,
 * bounded whole-file reads (tokens, shared files, CA bundles), wiping secrets,
 * and running a credential_process command (word split, no shell).
 */
#ifndef EB_AWS_AWSIO_H
#define EB_AWS_AWSIO_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

/* getenv(name), or NULL when it is unset or empty. Borrowed from the environment. */
const char *awsio_env(const char *name);

/*
 * Read the whole file at path into *out (malloc'd, NUL-terminated; the caller
 * frees it) and *out_len. Messages read "<what> <path>: <reason>":
 * EB_ERR_IO when it cannot be opened (reason: strerror) or a read fails
 * ("read error"), EB_ERR_INVALID when it holds more than max bytes ("larger
 * than N KiB/MiB"). With missing_ok, a file that does not exist (ENOENT,
 * ENOTDIR) is no error: EB_OK with *out NULL, err untouched.
 */
EB_MUST_CHECK int awsio_file_read(const char *path, const char *what, size_t max, bool missing_ok,
                                  char **out, size_t *out_len, struct eb_error *err);

/* Zero the string *p, free it and set *p to NULL; nothing when *p is NULL. */
void awsio_secret_free(char **p);

/*
 * Split cmd into words the way the SDKs split credential_process (POSIX shlex.split):
 * blanks separate words; '...' is literal; inside "..." a backslash escapes only '"'
 * and '\\'; outside quotes a backslash escapes the next character. No expansion, no
 * comments. *out is a NULL-terminated vector (free with awsio_argv_free).
 * EB_ERR_INVALID: "no closing quotation", "nothing after a backslash", "no command".
 */
EB_MUST_CHECK int awsio_split_words(const char *cmd, char ***out, struct eb_error *err);
void awsio_argv_free(char **argv);

/*
 * Run argv (execvp's PATH search, no shell) with stdin from /dev/null, stderr
 * inherited and stdout captured into *out (malloc'd, NUL-terminated, *out_len).
 * timeout_ms 0 waits forever. *exit_code is the exit status, or 128+signal.
 * Errors (the child is killed and reaped first): EB_ERR_IO "cannot run NAME: reason",
 * EB_ERR_INVALID "output larger than N bytes", EB_ERR_TIMEOUT "did not finish within N ms".
 */
EB_MUST_CHECK int awsio_run_capture(char *const *argv, size_t max, long timeout_ms, char **out,
                                    size_t *out_len, int *exit_code, struct eb_error *err);

#endif
