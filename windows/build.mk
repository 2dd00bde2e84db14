# The Windows layer, cross-built on Linux (see docs/windows.md):
#   $(BUILD)/windows/<x64|x86>/kshm.sys       the WDM driver (clang-14, mingw-w64 DDK headers)
#   $(BUILD)/windows/<x64|x86>/libkshm.a, kshm.exe  libkshm and the tool (mingw-w64 gcc); the x86
#                                             ones also serve as 32-bit callers of the x64 driver
#
# The driver has no __try of its own: clang-14's i686-w64-mingw32 target
# cannot emit 32-bit SEH ("assembler label L__ehtable$... can not be
# undefined"). Its one exception guard, windows/driver/kshm_guard.c, is
# __try/__except on x64 and a hand-built fs:[0] frame on x86. The x86 driver
# is linked by lld (GNU ld 2.40 does not point the PE header at
# _load_config_used, which carries the SafeSEH table that lists that frame's
# handler).
#
#   $(BUILD)/windows/<x64|x86>/kshm.dll, libkshm.dll.a, kshm.lib  libkshm as a DLL (the
#                                             same objects as libkshm.a; exports from kshm.def),
#                                             its mingw and MSVC import libraries
#   $(BUILD)/windows/<x64|x86>/*.pdb          a PDB for every image (below, "Symbols")
#
#   make windows        everything above, -Werror
#   make windows-check  PE checks, core's unit tests under Wine, the driver smoke test under Wine;
#                       writes $(BUILD)/results/windows.counts
#   make windows-package          $(BUILD)/windows/kshm-<version>-windows.zip (windows/package/)
#   make windows-package-check    that zip checked (windows/package/check.sh);
#                                 writes $(BUILD)/results/windows-package.counts
#
# Symbols: each image names its PDB (file name, GUID, age) in a CodeView debug record.
# GNU ld 2.40 writes the PDB of the x64 driver and of the user-mode images (--pdb): public
# symbols, sections and contributions, no types or lines (gcc writes no CodeView, and
# ld 2.40 aborts on clang's: measured). The x86 driver is compiled with -gcodeview and
# lld-14 writes a full PDB (types, lines, locals); lld-14 then leaves out the COFF symbol
# table the x86 PE checks read, so the same link without --pdb gives its table to the
# --pdb image (windows/package/pe-symtab.sh, which first checks that the two images
# differ only in the debug record). clang emits .debug_frame for -g on i686; it is
# stripped from each object so that no DWARF section lands in the image.
WIN_DIR       := $(BUILD)/windows
WIN_ARCHS     := x64 x86
# The kernel API's samples (examples/<name>/windows/, below), built and packaged.
WIN_EXAMPLES  := tick crc
WIN_TRIPLE_x64 := x86_64-w64-mingw32
WIN_TRIPLE_x86 := i686-w64-mingw32
WIN_CLANG     ?= clang-14
WIN_DRV_SRCS  := $(wildcard windows/driver/*.c) $(CORE_KERNEL_SRCS)
WIN_DRV_HDRS  := $(wildcard windows/driver/*.h core/*.h include/kshm/*.h)
# -fms-extensions for __try/__except (clang emits real SEH tables); on x64 unwind tables
# for every function, not only those with __try: the kernel unwinds through every frame
# between a fault and its handler, and a frame without .pdata is taken for a leaf. x86
# SEH needs no tables (the handlers are chained on the stack): no .eh_frame there.
# wdm.h defines the two bit-test intrinsics itself; intrin-impl.h must not declare them extern first.
WIN_DRV_CFLAGS = -fms-extensions -Wno-pragma-pack -O2 -Wall -Wextra -Werror \
		 -Wno-missing-field-initializers \
		 -ffreestanding -fno-builtin -fno-stack-protector $(WIN_DRV_UNWIND_$(1)) \
		 -D_KERNEL_MODE -I. \
		 -D__INTRINSIC_DEFINED_InterlockedBitTestAndSet -D__INTRINSIC_DEFINED_InterlockedBitTestAndReset \
		 -I/usr/$(WIN_TRIPLE_$(1))/include/ddk $(WIN_DRV_DEBUG_$(1))
# CodeView for the x86 PDB (lld reads it; GNU ld, which links x64, aborts on it).
WIN_DRV_DEBUG_x86  = -g -gcodeview
WIN_DRV_OBJ_STRIP_x86 = llvm-objcopy-14 --remove-section=.debug_frame
# Pages and sectors as a driver needs them: lld's defaults, spelled out for GNU ld.
WIN_DRV_UNWIND_x64 = -fasynchronous-unwind-tables
WIN_DRV_UNWIND_x86 = -fno-asynchronous-unwind-tables
WIN_DRV_LDOPTS = --subsystem=native --entry=$(2) --image-base=$(3) --dynamicbase --nxcompat
WIN_COMMA := ,
WIN_DRV_LINK_x64 = $(WIN_TRIPLE_x64)-gcc -shared -nostdlib \
		   $(patsubst %,-Wl$(WIN_COMMA)%,$(call WIN_DRV_LDOPTS,x64,$(1),$(2)) \
		     --file-alignment=0x200 --section-alignment=0x1000)
WIN_DRV_LINK_x86 = ld.lld-14 -m i386pe --shared $(call WIN_DRV_LDOPTS,x86,$(1),$(2)) \
		   -L/usr/$(WIN_TRIPLE_x86)/lib
WIN_DRV_LIBS_x64 = -lntoskrnl -lhal -lgcc
WIN_DRV_LIBS_x86 = -lntoskrnl -lhal $(shell $(WIN_TRIPLE_x86)-gcc -print-libgcc-file-name)
# The PDB beside the image ($(1): its directory); the debug record names it without a path.
WIN_DRV_PDB_x64 = -Wl,--pdb=$(1)/kshm.pdb
WIN_DRV_PDB_x86 = --pdb=$(1)/kshm.pdb --Xlink=-pdbaltpath:%_PDB%
# x86: the symbol table from the same link without --pdb ($(1)/symtab/kshm.sys).
WIN_DRV_SYMTAB_x86 = windows/package/pe-symtab.sh $(1)/symtab/kshm.sys
WIN_USER_CFLAGS = -std=gnu11 $(WARN) -Iinclude -O2 -D__USE_MINGW_ANSI_STDIO=1 $(VERSION_CPPFLAGS)
# The same sources as the Linux builds (lib/build.mk, tools/build.mk), with the Windows backend.
WIN_LIB_SRCS   = $(filter-out lib/backend_linux.c,$(LIB_SRCS)) lib/backend_windows.c
WIN_TOOL_SRCS  = $(TOOL_SRCS)
WIN_SMOKE_SRCS = windows/tests/smoke.c windows/tests/smoke_process.c
# libkshm as a DLL: the exports (the functions include/kshm.h declares) and its two import
# libraries, for mingw-w64 (libkshm.dll.a) and for MSVC's link.exe or lld-link (kshm.lib).
WIN_DLL_FILES  = kshm.dll libkshm.dll.a kshm.lib
WIN_DEF        = $(WIN_DIR)/kshm.def
WIN_DLLTOOL_MACHINE_x64 = i386:x86-64
WIN_DLLTOOL_MACHINE_x86 = i386

.PHONY: windows windows-check windows-test-programs
windows: $(foreach a,$(WIN_ARCHS),$(WIN_DIR)/$(a)/kshm.sys $(WIN_DIR)/$(a)/kshm.exe \
	   $(addprefix $(WIN_DIR)/$(a)/,$(WIN_DLL_FILES)))

$(WIN_DEF): include/kshm.h $(wildcard include/kshm/*.h) windows/package/mkdef.sh
	@mkdir -p $(@D)
	windows/package/mkdef.sh $(WIN_TRIPLE_x64)-gcc include/kshm.h kshm.dll > $@.tmp
	mv -f $@.tmp $@

# $(1) arch, $(2) entry symbol (x86 stdcall decoration), $(3) image base
define win_arch
$(WIN_DIR)/$(1)/drv/%.o: %.c $(WIN_DRV_HDRS) windows/build.mk
	@mkdir -p $$(@D)
	$(WIN_CLANG) --target=$(WIN_TRIPLE_$(1)) $(call WIN_DRV_CFLAGS,$(1)) -c -o $$@ $$<
	$(if $(WIN_DRV_OBJ_STRIP_$(1)),$(WIN_DRV_OBJ_STRIP_$(1)) $$@)

# The image and its PDB in one link (x86: then the symbol table, see "Symbols" above).
$(WIN_DIR)/$(1)/kshm.sys: $(patsubst %.c,$(WIN_DIR)/$(1)/drv/%.o,$(WIN_DRV_SRCS)) \
			  $(if $(WIN_DRV_SYMTAB_$(1)),$(WIN_DIR)/$(1)/symtab/kshm.sys windows/package/pe-symtab.sh)
	$(call WIN_DRV_LINK_$(1),$(2),$(3)) $(call WIN_DRV_PDB_$(1),$(WIN_DIR)/$(1)) -o $$@ \
		$$(filter %.o,$$^) $(WIN_DRV_LIBS_$(1))
	$(if $(WIN_DRV_SYMTAB_$(1)),$(call WIN_DRV_SYMTAB_$(1),$(WIN_DIR)/$(1)) $$@)

# x86 only: the same link without a PDB, for its symbol table (same file name: the
# export directory names the image).
$(WIN_DIR)/$(1)/symtab/kshm.sys: $(patsubst %.c,$(WIN_DIR)/$(1)/drv/%.o,$(WIN_DRV_SRCS))
	@mkdir -p $$(@D)
	$(call WIN_DRV_LINK_$(1),$(2),$(3)) -o $$@ $$^ $(WIN_DRV_LIBS_$(1))

$(WIN_DIR)/$(1)/kshm.pdb: $(WIN_DIR)/$(1)/kshm.sys
	@test -f $$@

$(WIN_DIR)/$(1)/user/%.o: %.c include/kshm.h include/kshm/abi.h $(wildcard lib/*.h core/*.h tools/*.h)
	@mkdir -p $$(@D)
	$(WIN_TRIPLE_$(1))-gcc $(WIN_USER_CFLAGS) -c -o $$@ $$<

$(WIN_DIR)/$(1)/libkshm.a: $(patsubst %.c,$(WIN_DIR)/$(1)/user/%.o,$(WIN_LIB_SRCS))
	@rm -f $$@
	$(WIN_TRIPLE_$(1))-ar rcs $$@ $$^

$(WIN_DIR)/$(1)/kshm.exe: $(patsubst %.c,$(WIN_DIR)/$(1)/user/%.o,$(WIN_TOOL_SRCS)) $(WIN_DIR)/$(1)/libkshm.a
	$(WIN_TRIPLE_$(1))-gcc -static -Wl,--pdb=$(WIN_DIR)/$(1)/kshm-tool.pdb -o $$@ $$^

$(WIN_DIR)/$(1)/smoke.exe: $(WIN_SMOKE_SRCS) windows/tests/smoke.h examples/tick/kshm_tick.h \
			   windows/tests/api_client/kshm_api_client.h $(WIN_DIR)/$(1)/libkshm.a \
			   include/kshm.h include/kshm/abi.h
	$(WIN_TRIPLE_$(1))-gcc $(WIN_USER_CFLAGS) -static -Wl,--pdb=$(WIN_DIR)/$(1)/smoke.pdb -o $$@ \
		$(WIN_SMOKE_SRCS) $(WIN_DIR)/$(1)/libkshm.a -ladvapi32

# kshm.dll from libkshm.a's objects; libgcc linked in, so the DLL needs only system DLLs.
$(WIN_DIR)/$(1)/kshm.dll: $(patsubst %.c,$(WIN_DIR)/$(1)/user/%.o,$(WIN_LIB_SRCS)) $(WIN_DEF)
	$(WIN_TRIPLE_$(1))-gcc -shared -static-libgcc -o $$@ $$^ \
		-Wl,--out-implib,$(WIN_DIR)/$(1)/libkshm.dll.a -Wl,--pdb=$(WIN_DIR)/$(1)/kshm-dll.pdb

$(WIN_DIR)/$(1)/libkshm.dll.a $(WIN_DIR)/$(1)/kshm-dll.pdb: $(WIN_DIR)/$(1)/kshm.dll
	@test -f $$@

$(WIN_DIR)/$(1)/kshm.lib: $(WIN_DEF)
	llvm-dlltool-14 -m $(WIN_DLLTOOL_MACHINE_$(1)) -d $$< -l $$@

$(WIN_DIR)/$(1)/kshm-tool.pdb: $(WIN_DIR)/$(1)/kshm.exe
	@test -f $$@

$(WIN_DIR)/$(1)/smoke.pdb: $(WIN_DIR)/$(1)/smoke.exe
	@test -f $$@
endef
$(eval $(call win_arch,x64,DriverEntry,0x140000000))
$(eval $(call win_arch,x86,_DriverEntry@8,0x10000))

# ---- tests ----
# core's unit tests (tests/unit, unchanged sources) as Windows programs, with
# Debian's <cmocka.h> and windows/tests/cmocka_mini.c in place of libcmocka.
# -Wno-format: cmocka.h declares its printers with the `printf` archetype,
# which mingw-w64 gcc takes as the MS CRT's (no %zu); formats are checked by
# the native build of the same sources.
# Every unit test of core (and of lib/version.c) except those that need a POSIX
# environment (test_ring_threads: mmap and pthreads across processes;
# test_json: captures the tool's output with open_memstream).
WIN_UNIT_POSIX_ONLY := test_ring_threads test_json
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


# The x86 guard's text (windows/driver/kshm_guard_x86.h) against a model of the x86
# exception dispatcher: a freestanding 32-bit Linux program (no 32-bit Wine here; the
# source says what the model covers).
$(WIN_DIR)/guard_x86: windows/tests/guard_x86.c windows/driver/kshm_guard_x86.h
	@mkdir -p $(@D)
	$(WIN_CLANG) --target=i386-linux-gnu -ffreestanding -nostdlib -static -fno-pic \
		-fno-stack-protector -fuse-ld=lld -O2 -Wall -Wextra -Werror -I. -o $@ $<

windows-test-programs: $(addprefix $(WIN_UNIT_DIR)/,$(addsuffix .exe,$(WIN_UNIT_TESTS))) $(WIN_DIR)/x64/smoke.exe $(WIN_DIR)/x86/smoke.exe \
		       $(WIN_DIR)/guard_x86

# Build what builds (-k); check.sh counts a failed build as a failure and runs the rest.
windows-check:
	@$(MAKE) --no-print-directory -k windows windows-test-programs; \
	 windows/tests/check.sh $$? $(WIN_DIR) $(WIN_UNIT_TESTS) | tests/tap.sh windows $(BUILD)/results

CHECK_TARGETS += windows-check

# ---- the package ----
# build/windows/kshm-<version>-windows.zip: per architecture the driver (test-signed and
# unsigned) with the INF, the tools, libkshm (DLL, import libraries, .def, static), the
# headers and every image's PDB; README.txt and LICENSE.txt (windows/package/stage.sh).
WIN_PKG_ZIP := $(WIN_DIR)/kshm-$(VERSION)-windows.zip
WIN_PKG_FILES := kshm.sys kshm.pdb kshm.exe kshm-tool.pdb smoke.exe smoke.pdb kshm.dll kshm-dll.pdb \
		 libkshm.a $(WIN_DLL_FILES)

.PHONY: windows-package windows-package-check
windows-package: $(WIN_PKG_ZIP)

$(WIN_PKG_ZIP): $(foreach a,$(WIN_ARCHS),$(addprefix $(WIN_DIR)/$(a)/,$(WIN_PKG_FILES) \
			$(foreach e,$(WIN_EXAMPLES),kshm_$(e).sys $(e).exe))) $(WIN_DEF) \
		$(foreach e,$(WIN_EXAMPLES),examples/$(e)/$(e).c examples/$(e)/kshm_$(e).h \
			examples/$(e)/windows/kshm_$(e).c) examples/sample_device.h examples/windows_sample.h \
		windows/kshm.inf include/kshm.h $(wildcard include/kshm/*.h) windows/sign-test.sh \
		windows/package/stage.sh windows/package/README.txt windows/package/LICENSE.txt
	windows/package/stage.sh $(WIN_DIR) $(VERSION) $@ $(WIN_ARCHS)

# Build what builds; check.sh counts a failed build as a failure and checks the rest.
windows-package-check:
	@$(MAKE) --no-print-directory windows-package; \
	 windows/package/check.sh $$? $(WIN_PKG_ZIP) $(VERSION) | tests/tap.sh windows-package $(BUILD)/results

CHECK_TARGETS += windows-package-check

# The NT-kernel suite: the x86 driver, kshm.exe, smoke.exe and the sample client drivers
# with their programs run on a ReactOS i386
# kernel in QEMU (../shared/reactos, windows/tests/nt-check.sh). Writes
# $(BUILD)/results/nt.counts; without the kit it counts one skipped test.
.PHONY: nt-check
nt-check:
	@$(MAKE) --no-print-directory -k $(foreach f,kshm.sys kshm.exe smoke.exe $(WIN_EXAMPLE_FILES),$(WIN_DIR)/x86/$(f)); \
	 windows/tests/nt-check.sh $(WIN_DIR) $(BUILD)/results | tests/tap.sh nt $(BUILD)/results

CHECK_TARGETS += nt-check

# ---- the sample client drivers of the kernel API (examples/<name>/windows/) ----
# Each is built as a driver author builds one against an installed kshm: its own
# source, include/ on the include path for <kshm/kernel.h>, linked against ntoskrnl
# and HAL only (it reaches kshm through the function table, not through imports).
# Its program is the Linux sample's (examples/<name>/<name>.c), with libkshm.
# windows/tests/api_client/ is a client driver of the same kind for the NT suite (regions).
WIN_EXAMPLE_FILES = $(foreach e,$(WIN_EXAMPLES),kshm_$(e).sys $(e).exe) kshm_api_client.sys
windows: $(foreach a,$(WIN_ARCHS),$(addprefix $(WIN_DIR)/$(a)/,$(WIN_EXAMPLE_FILES)))
WIN_CLIENT_ENTRY_x64 := DriverEntry
WIN_CLIENT_ENTRY_x86 := _DriverEntry@8
WIN_CLIENT_BASE_x64  := 0x140000000
WIN_CLIENT_BASE_x86  := 0x10000

# $(1) arch, $(2) image name without .sys, $(3) source, $(4) the headers it includes
define win_client_driver
$(WIN_DIR)/$(1)/clients/$(2).o: $(3) $(4) examples/windows_sample.h include/kshm/kernel.h \
				include/kshm/channel.h windows/build.mk
	@mkdir -p $$(@D)
	$(WIN_CLANG) --target=$(WIN_TRIPLE_$(1)) $(call WIN_DRV_CFLAGS,$(1)) -Iinclude -c -o $$@ $$<
	$(if $(WIN_DRV_OBJ_STRIP_$(1)),$(WIN_DRV_OBJ_STRIP_$(1)) $$@)

$(WIN_DIR)/$(1)/$(2).sys: $(WIN_DIR)/$(1)/clients/$(2).o
	$(call WIN_DRV_LINK_$(1),$(WIN_CLIENT_ENTRY_$(1)),$(WIN_CLIENT_BASE_$(1))) -o $$@ $$< \
		$(WIN_DRV_LIBS_$(1))
endef

# $(1) arch, $(2) sample
define win_example_program
$(WIN_DIR)/$(1)/$(2).exe: examples/$(2)/$(2).c examples/$(2)/kshm_$(2).h examples/sample_device.h \
			  $(WIN_DIR)/$(1)/libkshm.a include/kshm.h include/kshm/abi.h
	$(WIN_TRIPLE_$(1))-gcc $(WIN_USER_CFLAGS) -static -o $$@ $$< $(WIN_DIR)/$(1)/libkshm.a
endef
$(foreach a,$(WIN_ARCHS),$(foreach e,$(WIN_EXAMPLES),\
	$(eval $(call win_client_driver,$(a),kshm_$(e),examples/$(e)/windows/kshm_$(e).c,examples/$(e)/kshm_$(e).h)) \
	$(eval $(call win_example_program,$(a),$(e)))))
$(foreach a,$(WIN_ARCHS),$(eval $(call win_client_driver,$(a),kshm_api_client,\
	windows/tests/api_client/kshm_api_client.c,windows/tests/api_client/kshm_api_client.h)))
