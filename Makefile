# ecsbatch: one static binary. See README.md "Building".
#
#   make            build/ecsbatch: static musl, stripped (dependencies built once into .deps/)
#   make test       the test suite against the release build
#   make asan       the same suite against a glibc + clang ASan/UBSan build
#   make fuzz       libFuzzer targets, short bounded runs
#   make check      all three; the README's test command
#   make lint       clang-tidy, cppcheck, banned functions
#   make clean      build/ only;  make distclean: also .deps/

VERSION   := $(shell cat VERSION)
DEPS      ?= $(CURDIR)/.deps
B         := build
JOBS      ?= 2
FUZZ_SECONDS ?= 10
CA_SOURCE ?= /etc/ssl/certs/ca-certificates.crt

CSTD   = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN   = -Wall -Wextra -Werror -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
         -Wold-style-definition -Wformat=2 -Wcast-qual -Wwrite-strings -Wvla -Wundef \
         -Wpointer-arith -Wimplicit-fallthrough -Wnull-dereference -Wno-format-nonliteral -Wno-format-truncation
HARDEN = -fstack-protector-strong -fno-common
INC    = -Isrc -I$(B)/gen
MUSL_VERSION := $(shell awk -F'\t' '$$1 == "musl" { print $$2 }' vendor/manifest.tsv)
DEFS   = -DECSBATCH_VERSION='"$(VERSION)"' -DECSBATCH_MUSL_VERSION='"$(MUSL_VERSION)"'

# mbedTLS calls mbedtls_hardware_poll (src/util/entropy.c) and nothing before it in the link
# does: -u pulls it out of libecsbatch.a.
LIBS   = -Wl,-u,mbedtls_hardware_poll -lcurl -lmbedtls -lmbedx509 -lmbedcrypto -lcjson -lexpat -lyaml -lpthread -lm

# release flavour: musl-gcc from .deps, static, sections for --gc-sections, stripped
R        := $(DEPS)/release
R_CC     := $(R)/bin/musl-gcc
R_CFLAGS := $(CSTD) $(WARN) $(HARDEN) $(INC) $(DEFS) -I$(R)/include -I$(R)/include/cjson -Os -ffunction-sections \
            -fdata-sections -fno-asynchronous-unwind-tables -MMD -MP
R_LDFLAGS := -static -L$(R)/lib -Wl,--gc-sections
# asan flavour: host clang + glibc
A        := $(DEPS)/asan
A_CC     := clang
SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
A_CFLAGS := $(CSTD) $(WARN) -Wno-unknown-warning-option $(INC) $(DEFS) -I$(A)/include -I$(A)/include/cjson -O1 -g $(SAN) -D_FORTIFY_SOURCE=2 -MMD -MP
A_LDFLAGS := -L$(A)/lib $(SAN)
F_CFLAGS := $(CSTD) $(WARN) -Wno-unknown-warning-option $(INC) $(DEFS) -I$(A)/include -I$(A)/include/cjson -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
            -fno-sanitize-recover=all -DECSBATCH_FUZZING -MMD -MP

SRCS      := $(sort $(shell find src -name '*.c'))
LIB_SRCS  := $(filter-out src/main.c,$(SRCS))
UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
TOOL_SRCS := $(sort $(wildcard tests/tools/*.c))
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
GEN_SRCS  := $(B)/gen/cabundle.c

obj = $(patsubst %.c,$(B)/$(1)/obj/%.o,$(2))

R_DEPS_STAMP := $(R)/.ready
A_DEPS_STAMP := $(A)/.ready

.PHONY: all test asan fuzz check lint clean distclean deps deps-asan
# Object files of tools and fuzz targets are intermediates of pattern rules: keep them.
.SECONDARY:
all: $(B)/ecsbatch

# --- third-party dependencies (vendor/) ---------------------------------------
# One fetch serves both flavours, so `make -j2 check` never runs two at once.
FETCH_STAMP := $(DEPS)/src/.fetched
$(FETCH_STAMP): vendor/manifest.tsv vendor/fetch.sh
	DEPS=$(DEPS) sh vendor/fetch.sh
	touch $@
$(R_DEPS_STAMP): $(FETCH_STAMP) vendor/build.sh vendor/mbedtls-config.sh src/util/entropy.c
	DEPS=$(DEPS) JOBS=$(JOBS) sh vendor/build.sh release
	touch $@
$(A_DEPS_STAMP): $(FETCH_STAMP) vendor/build.sh vendor/mbedtls-config.sh src/util/entropy.c
	DEPS=$(DEPS) JOBS=$(JOBS) sh vendor/build.sh asan
	touch $@
deps: $(R_DEPS_STAMP)
deps-asan: $(A_DEPS_STAMP)

# --- generated sources --------------------------------------------------------
# The CA bundle compiled into the binary, taken from the build machine's store.
$(B)/gen/cabundle.c: $(CA_SOURCE) src/gen-cabundle.sh
	@mkdir -p $(@D)
	sh src/gen-cabundle.sh $(CA_SOURCE) > $@.tmp && mv $@.tmp $@

# --- release ------------------------------------------------------------------
$(B)/release/obj/%.o: %.c $(R_DEPS_STAMP)
	@mkdir -p $(@D)
	@echo '  CC      $<'
	@$(R_CC) $(R_CFLAGS) -c $< -o $@
$(B)/release/libecsbatch.a: $(call obj,release,$(LIB_SRCS) $(GEN_SRCS))
	@rm -f $@
	@ar rcs $@ $^
$(B)/ecsbatch: $(B)/release/obj/src/main.o $(B)/release/libecsbatch.a
	$(R_CC) $(R_LDFLAGS) -s -o $@ $^ $(LIBS)
$(B)/release/unit-tests: $(call obj,release,$(UNIT_SRCS)) $(B)/release/libecsbatch.a
	$(R_CC) $(R_LDFLAGS) -o $@ $^ $(LIBS)
$(B)/release/tools/%: $(B)/release/obj/tests/tools/%.o $(B)/release/libecsbatch.a
	@mkdir -p $(@D)
	$(R_CC) $(R_LDFLAGS) -o $@ $^ $(LIBS)

# --- asan ---------------------------------------------------------------------
$(B)/asan/obj/%.o: %.c $(A_DEPS_STAMP)
	@mkdir -p $(@D)
	@echo '  CC asan $<'
	@$(A_CC) $(A_CFLAGS) -c $< -o $@
$(B)/asan/libecsbatch.a: $(call obj,asan,$(LIB_SRCS) $(GEN_SRCS))
	@rm -f $@
	@ar rcs $@ $^
$(B)/asan/ecsbatch: $(B)/asan/obj/src/main.o $(B)/asan/libecsbatch.a
	$(A_CC) $(A_LDFLAGS) -o $@ $^ $(LIBS)
$(B)/asan/unit-tests: $(call obj,asan,$(UNIT_SRCS)) $(B)/asan/libecsbatch.a
	$(A_CC) $(A_LDFLAGS) -o $@ $^ $(LIBS)
$(B)/asan/tools/%: $(B)/asan/obj/tests/tools/%.o $(B)/asan/libecsbatch.a
	@mkdir -p $(@D)
	$(A_CC) $(A_LDFLAGS) -o $@ $^ $(LIBS)

# --- fuzz ---------------------------------------------------------------------
$(B)/fuzz/obj/%.o: %.c $(A_DEPS_STAMP)
	@mkdir -p $(@D)
	@echo '  CC fuzz $<'
	@$(A_CC) $(F_CFLAGS) -c $< -o $@
$(B)/fuzz/libecsbatch.a: $(call obj,fuzz,$(LIB_SRCS) $(GEN_SRCS))
	@rm -f $@
	@ar rcs $@ $^
$(B)/fuzz/%: $(B)/fuzz/obj/tests/fuzz/%.o $(B)/fuzz/libecsbatch.a
	$(A_CC) -fsanitize=fuzzer,address,undefined -L$(A)/lib -o $@ $^ $(LIBS)

R_TOOLS := $(patsubst tests/tools/%.c,$(B)/release/tools/%,$(TOOL_SRCS))
A_TOOLS := $(patsubst tests/tools/%.c,$(B)/asan/tools/%,$(TOOL_SRCS))
FUZZERS := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(FUZZ_SRCS))

# --- test entry points --------------------------------------------------------
build-test: $(B)/ecsbatch $(B)/release/unit-tests $(R_TOOLS)
build-asan: $(B)/asan/ecsbatch $(B)/asan/unit-tests $(A_TOOLS)
build-fuzz: $(FUZZERS)
.PHONY: build-test build-asan build-fuzz

test: build-test
	EB_BUILD_DIR=$(B) python3 tests/run.py --flavour release
asan: build-asan
	EB_BUILD_DIR=$(B) python3 tests/run.py --flavour asan
fuzz: build-fuzz
	EB_BUILD_DIR=$(B) python3 tests/run.py --fuzz --fuzz-seconds $(FUZZ_SECONDS)
check: build-test build-asan build-fuzz
	EB_BUILD_DIR=$(B) python3 tests/run.py --flavour release --flavour asan --fuzz --fuzz-seconds $(FUZZ_SECONDS)

lint:
	sh tests/lint.sh

clean:
	rm -rf $(B)
distclean: clean
	rm -rf $(DEPS)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
