# What users install, tested as they use it (tests/install/check.sh):
#   make install-check    install into a scratch root, build the README's example
#                         and a C++ file against it (pkg-config; shared and static),
#                         run the example in the VM, build the sample drivers
#                         against it (examples/), uninstall; tests/tap.sh writes
#                         $(BUILD)/results/install.counts
.PHONY: install-check
install-check: lib tool module
	@tests/install/check.sh $(BUILD) $(KDIR) | tests/tap.sh install $(BUILD)/results

CHECK_TARGETS += install-check
