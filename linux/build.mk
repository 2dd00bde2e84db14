# The Linux module. Kbuild wants every object under one directory, so the
# module's sources, core/ and the ABI header are staged into $(BUILD)/module
# (the same tree `make dkms-install` puts in /usr/src).
KVER       ?= $(shell scripts/kernel-version.sh)
KDIR       ?= /lib/modules/$(KVER)/build
MODULE_DIR := $(BUILD)/module
MODULE_SRCS := $(wildcard linux/*.c linux/*.h) linux/Kbuild $(wildcard core/*.c core/*.h) \
	       core/build.mk $(wildcard include/kshm/*.h)

.PHONY: module module-stage module-skipped
# Without a kernel build tree `make` still builds the library and the tool.
ifneq ($(wildcard $(KDIR)/Makefile),)
all: module
else
all: module-skipped
endif
module-skipped:
	@echo "kshm: the module was skipped: no kernel build tree at $(KDIR)" \
		"(apt-get install linux-headers-amd64, or make KDIR=<tree>)"
module: $(MODULE_DIR)/kshm.ko

module-stage:
	@mkdir -p $(MODULE_DIR)/core $(MODULE_DIR)/include/kshm
	@cp -u linux/*.c linux/*.h linux/Kbuild $(MODULE_DIR)/
	@cp -u core/*.c core/*.h core/build.mk $(MODULE_DIR)/core/
	@cp -u include/kshm/*.h $(MODULE_DIR)/include/kshm/

$(MODULE_DIR)/kshm.ko: $(MODULE_SRCS)
	@test -d $(KDIR) || { echo "kernel build tree $(KDIR) missing: apt-get install linux-headers-amd64"; exit 1; }
	$(MAKE) module-stage
	$(MAKE) -C $(KDIR) M=$(abspath $(MODULE_DIR)) $(if $(KSHM_GCOV),KSHM_GCOV=$(KSHM_GCOV)) modules

# The udev rule that lets group kshm open the device (see docs/install.md).
.PHONY: install-udev uninstall-udev
install: install-udev
install-udev:
	install -d $(DESTDIR)$(UDEVRULESDIR)
	install -m 644 linux/99-kshm.rules $(DESTDIR)$(UDEVRULESDIR)/
uninstall: uninstall-udev
uninstall-udev:
	rm -f $(DESTDIR)$(UDEVRULESDIR)/99-kshm.rules

# For drivers that use kshm's in-kernel API (docs/kernel-api.md): the
# module's Module.symvers, when `make` built the module, goes to
# $(SYMVERSDIR)/<kernel release>/Module.symvers (the release the module was
# built for, from its vermagic); their header, kshm/kernel.h, goes with the
# others into $(INCLUDEDIR) (lib/build.mk). Without a built module `make
# install` says so and installs the rest.
SYMVERSDIR ?= $(PREFIX)/lib/kshm
.PHONY: install-symvers uninstall-symvers
install: install-symvers
install-symvers:
	@if [ -f $(MODULE_DIR)/Module.symvers ] && [ -f $(MODULE_DIR)/kshm.ko ]; then \
		release=$$(modinfo -F vermagic $(MODULE_DIR)/kshm.ko | cut -d' ' -f1) && \
		install -d $(DESTDIR)$(SYMVERSDIR)/$$release && \
		install -m 644 $(MODULE_DIR)/Module.symvers $(DESTDIR)$(SYMVERSDIR)/$$release/ && \
		echo "installed $(DESTDIR)$(SYMVERSDIR)/$$release/Module.symvers"; \
	else \
		echo "kshm: Module.symvers not installed: the module was not built (make)"; \
	fi
uninstall: uninstall-symvers
uninstall-symvers:
	rm -f $(DESTDIR)$(SYMVERSDIR)/*/Module.symvers
	-rmdir $(DESTDIR)$(SYMVERSDIR)/* $(DESTDIR)$(SYMVERSDIR) 2>/dev/null

# DKMS: stage the module's sources (module-stage, straight from the tree, so
# nothing a build of $(MODULE_DIR) left comes along) into /usr/src/kshm-$(VERSION)
# and let dkms build it for every installed kernel. debian/rules uses it for
# kshm-dkms.
DKMS_SRC := $(DESTDIR)/usr/src/kshm-$(VERSION)
.PHONY: dkms-install
dkms-install:
	rm -rf $(DKMS_SRC)
	$(MAKE) --no-print-directory module-stage MODULE_DIR=$(DKMS_SRC)
	sed 's/@VERSION@/$(VERSION)/' linux/dkms.conf > $(DKMS_SRC)/dkms.conf
	@echo "now: dkms install kshm/$(VERSION)"
