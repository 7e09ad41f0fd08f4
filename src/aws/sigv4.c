/*
 * SigV4 signing (aws-facts §6.1): canonical request, string to sign, signing
 * key and signature. Pure; SHA-256 and HMAC come from mbedTLS. The S3 rule
 * (no normalization, no second encoding of the path) is chosen by the caller.
 */
#include "aws/sigv4.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/md.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>

#include "util/xalloc.h"

static const char s_hex[] = "0123456789abcdef";
static const char s_hex_upper[] = "0123456789ABCDEF";

void
sigv4_hex(const unsigned char *in, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = s_hex[in[i] >> 4];
        out[2 * i + 1] = s_hex[in[i] & 15];
    }
    out[2 * n] = '\0';
}

void
sigv4_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char digest[32];
    mbedtls_sha256((const unsigned char *)(data ? data : ""), len, digest, 0);
    sigv4_hex(digest, sizeof digest, out);
}

static void
s_hmac(const unsigned char *key, size_t key_len, const char *msg, size_t msg_len,
       unsigned char out[32])
{
    const mbedtls_md_info_t *md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
    /* Only fails on bad input parameters, which cannot happen here. */
    if (mbedtls_md_hmac(md, key, key_len, (const unsigned char *)msg, msg_len, out) != 0) {
        abort();
    }
}

static bool
s_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.' || c == '~';
}

void
sigv4_uri_encode(struct eb_buf *b, const char *s, size_t n, bool keep_slash)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (s_unreserved(c) || (keep_slash && c == '/')) {
            buf_putc(b, (char)c);
        } else {
            char esc[3] = {'%', s_hex_upper[c >> 4], s_hex_upper[c & 15]};
            buf_append(b, esc, 3);
        }
    }
}

static int
s_hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Percent-decode s[0..n) into b ('+' stays '+': SigV4 never treats it as a space). */
static void
s_uri_decode(struct eb_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < n && (hi = s_hexval(s[i + 1])) >= 0 &&
            (lo = s_hexval(s[i + 2])) >= 0) {
            buf_putc(b, (char)(hi * 16 + lo));
            i += 2;
        } else {
            buf_putc(b, s[i]);
        }
    }
}

struct s_param {
    char *name;  /* encoded */
    char *value; /* encoded */
};

static int
s_param_cmp(const void *a, const void *b)
{
    const struct s_param *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->value, y->value);
}

static char *
s_reencode(const char *s, size_t n)
{
    struct eb_buf raw = EB_BUF_INIT, enc = EB_BUF_INIT;
    s_uri_decode(&raw, s, n);
    sigv4_uri_encode(&enc, raw.ptr ? raw.ptr : "", raw.len, false);
    buf_cleanup(&raw);
    return buf_steal(&enc);
}

void
sigv4_canonical_query(struct eb_buf *b, const char *query)
{
    if (!query || !query[0]) {
        return;
    }
    size_t cap = 1;
    for (const char *p = query; *p; p++) {
        cap += (*p == '&');
    }
    struct s_param *params = xcalloc(cap, sizeof *params);
    size_t n = 0;
    const char *p = query;
    while (*p) {
        const char *end = strchr(p, '&');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > 0) {
            const char *eq = memchr(p, '=', len);
            size_t nlen = eq ? (size_t)(eq - p) : len;
            params[n].name = s_reencode(p, nlen);
            params[n].value = eq ? s_reencode(eq + 1, len - nlen - 1) : xstrdup("");
            n++;
        }
        p += len;
        if (*p == '&') {
            p++;
        }
    }
    qsort(params, n, sizeof *params, s_param_cmp);
    for (size_t i = 0; i < n; i++) {
        buf_printf(b, "%s%s=%s", i ? "&" : "", params[i].name, params[i].value);
        free(params[i].name);
        free(params[i].value);
    }
    free(params);
}

/* The canonical URI: optionally normalized (non-S3), optionally encoded once more. */
static void
s_canonical_uri(struct eb_buf *b, const char *path, bool normalize, bool encode)
{
    if (!path || !path[0]) {
        path = "/";
    }
    struct eb_buf norm = EB_BUF_INIT;
    if (normalize) {
        /* Segments kept on a stack of (start, len) into path. */
        size_t plen = strlen(path);
        size_t *starts = xcalloc(plen + 1, sizeof *starts);
        size_t *lens = xcalloc(plen + 1, sizeof *lens);
        size_t depth = 0;
        size_t i = 0;
        while (i < plen) {
            while (i < plen && path[i] == '/') {
                i++;
            }
            size_t s = i;
            while (i < plen && path[i] != '/') {
                i++;
            }
            size_t len = i - s;
            if (len == 0 || (len == 1 && path[s] == '.')) {
                continue;
            }
            if (len == 2 && path[s] == '.' && path[s + 1] == '.') {
                if (depth > 0) {
                    depth--;
                }
                continue;
            }
            starts[depth] = s;
            lens[depth] = len;
            depth++;
        }
        buf_putc(&norm, '/');
        for (size_t d = 0; d < depth; d++) {
            buf_append(&norm, path + starts[d], lens[d]);
            if (d + 1 < depth) {
                buf_putc(&norm, '/');
            }
        }
        /* A trailing slash survives ("/a/" stays "/a/"), but never doubles the root. */
        if (depth > 0 && plen > 0 && path[plen - 1] == '/') {
            buf_putc(&norm, '/');
        }
        free(starts);
        free(lens);
        path = buf_cstr(&norm);
    }
    if (encode) {
        sigv4_uri_encode(b, path, strlen(path), true);
    } else {
        buf_puts(b, path);
    }
    buf_cleanup(&norm);
}

struct s_hdr {
    char *name;  /* lowercase */
    char *value; /* trimmed, collapsed; repeated headers joined with ',' */
};

static int
s_hdr_cmp(const void *a, const void *b)
{
    return strcmp(((const struct s_hdr *)a)->name, ((const struct s_hdr *)b)->name);
}

/* Trim and collapse runs of whitespace (also line breaks of folded values) into one space. */
static char *
s_clean_value(const char *v)
{
    struct eb_buf b = EB_BUF_INIT;
    bool space = false;
    for (const char *p = v ? v : ""; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            space = b.len > 0;
            continue;
        }
        if (space) {
            buf_putc(&b, ' ');
            space = false;
        }
        buf_putc(&b, *p);
    }
    return buf_steal(&b);
}

/*
 * kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
 * It changes once a day per secret, region and service, so the last few are kept (as the
 * SDKs do): four HMACs saved on every request. Entries are told apart by a SHA-256 of the
 * secret, never the secret itself.
 */
#define S_KEY_CACHE 4
static struct {
    unsigned char secret_id[32];
    char scope[96]; /* date/region/service */
    unsigned char key[32];
} s_key_cache[S_KEY_CACHE];
static size_t s_key_next;

static void
s_signing_key(const struct sigv4_key *k, const char date[9], unsigned char key[32])
{
    unsigned char secret_id[32];
    char scope[96];
    int n = snprintf(scope, sizeof scope, "%s/%s/%s", date, k->region, k->service);
    bool cacheable = n > 0 && (size_t)n < sizeof scope;
    mbedtls_sha256((const unsigned char *)k->secret_key, strlen(k->secret_key), secret_id, 0);
    for (size_t i = 0; cacheable && i < S_KEY_CACHE; i++) {
        if (strcmp(s_key_cache[i].scope, scope) == 0 &&
            memcmp(s_key_cache[i].secret_id, secret_id, sizeof secret_id) == 0) {
            memcpy(key, s_key_cache[i].key, 32);
            return;
        }
    }
    char *kstart = xasprintf("AWS4%s", k->secret_key);
    s_hmac((const unsigned char *)kstart, strlen(kstart), date, 8, key);
    mbedtls_platform_zeroize(kstart, strlen(kstart));
    free(kstart);
    s_hmac(key, 32, k->region, strlen(k->region), key);
    s_hmac(key, 32, k->service, strlen(k->service), key);
    s_hmac(key, 32, "aws4_request", 12, key);
    if (cacheable) {
        size_t i = s_key_next++ % S_KEY_CACHE;
        memcpy(s_key_cache[i].secret_id, secret_id, sizeof secret_id);
        memcpy(s_key_cache[i].scope, scope, (size_t)n + 1);
        memcpy(s_key_cache[i].key, key, 32);
    }
}

int
sigv4_sign(const struct sigv4_request *r, const struct sigv4_key *k, struct sigv4_result *out)
{
    memset(out, 0, sizeof *out);
    int rc = 0;
    struct s_hdr *h = xcalloc(r->nheaders + 1, sizeof *h);
    size_t nh = 0;
    for (size_t i = 0; i < r->nheaders; i++) {
        char *name = xstrdup(r->headers[i].name);
        for (char *p = name; *p; p++) {
            if (*p >= 'A' && *p <= 'Z') {
                *p = (char)(*p - 'A' + 'a');
            }
        }
        char *value = s_clean_value(r->headers[i].value);
        size_t j;
        for (j = 0; j < nh; j++) {
            if (strcmp(h[j].name, name) == 0) {
                break;
            }
        }
        if (j < nh) {
            char *joined = xasprintf("%s,%s", h[j].value, value);
            free(h[j].value);
            h[j].value = joined;
            free(name);
            free(value);
        } else {
            h[nh].name = name;
            h[nh].value = value;
            nh++;
        }
    }
    qsort(h, nh, sizeof *h, s_hdr_cmp);

    struct eb_buf signed_names = EB_BUF_INIT;
    for (size_t i = 0; i < nh; i++) {
        buf_puts(&signed_names, i ? ";" : "");
        buf_puts(&signed_names, h[i].name);
    }
    if (signed_names.len >= sizeof out->signed_headers) {
        rc = -1;
        goto out;
    }
    memcpy(out->signed_headers, buf_cstr(&signed_names), signed_names.len + 1);

    char payload[65];
    const char *payload_hash = r->payload_hash;
    if (!payload_hash) {
        sigv4_sha256_hex(r->body, r->body_len, payload);
        payload_hash = payload;
    }

    struct eb_buf *cr = &out->canonical_request;
    buf_printf(cr, "%s\n", r->method);
    s_canonical_uri(cr, r->path, r->normalize_path, r->encode_path);
    buf_putc(cr, '\n');
    sigv4_canonical_query(cr, r->query);
    buf_putc(cr, '\n');
    for (size_t i = 0; i < nh; i++) {
        buf_puts(cr, h[i].name);
        buf_putc(cr, ':');
        buf_puts(cr, h[i].value);
        buf_putc(cr, '\n');
    }
    buf_printf(cr, "\n%s\n%s", out->signed_headers, payload_hash);

    char date[9];
    memcpy(date, k->amzdate, 8);
    date[8] = '\0';
    char cr_hash[65];
    sigv4_sha256_hex(cr->ptr, cr->len, cr_hash);
    struct eb_buf *sts = &out->string_to_sign;
    buf_printf(sts, "AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s", k->amzdate, date, k->region,
               k->service, cr_hash);

    unsigned char key[32], sig[32];
    s_signing_key(k, date, key);
    s_hmac(key, 32, sts->ptr, sts->len, sig);
    mbedtls_platform_zeroize(key, sizeof key);
    sigv4_hex(sig, sizeof sig, out->signature);

    buf_printf(&out->authorization,
               "AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/aws4_request, SignedHeaders=%s, "
               "Signature=%s",
               k->access_key, date, k->region, k->service, out->signed_headers, out->signature);
out:
    for (size_t i = 0; i < nh; i++) {
        free(h[i].name);
        free(h[i].value);
    }
    free(h);
    buf_cleanup(&signed_names);
    return rc;
}

void
sigv4_result_cleanup(struct sigv4_result *r)
{
    buf_cleanup(&r->canonical_request);
    buf_cleanup(&r->string_to_sign);
    buf_cleanup(&r->authorization);
    mbedtls_platform_zeroize(r->signature, sizeof r->signature);
}
