# selsim's front door. `make run` and `make test` install what is missing,
# configure, build, and run; everything else is CMake and CTest underneath.

BUILD      ?= build
ASAN_BUILD ?= build-asan
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
TEST_TOOLS  := python3 $(if $(filter 1,$(SELSIM_NO_BROWSER)),,chromium)

# The Debian packages behind them.
PACKAGES := build-essential cmake pkg-config libglib2.0-dev libgsl-dev \
            libcjson-dev gnuplot-nox
# python3-simpy: SimPy 2, the peer tests/bench/study_vs_simpy.sh measures
# `selsim study` against (installed with the others when any is missing)
TEST_PACKAGES := python3 chromium python3-simpy

.PHONY: all deps build build-asan run test bench clean help

all: build

help:
	@echo "make run    install missing packages, build, run the default experiment"
	@echo "make test   install missing packages, build, run every test (plain and ASan/UBSan)"
	@echo "make bench  build and run 'selsim bench'"
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
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

bench: build
	./$(BUILD)/selsim bench

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
