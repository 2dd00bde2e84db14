# The VM suite: every tests/vm/test_*.c is one static guest program, linked
# with the helpers (every other tests/vm/*.c: the vmtest runner, guest_util)
# and the static libkshm. The guest has no libc, so the kshm tool gets a
# static twin too. tests/vm/run.sh boots them with the module under QEMU.
#
#   make vm-check      module + programs, then the suite; writes $(BUILD)/results/vm.counts
#   make vm-demo       module + static tool, then kshm info / kshm demo in the VM
#   make vm-run PROG=./myapp [ARGS="..."]
#                      your program in the VM with the module loaded (static, or
#                      dynamic with its libraries copied in): its output, then its
#                      exit status as make's
#   make vm-shell      a root shell in the VM, the module loaded, /bin/kshm
#
# Knobs (make variables, passed to run.sh): VM_ARGS (extra run.sh arguments,
# e.g. VM_ARGS='--tests "test_smoke" --verbose'), VM_KERNEL (a bzImage to boot
# instead of /boot/vmlinuz-$(KVER); the module is then checked against KDIR,
# so build it with the same KDIR).
VM_DIR        := $(BUILD)/vm
VM_TEST_SRCS  := $(wildcard tests/vm/test_*.c)
VM_TESTS      := $(patsubst tests/vm/%.c,$(VM_DIR)/tests/%,$(VM_TEST_SRCS))
VM_HELPER_SRCS := $(filter-out $(VM_TEST_SRCS),$(wildcard tests/vm/*.c))
VM_HELPER_OBJS := $(patsubst tests/vm/%.c,$(VM_DIR)/obj/%.o,$(VM_HELPER_SRCS))
VM_TOOL       := $(VM_DIR)/kshm
VM_CFLAGS      = $(KSHM_CFLAGS) -Icore -Itests/vm -pthread -MMD -MP
VM_LDFLAGS    := -static -pthread
VM_ARGS       ?=
VM_KERNEL     ?=
VM_RUN         = BUILD=$(BUILD) KVER=$(KVER) tests/vm/run.sh \
		 $(if $(VM_KERNEL),--kernel $(VM_KERNEL) --modules-build $(KDIR)) $(VM_ARGS)

.PHONY: vm-programs vm-check vm-demo vm-run vm-shell
.SECONDARY: $(VM_HELPER_OBJS)
vm-programs: $(VM_TESTS) $(VM_TOOL)

$(VM_DIR)/obj/%.o: tests/vm/%.c
	@mkdir -p $(@D)
	$(CC) $(VM_CFLAGS) -c -o $@ $<

# rm first: a failed build must not leave an old program to be run.
$(VM_DIR)/tests/%: tests/vm/%.c $(VM_HELPER_OBJS) $(LIB_STATIC)
	@mkdir -p $(@D)
	@rm -f $@
	$(CC) $(VM_CFLAGS) -MF $(VM_DIR)/obj/$(@F).d $(VM_LDFLAGS) -o $@ $< $(VM_HELPER_OBJS) $(LIB_STATIC)

$(VM_TOOL): $(TOOL_OBJS) $(LIB_STATIC)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $(VM_LDFLAGS) -o $@ $(TOOL_OBJS) $(LIB_STATIC)

# A test client of the in-kernel API (tests/vm/client), built against kshm's
# Module.symvers and its API header (the staged module's include/), as another
# driver would be; loaded after kshm.
VM_CLIENT_DIR := $(VM_DIR)/client
VM_CLIENT     := $(VM_CLIENT_DIR)/kshm_client.ko
$(VM_CLIENT): $(wildcard tests/vm/client/*) include/kshm/kernel.h $(MODULE_DIR)/kshm.ko
	@mkdir -p $(VM_CLIENT_DIR)
	@cp tests/vm/client/* $(VM_CLIENT_DIR)/
	$(MAKE) -C $(KDIR) M=$(abspath $(VM_CLIENT_DIR)) KSHM_INCLUDE=$(abspath $(MODULE_DIR))/include \
		KBUILD_EXTRA_SYMBOLS=$(abspath $(MODULE_DIR))/Module.symvers modules

# Build what builds (-k); run.sh counts a program that did not build as failed.
vm-check: module $(VM_CLIENT) $(TOOL_BIN) example-modules example-programs
	@$(MAKE) --no-print-directory -k vm-programs || echo "vm: some guest programs failed to build"
	$(VM_RUN) --expect "$(notdir $(VM_TESTS))"

vm-demo: module $(VM_TOOL)
	$(VM_RUN) --demo

PROG ?=
ARGS ?=
vm-run: module $(VM_TOOL)
	@test -n "$(PROG)" || { echo "vm-run: say which program: make vm-run PROG=./myapp ARGS='...'"; exit 2; }
	@$(VM_RUN) --run "$(PROG)" --run-args "$(ARGS)"

vm-shell: module $(VM_TOOL)
	@$(VM_RUN) --shell

-include $(VM_HELPER_OBJS:.o=.d) $(patsubst $(VM_DIR)/tests/%,$(VM_DIR)/obj/%.d,$(VM_TESTS))
