#!/bin/sh
# Adjust mbedTLS's configuration in the source tree given as $1.
#
# Randomness: on musl, mbedTLS's platform entropy reads /dev/urandom (it uses
# getrandom(2) only when it sees glibc), and a FROM scratch image has no /dev.
# So the platform source is switched off and MBEDTLS_ENTROPY_HARDWARE_ALT is
# switched on: ecsbatch provides mbedtls_hardware_poll() on the getrandom
# system call (src/util/entropy.c), the same in every build flavour.
set -eu
cd "$1"
python3 scripts/config.py set MBEDTLS_NO_PLATFORM_ENTROPY
python3 scripts/config.py set MBEDTLS_ENTROPY_HARDWARE_ALT
# Not needed by an HTTPS client of AWS endpoints.
for opt in MBEDTLS_SSL_SRV_C MBEDTLS_SSL_DTLS_HELLO_VERIFY MBEDTLS_SSL_DTLS_ANTI_REPLAY \
           MBEDTLS_SSL_DTLS_CONNECTION_ID MBEDTLS_SSL_PROTO_DTLS MBEDTLS_SSL_DTLS_SRTP \
           MBEDTLS_SSL_COOKIE_C MBEDTLS_SSL_TICKET_C MBEDTLS_NET_C MBEDTLS_TIMING_C \
           MBEDTLS_PKCS7_C MBEDTLS_X509_CRL_PARSE_C MBEDTLS_X509_CSR_PARSE_C MBEDTLS_X509_CREATE_C \
           MBEDTLS_X509_CRT_WRITE_C MBEDTLS_X509_CSR_WRITE_C MBEDTLS_PEM_WRITE_C \
           MBEDTLS_ARIA_C MBEDTLS_CAMELLIA_C MBEDTLS_DES_C MBEDTLS_NIST_KW_C MBEDTLS_CMAC_C \
           MBEDTLS_ECJPAKE_C MBEDTLS_KEY_EXCHANGE_ECJPAKE_ENABLED MBEDTLS_LMS_C MBEDTLS_RIPEMD160_C \
           MBEDTLS_PSA_CRYPTO_STORAGE_C MBEDTLS_PSA_ITS_FILE_C MBEDTLS_FS_IO; do
    python3 scripts/config.py unset "$opt" 2>/dev/null || true
done
