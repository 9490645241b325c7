# ownerlock — top-level entry points. See README.md.
BUILD ?= build
STATE ?= .demo-state
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps configure check demo bench clean format

all: configure
	cmake --build $(BUILD) -j $(JOBS)

deps:
	@scripts/install-deps.sh

configure: deps
	@test -f $(BUILD)/CMakeCache.txt || cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Debug

# Build everything and run every test.
check: all
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# Open the simulated safe; its flash and clock stay in $(STATE), so the next
# `make demo` continues the same safe (`rm -rf $(STATE)` for a new one).
demo: all
	@mkdir -p $(STATE)
	$(BUILD)/ownerlock-sim --state $(STATE)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)
