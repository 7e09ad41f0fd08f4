#!/bin/sh
# Turn a PEM CA bundle into a C source holding it as a byte array, so the
# binary verifies TLS with no file on the host (FROM scratch). The build
# machine's CA store is the input; AWS_CA_BUNDLE / SSL_CERT_FILE replace it at
# run time.
set -eu
pem=${1:?usage: gen-cabundle.sh BUNDLE.pem}
grep -q 'BEGIN CERTIFICATE' "$pem" || { echo "gen-cabundle: $pem holds no certificate" >&2; exit 1; }
echo '/* Generated at build time from the build machine CA store. Do not edit. */'
echo '#include <stddef.h>'
echo 'const unsigned char cabundle_pem[] = {'
# Keep only the certificates (comments dropped), then the NUL mbedTLS wants.
sed -n '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/p' "$pem" |
    od -An -v -tx1 | sed -e 's/  */ /g' -e 's/^ //' -e 's/ $//' -e 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'
echo '0x00 };'
echo 'const size_t cabundle_pem_len = sizeof cabundle_pem - 1;'
