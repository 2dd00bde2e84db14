# kshm top-level build. Each layer adds its rules in its own fragment
# (<dir>/build.mk); everything built goes under $(BUILD).
#
#   make            libkshm, the kshm tool, the Linux module, the sample drivers (examples/)
#   make check      unit tests + VM suite; last line "N passed, N failed"
#   make demo       install missing Debian packages, build, boot the VM, run kshm demo
#   make install    libkshm, headers, kshm.pc, the tool, man pages, the udev rule, the
#                   module's Module.symvers when it was built; make uninstall
#                   removes exactly that. Where: PREFIX, DESTDIR, BINDIR, LIBDIR,
#                   INCLUDEDIR, MANDIR, UDEVRULESDIR, BASHCOMPDIR, SYMVERSDIR (Debian multiarch: LIBDIR=/usr/lib/x86_64-linux-gnu)

BUILD    ?= build
PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR   ?= $(PREFIX)/bin
LIBDIR   ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# The release: libkshm's version in include/kshm.h, the one place it is written.
VERSION  := $(shell scripts/version.sh)
VERSION_MAJOR := $(firstword $(subst ., ,$(VERSION)))

CC       ?= cc
CFLAGS   ?= -O2 -g
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
# The release the tools report (kshm --version), for every build of them.
VERSION_CPPFLAGS := -DKSHM_VERSION_STRING=\"$(VERSION)\"
CPPFLAGS += -Iinclude -D_GNU_SOURCE $(VERSION_CPPFLAGS)
KSHM_CFLAGS = -std=gnu11 $(WARN) $(CPPFLAGS) $(CFLAGS)

.PHONY: all check demo install uninstall clean
all:

# Each fragment may add its test target to CHECK_TARGETS.
CHECK_TARGETS :=

include core/build.mk
include lib/build.mk
include tools/build.mk
include linux/build.mk
include examples/build.mk
include tests/unit/build.mk
include tests/vm/build.mk
include tests/model/build.mk
include tests/fuzz/build.mk
include bench/build.mk
include windows/build.mk
include tests/kernels/build.mk
include tests/install/build.mk
include tests/package/build.mk
include man/build.mk
include tests/hardening/build.mk

CHECK_TARGETS += unit-check vm-check

# Every suite runs even when an earlier one failed; the summary decides. Each
# suite's wall time (kernel builds included, where a suite needs one first)
# goes to results/<suite>.seconds, for the summary.
check:
	@rm -rf $(BUILD)/results
	@mkdir -p $(BUILD)/results
	@for target in $(CHECK_TARGETS); do \
		start=$$(date +%s); \
		$(MAKE) --no-print-directory $$target || true; \
		echo $$(( $$(date +%s) - start )) > $(BUILD)/results/$${target%-check}.seconds; \
	done
	@scripts/summary.sh $(BUILD)/results $(CHECK_TARGETS:-check=)

demo: deps
	$(MAKE) all
	$(MAKE) vm-demo

.PHONY: deps
deps:
	scripts/install-deps.sh

clean:
	rm -rf $(BUILD)
