/*
 * Endpoint resolution (aws-facts §5): default hosts per partition, the
 * AWS_ENDPOINT_URL family, S3 addressing style. Pure except the two
 * endpoint_env_* readers, so the table is unit-tested without the environment.
 */
#include "aws/endpoint.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/awsio.h"
#include "util/xalloc.h"

static const char *const s_sign[AWS_SERVICE__COUNT] = {
    [AWS_ECS] = "ecs", [AWS_LOGS] = "logs", [AWS_S3] = "s3", [AWS_EC2] = "ec2", [AWS_STS] = "sts",
};
static const char *const s_env[AWS_SERVICE__COUNT] = {
    [AWS_ECS] = "AWS_ENDPOINT_URL_ECS", [AWS_LOGS] = "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS",
    [AWS_S3] = "AWS_ENDPOINT_URL_S3",   [AWS_EC2] = "AWS_ENDPOINT_URL_EC2",
    [AWS_STS] = "AWS_ENDPOINT_URL_STS",
};

const char *
endpoint_signing_name(enum aws_service svc)
{
    return (svc >= 0 && svc < AWS_SERVICE__COUNT) ? s_sign[svc] : "";
}

const char *
endpoint_service_label(enum aws_service svc)
{
    return endpoint_signing_name(svc);
}

const char *
endpoint_env_name(enum aws_service svc)
{
    return (svc >= 0 && svc < AWS_SERVICE__COUNT) ? s_env[svc] : "";
}

static bool
s_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

/* Partitions by region prefix; the first match wins, "aws" otherwise. */
struct s_partition {
    const char *prefix;
    const char *partition;
    const char *suffix;
};

static const struct s_partition s_partitions[] = {
    {"cn-", "aws-cn", "amazonaws.com.cn"},
    {"us-gov-", "aws-us-gov", "amazonaws.com"},
    {"us-isob-", "aws-iso-b", "sc2s.sgov.gov"},
    {"us-isof-", "aws-iso-f", "csp.hci.ic.gov"},
    {"us-iso-", "aws-iso", "c2s.ic.gov"},
    {"eu-isoe-", "aws-iso-e", "cloud.adc-e.uk"},
    {"eusc-", "aws-eusc", "amazonaws.eu"},
};

/* The partition row of region, or NULL for the "aws" partition. */
static const struct s_partition *
s_partition_of(const char *region)
{
    for (size_t i = 0; region && i < sizeof s_partitions / sizeof s_partitions[0]; i++) {
        if (s_prefix(region, s_partitions[i].prefix)) {
            return &s_partitions[i];
        }
    }
    return NULL;
}

const char *
endpoint_dns_suffix(const char *region)
{
    const struct s_partition *p = s_partition_of(region);
    return p ? p->suffix : "amazonaws.com";
}

const char *
endpoint_partition(const char *region)
{
    const struct s_partition *p = s_partition_of(region);
    return p ? p->partition : "aws";
}

/* min to max characters of [a-z0-9-], neither first nor last a '-'. */
static bool
s_is_dns_label(const char *s, size_t min, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n < min || n > max || s[0] == '-' || s[n - 1] == '-') {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
            return false;
        }
    }
    return true;
}

bool
endpoint_region_is_valid(const char *region)
{
    return s_is_dns_label(region, 1, 40);
}

static char *
s_trim_slash(const char *url)
{
    char *u = xstrdup(url);
    size_t n = strlen(u);
    while (n > 0 && u[n - 1] == '/') {
        u[--n] = '\0';
    }
    return u;
}

char *
endpoint_url(enum aws_service svc, const char *region, const char *service_override,
             const char *global_override, const char *profile_override, bool *out_custom)
{
    const char *ov = (service_override && service_override[0])  ? service_override
                     : (global_override && global_override[0])  ? global_override
                     : (profile_override && profile_override[0]) ? profile_override
                                                                 : NULL;
    if (out_custom) {
        *out_custom = ov != NULL;
    }
    if (ov) {
        return s_trim_slash(ov);
    }
    if (svc == AWS_STS && (!region || !region[0])) {
        return xstrdup("https://sts.amazonaws.com");
    }
    return xasprintf("https://%s.%s.%s", endpoint_service_label(svc), region ? region : "",
                     endpoint_dns_suffix(region));
}

static bool
s_env_ignored(void)
{
    const char *v = getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    return v && strcasecmp(v, "true") == 0;
}

/* The endpoint variable name, unless empty or AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true. */
static const char *
s_env_endpoint(const char *name)
{
    const char *v = awsio_env(name);
    return (v && !s_env_ignored()) ? v : NULL;
}

const char *
endpoint_env_override(enum aws_service svc)
{
    return s_env_endpoint(endpoint_env_name(svc));
}

const char *
endpoint_env_global_override(void)
{
    return s_env_endpoint("AWS_ENDPOINT_URL");
}

bool
endpoint_s3_virtual_ok(const char *bucket)
{
    return s_is_dns_label(bucket, 3, 63);
}

void
endpoint_s3_url(const char *base, bool custom, const char *bucket, const char *encoded_key,
                struct eb_buf *url, struct eb_buf *path)
{
    const char *key = encoded_key ? encoded_key : "";
    const char *slash = key[0] ? "/" : "";
    if (!custom && bucket && bucket[0] && endpoint_s3_virtual_ok(bucket) &&
        s_prefix(base, "https://")) {
        /* https://s3.REGION.SUFFIX → https://BUCKET.s3.REGION.SUFFIX/KEY */
        buf_printf(path, "/%s", key);
        buf_printf(url, "https://%s.%s%s", bucket, base + strlen("https://"), buf_cstr(path));
        return;
    }
    if (bucket && bucket[0]) {
        buf_printf(path, "/%s%s%s", bucket, slash, key);
    } else {
        buf_puts(path, "/");
    }
    /* A base with its own path prefix keeps it on the wire and in the signature. */
    char scheme[8], authority[300];
    const char *bpath = "";
    if (endpoint_split(base, scheme, sizeof scheme, authority, sizeof authority, &bpath) == 0 &&
        bpath[0]) {
        struct eb_buf full = EB_BUF_INIT;
        buf_printf(&full, "%s%s", bpath, buf_cstr(path));
        buf_reset(path);
        buf_puts(path, buf_cstr(&full));
        buf_cleanup(&full);
        buf_printf(url, "%s://%s%s", scheme, authority, buf_cstr(path));
        return;
    }
    buf_printf(url, "%s%s", base, buf_cstr(path));
}

int
endpoint_split(const char *url, char *scheme, size_t scheme_size, char *authority,
               size_t authority_size, const char **out_path)
{
    const char *p = strstr(url, "://");
    if (!p) {
        return -1;
    }
    size_t sl = (size_t)(p - url);
    if (sl >= scheme_size) {
        return -1;
    }
    for (size_t i = 0; i < sl; i++) {
        char c = url[i];
        scheme[i] = (char)((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
    }
    scheme[sl] = '\0';
    if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
        return -1;
    }
    const char *a = p + 3;
    size_t al = strcspn(a, "/?#");
    if (al == 0 || al >= authority_size) {
        return -1;
    }
    /* Drop user info, and the port when it is the scheme's default. */
    const char *at = memchr(a, '@', al);
    if (at) {
        al -= (size_t)(at + 1 - a);
        a = at + 1;
    }
    memcpy(authority, a, al);
    authority[al] = '\0';
    const char *dflt = strcmp(scheme, "https") == 0 ? ":443" : ":80";
    size_t dl = strlen(dflt);
    if (al > dl && strcmp(authority + al - dl, dflt) == 0 && authority[al - dl - 1] != ':') {
        authority[al - dl] = '\0';
    }
    for (char *c = authority; *c && *c != ':' && *c != ']'; c++) {
        if (*c >= 'A' && *c <= 'Z') {
            *c = (char)(*c - 'A' + 'a');
        }
    }
    if (out_path) {
        const char *path = a + al;
        *out_path = (path[0] == '/') ? path : "";
    }
    return 0;
}
