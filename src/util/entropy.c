/*
 * mbedTLS's only entropy source (vendor/mbedtls-config.sh switches the
 * platform one off): the getrandom system call, which needs no /dev, so TLS
 * works in a FROM scratch image or an empty chroot.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>

int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen);

int
mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen)
{
    (void)data;
    size_t got = 0;
    while (got < len) {
        long n = syscall(SYS_getrandom, output + got, len - got, 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1; /* MBEDTLS_ERR_ENTROPY_SOURCE_FAILED is reported by the caller */
        }
        got += (size_t)n;
    }
    *olen = got;
    return 0;
}
