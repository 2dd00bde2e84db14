# libkshm: $(BUILD)/libkshm.a, $(BUILD)/libkshm.so (soname libkshm.so.1) and
# $(BUILD)/kshm.pc. core/checksum.c is compiled in unchanged: its
# kshm_checksum and pattern functions are part of the API.
#
# Only what include/kshm.h declares is exported, each symbol with the version
# that added it: lib/libkshm.map (install-check holds the two equal).

LIB_SRCS       := lib/kshm.c lib/channel.c lib/version.c lib/backend_linux.c $(CORE_LIB_SRCS)
LIB_OBJ_DIR    := $(BUILD)/lib
LIB_OBJS       := $(patsubst %.c,$(LIB_OBJ_DIR)/static/%.o,$(LIB_SRCS))
LIB_PIC_OBJS   := $(patsubst %.c,$(LIB_OBJ_DIR)/pic/%.o,$(LIB_SRCS))
LIB_STATIC     := $(BUILD)/libkshm.a
LIB_SHARED     := $(BUILD)/libkshm.so
LIB_SONAME     := libkshm.so.$(VERSION_MAJOR)
LIB_MAP        := lib/libkshm.map
LIB_PC         := $(BUILD)/kshm.pc
LIB_CFLAGS      = $(KSHM_CFLAGS) -MMD -MP
LIB_HEADERS    := include/kshm.h $(wildcard include/kshm/*.h)

.PHONY: lib install-lib uninstall-lib lib-pc-refresh
all: lib
lib: $(LIB_STATIC) $(LIB_SHARED) $(LIB_PC)

$(LIB_OBJ_DIR)/static/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(LIB_CFLAGS) -c -o $@ $<

$(LIB_OBJ_DIR)/pic/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(LIB_CFLAGS) -fPIC -c -o $@ $<

$(LIB_STATIC): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

# The soname link lets programs linked against $(BUILD) run from it.
$(LIB_SHARED): $(LIB_PIC_OBJS) $(LIB_MAP)
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,$(LIB_SONAME) -Wl,--version-script=$(LIB_MAP) \
		-Wl,-z,defs -o $@ $(LIB_PIC_OBJS)
	ln -sf libkshm.so $(BUILD)/$(LIB_SONAME)

# Regenerated on every run (rewritten only when it changes) because the
# directories may differ between `make` and `make install`.
$(LIB_PC): lib/kshm.pc.in lib-pc-refresh
	@mkdir -p $(@D)
	@sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' $< > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

install: install-lib
install-lib: $(LIB_STATIC) $(LIB_SHARED) $(LIB_PC)
	install -d $(DESTDIR)$(INCLUDEDIR)/kshm $(DESTDIR)$(LIBDIR)/pkgconfig
	install -m 644 include/kshm.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 644 $(filter include/kshm/%,$(LIB_HEADERS)) $(DESTDIR)$(INCLUDEDIR)/kshm/
	install -m 644 $(LIB_STATIC) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(LIB_SHARED) $(DESTDIR)$(LIBDIR)/libkshm.so.$(VERSION)
	ln -sf libkshm.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $(DESTDIR)$(LIBDIR)/libkshm.so
	install -m 644 $(LIB_PC) $(DESTDIR)$(LIBDIR)/pkgconfig/

uninstall: uninstall-lib
uninstall-lib:
	rm -f $(DESTDIR)$(INCLUDEDIR)/kshm.h $(patsubst include/%,$(DESTDIR)$(INCLUDEDIR)/%,$(filter include/kshm/%,$(LIB_HEADERS)))
	-rmdir $(DESTDIR)$(INCLUDEDIR)/kshm 2>/dev/null
	rm -f $(DESTDIR)$(LIBDIR)/libkshm.a $(DESTDIR)$(LIBDIR)/libkshm.so.$(VERSION) \
		$(DESTDIR)$(LIBDIR)/$(LIB_SONAME) $(DESTDIR)$(LIBDIR)/libkshm.so \
		$(DESTDIR)$(LIBDIR)/pkgconfig/kshm.pc

-include $(LIB_OBJS:.o=.d) $(LIB_PIC_OBJS:.o=.d)
