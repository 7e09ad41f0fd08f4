/*
 * Fuzz the credential answers and files (aws/creds.c, aws/profile.c): the
 * container/IMDS JSON, the STS AssumeRoleWithWebIdentity XML, and the shared
 * credentials/config INI files. The first byte picks the parser; for the INI
 * files the rest is split at the first NUL into credentials and config text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/creds.h"
#include "aws/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) {
        return 0;
    }
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    struct eb_error err;
    struct creds c = {0};
    switch (data[0] % 3) {
    case 0:
        if (creds_parse_json(body, len, &c, &err) == EB_OK && (!c.access_key || !c.secret_key)) {
            abort();
        }
        break;
    case 1:
        if (creds_parse_sts_xml(body, len, &c, &err) == EB_OK && (!c.access_key || !c.token)) {
            abort();
        }
        break;
    default: {
        const char *nul = memchr(body, '\0', len);
        size_t cl = nul ? (size_t)(nul - body) : len;
        const char *conf = nul ? nul + 1 : NULL;
        size_t confl = nul ? len - cl - 1 : 0;
        static const char *const names[] = {"default", "dev", "a b"};
        struct profile p = {0};
        if (profile_parse(body, cl, "credentials", conf, confl, "config", names[len % 3], &p,
                          &err) == EB_OK) {
            if (p.access_key && !p.where) {
                abort();
            }
        }
        profile_cleanup(&p);
        break;
    }
    }
    creds_cleanup(&c);
    return 0;
}
