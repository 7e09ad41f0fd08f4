/*
 * Credentials: the chain of SPEC §6 (environment, web identity, shared files
 * with assume-role and credential_process profiles, container, IMDSv2), cached, refreshed before Expiration (aws-facts §4.6:
 * advisory at 15 min, mandatory at 10 min) or at once when AWS says the
 * token expired. The parsers are separate and pure, for tests and fuzzing.
 */
#ifndef EB_AWS_CREDS_H
#define EB_AWS_CREDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/clock.h"
#include "util/err.h"

struct creds {
    char *access_key;
    char *secret_key;
    char *token;        /* NULL when none */
    int64_t expires_ms; /* 0 = does not expire */
};

#define CREDS_ADVISORY_REFRESH_MS (15 * 60 * 1000)
#define CREDS_MANDATORY_REFRESH_MS (10 * 60 * 1000)

/* Wipe and free the strings; safe twice. */
void creds_cleanup(struct creds *c);

/*
 * Container credentials / IMDS JSON ({"AccessKeyId","SecretAccessKey","Token",
 * "Expiration"}; IMDS "Code" must be "Success" when present). EB_ERR_CREDENTIALS
 * naming the missing or bad field; out is filled only on success.
 */
EB_MUST_CHECK int creds_parse_json(const char *body, size_t len, struct creds *out,
                                   struct eb_error *err);
/* STS AssumeRoleWithWebIdentity or AssumeRole answer (…Result/Credentials/{AccessKeyId,…}). */
EB_MUST_CHECK int creds_parse_sts_xml(const char *body, size_t len, struct creds *out,
                                      struct eb_error *err);
/*
 * The JSON a credential_process prints: {"Version": 1, "AccessKeyId", "SecretAccessKey",
 * "SessionToken" (optional), "Expiration" (optional, RFC 3339)}. EB_ERR_CREDENTIALS
 * "profile PROFILE: credential_process output ..." naming the bad or missing field (never
 * a secret value); out is filled only on success.
 */
EB_MUST_CHECK int creds_parse_process_json(const char *body, size_t len, const char *profile,
                                           struct creds *out, struct eb_error *err);
/*
 * Whether AWS_CONTAINER_CREDENTIALS_FULL_URI may be used (aws-facts §4.2): https
 * anywhere; http only to loopback (127.0.0.0/8, ::1, localhost), 169.254.170.2,
 * 169.254.170.23 or fd00:ec2::23 (literals; names other than localhost are refused).
 */
bool creds_full_uri_allowed(const char *url);

struct creds_chain;

struct creds_chain_options {
    const struct eb_clock *clock; /* required */
    const char *sts_url;          /* base URL of STS for web identity (copied) */
};

/* Create an empty chain; nothing is resolved until creds_chain_get. */
EB_MUST_CHECK int creds_chain_new(const struct creds_chain_options *o, struct creds_chain **out,
                                  struct eb_error *err);
void creds_chain_free(struct creds_chain *ch);
/* Change the STS base URL (the region became known). */
void creds_chain_set_sts_url(struct creds_chain *ch, const char *sts_url);
/*
 * Current credentials, resolved on first use and refreshed when they near expiry;
 * force refreshes now (after an expired-token answer). *out is borrowed until the
 * next call. EB_ERR_CREDENTIALS with a message saying which source failed and why,
 * or that none was found (listing what was tried).
 */
EB_MUST_CHECK int creds_chain_get(struct creds_chain *ch, bool force, const struct creds **out,
                                  struct eb_error *err);
/* "environment", "web-identity", "profile:NAME", "container", "imds", or NULL. */
const char *creds_chain_source(const struct creds_chain *ch);

#endif
