# osnode — the only build entry point.
#
#   make                 build libraries, examples, tools into build/
#   make test            build and run every GoogleTest suite; last line: tests: N passed, N failed
#   make help            list every target and knob
#   make compdb          write compile_commands.json (the build's own compile lines) for clangd
#
# Knobs: CXX=clang++   BACKEND=epoll|poll|kqueue   SANITIZE=address,undefined|thread
# Each variant builds into its own folder so objects never mix (build/, build-poll/,
# build-asan/, build-tsan/, build-clang/ ...).

UNAME_S := $(shell uname -s)
ifeq ($(UNAME_S),Linux)
  DEFAULT_BACKEND := epoll
else
  DEFAULT_BACKEND := kqueue
endif
BACKEND  ?= $(DEFAULT_BACKEND)
SANITIZE ?=

# ---- build on every core unless told otherwise ------------------------------------------------
# A -j on the command line still wins (make -j1), and MAKEFLAGS=-jN in the environment is left
# alone. GNU make 4.3 hides -j from $(MAKEFLAGS) while it parses, so the environment is read
# too. A sub-make ($(MAKE) in a recipe) already shares its parent's job slots, and `make clean`
# must not run beside the build it is cleaning.
CORES := $(shell getconf _NPROCESSORS_ONLN 2>/dev/null || nproc 2>/dev/null || echo 1)
ifeq ($(MAKELEVEL)$(filter -j% --jobs% --jobserver%,$(MAKEFLAGS) $(shell printenv MAKEFLAGS))$(filter clean,$(MAKECMDGOALS)),0)
  MAKEFLAGS += -j$(CORES)
endif

# ---- the build folder of this variant -------------------------------------------------------
VARIANT :=
ifneq ($(notdir $(CXX)),g++)
  ifneq ($(CXX),c++)
    VARIANT := $(VARIANT)-$(subst +,x,$(notdir $(CXX)))
  endif
endif
ifneq ($(BACKEND),$(DEFAULT_BACKEND))
  VARIANT := $(VARIANT)-$(BACKEND)
endif
ifneq ($(findstring address,$(SANITIZE)),)
  VARIANT := $(VARIANT)-asan
endif
ifneq ($(findstring thread,$(SANITIZE)),)
  VARIANT := $(VARIANT)-tsan
endif
BUILD ?= build$(VARIANT)

# ---- flags ------------------------------------------------------------------------------------
OPT      ?= -O2
CPPFLAGS += -I. -MMD -MP -DOSN_DEFAULT_BACKEND=\"$(BACKEND)\"
CXXFLAGS += -std=c++20 -Wall -Wextra -Werror $(OPT) -g -pthread
LDFLAGS  += -pthread
ifneq ($(SANITIZE),)
  CXXFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
  LDFLAGS  += -fsanitize=$(SANITIZE)
endif

# Which backends this machine can build. poll builds everywhere; epoll on Linux; kqueue on
# macOS/BSD, or on Linux when KQUEUE_CFLAGS/KQUEUE_LIBS point at a kqueue emulation library.
BACKEND_SRCS := loop/backend_poll.cc
ifeq ($(UNAME_S),Linux)
  BACKEND_SRCS += loop/backend_epoll.cc
  CPPFLAGS += -DOSN_HAVE_EPOLL=1
endif
ifneq ($(or $(filter-out Linux,$(UNAME_S)),$(KQUEUE_CFLAGS),$(filter kqueue,$(BACKEND))),)
  BACKEND_SRCS += loop/backend_kqueue.cc
  CPPFLAGS += -DOSN_HAVE_KQUEUE=1 $(KQUEUE_CFLAGS)
  LDLIBS += $(KQUEUE_LIBS)
endif

# ---- sources ----------------------------------------------------------------------------------
LAYERS   := kernel-io loop pool http redis cluster
LIB_SRCS := $(filter-out loop/backend_%.cc,$(foreach l,$(LAYERS),$(wildcard $(l)/*.cc))) $(wildcard $(BACKEND_SRCS))
LIB_SRCS += $(wildcard pool/crypto/*.cc)
LIB      := $(BUILD)/lib/libosn.a

EXAMPLES     := $(notdir $(patsubst %/,%,$(dir $(wildcard examples/*/*.cc))))
EXAMPLE_BINS := $(addprefix $(BUILD)/bin/,$(sort $(EXAMPLES)))

TEST_DIRS    := $(filter-out bench support fuzz stress,$(notdir $(patsubst %/,%,$(dir $(wildcard tests/*/*.cc)))))
TEST_BINS    := $(addprefix $(BUILD)/tests/,$(addsuffix _test,$(sort $(TEST_DIRS))))
SUPPORT_SRCS := $(wildcard tests/support/*.cc)
BENCH_BINS   := $(patsubst tests/bench/%.cc,$(BUILD)/bench/%,$(wildcard tests/bench/*.cc))
STRESS_BINS  := $(patsubst tests/stress/%.cc,$(BUILD)/stress/%,$(wildcard tests/stress/*.cc))
# tools/bench-report: the report writer of `make bench-peers` (table, report.md/json, SVG charts).
BENCH_REPORT_SRCS := $(wildcard tools/bench-report/*.cc)
BENCH_REPORT      := $(BUILD)/bin/bench-report

obj = $(patsubst %.cc,$(BUILD)/obj/%.o,$(1))
# The one compile line of a source file: the rule below runs it, `make compdb` writes it down.
compile_line = $(CXX) $(CPPFLAGS) $(CXXFLAGS) -c $(1) -o $(call obj,$(1))
# Test and example objects are reached only through pattern rules, which makes them
# "intermediate" to make: deleted after each link, and a missing one (a test file added since
# the last link) not built. Naming every one of them as a target makes them ordinary files.
.PRECIOUS: $(BUILD)/obj/%.o
$(call obj,$(wildcard tests/*/*.cc examples/*/*.cc)):

# ---- GoogleTest: system library, else built from /usr/src/googletest --------------------------
GTEST_SRC := /usr/src/googletest/googletest
GTEST_SYS := $(firstword $(wildcard /usr/lib/*/libgtest.a /usr/lib/libgtest.a /usr/local/lib/libgtest.a /opt/homebrew/lib/libgtest.a))
ifneq ($(and $(GTEST_SYS),$(if $(SANITIZE),,yes)),)
  GTEST_LIBS := -lgtest_main -lgtest
  GTEST_DEPS :=
else ifneq ($(wildcard $(GTEST_SRC)/src/gtest-all.cc),)
  # Sanitizer builds compile GoogleTest with the same flags, so TSan sees every access.
  GTEST_LIBS := $(BUILD)/gtest/libgtest_main.a $(BUILD)/gtest/libgtest.a
  GTEST_DEPS := $(GTEST_LIBS)
else ifneq ($(GTEST_SYS),)
  GTEST_LIBS := -lgtest_main -lgtest
  GTEST_DEPS :=
else
  GTEST_MISSING := yes
endif

# ---- targets ----------------------------------------------------------------------------------
.PHONY: all lib examples tests test bench bench-peers stress run clean help check-layers fuzz fuzz-resp compdb FORCE
.DEFAULT_GOAL := all

all: lib examples

lib: $(LIB)
examples: $(EXAMPLE_BINS)

$(LIB): $(call obj,$(LIB_SRCS))
	@mkdir -p $(dir $@)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/obj/%.o: %.cc
	@mkdir -p $(dir $@)
	$(call compile_line,$<)

# examples/NAME/*.cc -> build/bin/NAME
.SECONDEXPANSION:
$(BUILD)/bin/%: $$(call obj,$$(wildcard examples/%/*.cc)) $(LIB)
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) $^ $(LDLIBS) -o $@

# tests/NAME/*.cc -> build/tests/NAME_test
$(BUILD)/tests/%_test: $$(call obj,$$(wildcard tests/%/*.cc) $(SUPPORT_SRCS)) $(LIB) $(GTEST_DEPS)
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) $(filter %.o %.a,$^) $(GTEST_LIBS) $(LDLIBS) -o $@

# tests/bench/NAME.cc -> build/bench/NAME
$(BUILD)/bench/%: $(BUILD)/obj/tests/bench/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) $^ $(LDLIBS) -o $@

# tests/stress/NAME.cc -> build/stress/NAME (the probes of `make stress`, with the test support).
# The support comes as an archive, so a probe takes only the pieces it uses: some of
# tests/support/ is written for GoogleTest (cluster_under_test), which the probes do not link.
SUPPORT_LIB := $(BUILD)/lib/libosn_test_support.a
$(SUPPORT_LIB): $(call obj,$(SUPPORT_SRCS))
	@mkdir -p $(dir $@)
	@rm -f $@
	ar rcs $@ $^
$(BUILD)/stress/%: $(BUILD)/obj/tests/stress/%.o $(SUPPORT_LIB) $(LIB)
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) $^ $(LDLIBS) -o $@

# The report writer (an explicit rule: the examples' pattern above would claim build/bin/%), and
# its unit test tests/bench_report/, which links the writer's objects besides the usual ones.
all: $(BENCH_REPORT)
$(BENCH_REPORT): $(call obj,$(BENCH_REPORT_SRCS))
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) $^ $(LDLIBS) -o $@
$(BUILD)/tests/bench_report_test: $(call obj,$(filter-out %/main.cc,$(BENCH_REPORT_SRCS)))

$(BUILD)/gtest/libgtest.a: $(GTEST_SRC)/src/gtest-all.cc
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -w -I$(GTEST_SRC)/include -I$(GTEST_SRC) -c $< -o $(BUILD)/gtest/gtest-all.o
	ar rcs $@ $(BUILD)/gtest/gtest-all.o
$(BUILD)/gtest/libgtest_main.a: $(GTEST_SRC)/src/gtest_main.cc
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -w -I$(GTEST_SRC)/include -I$(GTEST_SRC) -c $< -o $(BUILD)/gtest/gtest_main.o
	ar rcs $@ $(BUILD)/gtest/gtest_main.o

tests: all $(TEST_BINS) $(BUILD)/compile_commands.json

test:
ifeq ($(GTEST_MISSING),yes)
	@echo "GoogleTest not found. On Debian/Ubuntu: apt-get install libgtest-dev (or googletest)"; exit 1
else
	@$(MAKE) --no-print-directory tests
	@BUILD=$(BUILD) tests/run_tests.sh $(TEST_BINS)
endif

# ---- compile_commands.json: what clangd (and other editors) read to find the headers ----------
# One entry per library, example, test and benchmark source, each with the compile line the
# rule above runs (same CXX, CPPFLAGS, CXXFLAGS), written from the source lists: no `bear`
# needed. `make compdb` writes it at the repository root, where clangd looks; `make tests`
# writes this variant's copy into $(BUILD)/, which tests/tooling/compdb_test.cc checks.
COMPDB_SRCS := $(LIB_SRCS) $(wildcard examples/*/*.cc) $(SUPPORT_SRCS) \
               $(foreach d,$(sort $(TEST_DIRS)),$(wildcard tests/$(d)/*.cc)) $(wildcard tests/bench/*.cc) $(wildcard tests/stress/*.cc) \
               $(BENCH_REPORT_SRCS)
comma := ,
json_string = "$(subst ",\",$(subst \,\\,$(1)))"
compdb_entry = {"directory": $(call json_string,$(CURDIR)), "file": $(call json_string,$(CURDIR)/$(1)), \
  "output": $(call json_string,$(call obj,$(1))), "command": $(call json_string,$(call compile_line,$(1)))}
write_compdb = $(shell mkdir -p $(dir $(1)))$(file >$(1),[$(call compdb_entry,$(firstword $(COMPDB_SRCS))))$(foreach \
  s,$(wordlist 2,$(words $(COMPDB_SRCS)),$(COMPDB_SRCS)),$(file >>$(1),$(comma)$(call compdb_entry,$(s))))$(file >>$(1),])

compdb:
	@:$(call write_compdb,compile_commands.json)
	@echo "compdb: compile_commands.json ($(words $(COMPDB_SRCS)) sources, $(CXX), $(BUILD)/)"
$(BUILD)/compile_commands.json: FORCE
	@:$(call write_compdb,$@)
FORCE:

check-layers:
	@tests/check_layers.sh

# libFuzzer: the HTTP parser's split-invariance property, under ASan and UBSan (clang only).
FUZZ_SECONDS ?= 60
FUZZ_CXX     ?= clang++
FUZZ_FLAGS   := -std=c++20 -O1 -g -I. -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
# Only the pure parser: the server files in http/ need the loop and kernel-io.
FUZZ_PARSER  := wide_scan wide_scan_avx2 wide_scan_sse2 status request_line header_fields chunked_decoder framing parser
FUZZ_SRCS    := tests/fuzz/http_parser_fuzz.cc $(patsubst %,http/%.cc,$(FUZZ_PARSER)) tests/support/http_outcome.cc tests/support/guard_page.cc
build-fuzz/http_parser_fuzz: $(FUZZ_SRCS) $(wildcard http/*.h tests/support/*.h)
	@mkdir -p build-fuzz/corpus
	$(FUZZ_CXX) $(FUZZ_FLAGS) $(FUZZ_SRCS) -o $@
fuzz: build-fuzz/http_parser_fuzz
	build-fuzz/http_parser_fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -dict=tests/fuzz/http_parser_fuzz.dict -print_final_stats=1 build-fuzz/corpus

# libFuzzer: the RESP reply parser (redis/), the same property: never crashes, any split agrees.
RESP_FUZZ_SRCS := tests/fuzz/resp_parser_fuzz.cc redis/reply_parser.cc redis/reply.cc tests/support/resp_outcome.cc tests/support/guard_page.cc
build-fuzz/resp_parser_fuzz: $(RESP_FUZZ_SRCS) $(wildcard redis/*.h tests/support/*.h)
	@mkdir -p build-fuzz/resp-corpus
	$(FUZZ_CXX) $(FUZZ_FLAGS) $(RESP_FUZZ_SRCS) -o $@
fuzz-resp: build-fuzz/resp_parser_fuzz
	build-fuzz/resp_parser_fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -dict=tests/fuzz/resp_parser_fuzz.dict -print_final_stats=1 build-fuzz/resp-corpus

bench: all $(BENCH_BINS)
	@for b in $(BENCH_BINS); do echo "== $$b"; $$b || exit 1; done

# The stress suite (tests/stress/run.sh): faults, floods and restarts under load, each probe
# printing `stress: NAME FIGURE UNIT` and a verdict. STRESS=short for CI (a few minutes).
STRESS ?= full
stress: all $(STRESS_BINS)
	@BUILD=$(BUILD) STRESS=$(STRESS) FUZZ_SECONDS=$(FUZZ_SECONDS) tests/stress/run.sh

bench-peers: all $(BENCH_BINS) $(BUILD)/stress/idle_hold
	@BUILD=$(BUILD) tests/bench/peers/run.sh

# The cluster demo in the foreground: PORT, WORKERS, SCHED from the environment or the command
# line (make run WORKERS=2 SCHED=shared); Ctrl-C stops it gracefully. STORE=redis starts a
# local redis-server for it (examples/cluster-demo/run_with_redis.sh); STORE=redis://... uses yours.
run: all
	@if [ "$(STORE)" = redis ]; then exec examples/cluster-demo/run_with_redis.sh $(BUILD)/bin/cluster-demo; fi; \
	exec $(BUILD)/bin/cluster-demo

# ---- labs: lab-start, lab-reset, grade, grade-check, lab-sync (docs/labs.md) ------------------
# Each labs/NN-topic/lab.mk sets LAB_NN_DIR, LAB_NN_FILES (the reference files its starter
# replaces) and LAB_NN_TSAN. The scripts in labs/grading/ do the work; this block only names
# the files. A grader is labs/NN-*/grader/*.cc + labs/grading/graded_test.cc (its main) linked
# with the library built from the tree as it is (the starter in place after lab-start); the
# examples and tools are built too (build/bin), for graders that run them.
-include $(wildcard labs/*/lab.mk)
.PHONY: lab-start lab-reset grade grade-build grade-check lab-sync install
LAB_NUMBERS  := $(sort $(patsubst LAB_%_DIR,%,$(filter LAB_%_DIR,$(.VARIABLES))))
GRADING_SRCS := labs/grading/markers.cc
GRADE_GTEST  := $(filter-out -lgtest_main %libgtest_main.a,$(GTEST_LIBS))
GRADE_TIMEOUT ?= 60
TSAN_BUILD   := $(subst -asan,,$(BUILD))-tsan
# The TSan pass of `make grade`: asked for by the lab, and not already a TSan build.
TSAN_PASS     = $(if $(and $(filter yes,$(LAB_$(LAB)_TSAN)),$(if $(findstring thread,$(SANITIZE)),,yes)),yes)
$(call obj,$(wildcard labs/*/*.cc labs/*/grader/*.cc)):
lab_known = $(if $(LAB_$(LAB)_DIR),,$(error LAB=$(LAB) is not a lab here; the labs are: $(LAB_NUMBERS) (make lab-start LAB=01)))

# labs/NN-*/grader/*.cc -> build/grade/NN/grader
$(BUILD)/grade/%/grader: $$(call obj,$$(wildcard $$(LAB_%_DIR)/grader/*.cc) labs/grading/graded_test.cc $(SUPPORT_SRCS)) $(LIB) $(GTEST_DEPS)
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) $(filter %.o %.a,$^) $(GRADE_GTEST) $(LDLIBS) -o $@
$(BUILD)/bin/lab-markers: $(call obj,labs/grading/lab_markers_main.cc $(GRADING_SRCS))
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) $^ -o $@
# The labs suite (tests/labs/) also links the marker rules and the points registry, whose
# main (labs/grading/graded_test.cc) replaces gtest_main: this suite is a grader too.
$(BUILD)/tests/labs_test: $(call obj,$(wildcard tests/labs/*.cc) $(SUPPORT_SRCS) $(GRADING_SRCS) labs/grading/graded_test.cc) $(LIB) $(GTEST_DEPS)
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) $(filter %.o,$^) $(LIB) $(GRADE_GTEST) $(LDLIBS) -o $@
tests: $(BUILD)/lab-variant.txt
$(BUILD)/lab-variant.txt: FORCE
	@mkdir -p $(dir $@)
	@:$(file >$@,CXX=$(CXX) BACKEND=$(BACKEND) SANITIZE=$(SANITIZE))

lab-start:
	@:$(lab_known)
	@labs/grading/lab_start.sh start $(LAB) $(LAB_$(LAB)_DIR) $(LAB_$(LAB)_FILES)
lab-reset:
	@:$(lab_known)
	@labs/grading/lab_start.sh reset $(LAB) $(LAB_$(LAB)_DIR) $(LAB_$(LAB)_FILES)
grade-build:
	@:$(lab_known)
	@$(MAKE) -s --no-print-directory all $(BUILD)/grade/$(LAB)/grader
ifeq ($(TSAN_PASS),yes)
	@$(MAKE) -s --no-print-directory SANITIZE=thread BUILD=$(TSAN_BUILD) $(TSAN_BUILD)/grade/$(LAB)/grader
endif
grade: grade-build
	@GRADE_TIMEOUT=$(GRADE_TIMEOUT) labs/grading/grade.sh $(LAB) $(BUILD)/grade/$(LAB)/grader $(BUILD)/grade/$(LAB) \
	  $(if $(filter yes,$(TSAN_PASS)),$(TSAN_BUILD)/grade/$(LAB)/grader)
grade-check:
	+@MAKE="$(MAKE)" BUILD=$(BUILD) labs/grading/grade_check.sh $(LAB_NUMBERS)
lab-sync: $(BUILD)/bin/lab-markers
	@$(foreach n,$(LAB_NUMBERS),$(foreach f,$(LAB_$(n)_FILES),$(BUILD)/bin/lab-markers sync $(n) $(f) $(LAB_$(n)_DIR)/starter/$(f) &&)) true

# ---- make install PREFIX=...: headers, libosn.a and osnode.pc for programs outside the tree ----
# Headers keep their layer paths under include/osnode/, so `#include "loop/loop.h"` works with
# the -I that `pkg-config --cflags osnode` prints.
PREFIX ?= /usr/local
INSTALL_HEADERS := $(foreach l,$(LAYERS),$(shell find $(l) -name '*.h'))
install: lib
	@for h in $(INSTALL_HEADERS); do install -D -m 644 $$h $(DESTDIR)$(PREFIX)/include/osnode/$$h || exit 1; done
	install -D -m 644 $(LIB) $(DESTDIR)$(PREFIX)/lib/libosn.a
	@mkdir -p $(DESTDIR)$(PREFIX)/lib/pkgconfig
	@printf '%s\n' 'prefix=$(PREFIX)' 'includedir=$${prefix}/include/osnode' 'libdir=$${prefix}/lib' '' \
	  'Name: osnode' 'Description: a small C++20 runtime re-creating the process and thread model of Node.js' \
	  'Version: 0.1' \
	  'Cflags: -I$${includedir} -std=c++20 -pthread$(if $(SANITIZE), -fsanitize=$(SANITIZE) -fno-omit-frame-pointer)' \
	  'Libs: -L$${libdir} -losn -pthread$(if $(SANITIZE), -fsanitize=$(SANITIZE))$(if $(LDLIBS), $(LDLIBS))' \
	  >$(DESTDIR)$(PREFIX)/lib/pkgconfig/osnode.pc
	@echo "install: $(words $(INSTALL_HEADERS)) headers, libosn.a and lib/pkgconfig/osnode.pc under $(DESTDIR)$(PREFIX)"
	@echo "  build against it: PKG_CONFIG_PATH=$(DESTDIR)$(PREFIX)/lib/pkgconfig g++ app.cc \$$(pkg-config --cflags --libs osnode)"

clean:
	rm -rf build build-*

help:
	@echo "osnode targets:"
	@echo "  make                 build the library, examples and tools into $(BUILD)/"
	@echo "  make test            build and run every test; ends with 'tests: N passed, N failed'"
	@echo "  make run             the cluster demo on 127.0.0.1:8080 (PORT=, WORKERS=, SCHED=rr|shared|reuseport)"
	@echo "                       STORE=memory (default) | redis (starts a local redis-server) | redis://host:port/db"
	@echo "  make bench           run the benchmarks (lines 'bench: NAME VALUE UNIT')"
	@echo "  make stress          faults, floods, restarts under load: 'stress: NAME FIGURE UNIT' + verdicts (STRESS=short)"
	@echo "  make bench-peers     the same workloads against libuv / nginx / node where installed"
	@echo "  make compdb          write compile_commands.json for clangd (the same compile lines as the build)"
	@echo "  make check-layers    fail if a file includes a layer above its own"
	@echo "  make fuzz            fuzz the HTTP parser with libFuzzer (clang; FUZZ_SECONDS=60)"
	@echo "  make fuzz-resp       fuzz the RESP reply parser (redis/) the same way"
	@echo "  make lab-start LAB=NN   put lab NN's starter in place (make lab-reset LAB=NN: the reference back)"
	@echo "  make grade LAB=NN    grade lab NN: each check with its points, then 'lab NN: X/Y points'"
	@echo "  make grade-check     every lab's grader both ways: reference full marks, starter below"
	@echo "  make lab-sync        rewrite each starter outside its lab regions from the reference"
	@echo "  make install PREFIX=DIR   headers, libosn.a and lib/pkgconfig/osnode.pc under DIR (/usr/local)"
	@echo "  make clean           remove every build folder"
	@echo "knobs:"
	@echo "  -jN                  parallel jobs (default: every core, here $(CORES); make -j1 for one)"
	@echo "  CXX=clang++          compiler (default g++)"
	@echo "  BACKEND=$(BACKEND)         epoll | poll | kqueue (kqueue: macOS/BSD, or KQUEUE_CFLAGS/KQUEUE_LIBS)"
	@echo "  SANITIZE=address,undefined | thread   build and test under sanitizers"

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
