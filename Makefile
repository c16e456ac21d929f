# nsatu - one Makefile, driven by pkg-config.
#
#   make            build build/nsatu (installs missing dependencies first)
#   make run        build, create var/nsatu.db with the demo data, serve :8080
#   make test       every suite: unit, store, API; again under ASan+UBSan; fuzz
#   make bench-http the HTTP benchmark against nginx (not part of make test)
#   make bench-web  the web UI's static files against nginx sending the same .gz files
#   make bench-events  1 000 000 custody events through the batch API vs direct SQLite
#   make bench-plan    the allocation optimiser vs GLPK's simplex on the same LP
#
# Objects go to build/ (optimised) and build/asan/ (sanitizers).

SHELL   := /bin/bash
CC      ?= gcc
PKGS    := libmicrohttpd jansson sqlite3 libsodium libpq xlsxwriter libdmtx
TESTPKGS:= check libcurl
FUZZ_SECONDS ?= 30

# Install dependencies first when any is missing (scripts/deps is idempotent).
DEPS_OK := $(shell pkg-config --exists $(PKGS) $(TESTPKGS) 2>/dev/null && command -v clang >/dev/null && test -f /usr/include/hpdf.h && test -f /usr/include/glpk.h && test -f web/node_modules/d3-geo/package.json && command -v chromium >/dev/null && echo yes)
ifneq ($(DEPS_OK),yes)
  $(info Installing missing dependencies with scripts/deps ...)
  DEPS_RC := $(shell scripts/deps >&2; echo $$?)
  ifneq ($(DEPS_RC),0)
    $(error scripts/deps failed; see the messages above)
  endif
endif

WARN    := -Wall -Wextra -Wpedantic -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
           -Wmissing-prototypes -Wvla -Wno-unused-parameter -Wimplicit-fallthrough
CSTD    := -std=c17 -D_DEFAULT_SOURCE -D_GNU_SOURCE
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS)) -lhpdf -lcsv -lglpk -lpthread -lm
TEST_CFLAGS:= $(shell pkg-config --cflags $(TESTPKGS))
TEST_LIBS  := $(shell pkg-config --libs $(TESTPKGS))

CFLAGS_release := -O2 -g -fstack-protector-strong -D_FORTIFY_SOURCE=2
CFLAGS_asan    := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
                  -fno-sanitize-recover=undefined
LDFLAGS_asan   := -fsanitize=address,undefined

# Library sources: every layer but the command-line entry point.
LIB_SRC  := $(wildcard src/core/*.c src/log/*.c src/store/*.c src/store/sqlite/*.c src/store/pg/*.c src/io/*.c \
                       src/svc/*.c src/plan/*.c src/http/*.c)
CLI_SRC  := $(wildcard src/cli/*.c)
UNIT_SRC := $(wildcard tests/unit/*.c)
API_SRC  := $(wildcard tests/api/*.c)
HDRS     := $(shell find src tests -name '*.h')

define build_variant   # $(1): variant name, $(2): output dir
$(2)/%.o: %.c $(HDRS) | deps-ok
	@mkdir -p $$(@D)
	@echo "  CC $(1) $$<"
	@$$(CC) $(CSTD) $(WARN) $$(CFLAGS_$(1)) -Isrc $(PKG_CFLAGS) $(TEST_CFLAGS) -c $$< -o $$@

$(2)/libnsatu.a: $(LIB_SRC:%.c=$(2)/%.o)
	@rm -f $$@
	ar rcs $$@ $$^

$(2)/nsatu: $(CLI_SRC:%.c=$(2)/%.o) $(2)/libnsatu.a
	$$(CC) $$(LDFLAGS_$(1)) -o $$@ $$^ $(PKG_LIBS)

$(2)/unit-tests: $(UNIT_SRC:%.c=$(2)/%.o) $(2)/libnsatu.a
	$$(CC) $$(LDFLAGS_$(1)) -o $$@ $$^ $(PKG_LIBS) $(TEST_LIBS)

$(2)/api-tests: $(API_SRC:%.c=$(2)/%.o) $(2)/libnsatu.a
	$$(CC) $$(LDFLAGS_$(1)) -o $$@ $$^ $(PKG_LIBS) $(TEST_LIBS)
endef

$(eval $(call build_variant,release,build))
$(eval $(call build_variant,asan,build/asan))

.PHONY: all deps-ok web run test test-unit test-api test-ha test-e2e bench-http bench-web bench-events bench-plan clean lint

all: build/nsatu web

# The web UI: web/ and its npm libraries, assembled into build/web, which
# `nsatu serve` finds beside build/nsatu (scripts/build-web).
WEB_SRC := web/index.html $(shell find web/js web/css -type f 2>/dev/null)
web: build/web/index.html
build/web/index.html: $(WEB_SRC) scripts/build-web web/package-lock.json | deps-ok
	@scripts/build-web

deps-ok: ;

run: build/nsatu web
	@mkdir -p var
	@if [ ! -f var/nsatu.db ]; then build/nsatu demo --db var/nsatu.db; \
	 else build/nsatu demo --db var/nsatu.db --logins-only; fi
	build/nsatu serve --db var/nsatu.db --listen 127.0.0.1:8080

# Suites; tests/run prints a closing "N passed, N failed" line.
test: build/nsatu build/unit-tests build/api-tests \
      build/asan/nsatu build/asan/unit-tests build/asan/api-tests build/fuzz-decode build/fuzz-csv \
      build/fuzz-plan web
	tests/run --fuzz-seconds $(FUZZ_SECONDS)

test-unit: build/unit-tests
	build/unit-tests

test-api: build/nsatu build/api-tests
	NSATU_BIN=build/nsatu build/api-tests

# PostgreSQL primary + synchronous standby, fail-over under load (also in make test).
test-ha: build/nsatu
	tests/ha.sh

# Browser tests in headless chromium (also in make test); E2E=text runs only
# the tests whose name contains it.  See tests/e2e/README.md.
test-e2e: build/nsatu web
	node tests/e2e/run.mjs $(E2E)

# libFuzzer harness for the JSON request decoder (clang only).
FUZZ_SRC := tests/fuzz/fuzz_decode.c src/http/decode.c $(wildcard src/core/*.c)
build/fuzz-decode: $(FUZZ_SRC) $(HDRS) | deps-ok
	@mkdir -p $(@D)
	clang $(CSTD) -g -O1 -fsanitize=fuzzer,address,undefined -Isrc $(PKG_CFLAGS) \
	  -o $@ $(FUZZ_SRC) $(shell pkg-config --libs jansson)

# libFuzzer harness for the CSV reader.
FUZZ_CSV_SRC := tests/fuzz/fuzz_csv.c src/io/csv.c $(wildcard src/core/*.c)
build/fuzz-csv: $(FUZZ_CSV_SRC) $(HDRS) | deps-ok
	@mkdir -p $(@D)
	clang $(CSTD) -g -O1 -fsanitize=fuzzer,address,undefined -Isrc $(PKG_CFLAGS) \
	  -o $@ $(FUZZ_CSV_SRC) -lcsv $(shell pkg-config --libs jansson)

# libFuzzer harness for the optimiser's problem files.
FUZZ_PLAN_SRC := tests/fuzz/fuzz_plan.c $(wildcard src/plan/*.c)
build/fuzz-plan: $(FUZZ_PLAN_SRC) $(HDRS) | deps-ok
	@mkdir -p $(@D)
	clang $(CSTD) -g -O1 -fsanitize=fuzzer,address,undefined -Isrc $(PKG_CFLAGS) \
	  -o $@ $(FUZZ_PLAN_SRC) -lglpk -lpthread -lm $(shell pkg-config --libs jansson)

bench-http: build/nsatu build/bench-seed
	bench/http.sh

bench-web: build/nsatu web
	bench/web.sh

bench-events: build/nsatu build/bench-events-direct build/bench-events-client
	bench/events.sh

build/bench-events-direct: bench/events_direct.c bench/events_gen.h build/libnsatu.a
	$(CC) $(CSTD) $(WARN) $(CFLAGS_release) -Isrc $(PKG_CFLAGS) -o $@ $(filter-out %.h,$^) $(PKG_LIBS)

build/bench-events-client: bench/events_client.c bench/events_gen.h build/libnsatu.a
	$(CC) $(CSTD) $(WARN) $(CFLAGS_release) -Isrc $(PKG_CFLAGS) $(TEST_CFLAGS) -o $@ $(filter-out %.h,$^) $(PKG_LIBS) $(TEST_LIBS)

# Capacities that do not bind at 1k, 10k, 100k lines (the network simplex),
# then ones that bind at 1k and 2k (GLPK's simplex on the whole LP).
bench-plan: build/nsatu build/bench-plan
	bench/plan.sh
	BENCH_PLAN_CAPACITY=tight BENCH_PLAN_SIZES="$${BENCH_PLAN_TIGHT_SIZES-1000 2000}" bench/plan.sh

build/bench-plan: bench/plan_bench.c bench/plan_gen.c bench/plan_gen.h build/libnsatu.a
	$(CC) $(CSTD) $(WARN) $(CFLAGS_release) -Isrc $(PKG_CFLAGS) -o $@ $(filter-out %.h,$^) $(PKG_LIBS)

build/bench-seed: bench/seed.c build/libnsatu.a
	$(CC) $(CSTD) $(WARN) $(CFLAGS_release) -Isrc $(PKG_CFLAGS) -o $@ $^ $(PKG_LIBS)

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	  --inline-suppr -Isrc src

clean:
	rm -rf build
