/*
 * The shared credentials and config files (aws-facts §4.5): a hand parser for
 * their INI dialect, and the settings of one profile merged from both files
 * (credentials file first for keys), and the chain of profiles an assume-role
 * profile leads through (source_profile). Paths from AWS_SHARED_CREDENTIALS_FILE,
 * AWS_CONFIG_FILE, profile from AWS_PROFILE / AWS_DEFAULT_PROFILE.
 */
#ifndef EB_AWS_PROFILE_H
#define EB_AWS_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

struct ini;

/*
 * Parse INI text: "[section]" headers, "key = value" lines, '#'/';' comment lines,
 * indented lines under a key with an empty value are that key's sub-settings
 * (ignored). EB_ERR_INVALID names the line of anything else. what names the
 * file in messages.
 */
EB_MUST_CHECK int ini_parse(const char *text, size_t len, const char *what, struct ini **out,
                            struct eb_error *err);
void ini_free(struct ini *ini);
/* The value of key in section (exact names), or NULL. Borrowed from ini. */
const char *ini_get(const struct ini *ini, const char *section, const char *key);
bool ini_has_section(const struct ini *ini, const char *section);

struct profile {
    char *name;          /* the profile used ("default" unless chosen) */
    bool chosen;         /* AWS_PROFILE (or AWS_DEFAULT_PROFILE) named it */
    bool found;          /* a section for it exists in either file */
    char *region;
    char *endpoint_url;
    char *max_attempts;
    char *access_key;    /* aws_access_key_id */
    char *secret_key;    /* aws_secret_access_key */
    char *session_token; /* aws_session_token */
    char *role_arn;
    char *source_profile;
    char *credential_source;
    char *credential_process;
    char *web_identity_token_file;
    char *role_session_name;
    char *external_id;
    char *duration_seconds;
    char *mfa_serial;
    char *sts_regional_endpoints;
    char *where;         /* "credentials file PATH" or "config file PATH": where the keys were */
};

/*
 * Merge profile name's settings from the two texts (either may be NULL).
 * credentials file sections are "[name]"; config file sections are "[profile name]",
 * or "[default]". Errors: EB_ERR_INVALID from ini_parse.
 */
EB_MUST_CHECK int profile_parse(const char *cred_text, size_t cred_len, const char *cred_path,
                                const char *config_text, size_t config_len,
                                const char *config_path, const char *name, struct profile *out,
                                struct eb_error *err);
/*
 * Read the files the environment names (defaults ~/.aws/credentials, ~/.aws/config;
 * missing files are no error) and merge the chosen profile. EB_ERR_INVALID on a
 * file that does not parse, EB_ERR_IO on one that cannot be read.
 */
EB_MUST_CHECK int profile_load(struct profile *out, struct eb_error *err);
void profile_cleanup(struct profile *p);

/* What gives a profile's credentials. */
enum profile_kind {
    PROFILE_KIND_NONE,         /* nothing: no credentials in this profile */
    PROFILE_KIND_KEYS,         /* aws_access_key_id / aws_secret_access_key [/ token] */
    PROFILE_KIND_ASSUME_ROLE,  /* role_arn + source_profile or credential_source */
    PROFILE_KIND_WEB_IDENTITY, /* role_arn + web_identity_token_file */
    PROFILE_KIND_PROCESS,      /* credential_process */
};

/* The longest source_profile chain followed (botocore has no limit; loops are caught too). */
#define PROFILE_MAX_CHAIN 8
#define PROFILE_DURATION_MIN 900
#define PROFILE_DURATION_MAX 43200

/*
 * Which source p's settings select, in botocore's order. The chosen profile
 * (as_source false): role_arn without web_identity_token_file (assume role), role_arn
 * with web_identity_token_file, keys from the credentials file, credential_process,
 * keys from the config file. A source_profile (as_source true): static keys first (its
 * role_arn is then not used, which is how a profile may name itself as its source),
 * then assume role, web identity, credential_process. Errors, EB_ERR_CREDENTIALS
 * naming the profile: role_arn with neither or both of source_profile and
 * credential_source, a credential_source other than Environment, EcsContainer,
 * Ec2InstanceMetadata, mfa_serial (no prompt in a batch launcher), duration_seconds
 * not a whole number 900..43200, aws_access_key_id without aws_secret_access_key.
 */
EB_MUST_CHECK int profile_kind_of(const struct profile *p, bool as_source, enum profile_kind *out,
                                  struct eb_error *err);

struct profile_plan {
    struct profile steps[PROFILE_MAX_CHAIN];
    enum profile_kind kinds[PROFILE_MAX_CHAIN];
    size_t n; /* >= 1 on success */
};

/*
 * The chain from profile name to a base source, from the two texts (as profile_parse):
 * steps[0] is name (with chosen/found as profile_load sets them when chosen is true);
 * each ASSUME_ROLE step with a source_profile is followed by that profile; the last step
 * is KEYS, PROCESS, WEB_IDENTITY, ASSUME_ROLE with credential_source, or NONE (only as
 * steps[0]: the profile has no credentials). Errors: those of profile_kind_of, and
 * EB_ERR_CREDENTIALS for a source_profile that is in neither file, a loop (the message
 * shows it: "a -> b -> a") or a chain longer than PROFILE_MAX_CHAIN; EB_ERR_INVALID
 * from ini_parse. out is cleaned on error.
 */
EB_MUST_CHECK int profile_plan_parse(const char *cred_text, size_t cred_len,
                                     const char *cred_path, const char *config_text,
                                     size_t config_len, const char *config_path,
                                     const char *name, bool chosen, struct profile_plan *out,
                                     struct eb_error *err);
/* profile_plan_parse of the files and profile profile_load uses; its errors too. */
EB_MUST_CHECK int profile_plan_load(struct profile_plan *out, struct eb_error *err);
void profile_plan_cleanup(struct profile_plan *pl);

#endif
