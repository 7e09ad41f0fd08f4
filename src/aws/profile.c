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
#include "util/buf.h"
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
        {&out->external_id, "external_id"},
        {&out->duration_seconds, "duration_seconds"},
        {&out->mfa_serial, "mfa_serial"},
        {&out->sts_regional_endpoints, "sts_regional_endpoints"},
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

/* Both shared files and the chosen profile name, as the environment names them. */
struct s_files {
    char *cred_path, *conf_path, *cred, *conf;
    size_t cred_len, conf_len;
    const char *name;
    bool chosen;
};

static int
s_files_load(struct s_files *f, struct eb_error *err)
{
    int rc = EB_OK;
    const char *home = awsio_env("HOME");
    memset(f, 0, sizeof *f);
    f->name = awsio_env("AWS_PROFILE");
    if (!f->name) {
        f->name = awsio_env("AWS_DEFAULT_PROFILE");
    }
    f->chosen = f->name != NULL;
    if (!f->name) {
        f->name = "default";
    }
    TRY(s_load_file("AWS_SHARED_CREDENTIALS_FILE", home, "credentials", &f->cred_path, &f->cred,
                    &f->cred_len, err));
    TRY(s_load_file("AWS_CONFIG_FILE", home, "config", &f->conf_path, &f->conf, &f->conf_len,
                    err));
out:
    return rc;
}

static void
s_files_cleanup(struct s_files *f)
{
    if (f->cred) {
        mbedtls_platform_zeroize(f->cred, f->cred_len);
    }
    if (f->conf) {
        mbedtls_platform_zeroize(f->conf, f->conf_len);
    }
    free(f->cred);
    free(f->conf);
    free(f->cred_path);
    free(f->conf_path);
    memset(f, 0, sizeof *f);
}

int
profile_load(struct profile *out, struct eb_error *err)
{
    struct s_files f;
    int rc = EB_OK;
    memset(out, 0, sizeof *out);
    rc = s_files_load(&f, err);
    if (rc == EB_OK) {
        out->chosen = f.chosen;
        rc = profile_parse(f.cred, f.cred_len, f.cred_path, f.conf, f.conf_len, f.conf_path,
                           f.name, out, err);
    }
    s_files_cleanup(&f);
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
    free(p->external_id);
    free(p->duration_seconds);
    free(p->mfa_serial);
    free(p->sts_regional_endpoints);
    free(p->where);
    memset(p, 0, sizeof *p);
}

/* --- credential source of a profile and the source_profile chain --------------------- */

static bool
s_keys_in_config(const struct profile *p)
{
    return p->where && strncmp(p->where, "config", 6) == 0;
}

int
profile_kind_of(const struct profile *p, bool as_source, enum profile_kind *out,
                struct eb_error *err)
{
    *out = PROFILE_KIND_NONE;
    if (p->access_key && !p->secret_key) {
        return err_set(err, EB_ERR_CREDENTIALS,
                       "profile %s: aws_access_key_id without aws_secret_access_key in %s",
                       p->name, p->where);
    }
    bool keys = p->access_key != NULL;
    if (as_source && keys) {
        *out = PROFILE_KIND_KEYS;
        return EB_OK;
    }
    if (p->role_arn && p->web_identity_token_file) {
        *out = PROFILE_KIND_WEB_IDENTITY;
        return EB_OK;
    }
    if (p->role_arn) {
        if (p->source_profile && p->credential_source) {
            return err_set(err, EB_ERR_CREDENTIALS,
                           "profile %s has both source_profile and credential_source; "
                           "role_arn needs exactly one of them", p->name);
        }
        if (!p->source_profile && !p->credential_source) {
            return err_set(err, EB_ERR_CREDENTIALS,
                           "profile %s has role_arn but neither source_profile nor "
                           "credential_source", p->name);
        }
        if (p->credential_source && strcmp(p->credential_source, "Environment") != 0 &&
            strcmp(p->credential_source, "EcsContainer") != 0 &&
            strcmp(p->credential_source, "Ec2InstanceMetadata") != 0) {
            return err_set(err, EB_ERR_CREDENTIALS,
                           "profile %s: credential_source '%.64s' is not one of Environment, "
                           "EcsContainer, Ec2InstanceMetadata", p->name, p->credential_source);
        }
        if (p->mfa_serial) {
            return err_set(err, EB_ERR_CREDENTIALS,
                           "profile %s needs an MFA code (mfa_serial), which a batch launcher "
                           "cannot prompt for; use a profile without mfa_serial or credentials "
                           "from the environment", p->name);
        }
        if (p->duration_seconds) {
            char *end = NULL;
            long d = strtol(p->duration_seconds, &end, 10);
            if (*end != '\0' || d < PROFILE_DURATION_MIN || d > PROFILE_DURATION_MAX) {
                return err_set(err, EB_ERR_CREDENTIALS,
                               "profile %s: duration_seconds '%.32s' is not a whole number of "
                               "seconds from %d to %d", p->name, p->duration_seconds,
                               PROFILE_DURATION_MIN, PROFILE_DURATION_MAX);
            }
        }
        *out = PROFILE_KIND_ASSUME_ROLE;
        return EB_OK;
    }
    /* keys of the credentials file, then credential_process, then keys of the config file */
    if (p->credential_process && !(keys && !s_keys_in_config(p))) {
        *out = PROFILE_KIND_PROCESS;
    } else if (keys) {
        *out = PROFILE_KIND_KEYS;
    }
    return EB_OK;
}

void
profile_plan_cleanup(struct profile_plan *pl)
{
    for (size_t i = 0; i < pl->n; i++) {
        profile_cleanup(&pl->steps[i]);
    }
    memset(pl, 0, sizeof *pl);
}

/* "a -> b -> c" of the first n steps and then last. */
static char *
s_chain_text(const struct profile_plan *pl, const char *last)
{
    struct eb_buf b = EB_BUF_INIT;
    for (size_t i = 0; i < pl->n; i++) {
        buf_printf(&b, "%s -> ", pl->steps[i].name);
    }
    buf_puts(&b, last);
    char *s = buf_steal(&b);
    return s ? s : xstrdup(last);
}

int
profile_plan_parse(const char *cred_text, size_t cred_len, const char *cred_path,
                   const char *config_text, size_t config_len, const char *config_path,
                   const char *name, bool chosen, struct profile_plan *out, struct eb_error *err)
{
    int rc = EB_OK;
    char *chain = NULL;
    memset(out, 0, sizeof *out);
    const char *next = name;
    for (;;) {
        struct profile *p = &out->steps[out->n];
        bool as_source = out->n > 0;
        p->chosen = !as_source && chosen;
        out->n++;
        TRY(profile_parse(cred_text, cred_len, cred_path, config_text, config_len, config_path,
                          next, p, err));
        if (as_source && !p->found) {
            rc = err_set(err, EB_ERR_CREDENTIALS,
                         "profile %s: its source_profile %s is in neither the credentials nor "
                         "the config file", out->steps[out->n - 2].name, p->name);
            goto out;
        }
        TRY(profile_kind_of(p, as_source, &out->kinds[out->n - 1], err));
        enum profile_kind k = out->kinds[out->n - 1];
        if (as_source && k == PROFILE_KIND_NONE) {
            rc = err_set(err, EB_ERR_CREDENTIALS,
                         "profile %s: its source_profile %s has no credentials",
                         out->steps[out->n - 2].name, p->name);
            goto out;
        }
        if (k != PROFILE_KIND_ASSUME_ROLE || !p->source_profile) {
            break;
        }
        next = p->source_profile;
        /* A profile may be its own source when it has keys: they are the source then. */
        bool self_ok = strcmp(next, p->name) == 0 && p->access_key;
        for (size_t i = 0; i < out->n && !self_ok; i++) {
            if (strcmp(out->steps[i].name, next) == 0) {
                chain = s_chain_text(out, next);
                rc = err_set(err, EB_ERR_CREDENTIALS, "profile %s: source_profile loop: %s",
                             name, chain);
                goto out;
            }
        }
        if (out->n == PROFILE_MAX_CHAIN) {
            chain = s_chain_text(out, next);
            rc = err_set(err, EB_ERR_CREDENTIALS,
                         "profile %s: more than %d profiles in the source_profile chain: %s",
                         name, PROFILE_MAX_CHAIN, chain);
            goto out;
        }
    }
out:
    free(chain);
    if (rc != EB_OK) {
        profile_plan_cleanup(out);
    }
    return rc;
}

int
profile_plan_load(struct profile_plan *out, struct eb_error *err)
{
    struct s_files f;
    memset(out, 0, sizeof *out);
    int rc = s_files_load(&f, err);
    if (rc == EB_OK) {
        rc = profile_plan_parse(f.cred, f.cred_len, f.cred_path, f.conf, f.conf_len, f.conf_path,
                                f.name, f.chosen, out, err);
    }
    s_files_cleanup(&f);
    return rc;
}
