/*
 * Fuzz the credential answers and files (aws/creds.c, aws/profile.c): the
 * container/IMDS JSON, the STS AssumeRole[WithWebIdentity] XML, the shared
 * credentials/config INI files (and the source_profile chain planned from
 * them), and the credential_process JSON. The first byte picks the parser
 * (below 0x80: byte % 3; 0x80 and above: credential_process); for the INI
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
    if (data[0] >= 0x80) {
        if (creds_parse_process_json(body, len, "fuzz", &c, &err) == EB_OK &&
            (!c.access_key || !c.secret_key)) {
            abort();
        }
        creds_cleanup(&c);
        return 0;
    }
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
        struct profile_plan pl;
        if (profile_plan_parse(body, cl, "credentials", conf, confl, "config", names[len % 3], true,
                               &pl, &err) == EB_OK &&
            (pl.n == 0 || pl.n > PROFILE_MAX_CHAIN)) {
            abort();
        }
        profile_plan_cleanup(&pl);
        break;
    }
    }
    creds_cleanup(&c);
    return 0;
}
