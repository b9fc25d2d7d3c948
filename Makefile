# A thin wrapper over CMake (as in Neovim). The real build is CMakeLists.txt.
#   make          build (installs missing Debian build dependencies first)
#   make test     build, then the whole test suite (ctest: cmocka + CLI)
#   make demo     build, then the guided demo in a temporary store; then, on a
#                 terminal, it offers the web workbench on the demo's store
#                 (SERVE=1: serve it without asking; elsewhere only a hint)
#   make asan     the test suite under AddressSanitizer + UBSan
#   make valgrind unit tests and some CLI tests under valgrind memcheck (tools/valgrind.sh)
#   make bench    build and run the benchmarks (prints figures)
#   make bench-big  the CLI benchmark (issue 18's table) at 10k, 100k and 1M
#   make fuzz     clang libFuzzer targets, FUZZ_SECONDS (60) each (tools/fuzz.sh)
#   make package  build, then the .deb (CPack) for air-gapped machines
#   make format   clang-format the sources
#   make po       re-extract po/shenli.pot from the sources and merge it into
#                 po/*.po; then translate what it lists (tools/po.sh)

BUILD_DIR  ?= build
ASAN_DIR   ?= build-asan
VALGRIND_DIR ?= build-valgrind
FUZZ_DIR   ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_CC    ?= clang
BUILD_TYPE ?= RelWithDebInfo
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE      ?= cmake

.PHONY: all deps build test demo package asan valgrind bench bench-big fuzz format po clean

all: build

deps:
	@sh tools/deps.sh

$(BUILD_DIR)/CMakeCache.txt: | deps
	$(CMAKE) -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps $(BUILD_DIR)/CMakeCache.txt
	$(CMAKE) --build $(BUILD_DIR) -j $(JOBS)

test: build
	@sh tools/deps.sh test
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# --offer asks "Serve the workbench?" only when stdin and stdout are a
# terminal, so that CI never waits on it.
demo: build
	$(BUILD_DIR)/shenli demo $(if $(SERVE),--serve,--offer)

# The .deb: binary, built-in signed packages, their public key, man page,
# completion (see README, "Packaging for air-gapped machines").
package: build
	cd $(BUILD_DIR) && cpack -G DEB
	@deb=$$(ls -t $(abspath $(BUILD_DIR))/shenli_*.deb | head -1) && \
	  echo "package: $$deb" && echo "install offline with: dpkg -i $$deb"

asan: deps
	$(CMAKE) -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=Debug -DSHENLI_SANITIZE=ON \
	  -DSHENLI_BENCH=OFF
	$(CMAKE) --build $(ASAN_DIR) -j $(JOBS)
	cd $(ASAN_DIR) && SHENLI_SANITIZED=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp) \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

# Every unit test and the CLI tests of tools/valgrind.sh under memcheck: any
# error or definite/indirect leak fails. Installs valgrind if it is missing.
valgrind: deps
	@command -v valgrind >/dev/null || { echo "valgrind: installing" >&2; \
	  S=$$([ "$$(id -u)" -ne 0 ] && echo sudo); $$S apt-get update -qq && \
	  $$S apt-get install -y -qq --no-install-recommends valgrind >&2; }
	$(CMAKE) -S . -B $(VALGRIND_DIR) -DCMAKE_BUILD_TYPE=Debug -DSHENLI_BENCH=OFF
	$(CMAKE) --build $(VALGRIND_DIR) -j $(JOBS)
	JOBS=$(JOBS) bash tools/valgrind.sh $(VALGRIND_DIR)

bench: build
	@sh tools/deps.sh bench
	$(BUILD_DIR)/tests/bench/bench_audit
	$(BUILD_DIR)/tests/bench/bench_import
	$(BUILD_DIR)/tests/bench/bench_writers
	$(BUILD_DIR)/tests/bench/bench_review
	$(BUILD_DIR)/tests/bench/bench_scripts
	$(BUILD_DIR)/tests/bench/bench_report
	$(BUILD_DIR)/tests/bench/bench_cli
	$(BUILD_DIR)/tests/bench/bench_service
	$(BUILD_DIR)/tests/bench/bench_web

# The CLI end to end at 10k, 100k and 1M (tests/bench/bench_cli.c). The 1M
# stores take several minutes to build: SHENLI_BENCH_CACHE=DIR keeps them
# there for the next run.
bench-big: build
	@sh tools/deps.sh bench
	$(BUILD_DIR)/tests/bench/bench_cli --big

# A separate build with the core instrumented for libFuzzer, ASan and UBSan;
# each target runs on a copy of tests/fuzz/corpus/<target>. Installs clang
# and its libFuzzer runtime if they are missing.
fuzz: deps
	@S=$$([ "$$(id -u)" -ne 0 ] && echo sudo); \
	if ! command -v $(FUZZ_CC) >/dev/null; then echo "fuzz: installing clang" >&2; \
	  $$S apt-get update -qq && $$S apt-get install -y -qq clang >&2; fi; \
	if ! echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' | \
	  $(FUZZ_CC) -x c -fsanitize=fuzzer -o /dev/null - 2>/dev/null; then \
	  echo "fuzz: installing the libFuzzer runtime" >&2; \
	  $$S apt-get update -qq && $$S apt-get install -y -qq libclang-rt-dev >&2; fi
	CC=$(FUZZ_CC) $(CMAKE) -S . -B $(FUZZ_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DSHENLI_FUZZ=ON -DSHENLI_BENCH=OFF -DBUILD_TESTING=OFF
	$(CMAKE) --build $(FUZZ_DIR) -j $(JOBS) --target fuzz_targets
	sh tools/fuzz.sh $(FUZZ_DIR) $(FUZZ_SECONDS)

format:
	clang-format -i core/*.c core/*.h core/cli/*.c core/cli/*.h demo/*.c demo/*.h \
	  core/include/shenli/*.h tests/unit/*.c tests/bench/*.c tests/fuzz/*.c \
	  tests/fuzz/*.h tests/valgrind/*.c tests/insider/*.c tests/tools/*.c 2>/dev/null || true

po:
	@sh tools/po.sh update

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(VALGRIND_DIR) $(FUZZ_DIR)
