# Hardening: the VM suite a second time, on a debug kernel built from the newest
# kernel Debian ships (tests/kernels: base.config + debug.config: KASAN, lockdep,
# kmemleak, UBSAN, fault injection, ...; cached outside the repo, built when missing).
#
#   make debug-kernel    build (or find) the debug kernel; prints its directory
#   make vmdebug-check   module + guest programs built against it (under
#                        $(BUILD)/kernel-debug-<key>, so the stock build stays), the
#                        suite with loglevel=7; writes $(BUILD)/results/vmdebug.counts
#
# Any KASAN, lockdep, UBSAN, kmemleak or WARN report fails it (tests/vm/run.sh).
# The fuzzer runs about 20 times slower there (KASAN, lockdep, kmemleak and gcov
# on every allocation, lock and branch, under TCG: 1,550-2,100 operations/s
# against 30,000 on the stock kernel, measured 2026-12-03), so it gets the time a
# million operations take there; it stops at whichever limit comes first.
VMDEBUG_FUZZ_SECONDS ?= 720
VMDEBUG_TEST_SECONDS ?= 780
.PHONY: debug-kernel vmdebug-check kernel-coverage-check
debug-kernel:
	tests/kernels/kernel.sh debug

vmdebug-check:
	@mkdir -p $(BUILD)/results
	@rm -f $(BUILD)/results/vmdebug.counts
	@dir=$$(tests/kernels/kernel.sh debug) || exit 1; \
	debug_build=$(BUILD)/kernel-$$(basename "$$dir"); \
	KSHM_VM_TEST_TIMEOUT=$(VMDEBUG_TEST_SECONDS) KSHM_VM_PROGRAM_TIMEOUT=$$(($(VMDEBUG_TEST_SECONDS) + 60)) \
	KSHM_VM_TIMEOUT=$$(($(VMDEBUG_FUZZ_SECONDS) + 900)) \
	$(MAKE) --no-print-directory vm-check BUILD="$$debug_build" KDIR="$$dir/build" \
		VM_KERNEL="$$dir/bzImage" \
		KSHM_GCOV=y \
		VM_ARGS='--append "loglevel=7 KSHM_GCOV=1 KSHM_FUZZ_SECONDS=$(VMDEBUG_FUZZ_SECONDS)" $(VM_ARGS)'; \
	status=$$?; \
	cp "$$debug_build/results/vm.counts" $(BUILD)/results/vmdebug.counts 2>/dev/null; \
	sed 's/^vm /vmdebug /' "$$debug_build/results/vm.label" > $(BUILD)/results/vmdebug.label 2>/dev/null; \
	exit $$status

# The module's coverage in that run (it is built with KSHM_GCOV=y, the debug kernel has
# CONFIG_GCOV_KERNEL): coverage: kernel N% lines, M% branches, HTML in $(BUILD)/coverage/kernel.
kernel-coverage-check:
	@dir=$$(tests/kernels/kernel.sh debug) || exit 1; \
	debug_build=$(BUILD)/kernel-$$(basename "$$dir"); \
	tests/hardening/kernel-coverage.sh "$$debug_build/module" "$$debug_build/vm/gcov.tar.gz" \
		$(BUILD)/results $(BUILD)/coverage/kernel | tests/tap.sh kernel-coverage $(BUILD)/results

CHECK_TARGETS += vmdebug-check kernel-coverage-check

# Static analysis: sparse on the module, cppcheck on core/ and lib/,
# shellcheck on the harness; writes $(BUILD)/results/static.counts.
.PHONY: static-check
static-check:
	@BUILD=$(BUILD) KDIR=$(KDIR) tests/hardening/static-check.sh | tests/tap.sh static $(BUILD)/results

CHECK_TARGETS += static-check
