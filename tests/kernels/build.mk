# The kernel matrix. The VM suite runs on Debian 12's 6.1 (vm-check, the
# installed linux-image-amd64) and again on each kernel here, built from
# Debian's linux-source packages with a small config (tests/kernels/kernel.sh,
# build.sh, base.config; cached outside the tree by version and config, built
# when missing):
#
#   make vm-6.12-check     the suite on 6.12 LTS   -> results/vm-6.12.counts
#   make vm-7.2-check      the suite on the newest -> results/vm-7.2.counts
#   make kbuild-check      the module and the API test client, W=1, on all three
#
# Each kernel gets its own build directory ($(BUILD)/kernel-<name>-<key>: the
# module and the guest programs), so the 6.1 build stays as it is.
MATRIX_KERNELS ?= 6.12 7.2

.PHONY: $(MATRIX_KERNELS:%=vm-%-check) kbuild-check
# Every kernel's results under its own name (vm-<name>.counts and .label).
$(MATRIX_KERNELS:%=vm-%-check): vm-%-check:
	@mkdir -p $(BUILD)/results
	@rm -f $(BUILD)/results/vm-$*.counts $(BUILD)/results/vm-$*.label
	@dir=$$(tests/kernels/kernel.sh $*) || \
		{ echo "Bail out! kernel $* did not build" | tests/tap.sh vm-$* $(BUILD)/results; exit 1; }; \
	kbuild=$(BUILD)/kernel-$$(basename "$$dir"); \
	$(MAKE) --no-print-directory vm-check BUILD="$$kbuild" KDIR="$$dir/build" \
		VM_KERNEL="$$dir/bzImage" VM_ARGS='$(VM_ARGS)'; \
	status=$$?; \
	cp "$$kbuild/results/vm.counts" $(BUILD)/results/vm-$*.counts 2>/dev/null; \
	cp "$$kbuild/results/vm.label" $(BUILD)/results/vm-$*.label 2>/dev/null; \
	exit $$status

CHECK_TARGETS += $(MATRIX_KERNELS:%=vm-%-check)

kbuild-check:
	@tests/kernels/kbuild-check.sh $(BUILD) "$(KDIR)" $(MATRIX_KERNELS) | tests/tap.sh kbuild $(BUILD)/results

CHECK_TARGETS += kbuild-check
