/*
 * The shared credentials and config files (aws-facts §4.5): a hand parser for
 * their INI dialect, and the settings of one profile merged from both files
 * (credentials file first for keys). Paths from AWS_SHARED_CREDENTIALS_FILE,
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

#endif
