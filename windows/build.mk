# The Windows layer, cross-built on Linux (see docs/windows.md):
#   $(BUILD)/windows/x64/kshm.sys             the WDM driver (clang-14, mingw-w64 DDK headers)
#   $(BUILD)/windows/<x64|x86>/libkshm.a, kshm.exe  libkshm and the tool (mingw-w64 gcc); the x86
#                                             ones are the 32-bit callers of the 64-bit driver
#
# No x86 driver yet: clang-14's i686-w64-mingw32 target cannot emit 32-bit
# SEH for __try/__except ("assembler label L__ehtable$... can not be
# undefined"), and its i686-pc-windows-msvc target, which can, does not parse
# the mingw-w64 DDK headers. The rule is kept (make windows-x86-driver) so
# the failure stays reproducible.
#
#   make windows        everything above, -Werror
#   make windows-check  PE checks, core's unit tests under Wine, the driver smoke test under Wine;
#                       writes $(BUILD)/results/windows.counts
WIN_DIR       := $(BUILD)/windows
WIN_ARCHS     := x64 x86
WIN_TRIPLE_x64 := x86_64-w64-mingw32
WIN_TRIPLE_x86 := i686-w64-mingw32
WIN_CLANG     ?= clang-14
WIN_DRV_SRCS  := $(wildcard windows/driver/*.c) core/checksum.c core/span.c core/validate.c
WIN_DRV_HDRS  := $(wildcard windows/driver/*.h core/*.h) include/kshm/abi.h
# -fms-extensions for __try/__except (clang emits real SEH tables); unwind tables for
# every function, not only those with __try: the kernel unwinds through every frame
# between a fault and its handler, and a frame without .pdata is taken for a leaf.
# wdm.h defines the two bit-test intrinsics itself; intrin-impl.h must not declare them extern first.
WIN_DRV_CFLAGS = -fms-extensions -Wno-pragma-pack -O2 -Wall -Wextra -Werror \
		 -Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare \
		 -ffreestanding -fno-builtin -fno-stack-protector -fasynchronous-unwind-tables \
		 -D_KERNEL_MODE -I. \
		 -D__INTRINSIC_DEFINED_InterlockedBitTestAndSet -D__INTRINSIC_DEFINED_InterlockedBitTestAndReset \
		 -I/usr/$(WIN_TRIPLE_$(1))/include/ddk
WIN_DRV_LDFLAGS = -shared -nostdlib -Wl,--subsystem,native -Wl,--entry,$(2) \
		  -Wl,--image-base,$(3) -Wl,--dynamicbase -Wl,--nxcompat \
		  -Wl,--file-alignment,0x200 -Wl,--section-alignment,0x1000
WIN_USER_CFLAGS = -std=gnu11 $(WARN) -Iinclude -O2 -D__USE_MINGW_ANSI_STDIO=1
# The same sources as the Linux builds (lib/build.mk, tools/build.mk), with the Windows backend.
WIN_LIB_SRCS   = $(filter-out lib/backend_linux.c,$(LIB_SRCS)) lib/backend_windows.c
WIN_TOOL_SRCS  = $(TOOL_SRCS)

.PHONY: windows windows-check windows-test-programs
windows: $(WIN_DIR)/x64/kshm.sys $(foreach a,$(WIN_ARCHS),$(WIN_DIR)/$(a)/kshm.exe)
.PHONY: windows-x86-driver
windows-x86-driver: $(WIN_DIR)/x86/kshm.sys

# $(1) arch, $(2) entry symbol (x86 stdcall decoration), $(3) image base
define win_arch
$(WIN_DIR)/$(1)/drv/%.o: %.c $(WIN_DRV_HDRS) windows/build.mk
	@mkdir -p $$(@D)
	$(WIN_CLANG) --target=$(WIN_TRIPLE_$(1)) $(call WIN_DRV_CFLAGS,$(1)) -c -o $$@ $$<

$(WIN_DIR)/$(1)/kshm.sys: $(patsubst %.c,$(WIN_DIR)/$(1)/drv/%.o,$(WIN_DRV_SRCS))
	$(WIN_TRIPLE_$(1))-gcc $(call WIN_DRV_LDFLAGS,$(1),$(2),$(3)) -o $$@ $$^ -lntoskrnl -lhal -lgcc

$(WIN_DIR)/$(1)/user/%.o: %.c include/kshm.h include/kshm/abi.h $(wildcard lib/*.h core/*.h tools/*.h)
	@mkdir -p $$(@D)
	$(WIN_TRIPLE_$(1))-gcc $(WIN_USER_CFLAGS) -c -o $$@ $$<

$(WIN_DIR)/$(1)/libkshm.a: $(patsubst %.c,$(WIN_DIR)/$(1)/user/%.o,$(WIN_LIB_SRCS))
	@rm -f $$@
	$(WIN_TRIPLE_$(1))-ar rcs $$@ $$^

$(WIN_DIR)/$(1)/kshm.exe: $(patsubst %.c,$(WIN_DIR)/$(1)/user/%.o,$(WIN_TOOL_SRCS)) $(WIN_DIR)/$(1)/libkshm.a
	$(WIN_TRIPLE_$(1))-gcc -static -o $$@ $$^ -lpthread
endef
$(eval $(call win_arch,x64,DriverEntry,0x140000000))
$(eval $(call win_arch,x86,_DriverEntry@8,0x10000))

# ---- tests ----
# core's unit tests (tests/unit, unchanged sources) as Windows programs, with
# Debian's <cmocka.h> and windows/tests/cmocka_mini.c in place of libcmocka.
# -Wno-format: cmocka.h declares its printers with the `printf` archetype,
# which mingw-w64 gcc takes as the MS CRT's (no %zu); formats are checked by
# the native build of the same sources.
# Every unit test of core except those that test a POSIX environment itself
# (test_ring_threads: mmap and pthreads across processes).
WIN_UNIT_POSIX_ONLY := test_ring_threads
WIN_UNIT_TESTS := $(filter-out $(WIN_UNIT_POSIX_ONLY),$(UNIT_TESTS))
WIN_UNIT_DIR   := $(WIN_DIR)/unit
WIN_CMOCKA_INC := $(WIN_DIR)/cmocka-include

$(WIN_CMOCKA_INC)/cmocka.h: /usr/include/cmocka.h
	@mkdir -p $(@D)
	cp $< $@

define win_unit_program
$(WIN_UNIT_DIR)/$(1).exe: tests/unit/$(1).c $(unit_srcs_$(1)) windows/tests/cmocka_mini.c $(UNIT_HDRS) $(WIN_CMOCKA_INC)/cmocka.h
	@mkdir -p $$(@D)
	@rm -f $$@
	$(WIN_TRIPLE_x64)-gcc $(WIN_USER_CFLAGS) -Wno-format -iquote . -I$(WIN_CMOCKA_INC) -o $$@ \
		tests/unit/$(1).c $(unit_srcs_$(1)) windows/tests/cmocka_mini.c
endef
$(foreach t,$(WIN_UNIT_TESTS),$(eval $(call win_unit_program,$(t))))

$(WIN_DIR)/x64/smoke.exe: windows/tests/smoke.c $(WIN_DIR)/x64/libkshm.a include/kshm.h include/kshm/abi.h
	$(WIN_TRIPLE_x64)-gcc $(WIN_USER_CFLAGS) -static -o $@ $< $(WIN_DIR)/x64/libkshm.a

windows-test-programs: $(addprefix $(WIN_UNIT_DIR)/,$(addsuffix .exe,$(WIN_UNIT_TESTS))) $(WIN_DIR)/x64/smoke.exe

# Build what builds (-k); check.sh counts a failed build as a failure and runs the rest.
windows-check:
	@$(MAKE) --no-print-directory -k windows windows-test-programs; \
	 windows/tests/check.sh $$? $(WIN_DIR) $(BUILD)/results $(WIN_UNIT_TESTS)

CHECK_TARGETS += windows-check
