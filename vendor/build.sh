#!/bin/sh
# Build the libraries of vendor/manifest.tsv into $DEPS/<flavour>, once.
#
#   release  musl 1.2.5 built from source gives musl-gcc; every library is
#            built with it, static, for size (-Os, sections for --gc-sections).
#   asan     the host's clang and glibc, for the sanitizer and fuzz builds
#            (libraries themselves are not instrumented).
#
# A stamp per library records the recipe's hash, so editing this file rebuilds.
set -eu

flavour=${1:?usage: build.sh release|asan}
here=$(cd "$(dirname "$0")" && pwd)
DEPS=${DEPS:-$(cd "$here/.." && pwd)/.deps}
JOBS=${JOBS:-2}
src="$DEPS/src"
prefix="$DEPS/$flavour"
work="$DEPS/build-$flavour"
recipe=$( (cat "$here/build.sh" "$here/mbedtls-config.sh" "$here/../src/util/entropy.c"
    grep -v '^#' "$here/manifest.tsv" | cut -f1-3) | sha256sum | cut -c1-16)
mkdir -p "$prefix" "$work"

say() { printf 'vendor: %s\n' "$*" >&2; }
ver() { awk -F'\t' -v n="$1" '$1 == n { print $2 }' "$here/manifest.tsv"; }
stamp() { printf '%s/.built-%s-%s-%s' "$prefix" "$1" "$(ver "$1")" "$recipe"; }
done_() { [ -f "$(stamp "$1")" ]; }
mark() { rm -f "$prefix"/.built-"$1"-*; touch "$(stamp "$1")"; }
fresh() { rm -rf "$work/$1"; cp -a "$src/$1-$(ver "$1")" "$work/$1"; }
log() { printf '%s/%s.log' "$work" "$1"; }
run() { # run NAME cmd...: quiet unless it fails
    name=$1; shift
    if ! "$@" >>"$(log "$name")" 2>&1; then
        say "$name: build step failed: $*"; tail -n 40 "$(log "$name")" >&2; exit 1
    fi
}

case $flavour in
release)
    CC="$prefix/bin/musl-gcc"
    OPT="-Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables"
    HOST="--host=x86_64-linux-musl"
    ;;
asan)
    CC=clang
    OPT="-O1 -g -fno-omit-frame-pointer"
    HOST=""
    ;;
*) say "unknown flavour $flavour"; exit 2 ;;
esac

cmake_lib() { # cmake_lib NAME SUBDIR [args...]: builds the tree fresh() copied
    name=$1 sub=$2; shift 2
    run "$name" cmake -S "$work/$name/$sub" -B "$work/$name/_b" -DCMAKE_BUILD_TYPE=None \
        -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$OPT" -DCMAKE_INSTALL_PREFIX="$prefix" \
        -DCMAKE_INSTALL_LIBDIR=lib -DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=OFF "$@"
    run "$name" cmake --build "$work/$name/_b" -j "$JOBS"
    run "$name" cmake --install "$work/$name/_b"
}

t0=$(date +%s)

if [ "$flavour" = release ] && ! done_ musl; then
    say "building musl $(ver musl)"
    fresh musl
    (cd "$work/musl" && run musl ./configure --prefix="$prefix" --disable-shared CFLAGS="-Os -ffunction-sections -fdata-sections")
    run musl make -C "$work/musl" -j "$JOBS"
    run musl make -C "$work/musl" install
    mark musl
fi

if ! done_ mbedtls; then
    say "building mbedtls $(ver mbedtls) ($flavour)"
    fresh mbedtls
    run mbedtls sh "$here/mbedtls-config.sh" "$work/mbedtls"
    cmake_lib mbedtls . -DENABLE_TESTING=OFF -DENABLE_PROGRAMS=OFF -DUSE_SHARED_MBEDTLS_LIBRARY=OFF \
        -DUSE_STATIC_MBEDTLS_LIBRARY=ON -DMBEDTLS_FATAL_WARNINGS=OFF -DGEN_FILES=OFF
    # mbedTLS now expects mbedtls_hardware_poll from its user (mbedtls-config.sh); curl's
    # configure links test programs against it, so the same getrandom source is built here.
    run mbedtls "$CC" $OPT -std=c11 -D_DEFAULT_SOURCE -I"$prefix/include" \
        -c "$here/../src/util/entropy.c" -o "$work/mbedtls/entropy.o"
    run mbedtls ar rcs "$prefix/lib/libebentropy.a" "$work/mbedtls/entropy.o"
    mark mbedtls
fi

if ! done_ cjson; then
    say "building cjson $(ver cjson) ($flavour)"
    fresh cjson
    cmake_lib cjson . -DENABLE_CJSON_TEST=OFF -DENABLE_CJSON_UTILS=OFF -DENABLE_CUSTOM_COMPILER_FLAGS=OFF \
        -DENABLE_TARGET_EXPORT=OFF -DENABLE_LOCALES=OFF
    mark cjson
fi

if ! done_ expat; then
    say "building expat $(ver expat) ($flavour)"
    fresh expat
    cmake_lib expat expat -DEXPAT_SHARED_LIBS=OFF -DEXPAT_BUILD_TOOLS=OFF -DEXPAT_BUILD_EXAMPLES=OFF \
        -DEXPAT_BUILD_TESTS=OFF -DEXPAT_BUILD_DOCS=OFF -DEXPAT_BUILD_FUZZERS=OFF -DEXPAT_BUILD_PKGCONFIG=OFF
    mark expat
fi

if ! done_ libyaml; then
    say "building libyaml $(ver libyaml) ($flavour)"
    fresh libyaml
    cmake_lib libyaml . -DBUILD_TESTING=OFF -DINSTALL_CMAKE_DIR=lib/cmake/yaml
    mark libyaml
fi

if ! done_ curl; then
    say "building curl $(ver curl) ($flavour)"
    fresh curl
    (cd "$work/curl" && run curl env PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig" CC="$CC" CFLAGS="$OPT" \
        CPPFLAGS="-I$prefix/include" LDFLAGS="-L$prefix/lib" LIBS="-lebentropy" \
        ./configure $HOST --prefix="$prefix" --disable-shared --enable-static \
        --with-mbedtls="$prefix" --without-openssl --without-gnutls \
        --without-zlib --without-brotli --without-zstd --without-nghttp2 --without-nghttp3 \
        --without-ngtcp2 --without-quiche --without-libidn2 --without-libpsl --without-libssh \
        --without-libssh2 --without-librtmp --without-libgsasl --without-ca-bundle --without-ca-path \
        --without-ca-fallback --disable-ldap --disable-ldaps --disable-rtsp --disable-dict \
        --disable-telnet --disable-tftp --disable-pop3 --disable-imap --disable-smb --disable-smtp \
        --disable-gopher --disable-mqtt --disable-ftp --disable-file --disable-ipfs --disable-websockets \
        --disable-ntlm --disable-kerberos-auth --disable-negotiate-auth --disable-sspi --disable-tls-srp \
        --disable-unix-sockets --disable-cookies --disable-alt-svc --disable-hsts --disable-doh \
        --disable-netrc --disable-mime --disable-form-api --disable-manual --disable-docs \
        --disable-libcurl-option --disable-verbose --disable-aws --disable-dateparse --disable-progress-meter \
        --disable-headers-api --disable-bindlocal --disable-socketpair)
    run curl make -C "$work/curl/lib" -j "$JOBS"
    run curl make -C "$work/curl/lib" install
    run curl make -C "$work/curl/include" install
    run curl make -C "$work/curl" install-pkgconfigDATA
    mark curl
fi

say "$flavour dependencies ready in $(( $(date +%s) - t0 ))s"
