#!/bin/sh
# Static checks of src/: banned functions (curl's checksrc idea), cppcheck and
# clang-tidy with the checks named in .clang-tidy. Exits non-zero on a finding.
set -eu
cd "$(dirname "$0")/.."
DEPS=${DEPS:-$(pwd)/.deps}
status=0

banned='\b(sprintf|strcpy|strcat|strncpy|strtok|gets|atoi|atol|sscanf)[[:space:]]*\('
if grep -rnE "$banned" src --include='*.c' --include='*.h'; then
    echo "lint: banned functions above (use snprintf/eb_buf, strtoll with an end check)"
    status=1
fi

if command -v cppcheck >/dev/null 2>&1; then
    cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability \
        --inline-suppr --suppress=missingIncludeSystem -Isrc src || status=1
fi

if command -v clang-tidy >/dev/null 2>&1 && [ -d "$DEPS/asan/include" ]; then
    for f in $(find src -name '*.c' | sort); do
        clang-tidy --quiet "$f" -- -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc -Ibuild/gen \
            -I"$DEPS/asan/include" -I"$DEPS/asan/include/cjson" -DECSBATCH_VERSION='"lint"' \
            -DECSBATCH_MUSL_VERSION='"lint"' 2>/dev/null || status=1
    done
fi
[ $status -eq 0 ] && echo "lint: clean"
exit $status
