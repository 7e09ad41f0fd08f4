/*
 * Job ids: the allowed characters, and generated ids (60 random bits as
 * 12 base32 characters: short enough for task names, unlikely to collide).
 */
#include "job/jobid.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/sha256.h>

bool
jobid_is_valid(const char *id)
{
    if (!id) {
        return false;
    }
    size_t n = 0;
    for (const char *s = id; *s; s++, n++) {
        char c = *s;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-';
        if (!ok || n >= JOBID_MAX) {
            return false;
        }
    }
    return n > 0;
}

static int
s_random(unsigned char *out, size_t len)
{
    size_t got = 0;
    while (got < len) {
        long n = syscall(SYS_getrandom, out + got, len - got, 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        got += (size_t)n;
    }
    return 0;
}

void
jobid_generate(char out[JOBID_GENERATED_LEN + 1])
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
    static unsigned counter;
    unsigned char bytes[32];
    if (s_random(bytes, 8) != 0) {
        struct {
            struct timespec rt, mono;
            pid_t pid;
            unsigned n;
        } seed;
        memset(&seed, 0, sizeof seed);
        clock_gettime(CLOCK_REALTIME, &seed.rt);
        clock_gettime(CLOCK_MONOTONIC, &seed.mono);
        seed.pid = getpid();
        seed.n = counter++;
        mbedtls_sha256((const unsigned char *)&seed, sizeof seed, bytes, 0);
    }
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        v = (v << 8) | bytes[i];
    }
    for (int i = 0; i < JOBID_GENERATED_LEN; i++) {
        out[i] = alphabet[v & 31];
        v >>= 5;
    }
    out[JOBID_GENERATED_LEN] = '\0';
}

void
jobid_from_key(const char *key, char out[JOBID_MAX + 1])
{
    static const char hex[] = "0123456789abcdef";
    /* the key's text, invalid characters as one '-', its last S_KEY_TEXT characters kept */
    enum { S_KEY_TEXT = 40, S_KEY_HASH = 16 };
    char text[S_KEY_TEXT + 1];
    size_t n = 0;
    for (const char *p = key; *p; p++) {
        bool ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                  *p == '_' || *p == '-';
        char c = ok ? *p : '-';
        if (c == '-' && (n == 0 || text[n - 1] == '-')) {
            continue;
        }
        if (n == S_KEY_TEXT) {
            memmove(text, text + 1, S_KEY_TEXT - 1);
            n--;
        }
        text[n++] = c;
    }
    unsigned char digest[32];
    mbedtls_sha256((const unsigned char *)key, strlen(key), digest, 0);
    size_t o = 0;
    memcpy(out, text, n);
    o = n;
    if (o > 0 && out[o - 1] != '-') {
        out[o++] = '-';
    }
    for (size_t i = 0; i < S_KEY_HASH / 2; i++) {
        out[o++] = hex[digest[i] >> 4];
        out[o++] = hex[digest[i] & 15];
    }
    out[o] = '\0';
}
