# selsim's front door. `make run` and `make test` install what is missing,
# configure, build, and run; everything else is CMake and CTest underneath.

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
# `make fuzz`: seconds per harness (tests/fuzz/), and libFuzzer's flags.
FUZZ_TIME  ?= 180
FUZZ_FLAGS ?=
FUZZ_HARNESSES := spec study results journal
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
SPEC       ?= experiments/specs/first-etcd-down.json
CMAKE_FLAGS ?= -DSELSIM_WERROR=ON

# What selsim needs to build, test and plot. On a host where pkg-config
# finds every library and every tool is on PATH, nothing is installed and no
# package manager is asked (any distribution); otherwise the missing Debian
# packages are installed with apt-get.
PKG_MODULES := glib-2.0 gthread-2.0 gmodule-2.0 gsl libcjson
TOOLS       := cmake $(firstword $(CC)) gnuplot
# ... and what only `make test` needs: python3 for the CLI tests
# (tests/cli/*.sh) and a headless browser that checks report.html shows its
# plots (tests/cli/report.sh; SELSIM_NO_BROWSER=1 skips that check).
# valgrind runs memcheck on short runs (CTest label valgrind, skipped when
# it is absent: SELSIM_NO_VALGRIND=1 does not install it). Open MPI's
# mpirun runs tests/cli/mpi.sh (the optional MPI build, on when CMake
# finds MPI).
TEST_TOOLS  := python3 $(if $(filter 1,$(SELSIM_NO_BROWSER)),,chromium) \
               $(if $(filter 1,$(SELSIM_NO_VALGRIND)),,valgrind) mpirun

# The Debian packages behind them.
PACKAGES := build-essential cmake pkg-config libglib2.0-dev libgsl-dev \
            libcjson-dev gnuplot-nox
# python3-simpy: SimPy 2, the peer tests/bench/study_vs_simpy.sh measures
# `selsim study` against (installed with the others when any is missing)
TEST_PACKAGES := python3 chromium libopenmpi-dev openmpi-bin python3-simpy \
                 $(if $(filter 1,$(SELSIM_NO_VALGRIND)),,valgrind)
# ... and what only `make fuzz` needs: clang and its libFuzzer runtime.
FUZZ_PACKAGES := clang libclang-rt-dev

.PHONY: all deps fuzz-deps build build-asan build-fuzz fuzz run test bench clean help

all: build

help:
	@echo "make run    install missing packages, build, run the default experiment"
	@echo "make test   install missing packages, build, run every test (plain and ASan/UBSan)"
	@echo "make bench  build and run 'selsim bench'"
	@echo "make fuzz   build the libFuzzer harnesses with clang and run each FUZZ_TIME seconds (default 180)"
	@echo "make clean  remove the build folders"

# Nothing to do when the host has everything; else installs only the
# missing packages, with apt-get as root or through sudo.
deps:
	@missing=""; \
	for m in $(PKG_MODULES); do \
	  pkg-config --exists $$m 2>/dev/null || missing="$$missing $$m(pkg-config)"; \
	done; \
	for t in $(TOOLS) $(TOOLS_EXTRA); do \
	  command -v $$t >/dev/null 2>&1 || missing="$$missing $$t"; \
	done; \
	[ -z "$$missing" ] && exit 0; \
	if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then \
	  echo "error: missing:$$missing; install them with your package manager" >&2; \
	  case "$$missing" in *chromium*) \
	    echo "(or run the tests without a browser: SELSIM_NO_BROWSER=1 make test)" >&2;; esac; \
	  exit 1; \
	fi; \
	missing=""; \
	for p in $(PACKAGES) $(DEPS_EXTRA); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	  elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; \
	  else echo "error: missing packages:$$missing; run as root or install sudo, or install them yourself with apt-get" >&2; exit 1; fi; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing || \
	    { echo "error: apt-get could not install:$$missing" >&2; exit 1; }; \
	fi

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

$(ASAN_BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(ASAN_BUILD) $(CMAKE_FLAGS) -DSELSIM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

build-asan: deps $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j $(JOBS)

run: build
	@if [ -f $(SPEC) ]; then \
	  ./$(BUILD)/selsim run $(SPEC); \
	else \
	  ./$(BUILD)/selsim bench; \
	fi

test: DEPS_EXTRA = $(TEST_PACKAGES)
test: TOOLS_EXTRA = $(TEST_TOOLS)
test: build build-asan
	@command -v valgrind >/dev/null 2>&1 || \
	  echo "valgrind not found: the valgrind tests are skipped"
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) -LE valgrind

# The fuzz harnesses (tests/fuzz/fuzz.h), built with clang in their own
# folder. Each runs FUZZ_TIME seconds from its seed corpus (the shipped
# specs, tests/fuzz/seeds/) and the regression corpus, growing a working
# corpus in $(FUZZ_BUILD)/corpus/NAME; a crash is written to
# $(FUZZ_BUILD)/crashes/NAME/ and stops the run: fix it and add the file to
# tests/fuzz/regressions/NAME/ (the fuzz_replay_NAME tests replay it).
$(FUZZ_BUILD)/CMakeCache.txt: | fuzz-deps
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DSELSIM_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo

fuzz-deps: DEPS_EXTRA = $(FUZZ_PACKAGES)
fuzz-deps: TOOLS_EXTRA = clang
fuzz-deps: deps
	@ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a >/dev/null 2>&1 || \
	  ls $$(clang -print-resource-dir)/lib/linux/libclang_rt.fuzzer-*.a >/dev/null 2>&1 || \
	  { echo "error: clang's libFuzzer runtime is missing (Debian: libclang-rt-dev or libclang-rt-NN-dev)" >&2; exit 1; }

build-fuzz: $(FUZZ_BUILD)/CMakeCache.txt
	cmake --build $(FUZZ_BUILD) -j $(JOBS) $(addprefix --target fuzz_,$(FUZZ_HARNESSES))

fuzz: build-fuzz
	@set -e; for h in $(FUZZ_HARNESSES); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$h $(FUZZ_BUILD)/crashes/$$h; \
	  seeds=$$(sed -n "s|^set(FUZZ_SEEDS_$$h \$${CMAKE_SOURCE_DIR}/\(.*\))|\1|p" tests/fuzz/fuzz.cmake); \
	  echo "== fuzz_$$h for $(FUZZ_TIME) s (seeds: $$seeds)"; \
	  ./$(FUZZ_BUILD)/fuzz_$$h -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_BUILD)/crashes/$$h/ -dict=tests/fuzz/json.dict $(FUZZ_FLAGS) \
	    $(FUZZ_BUILD)/corpus/$$h tests/fuzz/regressions/$$h $$seeds; \
	done

bench: build
	./$(BUILD)/selsim bench

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
