# The sample drivers of kshm's in-kernel API (examples/, walked through in
# docs/kernel-api.md): each is a module and its program. `make` builds the
# programs (linked statically with libkshm, so the test VM can run them) and,
# with a kernel build tree, the modules, against the module just built (its
# Module.symvers, its staged include/: the same files an installation holds);
# without one it says the modules were skipped. Each sample is copied to
# $(BUILD)/examples/<name> first, so no build product lands in the tree.
#
# Checked by make check: run in the VM (tests/vm/test_examples.c, vm-check),
# built against a scratch `make install` (install-check) and a DKMS tree,
# and with W=1 on every kernel of the matrix (kbuild-check).
EXAMPLES        := tick crc
EXAMPLES_DIR    := $(BUILD)/examples
EXAMPLE_PROGS   := $(foreach e,$(EXAMPLES),$(EXAMPLES_DIR)/$(e)/$(e))
EXAMPLE_MODULES := $(foreach e,$(EXAMPLES),$(EXAMPLES_DIR)/$(e)/kshm_$(e).ko)

.PHONY: examples example-programs example-modules example-modules-skipped
examples: example-programs
example-programs: $(EXAMPLE_PROGS)
example-modules: $(EXAMPLE_MODULES)
ifneq ($(wildcard $(KDIR)/Makefile),)
examples: example-modules
else
examples: example-modules-skipped
endif
all: examples
example-modules-skipped:
	@echo "kshm: the sample modules (examples/) were skipped: no kernel build tree at $(KDIR)"

$(EXAMPLES_DIR)/%: examples/%.c $(LIB_STATIC)
	@mkdir -p $(@D)
	$(CC) $(KSHM_CFLAGS) -static -o $@ $< $(LIB_STATIC)

# One module per sample, built as its Kbuild says, pointed at this tree's module.
define example_module
$(EXAMPLES_DIR)/$(1)/$(1): examples/$(1)/kshm_$(1).h examples/sample_device.h
$(EXAMPLES_DIR)/$(1)/kshm_$(1).ko: $(wildcard examples/$(1)/*) $(MODULE_DIR)/kshm.ko
	@mkdir -p $$(@D)
	@cp examples/$(1)/Kbuild examples/$(1)/kshm_$(1).c examples/$(1)/kshm_$(1).h $$(@D)/
	$$(MAKE) -C $(KDIR) M=$$(abspath $$(@D)) KSHM_INCLUDE=$$(abspath $(MODULE_DIR))/include \
		KSHM_SYMVERS=$$(abspath $(MODULE_DIR))/Module.symvers modules
endef
$(foreach e,$(EXAMPLES),$(eval $(call example_module,$(e))))
