#!/bin/sh
# Fetch, verify and unpack every library of vendor/manifest.tsv into
# $DEPS/src/<name>-<version>/ (once; later runs reuse it).
#
# For each library: try the upstream URL; if it cannot be reached, or its
# bytes do not match the pinned SHA-256, use `apt-get source` for the Debian
# source package instead. apt runs against a private state folder whose
# deb-src list is derived here, at run time, from the machine's own apt
# configuration (same URIs and keys, suite switched to the one that carries
# these versions), so neither the machine's apt state nor any file of this
# project names a package host. The pinned upstream archive's SHA-256 is
# checked in either case; Debian's own patches (security fixes) are applied
# by dpkg-source after apt has verified the signed source index.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
DEPS=${DEPS:-$(cd "$here/.." && pwd)/.deps}
SUITE=${ECSBATCH_DEB_SUITE:-trixie}
src="$DEPS/src"
dl="$DEPS/downloads"
apt_state="$DEPS/apt"
mkdir -p "$src" "$dl"

say() { printf 'vendor: %s\n' "$*" >&2; }

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

# Write $apt_state/parts/src.sources from the machine's .sources/.list files.
apt_setup() {
    [ -f "$apt_state/.ready" ] && return 0
    mkdir -p "$apt_state/parts" "$apt_state/lists/partial" "$apt_state/cache/archives/partial"
    out="$apt_state/parts/src.sources"
    : > "$out"
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        # Keep the stanzas of the main Debian archive (the one whose suites are
        # plain release names), turned into deb-src stanzas of $SUITE.
        awk -v suite="$SUITE" '
            BEGIN { RS = ""; ORS = "\n\n" }
            /Suites:[^\n]*-security/ { next }
            /Types:/ {
                gsub(/Types:[^\n]*/, "Types: deb-src")
                gsub(/Suites:[^\n]*/, "Suites: " suite)
                print
            }' "$f" >> "$out"
    done
    if [ ! -s "$out" ]; then
        # One-line format: take the first "deb URI suite ..." line's URI.
        uri=$(grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
              grep -v -- '-security' | awk '{for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; exit }}' | head -n 1)
        [ -n "$uri" ] || { say "no Debian apt source found on this machine"; return 1; }
        printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\n' "$uri" "$SUITE" > "$out"
    fi
    apt-get $(apt_opts) update >/dev/null
    touch "$apt_state/.ready"
}

apt_opts() {
    printf '%s ' -q -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt_state/parts" \
        -o "Dir::State::Lists=$apt_state/lists" -o "Dir::Cache=$apt_state/cache" \
        -o APT::Sandbox::User=root -o Debug::NoLocking=1
}

# pool_fetch debsrc debver dir: download the pinned .dsc straight from the
# archive's pool (same URI the machine's apt uses), then the files it lists.
# Used when the suite's index no longer lists the pinned revision but the pool
# still serves it; fetch_debian checks the .dsc against its pinned SHA-256 and
# dpkg-source every listed file against the .dsc.
pool_fetch() {
    debsrc=$1 debver=$2 dir=$3
    base=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' "$apt_state/parts/src.sources" | head -n 1)
    [ -n "$base" ] || return 1
    case $debsrc in lib*) pre=$(printf %.4s "$debsrc") ;; *) pre=$(printf %.1s "$debsrc") ;; esac
    pool="${base%/}/pool/main/$pre/$debsrc"
    dsc="${debsrc}_${debver#*:}.dsc"
    download "$pool/$dsc" "$dir/$dsc" || return 1
    for f in $(awk '/^Checksums-Sha256:/ { on = 1; next } /^[^ ]/ { on = 0 } on { print $3 }' "$dir/$dsc"); do
        download "$pool/$f" "$dir/$f" || return 1
    done
}

# download url file, through apt's own transport (its proxy settings included).
download() {
    /usr/lib/apt/apt-helper $(apt_opts) download-file "$(printf %s "$1" | sed 's/~/%7e/g; s/+/%2b/g')" "$2" >/dev/null 2>&1 ||
        { rm -f "$2"; return 1; }
}

# fetch_debian name version sha debsrc debver dscsha dest
fetch_debian() {
    name=$1 version=$2 sha=$3 debsrc=$4 debver=$5 dscsha=$6 dest=$7
    apt_setup
    work="$dl/$debsrc-deb"
    rm -rf "$work"
    mkdir -p "$work"
    if ! (cd "$work" && apt-get $(apt_opts) source --download-only "$debsrc=$debver" >/dev/null 2>&1); then
        rm -f "$work"/*
        pool_fetch "$debsrc" "$debver" "$work" ||
            { say "$name: Debian source $debver is neither in the suite's index nor in its pool"; return 1; }
    fi
    dsc="$work/${debsrc}_${debver#*:}.dsc"
    got=$(sha_of "$dsc")
    [ "$got" = "$dscsha" ] || { say "$name: SHA-256 mismatch for $(basename "$dsc"): got $got, want $dscsha"; return 1; }
    orig=$(ls "$work"/*.orig.tar.* 2>/dev/null | grep -v '\.asc$' | head -n 1)
    [ -n "$orig" ] || { say "$name: no source archive in the Debian package"; return 1; }
    got=$(sha_of "$orig")
    if [ "$got" != "$sha" ]; then
        say "$name: SHA-256 mismatch for $(basename "$orig"): got $got, want $sha"
        return 1
    fi
    rm -rf "$dest.tmp"
    # dpkg-source checks every file against the .dsc's checksums (the uploader's
    # signature is not checked: the .dsc itself is pinned).
    if ! (cd "$work" && dpkg-source -x "$dsc" "$dest.tmp" >"$work/unpack.log" 2>&1); then
        grep 'error' "$work/unpack.log" >&2
        say "$name: the files of $(basename "$dsc") do not match it"
        return 1
    fi
    mv "$dest.tmp" "$dest"
    say "$name $version: Debian source $(basename "$dsc" .dsc) (patches applied), SHA-256 verified"
}

# fetch_upstream name version sha url dest
fetch_upstream() {
    name=$1 version=$2 sha=$3 url=$4 dest=$5
    [ "${ECSBATCH_SKIP_UPSTREAM:-}" = 1 ] && return 1
    file="$dl/$(basename "$url")"
    curl -fsSL --connect-timeout 5 --max-time 120 -o "$file.part" "$url" 2>/dev/null || { rm -f "$file.part"; return 1; }
    mv "$file.part" "$file"
    got=$(sha_of "$file")
    [ "$got" = "$sha" ] || { say "$name: upstream archive SHA-256 $got does not match; trying Debian"; return 1; }
    rm -rf "$dest.tmp"
    mkdir -p "$dest.tmp"
    tar -xf "$file" -C "$dest.tmp" --strip-components=1
    mv "$dest.tmp" "$dest"
    say "$name $version: upstream archive, SHA-256 verified"
}

grep -v '^#' "$here/manifest.tsv" | grep -v '^$' |
while IFS="$(printf '\t')" read -r name version sha url debsrc debver dscsha; do
    dest="$src/$name-$version"
    [ -d "$dest" ] && continue
    fetch_upstream "$name" "$version" "$sha" "$url" "$dest" ||
        fetch_debian "$name" "$version" "$sha" "$debsrc" "$debver" "$dscsha" "$dest" ||
        { say "$name $version: could not fetch a verified source"; exit 1; }
done
