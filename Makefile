# A thin wrapper over CMake (as in Neovim). The real build is CMakeLists.txt.
#   make          build (installs missing Debian build dependencies first)
#   make test     build, then the whole test suite (ctest: cmocka + CLI)
#   make demo     build, then the guided demo in a temporary store
#   make asan     the test suite under AddressSanitizer + UBSan
#   make bench    build and run the benchmarks (prints figures)
#   make format   clang-format the sources

BUILD_DIR  ?= build
ASAN_DIR   ?= build-asan
BUILD_TYPE ?= RelWithDebInfo
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE      ?= cmake

.PHONY: all deps build test demo asan bench format clean

all: build

deps:
	@sh tools/deps.sh

$(BUILD_DIR)/CMakeCache.txt: | deps
	$(CMAKE) -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps $(BUILD_DIR)/CMakeCache.txt
	$(CMAKE) --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

demo: build
	@sh tools/demo.sh $(BUILD_DIR)/shenli

asan: deps
	$(CMAKE) -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=Debug -DSHENLI_SANITIZE=ON \
	  -DSHENLI_BENCH=OFF
	$(CMAKE) --build $(ASAN_DIR) -j $(JOBS)
	cd $(ASAN_DIR) && SHENLI_SANITIZED=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

bench: build
	$(BUILD_DIR)/tests/bench/bench_audit
	$(BUILD_DIR)/tests/bench/bench_import
	$(BUILD_DIR)/tests/bench/bench_review

format:
	clang-format -i core/*.c core/*.h core/cli/*.c core/cli/*.h \
	  core/include/shenli/*.h tests/unit/*.c tests/bench/*.c 2>/dev/null || true

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR)
