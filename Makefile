# mqlite — build, test and demo.
#
#   make          build build/mqlite.so (the SQLite extension) and build/mqgen
#   make demo     build a sample database and print scored leads with reasons
#   make test     unit tests (cmocka), SQL, script, Python, fuzz-replay, thread
#                 and host tests (the README in sqlite3, Python, sqlite-utils,
#                 Node, datasette, Chromium), with -Werror
#   make wheel    the Python package with the extension and the datasette plugin:
#                 build/dist/mqlite-VERSION-py3-none-linux_ARCH.whl
#   make check-asan / check-valgrind / check-threads / check-crash / fuzz
#                 the reliability runs (see README, Reliability); make bench
#   make install / uninstall   into PREFIX (default /usr/local) under DESTDIR
#   make static   build/static/mqlite.so with Lua and Jansson inside it
#   make deb      build/mqlite_VERSION-1_ARCH.deb, checked by lintian;
#                 make check-deb installs it, runs the demo from it, purges it (root)
#
# Missing Debian packages are installed with apt-get when run as root;
# otherwise the exact apt-get line is printed and the build stops.

CC       ?= cc
BUILD    := build
# The version: ext/mqlite.c's MQLITE_VERSION, its one source, read here once.
# make hands it on (MQ_VERSION in the environment of docs/mkman.sh,
# docs/install.sh and docs/debian/mkdeb.sh; build_wheel.py's --version), so
# no script reads the C file to find it again.
VERSION  := $(shell sed -n 's/^\#define MQLITE_VERSION "\(.*\)"$$/\1/p' ext/mqlite.c)
CSTD     := -std=c11 -D_DEFAULT_SOURCE
WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
OPT      ?= -O2 -g
# make test and CI build with -Werror; a plain make only warns.
ifneq ($(filter test,$(MAKECMDGOALS))$(CI),)
WERROR   := -Werror
endif
LUA_CFLAGS  := $(shell pkg-config --cflags lua5.4 2>/dev/null || echo -I/usr/include/lua5.4)
LUA_LIBS    := $(shell pkg-config --libs lua5.4 2>/dev/null || echo -llua5.4)
# Hidden visibility: the .so exports sqlite3_mqlite_init alone (mqlite.c marks
# it), not every mq_* function into a host that loads with RTLD_GLOBAL.
CFLAGS_ALL   = $(CSTD) $(OPT) $(WARN) $(WERROR) -fPIC -fvisibility=hidden $(LUA_CFLAGS) $(EXTRA_CFLAGS)
LDLIBS_EXT  := $(LUA_LIBS) -ljansson -lm
SQLITE3     ?= sqlite3

# Packages by purpose; `deps` checks them with dpkg and installs what is missing.
PKGS_BUILD := gcc make pkg-config libsqlite3-dev liblua5.4-dev libjansson-dev sqlite3
PKGS_TEST  := libcmocka-dev shellcheck groff-base sqlite-utils
# test-hosts: Chromium is a host (sqlite-utils, in PKGS_TEST, is another);
# python3-venv makes the datasette venv. (Node 20+ with npm is not a Debian
# package of bookworm: without it the Node host is skipped, or under CI=true
# fails.)
PKGS_HOSTS := python3-venv chromium

EXT_SRC  := $(wildcard ext/*.c)
EXT_OBJ  := $(EXT_SRC:ext/%.c=$(BUILD)/ext/%.o)
EXT_HDR  := $(wildcard ext/*.h)
# Plain C modules (no SQLite, no Lua beyond the rule engine) that cmocka links directly.
CORE_OBJ := $(BUILD)/ext/mqerr.o $(BUILD)/ext/mqtime.o $(BUILD)/ext/ruleprog.o $(BUILD)/ext/explain.o $(BUILD)/ext/valuetest.o $(BUILD)/ext/replay.o $(BUILD)/ext/engine.o $(BUILD)/ext/sandbox.o $(BUILD)/ext/luaguard.o $(BUILD)/ext/luaconv.o $(BUILD)/ext/ruledsl.o $(BUILD)/ext/ruletests.o $(BUILD)/ext/patcost.o $(BUILD)/ext/leadjson.o $(BUILD)/ext/stagemodel.o $(BUILD)/ext/mathstat.o $(BUILD)/ext/auc.o $(BUILD)/ext/logit.o $(BUILD)/ext/buckets.o $(BUILD)/ext/utf8text.o $(BUILD)/ext/acctmatch.o $(BUILD)/ext/attribmodel.o
# (routing, issue 17: route { } of the rule language, which ruledsl.o calls)
CORE_OBJ += $(BUILD)/ext/routedsl.o $(BUILD)/ext/jsonplain.o
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: install uninstall static deps-static deb check-deb deps-deb wheel deps-datasette test-datasette test-browser screenshot test-python test-hosts all deps deps-test deps-fuzz deps-valgrind check-asan check-valgrind check-threads check-crash test-threads demo test test-unit test-sql test-scripts test-fuzz-replay fuzz bench clean FORCE

all: deps $(BUILD)/mqlite.so $(BUILD)/mqgen $(BUILD)/mqlite.1

deps:
	@$(call ensure_pkgs,$(PKGS_BUILD))

deps-test:
	@$(call ensure_pkgs,$(PKGS_BUILD) $(PKGS_TEST))

# ensure_pkgs: install the missing Debian packages as root, else say what to install.
define ensure_pkgs
if command -v dpkg-query >/dev/null 2>&1; then \
  missing=""; \
  for p in $(1); do \
    dpkg-query -W -f='$${Status}\n' "$$p" 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
  done; \
  if [ -n "$$missing" ]; then \
    if [ "$$(id -u)" = 0 ]; then \
      echo "mqlite: installing$$missing"; \
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
    else \
      echo "mqlite: missing Debian packages:$$missing" >&2; \
      echo "install them with:  sudo apt-get install -y$$missing" >&2; \
      exit 1; \
    fi; \
  fi; \
else \
  echo "mqlite: no dpkg here; make sure these (Debian names) are installed: $(1)" >&2; \
fi
endef

# Objects are rebuilt when the flags change, so `make test` really compiles
# with -Werror what a plain `make` compiled without it.
$(BUILD)/.flags: FORCE
	@mkdir -p $(BUILD)
	@echo '$(CFLAGS_ALL)' | cmp -s - $@ || echo '$(CFLAGS_ALL)' >$@

$(BUILD)/ext/%.o: ext/%.c $(EXT_HDR) $(BUILD)/.flags | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/mqlite.so: $(EXT_OBJ)
	$(CC) -shared -Wl,-z,defs -Wl,-soname,mqlite.so $(EXTRA_LDFLAGS) -o $@ $(EXT_OBJ) $(LDLIBS_EXT)

$(BUILD)/mqgen: samples/mqgen.c ext/mqtime.h $(BUILD)/ext/mqtime.o $(BUILD)/.flags | deps
	$(CC) $(CFLAGS_ALL) $(EXTRA_LDFLAGS) -Iext -o $@ samples/mqgen.c $(BUILD)/ext/mqtime.o -lsqlite3 -lm

$(BUILD)/tests/%: tests/unit/%.c tests/unit/engine_fixture.h $(CORE_OBJ) $(EXT_HDR) $(BUILD)/.flags | deps-test
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(EXTRA_LDFLAGS) -Iext -o $@ $< $(CORE_OBJ) $(LDLIBS_EXT) -lsqlite3 -lcmocka

# The man page, from the --help texts of the scripts (docs/mkman.sh).
$(BUILD)/mqlite.1: export MQ_VERSION = $(VERSION)
$(BUILD)/mqlite.1: docs/mkman.sh scripts/mqlite $(wildcard scripts/mqlite-*) ext/mqlite.c
	@mkdir -p $(BUILD)
	sh docs/mkman.sh >$@.tmp && mv $@.tmp $@

# ---- install ------------------------------------------------------------------
# docs/install.sh does the work; it takes PREFIX, DESTDIR, MULTIARCH and the
# version from the environment (exported here), so no name is pasted into a
# shell line.
# The extension goes to PREFIX/lib/MULTIARCH, where (with PREFIX=/usr) the
# dynamic loader finds it by name: .load mqlite with no path.
PREFIX    ?= /usr/local
DESTDIR   ?=
MULTIARCH ?= $(shell dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || $(CC) -print-multiarch)
install uninstall: export MQ_VERSION = $(VERSION)
install uninstall: export MQ_PREFIX = $(PREFIX)
install uninstall: export MQ_DESTDIR = $(DESTDIR)
install uninstall: export MQ_MULTIARCH = $(MULTIARCH)

install: all
	@MQ_EXT_SO=$(BUILD)/mqlite.so MQ_MQGEN=$(BUILD)/mqgen MQ_MAN=$(BUILD)/mqlite.1 sh docs/install.sh install

uninstall:
	@sh docs/install.sh uninstall

# ---- the self-contained extension: make static ---------------------------------
# build/static/mqlite.so with Lua and Jansson compiled in (from Debian's source
# packages of the installed versions: Debian's .a files are not PIC), needing
# only libc and libm: one file to copy to another glibc machine, and what the
# Python wheel takes. Everything but sqlite3_mqlite_init is hidden
# (docs/static/mqlite.map). Lua is built as Debian builds it (LUA_COMPAT_5_3),
# with LUA_USE_POSIX instead of LUA_USE_LINUX: no dlopen, since the sandbox
# loads no C modules.
STATIC     := $(BUILD)/static
LUA_OBJS   := lapi lcode lctype ldebug ldo ldump lfunc lgc llex lmem lobject lopcodes lparser \
              lstate lstring ltable ltm lundump lvm lzio lauxlib lbaselib lcorolib ldblib liolib \
              lmathlib loadlib loslib lstrlib ltablib lutf8lib linit
JANSSON_OBJS := dump error hashtable hashtable_seed load memory pack_unpack strbuffer strconv utf value version
STATIC_OBJ := $(EXT_SRC:ext/%.c=$(STATIC)/ext/%.o) $(LUA_OBJS:%=$(STATIC)/lua/%.o) $(JANSSON_OBJS:%=$(STATIC)/jansson/%.o)
STATIC_CFLAGS := -O2 -g -fPIC -fvisibility=hidden
STATIC_INC := -I$(STATIC)/src/lua/src -Idocs/static -I$(STATIC)/src/jansson/src

static: $(STATIC)/mqlite.so

deps-static:
	@$(call ensure_pkgs,$(PKGS_BUILD) dpkg-dev)

$(STATIC)/src/versions: docs/static/fetch.sh | deps-static
	sh docs/static/fetch.sh $(STATIC)/src

$(STATIC)/lua/%.o: $(STATIC)/src/versions
	@mkdir -p $(dir $@)
	$(CC) -std=gnu99 $(STATIC_CFLAGS) -Wall -Wextra -DLUA_COMPAT_5_3 -DLUA_USE_POSIX -c $(STATIC)/src/lua/src/$*.c -o $@

# (Jansson 2.14's own code draws three -Wall warnings from gcc 12, in
# error.c's strncpy and load.c's snprintf; they are upstream's, left visible)
$(STATIC)/jansson/%.o: $(STATIC)/src/versions docs/static/jansson_config.h docs/static/jansson_private_config.h
	@mkdir -p $(dir $@)
	$(CC) -std=c99 $(STATIC_CFLAGS) -Wall -Wextra -DHAVE_CONFIG_H -Idocs/static -I$(STATIC)/src/jansson/src -c $(STATIC)/src/jansson/src/$*.c -o $@

# mqlite's own files with its own flags (and -Werror), against those headers
$(STATIC)/ext/%.o: ext/%.c $(EXT_HDR) $(STATIC)/src/versions docs/static/jansson_config.h
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(STATIC_CFLAGS) $(WARN) -Werror $(STATIC_INC) -c $< -o $@

$(STATIC)/mqlite.so: $(STATIC_OBJ) docs/static/mqlite.map
	$(CC) -shared -Wl,-z,defs -Wl,-soname,mqlite.so -Wl,--version-script=docs/static/mqlite.map -o $@ $(STATIC_OBJ) -lm
	@echo "make static: $@ ($$(wc -c <$@) bytes) needs: $$(ldd $@ | awk '{ print $$1 }' | tr '\n' ' ')"

# ---- the Debian package: make deb, make check-deb --------------------------------
# The package's binaries are built apart (BUILD/deb/build) with Debian's build
# flags and hardening (dpkg-buildflags), and link Debian's shared Lua and
# Jansson; docs/debian/mkdeb.sh stages make install's files with PREFIX=/usr
# and builds the package with dpkg-deb; lintian judges it (README, Installing:
# the tags it reports, and why they stay). The package's version, file name,
# architecture and multiarch directory are the ones named here, handed to
# mkdeb.sh in its environment: the .deb it writes is the one lintian reads.
PKGS_DEB := dpkg-dev lintian
DEB_BIN  := $(BUILD)/deb/build
DEB_ARCH := $(shell dpkg --print-architecture 2>/dev/null)
DEB_VERSION := $(VERSION)-1
DEB      := $(BUILD)/mqlite_$(DEB_VERSION)_$(DEB_ARCH).deb
deb: export MQ_VERSION = $(VERSION)
deb: export MQ_DEB_VERSION = $(DEB_VERSION)
deb: export MQ_DEB = $(DEB)
deb: export MQ_DEB_ARCH = $(DEB_ARCH)
deb: export MQ_MULTIARCH = $(MULTIARCH)

deps-deb:
	@$(call ensure_pkgs,$(PKGS_BUILD) $(PKGS_DEB))

deb: deps-deb
	@$(MAKE) --no-print-directory BUILD=$(DEB_BIN) \
	    OPT="$$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CFLAGS)" \
	    EXTRA_CFLAGS="$$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CPPFLAGS)" \
	    EXTRA_LDFLAGS="$$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get LDFLAGS)" \
	    $(DEB_BIN)/mqlite.so $(DEB_BIN)/mqgen $(DEB_BIN)/mqlite.1
	@sh docs/debian/mkdeb.sh $(BUILD) $(DEB_BIN)
	@echo "lintian $(DEB):"
	@lintian $(DEB) || { echo "make deb: lintian found errors" >&2; exit 1; }

# For CI, as root: installs the package with apt-get, runs the demo with the
# installed mqlite and extension (no path, no MQLITE_EXT), purges it, and
# checks that none of its files is left.
check-deb: deb
	@sh docs/debian/check-deb.sh $(DEB)

# ---- demo -------------------------------------------------------------------
DEMO_DB := $(BUILD)/demo.db

demo: all
	@rm -f $(DEMO_DB)
	@$(BUILD)/mqgen --leads 2000 --seed 42 --db $(DEMO_DB)
	@$(SQLITE3) -bail $(DEMO_DB) ".load $(BUILD)/mqlite" ".read samples/demo.sql" ".read samples/deals-demo.sql"
	@MQLITE_EXT=$(CURDIR)/$(BUILD)/mqlite.so scripts/mqlite report $(DEMO_DB) --rule b2b --as-of 2026-06-01 --out $(BUILD)/demo-report.html
	@echo "The same data as a page with charts: $(BUILD)/demo-report.html"

# ---- tests ------------------------------------------------------------------
test: deps-test
	@$(MAKE) --no-print-directory WERROR=-Werror all
	@rm -f $(BUILD)/test-counts
	@MQLITE_COUNTS=$(CURDIR)/$(BUILD)/test-counts $(MAKE) --no-print-directory WERROR=-Werror test-unit test-sql test-scripts test-python test-fuzz-replay test-threads test-hosts
	@awk '{ p += $$1; f += $$2 } END { printf "total: %d passed, %d failed\n", p, f }' $(BUILD)/test-counts

# RUN_ENV: what check-asan and check-valgrind put in front of each runner.
RUN_ENV  = MQLITE_EXT=$(CURDIR)/$(BUILD)/mqlite.so MQGEN=$(CURDIR)/$(BUILD)/mqgen $(RUN_EXTRA)

test-unit: $(UNIT_BIN)
	@$(RUN_ENV) sh tests/run-unit.sh $(UNIT_BIN)

test-sql: $(BUILD)/mqlite.so $(BUILD)/mqgen
	@$(RUN_ENV) sh tests/run-sql.sh $(BUILD)/mqlite.so

test-scripts: $(BUILD)/mqlite.so $(BUILD)/mqgen
	@$(RUN_ENV) sh tests/run-scripts.sh

# ---- benchmark (not part of make test) ------------------------------------------
# The same extension without the instruction-budget hook, to measure its cost
# (same file name: SQLite derives the entry point from it).
$(BUILD)/bench/nohook/mqlite.so: $(EXT_SRC) $(EXT_HDR) | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -DMQLITE_NO_BUDGET_HOOK -shared -Wl,-z,defs -o $@ $(EXT_SRC) $(LDLIBS_EXT)

bench: all $(BUILD)/bench/nohook/mqlite.so
	@sh tests/bench/bench.sh

# ---- the Python package, its wheel and the datasette plugin ------------------------
# The wheel carries the self-contained build (Lua and jansson linked in), so
# it works where those libraries are not installed; while that build is not
# in the tree, `make wheel WHEEL_SO=build/mqlite.so` packs the ordinary one.
# build_wheel.py needs only the standard library: offline and reproducible.
WHEEL_SO ?= $(BUILD)/static/mqlite.so
WHEEL    := $(BUILD)/dist/mqlite-$(VERSION)-py3-none-linux_$(shell uname -m).whl
VENV     := $(BUILD)/venv

wheel: $(WHEEL)

# charts.sql and charts.css are the report's own text (scripts/mqlite-charts.sh),
# written here so the plugin runs what mqlite report runs.
$(WHEEL): $(WHEEL_SO) ext/python/build_wheel.py $(wildcard ext/python/mqlite/*.py) scripts/mqlite-charts.sh ext/mqlite.c schema/views.sql
	@mkdir -p $(BUILD)/wheel
	sh -c '. scripts/mqlite-charts.sh && mq_chart_tables && mq_chart_sections' >$(BUILD)/wheel/charts.sql
	sh -c '. scripts/mqlite-charts.sh && mq_chart_style' >$(BUILD)/wheel/charts.css
	/usr/bin/python3 ext/python/build_wheel.py --version '$(VERSION)' --so $(WHEEL_SO) --charts-sql $(BUILD)/wheel/charts.sql \
	    --charts-css $(BUILD)/wheel/charts.css --views schema/views.sql --out $(BUILD)/dist

# The venv for datasette, the plugin and the wheel: datasette from PyPI,
# pinned, in a venv of Debian's python3 (whose sqlite3 module can load
# extensions; Debian packages no datasette). Under check-asan and
# check-valgrind (RUN_EXTRA set) the tests skip datasette, so no venv is made
# there; a venv that cannot be made is the tests' skip, or under CI=true
# their failure.
$(VENV)/.ok:
	/usr/bin/python3 -m venv $(VENV) && $(VENV)/bin/pip install -q datasette==0.65.5
	@touch $@

deps-datasette:
	@$(call ensure_pkgs,$(PKGS_HOSTS))

# make test runs test_datasette.sh too, which makes what it needs with these
# targets; this one runs it alone.
test-datasette: all
	@$(RUN_ENV) sh tests/scripts/test_datasette.sh

# ---- the report in a browser -------------------------------------------------------
# make test runs test_browser.sh too, which skips itself without Chromium;
# test-browser installs Chromium first. screenshot refreshes the README's picture.
test-browser: all
	@$(call ensure_pkgs,chromium)
	@$(RUN_ENV) sh tests/scripts/test_browser.sh

screenshot: test-browser
	@mkdir -p docs && cp $(BUILD)/demo-report.png docs/demo-report.png

test-python: $(BUILD)/mqlite.so $(BUILD)/mqgen
	@$(RUN_ENV) sh tests/run-python.sh

# ---- the README in every host ----------------------------------------------------
# (the venv: see the wheel's section above)
test-hosts: $(BUILD)/mqlite.so
	@$(call ensure_pkgs,sqlite-utils $(PKGS_HOSTS))
	@[ -n "$(RUN_EXTRA)" ] || timeout 600 $(MAKE) --no-print-directory $(VENV)/.ok || [ "$(CI)" != true ]
	@$(RUN_ENV) MQLITE_VENV=$(CURDIR)/$(VENV) sh tests/hosts/test_hosts.sh

# ---- sanitizers and valgrind ---------------------------------------------------------
# make check-asan: the whole suite against a build with AddressSanitizer and
# UndefinedBehaviorSanitizer (in build/asan; the sqlite3 shell is not built
# with ASan, so its runtime is preloaded). Leaks are valgrind's job.
SAN      := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
ASAN_ENV := LD_PRELOAD=$(shell $(CC) -print-file-name=libasan.so) \
            ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

check-asan: deps-test
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/asan OPT="-O1 -g" EXTRA_CFLAGS="$(SAN)" \
	    EXTRA_LDFLAGS="$(SAN)" RUN_EXTRA="$(ASAN_ENV)" test

# make check-valgrind: the whole suite with every test program and every
# sqlite3 process under valgrind memcheck; fails on any error or leak.
check-valgrind: deps-valgrind
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/vg OPT="-O1 -g" all
	@rm -rf $(BUILD)/vg/logs && mkdir -p $(BUILD)/vg/logs
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/vg OPT="-O1 -g" \
	    RUN_EXTRA="SQLITE3=$(CURDIR)/tests/valgrind-sqlite3.sh MQLITE_VG_LOGS=$(CURDIR)/$(BUILD)/vg/logs MQLITE_UNDER=$(CURDIR)/tests/valgrind-run.sh" test
	@sh tests/valgrind-verdict.sh $(BUILD)/vg/logs

deps-valgrind:
	@$(call ensure_pkgs,$(PKGS_BUILD) $(PKGS_TEST) valgrind)

# ---- threads and kills -----------------------------------------------------------
# make test runs the threads test plainly; make check-threads runs it built
# with ThreadSanitizer; make check-crash kills score and import 40 times.
$(BUILD)/threads/test_threads: tests/threads/test_threads.c $(EXT_OBJ) $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(EXTRA_LDFLAGS) -o $@ $< $(EXT_OBJ) -lsqlite3 $(LDLIBS_EXT) -lpthread

test-threads: $(BUILD)/threads/test_threads $(BUILD)/mqgen
	@$(RUN_ENV) sh tests/threads/run.sh $(BUILD)/threads/test_threads

check-threads: deps-test
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/tsan OPT="-O1 -g" EXTRA_CFLAGS="-fsanitize=thread" \
	    EXTRA_LDFLAGS="-fsanitize=thread" RUN_EXTRA="TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1" test-threads

check-crash: all
	@MQGEN=$(BUILD)/mqgen sh tests/crash/test_kill.sh

# ---- fuzzing -------------------------------------------------------------------
# make fuzz FUZZ_SECONDS=N: libFuzzer targets (clang) with ASan and UBSan;
# make test replays their seeds and past crashes with the ordinary compiler.
FUZZ_TARGETS := rule leadjson time csv sqlfn
FUZZ_SECONDS ?= 60
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_COMMON  := tests/fuzz/fuzz_db.c tests/fuzz/fuzz_db.h
REPLAY_BIN   := $(FUZZ_TARGETS:%=$(BUILD)/fuzz-replay/fuzz_%)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_COMMON) $(EXT_SRC) $(EXT_HDR) | deps-fuzz
	@mkdir -p $(dir $@)
	clang $(CSTD) $(FUZZ_FLAGS) $(WARN) $(LUA_CFLAGS) -DMQ_SRCDIR='"$(CURDIR)"' -Iext -Itests/fuzz \
	    -o $@ $< tests/fuzz/fuzz_db.c $(EXT_SRC) -lsqlite3 $(LDLIBS_EXT)

$(BUILD)/fuzz-replay/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_COMMON) tests/fuzz/driver.c $(EXT_OBJ) $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(EXTRA_LDFLAGS) -DMQ_SRCDIR='"$(CURDIR)"' -Iext -Itests/fuzz -o $@ $< tests/fuzz/fuzz_db.c \
	    tests/fuzz/driver.c $(EXT_OBJ) -lsqlite3 $(LDLIBS_EXT)

deps-fuzz:
	@$(call ensure_pkgs,$(PKGS_BUILD) clang libclang-rt-14-dev)

fuzz: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

test-fuzz-replay: $(REPLAY_BIN)
	@$(RUN_ENV) sh tests/run-fuzz-replay.sh $(REPLAY_BIN)

clean:
	rm -rf $(BUILD)
