# ownerlock — top-level entry points. See README.md.
BUILD ?= build
FRONTEND ?= keypad
STATE ?= $(if $(filter dial,$(FRONTEND)),.demo-state-dial,.demo-state)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps configure check demo fleet-demo bench bench-fleet clean format fuzz report

all: configure
	cmake --build $(BUILD) -j $(JOBS)

deps:
	@scripts/install-deps.sh

configure: deps
	@test -f $(BUILD)/CMakeCache.txt || cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Debug

# Build everything and run every test: the host suite, then the target suite
# and the lock-body system tests on the Cortex-M3 in QEMU.
check: all
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	CC=clang fuzz/run.sh $(FUZZ_SHORT)
	$(MAKE) --no-print-directory target-check
	$(MAKE) --no-print-directory fault-check
	$(MAKE) --no-print-directory ct-check
	$(MAKE) --no-print-directory repro-check

# The security report: every test, attack, invariant and figure of a fresh
# run (the suite, the fuzzers, size and bench on the target) in
# $(BUILD)/report/security-report.md and .html. Fails after writing the
# report if anything failed.
report: all
	JOBS=$(JOBS) TARGET_BUILD=$(TARGET_BUILD) \
	    OL_REPORT_FUZZ_SECONDS=$(FUZZ_SHORT) tools/report/report.sh $(BUILD)

# Every libFuzzer target, longer (seconds each): make fuzz FUZZ_SECONDS=3600
FUZZ_SHORT ?= 10
FUZZ_SECONDS ?= 300
fuzz: deps
	CC=clang fuzz/run.sh $(FUZZ_SECONDS)

# Open the simulated safe; its flash and clock stay in $(STATE), so the next
# `make demo` continues the same safe (`rm -rf $(STATE)` for a new one);
# `make demo FRONTEND=dial` the dial lock's, in .demo-state-dial.
demo: all
	@mkdir -p $(STATE)
	$(BUILD)/ownerlock-sim --state $(STATE) --frontend $(FRONTEND)

# The owner's fleet service with three simulated locks in one-time code mode,
# on a PostgreSQL of its own (docs/FLEET.md): until Ctrl-C.
fleet-demo: all
	scripts/fleet-demo.sh $(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)

# ---- the Cortex-M reference board: ports/mps2-an385 under QEMU ------------------
# A separate cross build (cmake/arm-none-eabi.cmake). OL_ALLOW_TEST_TRNG: QEMU
# has no TRNG, so these images use the board's TEST-ONLY stand-in.
TARGET_BUILD ?= build-an385

.PHONY: target target-check size fault-check ct-check firmware repro-check boot boot-check

target: deps
	@test -f $(TARGET_BUILD)/CMakeCache.txt || cmake -S ports/mps2-an385 -B $(TARGET_BUILD) \
	    -DCMAKE_TOOLCHAIN_FILE=$(CURDIR)/cmake/arm-none-eabi.cmake -DOL_ALLOW_TEST_TRNG=ON
	cmake --build $(TARGET_BUILD) -j $(JOBS)

# Unit tests built for the Cortex-M3 and the lock-body system tests, in QEMU.
target-check: target
	ports/mps2-an385/run-tests.sh $(TARGET_BUILD) $(BUILD)

# The bootloader (ports/mps2-an385/boot) and the lock body linked after it,
# pinning the TEST key of `make firmware`; boot-check boots them in QEMU, runs
# a firmware update through the service port (boot/run-update-tests.sh) and
# cuts the power at the flash operations of an install (boot/run-cut-tests.sh:
# a spread subset, about a minute; OL_CUT_ALL=1 every one, 4 to 8).
boot: all target
	ports/mps2-an385/boot/run-boot-tests.sh $(BUILD) $(TARGET_BUILD) >/dev/null || true
boot-check: all target
	ports/mps2-an385/boot/run-boot-tests.sh $(BUILD) $(TARGET_BUILD)
	ports/mps2-an385/boot/run-update-tests.sh $(BUILD) $(TARGET_BUILD)
	ports/mps2-an385/boot/run-cut-tests.sh $(BUILD) $(TARGET_BUILD)

# The instruction-skip fault sweep (tests/fault): every instruction of a wrong
# entry, and of a power-up, skipped in turn in an emulated Cortex-M3.
# FAULT_ARGS=--all skips SHA-256's rounds too (about 2.5 times longer).
# Then the bootloader's (tests/fault/boot-run.sh): each instruction of
# ol_boot_run over six boot areas, SHA-256/SHA-512's rounds and Ed25519 aside
# (BOOT_FAULT_ARGS="--all --stride 1000" samples those too).
fault-check: target
	tests/fault/run.sh $(TARGET_BUILD) $(FAULT_ARGS)
	tests/fault/boot-run.sh $(TARGET_BUILD) $(BOOT_FAULT_ARGS)

# The constant-time checks on the Cortex-M3 (tests/ct/run-m3.sh): no
# variable-time instruction (long multiplies, divides) in the firmware's code
# that handles secrets (the scan of its disassembly), nor executed by X25519,
# the AEAD and the digit code in an emulated Cortex-M3 (the trace, with two
# secrets: also the same instructions for both). Their self-tests always
# enforce, and so do the checks of the real code (CT_ARGS=--report-only
# prints their findings without failing, to look at a port's image).
CT_ARGS ?=
ct-check: target
	tests/ct/run-m3.sh $(TARGET_BUILD) $(CT_ARGS)

# Flash, RAM and stack high-water mark of the lock-body firmware, per module.
size: target
	ports/mps2-an385/size.sh $(TARGET_BUILD)
	@if [ -x $(BUILD)/ownerlock ]; then ports/mps2-an385/boot/size.sh $(BUILD) $(TARGET_BUILD); \
	 else echo "bootloader: make all first (its TEST key needs the host tool)"; fi

# Instructions the target executes for one code verification (1, 10, 32 slots)
# and for a session handshake on each side.
bench: target
	bench/run-bench.sh $(TARGET_BUILD)

# The fleet service at size (issue 18, docs/FLEET.md "Measured"): 100,000
# locks and 1,000,000 past dispatches in a PostgreSQL of its own; codes issued
# and seals verified per second through `serve`'s API, fsync off and on; the
# listings and the limit on wrong passwords at that size.
# BENCH_N=2000 dispatches and seals timed per pass; about 3 minutes.
bench-fleet: all
	bench/fleet-bench.sh $(BUILD)/ownerlock-fleet

# The lock-body firmware as a signed image, and its digest (scripts/firmware.sh:
# OL_SIGNING_KEY names your signing key's file; without it a TEST key).
firmware: all target
	scripts/firmware.sh $(BUILD) $(TARGET_BUILD)

# The reproducible build (tests/repro/firmware-twice.sh): the firmware built in
# two places from the same sources gives the same bytes.
repro-check: deps
	JOBS=$(JOBS) tests/repro/firmware-twice.sh
