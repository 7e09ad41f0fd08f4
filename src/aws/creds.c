/*
 * The credential chain (SPEC §6 order): environment keys, web identity (STS
 * AssumeRoleWithWebIdentity, unsigned), the shared files' profile (keys,
 * credential_process, role_arn through STS AssumeRole signed with the source
 * profile's credentials), container credentials (ECS agent / EKS pod
 * identity), IMDSv2. The provider that answered first is kept and asked again
 * on refresh (as botocore does).
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
/* A credential_process prints a few hundred bytes; more is a mistake. */
#define PROCESS_MAX_OUTPUT (64u * 1024u)
#define PROCESS_TIMEOUT_MS (5L * 60L * 1000L)

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
    static const char webid[] = "/AssumeRoleWithWebIdentityResult/Credentials/";
    static const char role[] = "/AssumeRoleResult/Credentials/";
    const char *p = strstr(path, webid);
    const char *leaf = p ? p + sizeof webid - 1 : NULL;
    if (!p && (p = strstr(path, role)) != NULL) {
        leaf = p + sizeof role - 1;
    }
    if (!leaf) {
        return;
    }
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

int
creds_parse_process_json(const char *body, size_t len, const char *profile, struct creds *out,
                         struct eb_error *err)
{
    int rc = EB_OK;
    int64_t exp = 0;
    cJSON *doc = cJSON_ParseWithLength(body ? body : "", len);
    if (!doc || !cJSON_IsObject(doc)) {
        rc = err_set(err, EB_ERR_CREDENTIALS,
                     "profile %s: credential_process output is not a JSON object", profile);
        goto out;
    }
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(doc, "Version");
    if (!ver) {
        rc = err_set(err, EB_ERR_CREDENTIALS, "profile %s: credential_process output has no "
                     "Version (it must be 1)", profile);
        goto out;
    }
    if (!cJSON_IsNumber(ver) || ver->valuedouble != 1.0) {
        rc = err_set(err, EB_ERR_CREDENTIALS, "profile %s: credential_process output: Version "
                     "must be the number 1", profile);
        goto out;
    }
    static const char *const need[] = {"AccessKeyId", "SecretAccessKey"};
    for (size_t i = 0; i < 2; i++) {
        const char *v = jsonx_str(doc, need[i]);
        if (!v || !v[0]) {
            rc = err_set(err, EB_ERR_CREDENTIALS, "profile %s: credential_process output has "
                         "no %s (a non-empty string)", profile, need[i]);
            goto out;
        }
    }
    const cJSON *tok = cJSON_GetObjectItemCaseSensitive(doc, "SessionToken");
    if (tok && !cJSON_IsNull(tok) && !cJSON_IsString(tok)) {
        rc = err_set(err, EB_ERR_CREDENTIALS, "profile %s: credential_process output: "
                     "SessionToken is not a string", profile);
        goto out;
    }
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(doc, "Expiration");
    if (e && !cJSON_IsNull(e)) {
        if (!cJSON_IsString(e) || timefmt_parse_rfc3339(e->valuestring, &exp) != 0) {
            rc = err_set(err, EB_ERR_CREDENTIALS, "profile %s: credential_process output: bad "
                         "Expiration '%.40s' (RFC 3339 expected)", profile,
                         cJSON_IsString(e) ? e->valuestring : "not a string");
            goto out;
        }
    }
    const char *t = (tok && cJSON_IsString(tok)) ? tok->valuestring : NULL;
    s_set_keys(out, jsonx_str(doc, "AccessKeyId"), jsonx_str(doc, "SecretAccessKey"),
               (t && t[0]) ? t : NULL);
    out->expires_ms = exp;
out:
    cJSON_Delete(doc);
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
s_webid(struct creds_chain *ch, const char *token_file, const char *role_arn,
        const char *session_name, struct creds *out, struct eb_error *err)
{
    char *token = NULL;
    struct eb_buf form = EB_BUF_INIT, url = EB_BUF_INIT;
    struct http_response resp = {0};
    int rc = EB_OK;
    TRY(s_read_token_file(token_file, "web identity token file", &token, err));
    if (!token || strlen(token) < 4) {
        rc = err_set(err, EB_ERR_CREDENTIALS, "web identity token file %s is empty", token_file);
        goto out;
    }
    char session[64];
    if (session_name) {
        snprintf(session, sizeof session, "%s", session_name);
    } else {
        snprintf(session, sizeof session, "ecsbatch-%lld", (long long)clock_now(ch->clock));
    }
    s_form(&form, "Action", "AssumeRoleWithWebIdentity");
    s_form(&form, "Version", "2011-06-15");
    s_form(&form, "RoleArn", role_arn);
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
                     role_arn, ae.code, ae.message, resp.status);
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

static int
s_from_webid(struct creds_chain *ch, struct creds *out, struct eb_error *err)
{
    return s_webid(ch, ch->webid_token_file, ch->webid_role_arn, ch->webid_session, out, err);
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


/* --- profiles: credential_process and assume role ----------------------------------------- */

static int
s_from_process(const struct profile *p, struct creds *out, struct eb_error *err)
{
    char **argv = NULL;
    char *text = NULL;
    size_t len = 0;
    int code = 0;
    int rc = awsio_split_words(p->credential_process, &argv, err);
    if (rc != EB_OK) {
        err_prefix(err, "profile %s: credential_process", p->name);
        rc = s_recode(err, EB_ERR_CREDENTIALS);
        goto out;
    }
    rc = awsio_run_capture(argv, PROCESS_MAX_OUTPUT, PROCESS_TIMEOUT_MS, &text, &len, &code, err);
    if (rc != EB_OK) {
        err_prefix(err, "profile %s: credential_process", p->name);
        rc = s_recode(err, EB_ERR_CREDENTIALS);
        goto out;
    }
    if (code != 0) {
        rc = err_set(err, EB_ERR_CREDENTIALS,
                     "profile %s: credential_process %s exited with status %d (its stderr is "
                     "above)", p->name, argv[0], code);
        goto out;
    }
    TRY(creds_parse_process_json(text, len, p->name, out, err));
    log_debug("credentials of profile %s from its credential_process %s", p->name, argv[0]);
out:
    if (text) {
        mbedtls_platform_zeroize(text, len);
        free(text);
    }
    awsio_argv_free(argv);
    return rc;
}

/* botocore's regions whose legacy STS endpoint is the global one. */
static bool
s_sts_legacy_global(const char *region)
{
    static const char *const r[] = {
        "ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "aws-global",
        "ca-central-1",   "eu-central-1", "eu-north-1",  "eu-west-1",      "eu-west-2",
        "eu-west-3",      "sa-east-1",  "us-east-1",      "us-east-2",      "us-west-1",
        "us-west-2",
    };
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
        if (strcmp(region, r[i]) == 0) {
            return true;
        }
    }
    return false;
}

/*
 * STS for AssumeRole, as the SDKs pick it: the region of AWS_REGION,
 * AWS_DEFAULT_REGION or the chosen profile; the regional endpoint unless
 * sts_regional_endpoints (AWS_STS_REGIONAL_ENDPOINTS) is "legacy" for one of the
 * legacy regions, or no region is known: then the global one, signed for us-east-1.
 * Endpoint overrides (AWS_ENDPOINT_URL[_STS], the profile's endpoint_url) win.
 */
static int
s_sts_target(const struct profile *top, char **url, char region[64], struct eb_error *err)
{
    const char *r = awsio_env("AWS_REGION");
    if (!r) {
        r = awsio_env("AWS_DEFAULT_REGION");
    }
    if (!r) {
        r = top->region;
    }
    const char *mode = awsio_env("AWS_STS_REGIONAL_ENDPOINTS");
    const char *mode_src = "AWS_STS_REGIONAL_ENDPOINTS";
    if (!mode) {
        mode = top->sts_regional_endpoints;
        mode_src = "sts_regional_endpoints";
    }
    if (mode && strcmp(mode, "legacy") != 0 && strcmp(mode, "regional") != 0) {
        return err_set(err, EB_ERR_CREDENTIALS, "%s '%.32s' is neither 'legacy' nor 'regional'",
                       mode_src, mode);
    }
    if (r && !endpoint_region_is_valid(r)) {
        return err_set(err, EB_ERR_CREDENTIALS, "'%.64s' is not a valid AWS region", r);
    }
    bool global = !r || (mode && strcmp(mode, "legacy") == 0 && s_sts_legacy_global(r));
    snprintf(region, 64, "%s", global ? "us-east-1" : r);
    *url = endpoint_url(AWS_STS, global ? "" : r, endpoint_env_override(AWS_STS),
                        endpoint_env_global_override(), top->endpoint_url, NULL);
    return EB_OK;
}

/* POST form to STS at url, signed (SigV4, service sts, region) with src. */
static int
s_sts_signed(struct creds_chain *ch, const char *url, const char *region, const struct creds *src,
             const struct eb_buf *form, struct http_response *resp, struct eb_error *err)
{
    char amzdate[17], scheme[8], host[300], payload[65];
    const char *path = NULL;
    int rc = EB_OK;
    char *lines[6] = {NULL};
    if (endpoint_split(url, scheme, sizeof scheme, host, sizeof host, &path) != 0) {
        return err_set(err, EB_ERR_CREDENTIALS, "bad STS endpoint URL %.200s", url);
    }
    timefmt_amzdate(amzdate, clock_now(ch->clock));
    sigv4_sha256_hex(form->ptr, form->len, payload);
    static const char ctype[] = "application/x-www-form-urlencoded; charset=utf-8";
    struct sigv4_header hs[4] = {
        {"content-type", ctype}, {"host", host}, {"x-amz-date", amzdate}, {NULL, NULL}};
    size_t nh = 3;
    if (src->token) {
        hs[nh++] = (struct sigv4_header){"x-amz-security-token", src->token};
    }
    struct sigv4_request sr = {.method = "POST", .path = (path && path[0]) ? path : "/",
                               .headers = hs, .nheaders = nh, .payload_hash = payload,
                               .normalize_path = true, .encode_path = true};
    struct sigv4_key key = {src->access_key, src->secret_key, region, "sts", amzdate};
    struct sigv4_result res;
    if (sigv4_sign(&sr, &key, &res) != 0) {
        sigv4_result_cleanup(&res);
        return err_set(err, EB_ERR_CREDENTIALS, "cannot sign the STS request");
    }
    size_t nl = 0;
    lines[nl++] = xasprintf("Content-Type: %s", ctype);
    lines[nl++] = xasprintf("X-Amz-Date: %s", amzdate);
    if (src->token) {
        lines[nl++] = xasprintf("X-Amz-Security-Token: %s", src->token);
    }
    lines[nl++] = xasprintf("Authorization: %s", buf_cstr(&res.authorization));
    sigv4_result_cleanup(&res);
    char *full = xasprintf("%s%s", url, (path && path[0]) ? "" : "/");
    struct http_request req = {.method = "POST", .url = full,
                               .headers = (const char *const *)lines, .body = form->ptr,
                               .body_len = form->len, .timeout_ms = 30000};
    rc = s_fetch_provider(ch, &req, 3, "assume role (STS AssumeRole)", resp, err);
    free(full);
    for (size_t i = 0; i < nl; i++) {
        awsio_secret_free(&lines[i]);
    }
    return rc;
}

/* STS AssumeRole of profile p's role_arn, signed with src; top picks the endpoint. */
static int
s_assume_role(struct creds_chain *ch, const struct profile *top, const struct profile *p,
              const struct creds *src, struct creds *out, struct eb_error *err)
{
    struct eb_buf form = EB_BUF_INIT;
    struct http_response resp = {0};
    char *url = NULL;
    char region[64];
    int rc = EB_OK;
    TRY(s_sts_target(top, &url, region, err));
    char session[80];
    if (p->role_session_name) {
        snprintf(session, sizeof session, "%s", p->role_session_name);
    } else {
        snprintf(session, sizeof session, "ecsbatch-%lld",
                 (long long)(clock_now(ch->clock) / 1000));
    }
    s_form(&form, "Action", "AssumeRole");
    s_form(&form, "Version", "2011-06-15");
    s_form(&form, "RoleArn", p->role_arn);
    s_form(&form, "RoleSessionName", session);
    if (p->external_id) {
        s_form(&form, "ExternalId", p->external_id);
    }
    if (p->duration_seconds) {
        s_form(&form, "DurationSeconds", p->duration_seconds);
    }
    rc = s_sts_signed(ch, url, region, src, &form, &resp, err);
    if (rc != EB_OK) {
        err_prefix(err, "profile %s", p->name);
        goto out;
    }
    if (resp.status != 200) {
        struct awserr ae;
        awserr_parse(resp.body.ptr, resp.body.len, resp.status, resp.error_type, &ae);
        rc = err_set(err, EB_ERR_CREDENTIALS,
                     "profile %s: STS AssumeRole of %s failed: %s: %s (HTTP %ld)", p->name,
                     p->role_arn, ae.code, ae.message, resp.status);
        if (err) {
            snprintf(err->aws_code, sizeof err->aws_code, "%s", ae.code);
            err->http_status = resp.status;
        }
        goto out;
    }
    rc = creds_parse_sts_xml(resp.body.ptr, resp.body.len, out, err);
    if (rc != EB_OK) {
        err_prefix(err, "profile %s: AssumeRole of %s", p->name, p->role_arn);
        goto out;
    }
    log_debug("profile %s: assumed role %s (session %s)", p->name, p->role_arn, session);
out:
    free(url);
    buf_cleanup(&form);
    http_response_cleanup(&resp);
    return rc;
}

/* The credentials a credential_source names (Environment, EcsContainer, Ec2InstanceMetadata). */
static int
s_from_credential_source(struct creds_chain *ch, const struct profile *p, struct creds *out,
                         struct eb_error *err)
{
    bool found = false;
    int rc = EB_OK;
    const char *cs = p->credential_source;
    if (strcmp(cs, "Environment") == 0) {
        TRY(s_from_env(out, err, &found));
        if (!found) {
            rc = err_set(err, EB_ERR_CREDENTIALS, "profile %s: credential_source Environment: "
                         "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set", p->name);
        }
    } else if (strcmp(cs, "EcsContainer") == 0) {
        if (!awsio_env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") &&
            !awsio_env("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
            rc = err_set(err, EB_ERR_CREDENTIALS, "profile %s: credential_source EcsContainer: "
                         "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI are not set",
                         p->name);
            goto out;
        }
        TRY(s_from_container(ch, out, err));
    } else {
        TRY(s_from_imds(ch, out, err, &found));
        if (!found) {
            rc = err_set(err, EB_ERR_CREDENTIALS, "profile %s: credential_source "
                         "Ec2InstanceMetadata: instance metadata did not answer", p->name);
        }
    }
out:
    if (rc != EB_OK) {
        creds_cleanup(out);
    }
    return rc;
}

/* Follow a profile plan from its base source up to steps[0]. */
static int
s_run_plan(struct creds_chain *ch, const struct profile_plan *pl, struct creds *out,
           struct eb_error *err)
{
    struct creds cur = {0}, next = {0};
    int rc = EB_OK;
    size_t last = pl->n - 1;
    const struct profile *b = &pl->steps[last];
    const struct profile *top = &pl->steps[0];
    switch (pl->kinds[last]) {
    case PROFILE_KIND_KEYS:
        s_set_keys(&cur, b->access_key, b->secret_key, b->session_token);
        break;
    case PROFILE_KIND_PROCESS:
        TRY(s_from_process(b, &cur, err));
        break;
    case PROFILE_KIND_WEB_IDENTITY:
        TRY(s_webid(ch, b->web_identity_token_file, b->role_arn, b->role_session_name, &cur,
                    err));
        break;
    case PROFILE_KIND_ASSUME_ROLE:
        TRY(s_from_credential_source(ch, b, &next, err));
        rc = s_assume_role(ch, top, b, &next, &cur, err);
        creds_cleanup(&next);
        if (rc != EB_OK) {
            goto out;
        }
        break;
    case PROFILE_KIND_NONE:
        rc = err_set(err, EB_ERR_CREDENTIALS, "profile %s has no credentials", b->name);
        goto out;
    }
    for (size_t i = last; i-- > 0;) {
        TRY(s_assume_role(ch, top, &pl->steps[i], &cur, &next, err));
        creds_cleanup(&cur);
        cur = next;
        memset(&next, 0, sizeof next);
    }
    *out = cur;
    memset(&cur, 0, sizeof cur);
out:
    creds_cleanup(&cur);
    creds_cleanup(&next);
    return rc;
}

/* The chosen profile's credentials again (refresh): the files are read anew. */
static int
s_from_profile(struct creds_chain *ch, struct creds *out, struct eb_error *err)
{
    struct profile_plan pl;
    int rc = profile_plan_load(&pl, err);
    if (rc != EB_OK) {
        return s_recode(err, EB_ERR_CREDENTIALS);
    }
    if (pl.kinds[0] == PROFILE_KIND_NONE) {
        rc = err_set(err, EB_ERR_CREDENTIALS, "profile %s no longer has credentials",
                     pl.steps[0].name);
    } else {
        rc = s_run_plan(ch, &pl, out, err);
    }
    profile_plan_cleanup(&pl);
    return rc;
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
    case SRC_PROFILE:
        return s_from_profile(ch, out, err);
    case SRC_NONE:
        break;
    }
    return err_set(err, EB_ERR_CREDENTIALS, "no credential source");
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
    struct profile_plan pl = {0};
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
    rc = profile_plan_load(&pl, err);
    if (rc != EB_OK) {
        rc = s_recode(err, EB_ERR_CREDENTIALS);
        goto out;
    }
    const struct profile *p = &pl.steps[0];
    if (p->chosen && !p->found) {
        rc = err_set(err, EB_ERR_CREDENTIALS,
                     "profile %s (AWS_PROFILE) is in neither the credentials nor the config file",
                     p->name);
        goto out;
    }
    if (pl.n == 1 && pl.kinds[0] == PROFILE_KIND_WEB_IDENTITY) {
        s_set_webid(ch, p->web_identity_token_file, p->role_arn, p->role_session_name);
        TRY(s_from_webid(ch, &c, err));
        s_adopt(ch, SRC_WEBID, "web-identity", &c);
        goto out;
    }
    if (pl.kinds[0] != PROFILE_KIND_NONE) {
        TRY(s_run_plan(ch, &pl, &c, err));
        char name[160];
        snprintf(name, sizeof name, "profile:%s", p->name);
        s_adopt(ch, SRC_PROFILE, name, &c);
        goto out;
    }
    if (p->chosen) {
        rc = err_set(err, EB_ERR_CREDENTIALS, "profile %s has no credentials", p->name);
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
                 (pl.n && pl.steps[0].name) ? pl.steps[0].name : "default",
                 (off && strcasecmp(off, "true") == 0) ? " (disabled)" : "");
out:
    creds_cleanup(&c);
    profile_plan_cleanup(&pl);
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
