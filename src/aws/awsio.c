/*
 * Local inputs of the AWS client core (see awsio.h): non-empty environment
 * variables, bounded file reads worded for the caller, and secret wiping
 * (STYLE §3.4: credentials are zeroed when freed).
 */
#include "aws/awsio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/platform_util.h>

#include "util/buf.h"

#define S_MIB (1024u * 1024u)

const char *
awsio_env(const char *name)
{
    const char *v = getenv(name);
    return (v && v[0]) ? v : NULL;
}

int
awsio_file_read(const char *path, const char *what, size_t max, bool missing_ok, char **out,
                size_t *out_len, struct eb_error *err)
{
    *out = NULL;
    *out_len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (missing_ok && (errno == ENOENT || errno == ENOTDIR)) {
            return EB_OK;
        }
        return err_set(err, EB_ERR_IO, "%s %s: %s", what, path, strerror(errno));
    }
    struct eb_buf b = EB_BUF_INIT;
    buf_init(&b, max);
    char chunk[8192];
    size_t n;
    int rc = EB_OK;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (buf_append(&b, chunk, n) != 0) {
            rc = err_set(err, EB_ERR_INVALID, "%s %s: larger than %zu %s", what, path,
                         max % S_MIB == 0 ? max / S_MIB : max / 1024,
                         max % S_MIB == 0 ? "MiB" : "KiB");
            break;
        }
    }
    if (rc == EB_OK && ferror(f)) {
        rc = err_set(err, EB_ERR_IO, "%s %s: read error", what, path);
    }
    fclose(f);
    if (rc != EB_OK) {
        buf_cleanup(&b);
        return rc;
    }
    *out_len = b.len;
    *out = buf_steal(&b);
    return EB_OK;
}

void
awsio_secret_free(char **p)
{
    if (*p) {
        mbedtls_platform_zeroize(*p, strlen(*p));
        free(*p);
        *p = NULL;
    }
}
