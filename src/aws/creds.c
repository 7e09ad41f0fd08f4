/*
 * The credential chain (SPEC §6 order): environment keys, web identity (STS
 * AssumeRoleWithWebIdentity, unsigned), the shared files' profile, container
 * credentials (ECS agent / EKS pod identity), IMDSv2. The provider that
 * answered first is kept and asked again on refresh (as botocore does).
 */
#include "aws/creds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>
#include <mbedtls/platform_util.h>

#include "aws/awserr.h"
#include "aws/awsio.h"
#include "aws/endpoint.h"
#include "aws/http.h"
#include "aws/profile.h"
#include "aws/sigv4.h"
#include "aws/xml.h"
#include "util/buf.h"
#include "util/jsonx.h"
#include "util/log.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

/* The ECS agent's credentials host (aws-facts §4.2) and IMDS (§4.3). */
#define CONTAINER_HOST "http://169.254.170.2"
#define IMDS_DEFAULT "http://169.254.169.254"

enum s_source { SRC_NONE, SRC_ENV, SRC_WEBID, SRC_PROFILE, SRC_CONTAINER, SRC_IMDS };

struct creds_chain {
    const struct eb_clock *clock;
    char *sts_url;
    struct http_conn *conn; /* metadata, container and STS fetches */
    enum s_source source;
    char source_name[160];
    struct creds cur;
    bool have;
    /* web identity settings, from the environment or the profile */
    char *webid_token_file;
    char *webid_role_arn;
    char *webid_session;
};

void
creds_cleanup(struct creds *c)
{
    free(c->access_key);
    c->access_key = NULL;
    awsio_secret_free(&c->secret_key);
    awsio_secret_free(&c->token);
    c->expires_ms = 0;
}

/* Keep the message, change the code. */
static int
s_recode(struct eb_error *err, enum eb_err code)
{
    if (err) {
        err->code = code;
    }
    return code;
}

/* Fill out with copies of the keys (token may be NULL). */
static void
s_set_keys(struct creds *out, const char *ak, const char *sk, const char *token)
{
    memset(out, 0, sizeof *out);
    out->access_key = xstrdup(ak);
    out->secret_key = xstrdup(sk);
    out->token = token ? xstrdup(token) : NULL;
}

/* --- parsers ---------------------------------------------------------------------------- */

int
creds_parse_json(const char *body, size_t len, struct creds *out, struct eb_error *err)
{
    int rc = EB_OK;
    cJSON *doc = cJSON_ParseWithLength(body ? body : "", len);
    if (!doc || !cJSON_IsObject(doc)) {
        rc = err_set(err, EB_ERR_CREDENTIALS, "credentials answer is not a JSON object");
        goto out;
    }
    const char *code = jsonx_str(doc, "Code");
    if (code && strcmp(code, "Success") != 0) {
        const char *msg = jsonx_str(doc, "Message");
        rc = err_set(err, EB_ERR_CREDENTIALS, "credentials answer says %.64s: %.200s", code,
                     msg ? msg : "");
        goto out;
    }
    const char *names[] = {"AccessKeyId", "SecretAccessKey"};
    for (size_t i = 0; i < 2; i++) {
        const char *v = jsonx_str(doc, names[i]);
        if (!v || !v[0]) {
            const char *m = jsonx_str(doc, "message");
            rc = err_set(err, EB_ERR_CREDENTIALS, "credentials answer has no %s%s%.200s", names[i],
                         m ? ": " : "", m ? m : "");
            goto out;
        }
    }
    int64_t exp = 0;
    const char *e = jsonx_str(doc, "Expiration");
    if (e && timefmt_parse_rfc3339(e, &exp) != 0) {
        rc = err_set(err, EB_ERR_CREDENTIALS, "credentials answer: bad Expiration '%.40s'", e);
        goto out;
    }
    const char *tok = jsonx_str(doc, "Token");
    s_set_keys(out, jsonx_str(doc, "AccessKeyId"), jsonx_str(doc, "SecretAccessKey"),
               (tok && tok[0]) ? tok : NULL);
    out->expires_ms = exp;
out:
    cJSON_Delete(doc);
    return rc;
}

struct s_sts {
    char *ak, *sk, *tok, *exp;
};

static void
s_sts_visit(void *ctx, const char *path, const char *text, int depth)
{
    (void)depth;
    struct s_sts *s = ctx;
    static const char prefix[] = "/AssumeRoleWithWebIdentityResult/Credentials/";
    const char *p = strstr(path, prefix);
    if (!p) {
        return;
    }
    const char *leaf = p + sizeof prefix - 1;
    char **slot = strcmp(leaf, "AccessKeyId") == 0       ? &s->ak
                  : strcmp(leaf, "SecretAccessKey") == 0 ? &s->sk
                  : strcmp(leaf, "SessionToken") == 0    ? &s->tok
                  : strcmp(leaf, "Expiration") == 0      ? &s->exp
                                                         : NULL;
    if (slot && !*slot) {
        *slot = xstrdup(text);
    }
}

int
creds_parse_sts_xml(const char *body, size_t len, struct creds *out, struct eb_error *err)
{
    struct s_sts s = {0};
    int64_t exp = 0;
    int rc = xml_walk(body, len, s_sts_visit, &s, err);
    if (rc != EB_OK) {
        err_prefix(err, "STS answer");
        rc = s_recode(err, EB_ERR_CREDENTIALS);
        goto out;
    }
    if (!s.ak || !s.ak[0] || !s.sk || !s.sk[0] || !s.tok || !s.tok[0]) {
        rc = err_set(err, EB_ERR_CREDENTIALS,
                     "STS answer has no Credentials/AccessKeyId, SecretAccessKey, SessionToken");
        goto out;
    }
    if (s.exp && timefmt_parse_rfc3339(s.exp, &exp) != 0) {
        rc = err_set(err, EB_ERR_CREDENTIALS, "STS answer: bad Expiration '%.40s'", s.exp);
        goto out;
    }
    memset(out, 0, sizeof *out);
    out->access_key = s.ak;
    out->secret_key = s.sk;
    out->token = s.tok;
    out->expires_ms = exp;
    s.ak = s.sk = s.tok = NULL;
out:
    free(s.ak);
    awsio_secret_free(&s.sk);
    awsio_secret_free(&s.tok);
    free(s.exp);
    return rc;
}

static bool
s_is_loopback_v4(const char *h)
{
    /* 127.d.d.d */
    if (strncmp(h, "127.", 4) != 0) {
        return false;
    }
    int dots = 0;
    for (const char *p = h + 4; *p; p++) {
        if (*p == '.') {
            dots++;
        } else if (*p < '0' || *p > '9') {
            return false;
        }
    }
    return dots == 2;
}

bool
creds_full_uri_allowed(const char *url)
{
    char scheme[8], auth[300];
    const char *path;
    if (!url || endpoint_split(url, scheme, sizeof scheme, auth, sizeof auth, &path) != 0) {
        return false;
    }
    if (strcmp(scheme, "https") == 0) {
        return true;
    }
    /* host without port */
    char host[300];
    if (auth[0] == '[') {
        const char *close = strchr(auth, ']');
        if (!close) {
            return false;
        }
        size_t n = (size_t)(close - auth - 1);
        memcpy(host, auth + 1, n);
        host[n] = '\0';
    } else {
        size_t n = strcspn(auth, ":");
        memcpy(host, auth, n);
        host[n] = '\0';
    }
    return s_is_loopback_v4(host) || strcasecmp(host, "localhost") == 0 ||
           strcmp(host, "::1") == 0 || strcmp(host, "169.254.170.2") == 0 ||
           strcmp(host, "169.254.170.23") == 0 || strcasecmp(host, "fd00:ec2::23") == 0;
}

/* --- chain ------------------------------------------------------------------------------ */

int
creds_chain_new(const struct creds_chain_options *o, struct creds_chain **out,
                struct eb_error *err)
{
    struct creds_chain *ch = xcalloc(1, sizeof *ch);
    ch->clock = o->clock ? o->clock : clock_real();
    ch->sts_url = xstrdup(o->sts_url ? o->sts_url : "https://sts.amazonaws.com");
    int rc = http_conn_new(&ch->conn, err);
    if (rc != EB_OK) {
        creds_chain_free(ch);
        *out = NULL;
        return rc;
    }
    *out = ch;
    return EB_OK;
}

void
creds_chain_free(struct creds_chain *ch)
{
    if (!ch) {
        return;
    }
    creds_cleanup(&ch->cur);
    http_conn_free(ch->conn);
    free(ch->sts_url);
    free(ch->webid_token_file);
    free(ch->webid_role_arn);
    free(ch->webid_session);
    free(ch);
}

void
creds_chain_set_sts_url(struct creds_chain *ch, const char *sts_url)
{
    free(ch->sts_url);
    ch->sts_url = xstrdup(sts_url);
}

const char *
creds_chain_source(const struct creds_chain *ch)
{
    return (ch && ch->source != SRC_NONE) ? ch->source_name : NULL;
}

static long
s_metadata_timeout_ms(long dflt)
{
    const char *v = awsio_env("AWS_METADATA_SERVICE_TIMEOUT");
    if (v) {
        char *end;
        double s = strtod(v, &end);
        if (*end == '\0' && s > 0 && s < 3600) {
            return (long)(s * 1000.0);
        }
    }
    return dflt;
}

static int
s_metadata_attempts(int dflt)
{
    const char *v = awsio_env("AWS_METADATA_SERVICE_NUM_ATTEMPTS");
    if (v) {
        char *end;
        long n = strtol(v, &end, 10);
        if (*end == '\0' && n >= 1 && n <= 10) {
            return (int)n;
        }
    }
    return dflt;
}

/*
 * One metadata-style request, retried on transport errors and 5xx (no backoff
 * beyond 100 ms: these endpoints are local). EB_OK with the answer for any status.
 */
static int
s_fetch(struct creds_chain *ch, const struct http_request *req, int attempts,
        struct http_response *resp, struct eb_error *err)
{
    int rc = EB_OK;
    for (int i = 1; i <= attempts; i++) {
        http_response_cleanup(resp);
        rc = http_perform(ch->conn, req, resp, err);
        if (rc == EB_ERR_TLS) {
            return rc;
        }
        if (rc == EB_OK && resp->status < 500) {
            return EB_OK;
        }
        if (i < attempts) {
            clock_sleep(ch->clock, 100);
        }
    }
    return rc;
}

/*
 * s_fetch for a provider: no answer becomes EB_ERR_CREDENTIALS, its message
 * prefixed with what; a certificate failure keeps EB_ERR_TLS.
 */
static int
s_fetch_provider(struct creds_chain *ch, const struct http_request *req, int attempts,
                 const char *what, struct http_response *resp, struct eb_error *err)
{
    int rc = s_fetch(ch, req, attempts, resp, err);
    if (rc != EB_OK && rc != EB_ERR_TLS) {
        err_prefix(err, "%s", what);
        rc = s_recode(err, EB_ERR_CREDENTIALS);
    }
    return rc;
}

static int
s_from_env(struct creds *out, struct eb_error *err, bool *found)
{
    const char *ak = awsio_env("AWS_ACCESS_KEY_ID");
    const char *sk = awsio_env("AWS_SECRET_ACCESS_KEY");
    *found = false;
    if (!ak && !sk) {
        return EB_OK;
    }
    if (!ak || !sk) {
        return err_set(err, EB_ERR_CREDENTIALS, "%s is set but %s is not",
                       ak ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
                       ak ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
    }
    s_set_keys(out, ak, sk, awsio_env("AWS_SESSION_TOKEN"));
    *found = true;
    return EB_OK;
}

/* Append "name=value" form-encoded. */
static void
s_form(struct eb_buf *b, const char *name, const char *value)
{
    if (b->len) {
        buf_putc(b, '&');
    }
    buf_printf(b, "%s=", name);
    sigv4_uri_encode(b, value, strlen(value), false);
}

static int
s_read_token_file(const char *path, const char *what, char **out, struct eb_error *err)
{
    size_t len = 0;
    if (!path) {
        return err_set(err, EB_ERR_CREDENTIALS, "%s: no file named", what);
    }
    if (awsio_file_read(path, what, 64 * 1024, false, out, &len, err) != EB_OK) {
        return s_recode(err, EB_ERR_CREDENTIALS);
    }
    /* Tokens are one line; a trailing newline is not part of them. */
    char *t = *out;
    while (len > 0 && (t[len - 1] == '\n' || t[len - 1] == '\r' || t[len - 1] == ' ')) {
        t[--len] = '\0';
    }
    return EB_OK;
}

static int
s_from_webid(struct creds_chain *ch, struct creds *out, struct eb_error *err)
{
    char *token = NULL;
    struct eb_buf form = EB_BUF_INIT, url = EB_BUF_INIT;
    struct http_response resp = {0};
    int rc = EB_OK;
    TRY(s_read_token_file(ch->webid_token_file, "web identity token file", &token, err));
    if (!token || strlen(token) < 4) {
        rc = err_set(err, EB_ERR_CREDENTIALS, "web identity token file %s is empty",
                     ch->webid_token_file);
        goto out;
    }
    char session[64];
    if (ch->webid_session) {
        snprintf(session, sizeof session, "%s", ch->webid_session);
    } else {
        snprintf(session, sizeof session, "ecsbatch-%lld", (long long)clock_now(ch->clock));
    }
    s_form(&form, "Action", "AssumeRoleWithWebIdentity");
    s_form(&form, "Version", "2011-06-15");
    s_form(&form, "RoleArn", ch->webid_role_arn);
    s_form(&form, "RoleSessionName", session);
    s_form(&form, "WebIdentityToken", token);
    buf_printf(&url, "%s/", ch->sts_url);
    const char *hdrs[] = {"Content-Type: application/x-www-form-urlencoded; charset=utf-8", NULL};
    struct http_request req = {.method = "POST", .url = buf_cstr(&url), .headers = hdrs,
                               .body = form.ptr, .body_len = form.len, .timeout_ms = 30000};
    TRY(s_fetch_provider(ch, &req, 3, "web identity (STS AssumeRoleWithWebIdentity)", &resp, err));
    if (resp.status != 200) {
        struct awserr ae;
        awserr_parse(resp.body.ptr, resp.body.len, resp.status, resp.error_type, &ae);
        rc = err_set(err, EB_ERR_CREDENTIALS,
                     "web identity: STS AssumeRoleWithWebIdentity for %s failed: %s: %s (HTTP %ld)",
                     ch->webid_role_arn, ae.code, ae.message, resp.status);
        if (err) {
            snprintf(err->aws_code, sizeof err->aws_code, "%s", ae.code);
            err->http_status = resp.status;
        }
        goto out;
    }
    TRY(creds_parse_sts_xml(resp.body.ptr, resp.body.len, out, err));
out:
    awsio_secret_free(&token);
    if (form.ptr) {
        mbedtls_platform_zeroize(form.ptr, form.len);
    }
    buf_cleanup(&form);
    buf_cleanup(&url);
    http_response_cleanup(&resp);
    return rc;
}

static bool
s_has_crlf(const char *s)
{
    return strchr(s, '\r') || strchr(s, '\n');
}

static int
s_from_container(struct creds_chain *ch, struct creds *out, struct eb_error *err)
{
    char *url = NULL, *auth = NULL, *auth_hdr = NULL;
    struct http_response resp = {0};
    int rc = EB_OK;
    const char *rel = awsio_env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = awsio_env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    if (rel) {
        /* Tests point the agent's fixed host at a local fake (documented, test-only). */
        const char *host = awsio_env("ECSBATCH_TEST_CONTAINER_CREDENTIALS_ENDPOINT");
        url = xasprintf("%s%s%s", host ? host : CONTAINER_HOST, rel[0] == '/' ? "" : "/", rel);
    } else {
        if (!creds_full_uri_allowed(full)) {
            rc = err_set(err, EB_ERR_CREDENTIALS,
                         "AWS_CONTAINER_CREDENTIALS_FULL_URI %s is not allowed: it must be "
                         "https, or http to a loopback address, 169.254.170.2, 169.254.170.23 "
                         "or fd00:ec2::23",
                         full);
            goto out;
        }
        url = xstrdup(full);
    }
    const char *tfile = awsio_env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    if (tfile) {
        TRY(s_read_token_file(tfile, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", &auth, err));
    } else if (awsio_env("AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
        auth = xstrdup(awsio_env("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
    }
    if (auth && s_has_crlf(auth)) {
        rc = err_set(err, EB_ERR_CREDENTIALS,
                     "the container authorization token contains a line break");
        goto out;
    }
    const char *hdrs[3] = {"Accept: application/json", NULL, NULL};
    if (auth) {
        auth_hdr = xasprintf("Authorization: %s", auth);
        hdrs[1] = auth_hdr;
    }
    struct http_request req = {.method = "GET", .url = url, .headers = hdrs,
                               .timeout_ms = s_metadata_timeout_ms(2000),
                               .connect_timeout_ms = s_metadata_timeout_ms(2000),
                               .no_proxy = !full || strncmp(full, "https", 5) != 0};
    TRY(s_fetch_provider(ch, &req, s_metadata_attempts(3), "container credentials", &resp, err));
    if (resp.status != 200) {
        struct awserr ae;
        awserr_parse(resp.body.ptr, resp.body.len, resp.status, NULL, &ae);
        rc = err_set(err, EB_ERR_CREDENTIALS,
                     "container credentials endpoint answered HTTP %ld: %s%s%s", resp.status,
                     ae.code, ae.message[0] ? ": " : "", ae.message);
        goto out;
    }
    rc = creds_parse_json(resp.body.ptr, resp.body.len, out, err);
    if (rc != EB_OK) {
        err_prefix(err, "container credentials");
    }
out:
    awsio_secret_free(&auth);
    awsio_secret_free(&auth_hdr);
    free(url);
    http_response_cleanup(&resp);
    return rc;
}

/*
 * IMDSv2 (aws-facts §4.3): token, role name, credentials. *found is false when
 * IMDS is not there (no answer to the token request): the chain then has nothing.
 */
static int
s_from_imds(struct creds_chain *ch, struct creds *out, struct eb_error *err, bool *found)
{
    const char *base = awsio_env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    char *url = NULL, *tok_hdr = NULL, *token = NULL;
    char role[256];
    struct http_response resp = {0};
    int rc = EB_OK;
    long tmo = s_metadata_timeout_ms(1000);
    int attempts = s_metadata_attempts(1);
    char *b = xstrdup(base ? base : IMDS_DEFAULT);
    size_t bl = strlen(b);
    while (bl > 0 && b[bl - 1] == '/') {
        b[--bl] = '\0';
    }
    *found = false;

    url = xasprintf("%s/latest/api/token", b);
    const char *put_hdrs[] = {"X-aws-ec2-metadata-token-ttl-seconds: 21600", NULL};
    struct http_request req = {.method = "PUT", .url = url, .headers = put_hdrs,
                               .timeout_ms = tmo, .connect_timeout_ms = tmo, .no_proxy = true};
    struct eb_error ignored;
    if (s_fetch(ch, &req, attempts, &resp, &ignored) != EB_OK) {
        goto out; /* no IMDS here */
    }
    *found = true;
    if (resp.status == 200 && resp.body.len > 0) {
        token = xstrdup(resp.body.ptr);
        tok_hdr = xasprintf("X-aws-ec2-metadata-token: %s", token);
    } else if (resp.status == 403 || resp.status == 404 || resp.status == 405) {
        const char *v1off = awsio_env("AWS_EC2_METADATA_V1_DISABLED");
        if (v1off && strcasecmp(v1off, "true") == 0) {
            rc = err_set(err, EB_ERR_CREDENTIALS,
                         "instance metadata: no IMDSv2 token (HTTP %ld) and IMDSv1 is disabled",
                         resp.status);
            goto out;
        }
    } else {
        rc = err_set(err, EB_ERR_CREDENTIALS, "instance metadata: token request answered HTTP %ld",
                     resp.status);
        goto out;
    }
    const char *hdrs[] = {tok_hdr, NULL};
    free(url);
    url = xasprintf("%s/latest/meta-data/iam/security-credentials/", b);
    struct http_request get = {.method = "GET", .url = url, .headers = tok_hdr ? hdrs : NULL,
                               .timeout_ms = tmo, .connect_timeout_ms = tmo, .no_proxy = true};
    rc = s_fetch(ch, &get, attempts, &resp, err);
    if (rc == EB_OK && resp.status == 404) {
        rc = err_set(err, EB_ERR_CREDENTIALS,
                     "instance metadata: this instance has no IAM role (instance profile)");
        goto out;
    }
    if (rc != EB_OK || resp.status != 200 || resp.body.len == 0) {
        rc = err_set(err, EB_ERR_CREDENTIALS, "instance metadata: cannot read the role name (%s)",
                     rc != EB_OK ? "no answer" : "bad answer");
        goto out;
    }
    size_t rl = strcspn(resp.body.ptr, "\r\n");
    if (rl == 0 || rl >= sizeof role) {
        rc = err_set(err, EB_ERR_CREDENTIALS, "instance metadata: bad role name");
        goto out;
    }
    memcpy(role, resp.body.ptr, rl);
    role[rl] = '\0';
    free(url);
    url = xasprintf("%s/latest/meta-data/iam/security-credentials/%s", b, role);
    get.url = url;
    rc = s_fetch(ch, &get, attempts, &resp, err);
    if (rc != EB_OK || resp.status != 200) {
        rc = err_set(err, EB_ERR_CREDENTIALS,
                     "instance metadata: cannot read the credentials of role %s (%s %ld)", role,
                     rc != EB_OK ? "no answer" : "HTTP", resp.status);
        goto out;
    }
    rc = creds_parse_json(resp.body.ptr, resp.body.len, out, err);
    if (rc != EB_OK) {
        err_prefix(err, "instance metadata");
    }
out:
    awsio_secret_free(&token);
    awsio_secret_free(&tok_hdr);
    free(url);
    free(b);
    http_response_cleanup(&resp);
    return rc;
}

static void
s_set_webid(struct creds_chain *ch, const char *file, const char *arn, const char *session)
{
    free(ch->webid_token_file);
    free(ch->webid_role_arn);
    free(ch->webid_session);
    ch->webid_token_file = xstrdup(file);
    ch->webid_role_arn = xstrdup(arn);
    ch->webid_session = session ? xstrdup(session) : NULL;
}

/* Ask one known source again (refresh). */
static int
s_fetch_source(struct creds_chain *ch, enum s_source src, struct creds *out, struct eb_error *err)
{
    bool found = false;
    int rc;
    switch (src) {
    case SRC_ENV:
        rc = s_from_env(out, err, &found);
        if (rc == EB_OK && !found) {
            rc = err_set(err, EB_ERR_CREDENTIALS, "AWS_ACCESS_KEY_ID is no longer set");
        }
        return rc;
    case SRC_WEBID:
        return s_from_webid(ch, out, err);
    case SRC_CONTAINER:
        return s_from_container(ch, out, err);
    case SRC_IMDS:
        rc = s_from_imds(ch, out, err, &found);
        if (rc == EB_OK && !found) {
            rc = err_set(err, EB_ERR_CREDENTIALS, "instance metadata did not answer");
        }
        return rc;
    case SRC_PROFILE: {
        struct profile p;
        TRY(profile_load(&p, err));
        if (!p.access_key || !p.secret_key) {
            rc = err_set(err, EB_ERR_CREDENTIALS, "profile %s no longer has keys", p.name);
        } else {
            s_set_keys(out, p.access_key, p.secret_key, p.session_token);
        }
        profile_cleanup(&p);
        return rc;
    }
    case SRC_NONE:
        break;
    }
    return err_set(err, EB_ERR_CREDENTIALS, "no credential source");
out:
    return rc;
}

static void
s_adopt(struct creds_chain *ch, enum s_source src, const char *name, struct creds *c)
{
    creds_cleanup(&ch->cur);
    ch->cur = *c;
    memset(c, 0, sizeof *c);
    ch->have = true;
    ch->source = src;
    snprintf(ch->source_name, sizeof ch->source_name, "%s", name);
}

/* Walk the chain in SPEC §6 order; the first source that is configured decides. */
static int
s_resolve(struct creds_chain *ch, struct eb_error *err)
{
    struct creds c = {0};
    struct profile p = {0};
    bool found = false;
    int rc = EB_OK;

    TRY(s_from_env(&c, err, &found));
    if (found) {
        s_adopt(ch, SRC_ENV, "environment", &c);
        goto out;
    }
    if (awsio_env("AWS_WEB_IDENTITY_TOKEN_FILE") && awsio_env("AWS_ROLE_ARN")) {
        s_set_webid(ch, awsio_env("AWS_WEB_IDENTITY_TOKEN_FILE"), awsio_env("AWS_ROLE_ARN"),
                    awsio_env("AWS_ROLE_SESSION_NAME"));
        TRY(s_from_webid(ch, &c, err));
        s_adopt(ch, SRC_WEBID, "web-identity", &c);
        goto out;
    }
    rc = profile_load(&p, err);
    if (rc != EB_OK) {
        rc = s_recode(err, EB_ERR_CREDENTIALS);
        goto out;
    }
    if (p.chosen && !p.found) {
        rc = err_set(err, EB_ERR_CREDENTIALS,
                     "profile %s (AWS_PROFILE) is in neither the credentials nor the config file",
                     p.name);
        goto out;
    }
    if (p.access_key) {
        if (!p.secret_key) {
            rc = err_set(err, EB_ERR_CREDENTIALS, "profile %s: aws_access_key_id without "
                         "aws_secret_access_key in %s", p.name, p.where);
            goto out;
        }
        s_set_keys(&c, p.access_key, p.secret_key, p.session_token);
        char name[160];
        snprintf(name, sizeof name, "profile:%s", p.name);
        s_adopt(ch, SRC_PROFILE, name, &c);
        goto out;
    }
    if (p.web_identity_token_file && p.role_arn) {
        s_set_webid(ch, p.web_identity_token_file, p.role_arn, p.role_session_name);
        TRY(s_from_webid(ch, &c, err));
        s_adopt(ch, SRC_WEBID, "web-identity", &c);
        goto out;
    }
    if (p.found && (p.role_arn || p.credential_process)) {
        rc = err_set(err, EB_ERR_CREDENTIALS,
                     "profile %s uses %s, which ecsbatch does not support; use environment keys, "
                     "web identity, container or instance credentials",
                     p.name, p.credential_process ? "credential_process" : "role_arn (assume role)");
        goto out;
    }
    if (p.chosen) {
        rc = err_set(err, EB_ERR_CREDENTIALS, "profile %s has no credentials", p.name);
        goto out;
    }
    if (awsio_env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") ||
        awsio_env("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
        TRY(s_from_container(ch, &c, err));
        s_adopt(ch, SRC_CONTAINER, "container", &c);
        goto out;
    }
    const char *off = awsio_env("AWS_EC2_METADATA_DISABLED");
    if (!(off && strcasecmp(off, "true") == 0)) {
        TRY(s_from_imds(ch, &c, err, &found));
        if (found) {
            s_adopt(ch, SRC_IMDS, "imds", &c);
            goto out;
        }
    }
    rc = err_set(err, EB_ERR_CREDENTIALS,
                 "no AWS credentials found (tried: environment AWS_ACCESS_KEY_ID, web identity "
                 "AWS_WEB_IDENTITY_TOKEN_FILE, profile %s, container "
                 "AWS_CONTAINER_CREDENTIALS_*, instance metadata%s)",
                 p.name ? p.name : "default", (off && strcasecmp(off, "true") == 0)
                                                  ? " (disabled)" : "");
out:
    creds_cleanup(&c);
    profile_cleanup(&p);
    return rc;
}

int
creds_chain_get(struct creds_chain *ch, bool force, const struct creds **out,
                struct eb_error *err)
{
    int rc = EB_OK;
    *out = NULL;
    if (!ch->have) {
        TRY(s_resolve(ch, err));
        *out = &ch->cur;
        return EB_OK;
    }
    int64_t now = clock_now(ch->clock);
    int64_t left = ch->cur.expires_ms ? ch->cur.expires_ms - now : INT64_MAX;
    if (!force && left > CREDS_ADVISORY_REFRESH_MS) {
        *out = &ch->cur;
        return EB_OK;
    }
    struct creds c = {0};
    rc = s_fetch_source(ch, ch->source, &c, err);
    if (rc == EB_OK) {
        char name[160];
        snprintf(name, sizeof name, "%s", ch->source_name);
        s_adopt(ch, ch->source, name, &c);
        log_debug("credentials refreshed from %s", ch->source_name);
        *out = &ch->cur;
        return EB_OK;
    }
    creds_cleanup(&c);
    if (!force && left > CREDS_MANDATORY_REFRESH_MS) {
        /* Advisory window: keep the old ones, try again on the next call. */
        log_warn("refreshing credentials from %s failed, still using the current ones: %s",
                 ch->source_name, err ? err->msg : "");
        err_clear(err);
        *out = &ch->cur;
        return EB_OK;
    }
out:
    return rc;
}
