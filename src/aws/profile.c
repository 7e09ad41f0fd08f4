/*
 * Shared credentials/config files. There is no INI library in the build, so
 * this is a small hand parser of the subset botocore accepts in practice;
 * values are kept verbatim (no inline comments, no interpolation).
 */
#include "aws/profile.h"

#include <stdlib.h>
#include <string.h>

#include <mbedtls/platform_util.h>

#include "aws/awsio.h"
#include "util/xalloc.h"

/* The shared files are small; a larger one is refused (missing ones are no error). */
#define S_MAX_FILE (4u * 1024u * 1024u)

struct s_entry {
    char *section;
    char *key;
    char *value;
};

struct ini {
    struct s_entry *entries;
    size_t n, cap;
    char **sections;
    size_t nsec, capsec;
};

static bool
s_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static char *
s_trimdup(const char *s, size_t n)
{
    while (n > 0 && s_space(*s)) {
        s++;
        n--;
    }
    while (n > 0 && s_space(s[n - 1])) {
        n--;
    }
    return xstrndup(s, n);
}

void
ini_free(struct ini *ini)
{
    if (!ini) {
        return;
    }
    for (size_t i = 0; i < ini->n; i++) {
        free(ini->entries[i].section);
        free(ini->entries[i].key);
        awsio_secret_free(&ini->entries[i].value);
    }
    for (size_t i = 0; i < ini->nsec; i++) {
        free(ini->sections[i]);
    }
    free(ini->entries);
    free(ini->sections);
    free(ini);
}

int
ini_parse(const char *text, size_t len, const char *what, struct ini **out, struct eb_error *err)
{
    struct ini *ini = xcalloc(1, sizeof *ini);
    char *section = NULL;
    bool nested = false; /* the last key had an empty value: indented lines are its sub-settings */
    size_t lineno = 0;
    size_t i = 0;
    int rc = EB_OK;
    *out = NULL;
    while (i < len) {
        size_t start = i;
        while (i < len && text[i] != '\n') {
            i++;
        }
        size_t n = i - start;
        const char *line = text + start;
        if (i < len) {
            i++;
        }
        lineno++;
        if (memchr(line, '\0', n)) {
            rc = err_set(err, EB_ERR_INVALID, "%s line %zu: NUL byte", what, lineno);
            goto out;
        }
        size_t k = 0;
        while (k < n && s_space(line[k])) {
            k++;
        }
        if (k == n || line[k] == '#' || line[k] == ';') {
            continue;
        }
        if (k > 0 && nested) {
            continue;
        }
        if (line[k] == '[') {
            const char *close = memchr(line + k, ']', n - k);
            if (!close) {
                rc = err_set(err, EB_ERR_INVALID, "%s line %zu: section header without ']'",
                             what, lineno);
                goto out;
            }
            free(section);
            section = s_trimdup(line + k + 1, (size_t)(close - line - k - 1));
            nested = false;
            if (ini->nsec == ini->capsec) {
                ini->capsec = ini->capsec ? 2 * ini->capsec : 8;
                ini->sections = xrealloc(ini->sections, ini->capsec * sizeof *ini->sections);
            }
            ini->sections[ini->nsec++] = xstrdup(section);
            continue;
        }
        const char *eq = memchr(line + k, '=', n - k);
        if (!eq) {
            rc = err_set(err, EB_ERR_INVALID, "%s line %zu: expected 'key = value'", what, lineno);
            goto out;
        }
        if (!section) {
            rc = err_set(err, EB_ERR_INVALID, "%s line %zu: setting before any [section]", what,
                         lineno);
            goto out;
        }
        char *key = s_trimdup(line + k, (size_t)(eq - line - k));
        char *value = s_trimdup(eq + 1, (size_t)(line + n - eq - 1));
        nested = value[0] == '\0';
        if (ini->n == ini->cap) {
            ini->cap = ini->cap ? 2 * ini->cap : 16;
            ini->entries = xrealloc(ini->entries, ini->cap * sizeof *ini->entries);
        }
        ini->entries[ini->n].section = xstrdup(section);
        ini->entries[ini->n].key = key;
        ini->entries[ini->n].value = value;
        ini->n++;
    }
out:
    free(section);
    if (rc != EB_OK) {
        ini_free(ini);
        return rc;
    }
    *out = ini;
    return EB_OK;
}

const char *
ini_get(const struct ini *ini, const char *section, const char *key)
{
    const char *v = NULL;
    for (size_t i = 0; ini && i < ini->n; i++) {
        if (strcmp(ini->entries[i].section, section) == 0 && strcmp(ini->entries[i].key, key) == 0) {
            v = ini->entries[i].value; /* the last one wins, as configparser's merge */
        }
    }
    return v;
}

bool
ini_has_section(const struct ini *ini, const char *section)
{
    for (size_t i = 0; ini && i < ini->nsec; i++) {
        if (strcmp(ini->sections[i], section) == 0) {
            return true;
        }
    }
    return false;
}

static void
s_set(char **field, const char *value)
{
    if (!*field && value && value[0]) {
        *field = xstrdup(value);
    }
}

/*
 * The keys of section sec (may be NULL) of ini, when it has an access key id;
 * "<kind> file <path>" becomes out->where. False when it has none.
 */
static bool
s_take_keys(struct profile *out, const struct ini *ini, const char *sec, const char *kind,
            const char *path)
{
    if (!sec || !ini_get(ini, sec, "aws_access_key_id")) {
        return false;
    }
    s_set(&out->access_key, ini_get(ini, sec, "aws_access_key_id"));
    s_set(&out->secret_key, ini_get(ini, sec, "aws_secret_access_key"));
    s_set(&out->session_token, ini_get(ini, sec, "aws_session_token"));
    out->where = xasprintf("%s file %s", kind, path);
    return true;
}

int
profile_parse(const char *cred_text, size_t cred_len, const char *cred_path,
              const char *config_text, size_t config_len, const char *config_path,
              const char *name, struct profile *out, struct eb_error *err)
{
    struct ini *cred = NULL, *conf = NULL;
    char *csec = NULL;
    int rc = EB_OK;
    if (!out->name) {
        out->name = xstrdup(name);
    }
    if (cred_text) {
        TRY(ini_parse(cred_text, cred_len, cred_path, &cred, err));
    }
    if (config_text) {
        TRY(ini_parse(config_text, config_len, config_path, &conf, err));
    }
    /* config: "[profile NAME]"; "[default]" (also "[profile default]") for the default. */
    csec = xasprintf("profile %s", name);
    const char *confsec = ini_has_section(conf, csec) ? csec
                          : (strcmp(name, "default") == 0 && ini_has_section(conf, "default"))
                              ? "default"
                              : NULL;
    bool in_cred = ini_has_section(cred, name);
    out->found = in_cred || confsec;

    if (!s_take_keys(out, cred, in_cred ? name : NULL, "credentials", cred_path)) {
        (void)s_take_keys(out, conf, confsec, "config", config_path);
    }
    const struct {
        char **field;
        const char *key;
    } keys[] = {
        {&out->region, "region"},
        {&out->endpoint_url, "endpoint_url"},
        {&out->max_attempts, "max_attempts"},
        {&out->role_arn, "role_arn"},
        {&out->source_profile, "source_profile"},
        {&out->credential_source, "credential_source"},
        {&out->credential_process, "credential_process"},
        {&out->web_identity_token_file, "web_identity_token_file"},
        {&out->role_session_name, "role_session_name"},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (confsec) {
            s_set(keys[i].field, ini_get(conf, confsec, keys[i].key));
        }
        if (in_cred) {
            s_set(keys[i].field, ini_get(cred, name, keys[i].key));
        }
    }
out:
    free(csec);
    ini_free(cred);
    ini_free(conf);
    return rc;
}

/*
 * One shared file: its path (the variable var, or ~/.aws/leaf) and, when either
 * names it, its text (*out_text NULL when it does not exist).
 */
static int
s_load_file(const char *var, const char *home, const char *leaf, char **out_path,
            char **out_text, size_t *out_len, struct eb_error *err)
{
    const char *set = awsio_env(var);
    *out_path = set ? xstrdup(set) : xasprintf("%s/.aws/%s", home ? home : "", leaf);
    if (!home && !set) {
        return EB_OK;
    }
    return awsio_file_read(*out_path, "cannot read", S_MAX_FILE, true, out_text, out_len, err);
}

int
profile_load(struct profile *out, struct eb_error *err)
{
    memset(out, 0, sizeof *out);
    char *cred_path = NULL, *conf_path = NULL, *cred = NULL, *conf = NULL;
    size_t cred_len = 0, conf_len = 0;
    int rc = EB_OK;
    const char *home = awsio_env("HOME");
    const char *name = awsio_env("AWS_PROFILE");
    if (!name) {
        name = awsio_env("AWS_DEFAULT_PROFILE");
    }
    out->chosen = name != NULL;
    if (!name) {
        name = "default";
    }
    TRY(s_load_file("AWS_SHARED_CREDENTIALS_FILE", home, "credentials", &cred_path, &cred,
                    &cred_len, err));
    TRY(s_load_file("AWS_CONFIG_FILE", home, "config", &conf_path, &conf, &conf_len, err));
    TRY(profile_parse(cred, cred_len, cred_path, conf, conf_len, conf_path, name, out, err));
out:
    if (cred) {
        mbedtls_platform_zeroize(cred, cred_len);
    }
    if (conf) {
        mbedtls_platform_zeroize(conf, conf_len);
    }
    free(cred);
    free(conf);
    free(cred_path);
    free(conf_path);
    if (rc != EB_OK) {
        profile_cleanup(out);
    }
    return rc;
}

void
profile_cleanup(struct profile *p)
{
    free(p->name);
    free(p->region);
    free(p->endpoint_url);
    free(p->max_attempts);
    free(p->access_key);
    awsio_secret_free(&p->secret_key);
    awsio_secret_free(&p->session_token);
    free(p->role_arn);
    free(p->source_profile);
    free(p->credential_source);
    free(p->credential_process);
    free(p->web_identity_token_file);
    free(p->role_session_name);
    free(p->where);
    memset(p, 0, sizeof *p);
}
