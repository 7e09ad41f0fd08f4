/* ecsbatch version: its own version and those of the libraries linked in. */
#include <stdio.h>

#include <cJSON.h>
#include <curl/curl.h>
#include <expat.h>
#include <mbedtls/version.h>
#include <yaml.h>

#include "cli.h"

#ifndef ECSBATCH_VERSION
#define ECSBATCH_VERSION "unknown"
#endif

/* musl has no version macro; the build records the pinned one. */
#if defined(__GLIBC__)
#define LIBC_NAME "glibc"
#include <gnu/libc-version.h>
#else
#define LIBC_NAME "musl"
#endif

int
cmd_version(const struct cli_opts *opts)
{
    (void)opts;
    char mbed[32];
    mbedtls_version_get_string(mbed);
    const curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);
    XML_Expat_Version xv = XML_ExpatVersionInfo();
#if defined(__GLIBC__)
    const char *libc = gnu_get_libc_version();
#else
    const char *libc = ECSBATCH_MUSL_VERSION;
#endif
    printf("ecsbatch %s\n", ECSBATCH_VERSION);
    printf("  %-8s %s\n", LIBC_NAME, libc);
    printf("  %-8s %s\n", "mbedtls", mbed);
    printf("  %-8s %s (%s)\n", "curl", cv->version, cv->ssl_version ? cv->ssl_version : "no TLS");
    printf("  %-8s %s\n", "cjson", cJSON_Version());
    printf("  %-8s %d.%d.%d\n", "expat", xv.major, xv.minor, xv.micro);
    printf("  %-8s %s\n", "libyaml", yaml_get_version_string());
    return ferror(stdout) ? EXIT_ERROR : EXIT_SUCCEEDED;
}
