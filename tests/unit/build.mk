# Native unit tests of core/ (and of the tool's JSON writer, tools/json.c)
# with cmocka, built once with ASan + UBSan. One program per concern, each
# compiled together with the sources it tests. `make unit-check` builds and runs them all, and
# tests/tap.sh judges their TAP and writes $(BUILD)/results/unit.counts; a program that
# fails to build or crashes counts as failed (tests/unit/run.sh).

UNIT_DIR      := $(BUILD)/unit
UNIT_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
UNIT_CFLAGS    = $(KSHM_CFLAGS) -iquote .
UNIT_LDLIBS   := -lcmocka
UNIT_HDRS     := $(wildcard core/*.h) $(wildcard include/kshm/*.h) tests/unit/unit.h tools/json.h

# test name -> the sources linked into it
UNIT_TESTS          := test_span test_validate test_region test_checksum test_abi test_ring \
		       test_ring_threads test_channel test_validate_channel test_options test_json \
		       test_request test_policy test_work
unit_srcs_test_span     := core/span.c
unit_srcs_test_validate := core/validate.c core/span.c
unit_srcs_test_region   := core/region.c core/span.c
unit_srcs_test_checksum := core/checksum.c
unit_srcs_test_abi      := tests/unit/abi_windows.c
unit_srcs_test_ring     := core/ring.c
unit_srcs_test_ring_threads := core/ring.c
unit_srcs_test_channel  := core/channel.c core/policy.c core/ring.c core/checksum.c
unit_srcs_test_validate_channel := core/validate.c core/span.c
unit_srcs_test_request  := core/request.c
unit_srcs_test_policy   := core/policy.c core/channel.c core/ring.c core/checksum.c
unit_srcs_test_work     := core/work.c core/checksum.c
unit_srcs_test_options  := lib/version.c
unit_srcs_test_json     := tools/json.c
# Concurrency tests run under ThreadSanitizer instead (the two do not mix).
unit_sanitize_test_ring_threads := -fsanitize=thread -fno-omit-frame-pointer
UNIT_BINS := $(addprefix $(UNIT_DIR)/,$(UNIT_TESTS))

.PHONY: unit-build unit-check

unit-build: $(UNIT_BINS)

# One explicit rule per program (no .SECONDEXPANSION: it would change how
# every later fragment's prerequisites are read). rm first: a failed rebuild
# must not leave an old binary behind to be run.
define unit_program
$(UNIT_DIR)/$(1): tests/unit/$(1).c $(unit_srcs_$(1)) $(UNIT_HDRS) tests/unit/abi_windows.h tests/unit/build.mk
	@mkdir -p $$(@D)
	@rm -f $$@
	$$(CC) $$(UNIT_CFLAGS) $(or $(unit_sanitize_$(1)),$(UNIT_SANITIZE)) -o $$@ tests/unit/$(1).c $(unit_srcs_$(1)) $$(UNIT_LDLIBS) -pthread
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_program,$(t))))

# Build what builds (-k), then run everything; run.sh counts a missing binary
# as failed tests, tests/tap.sh judges the TAP and writes the counts.
unit-check:
	@$(MAKE) --no-print-directory -k unit-build || echo "unit: some test programs failed to build"
	@tests/unit/run.sh $(UNIT_DIR) $(BUILD)/results tests/unit $(UNIT_TESTS) | tests/tap.sh unit $(BUILD)/results

# The same programs built with --coverage (no sanitizers, -O0) for the
# coverage of core/ (tests/unit/coverage.sh, gcov + lcov): counted as its
# own suite, which reports and never judges the figures.
UNIT_COV_DIR := $(BUILD)/unit-coverage
define unit_coverage_program
$(UNIT_COV_DIR)/$(1): tests/unit/$(1).c $(unit_srcs_$(1)) $(UNIT_HDRS) tests/unit/abi_windows.h tests/unit/build.mk
	@mkdir -p $$(@D)
	@rm -f $$@
	$$(CC) $$(UNIT_CFLAGS) -O0 --coverage -o $$@ tests/unit/$(1).c $(unit_srcs_$(1)) $$(UNIT_LDLIBS) -pthread
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_coverage_program,$(t))))

.PHONY: coverage-check
coverage-check:
	@$(MAKE) --no-print-directory -k $(addprefix $(UNIT_COV_DIR)/,$(UNIT_TESTS)) >/dev/null || true
	@tests/unit/coverage.sh $(UNIT_COV_DIR) $(BUILD)/results $(BUILD)/coverage/unit $(UNIT_TESTS) | \
		tests/tap.sh coverage $(BUILD)/results

CHECK_TARGETS += coverage-check
