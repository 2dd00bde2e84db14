# libkshm: $(BUILD)/libkshm.a, $(BUILD)/libkshm.so (soname libkshm.so.0) and
# $(BUILD)/kshm.pc. core/checksum.c is compiled in unchanged: its
# kshm_checksum and pattern functions are part of the API.
#
# Only what include/kshm.h declares is exported: objects are built with
# -fvisibility=hidden and lib/api.h forced in first, which re-declares the
# API with default visibility (see there).

LIB_SRCS       := lib/kshm.c lib/channel.c lib/backend_linux.c core/checksum.c core/ring.c
LIB_OBJ_DIR    := $(BUILD)/lib
LIB_OBJS       := $(patsubst %.c,$(LIB_OBJ_DIR)/static/%.o,$(LIB_SRCS))
LIB_PIC_OBJS   := $(patsubst %.c,$(LIB_OBJ_DIR)/pic/%.o,$(LIB_SRCS))
LIB_STATIC     := $(BUILD)/libkshm.a
LIB_SHARED     := $(BUILD)/libkshm.so
LIB_SONAME     := libkshm.so.0
LIB_PC         := $(BUILD)/kshm.pc
LIB_CFLAGS      = $(KSHM_CFLAGS) -fvisibility=hidden -include lib/api.h -MMD -MP
LIB_HEADERS    := include/kshm.h $(wildcard include/kshm/*.h)

LIB_INSTALL_INCDIR := $(DESTDIR)$(PREFIX)/include
LIB_INSTALL_LIBDIR := $(DESTDIR)$(PREFIX)/lib

.PHONY: lib install-lib lib-pc-refresh
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
$(LIB_SHARED): $(LIB_PIC_OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,$(LIB_SONAME) -Wl,-z,defs -o $@ $^
	ln -sf libkshm.so $(BUILD)/$(LIB_SONAME)

# Regenerated on every run (rewritten only when it changes) because PREFIX
# may differ between `make` and `make install`.
$(LIB_PC): lib/kshm.pc.in lib-pc-refresh
	@mkdir -p $(@D)
	@sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' $< > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

install: install-lib
install-lib: $(LIB_STATIC) $(LIB_SHARED) $(LIB_PC)
	install -d $(LIB_INSTALL_INCDIR)/kshm $(LIB_INSTALL_LIBDIR)/pkgconfig
	install -m 644 include/kshm.h $(LIB_INSTALL_INCDIR)/
	install -m 644 include/kshm/abi.h $(LIB_INSTALL_INCDIR)/kshm/
	install -m 644 $(LIB_STATIC) $(LIB_INSTALL_LIBDIR)/
	install -m 755 $(LIB_SHARED) $(LIB_INSTALL_LIBDIR)/libkshm.so.$(VERSION)
	ln -sf libkshm.so.$(VERSION) $(LIB_INSTALL_LIBDIR)/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $(LIB_INSTALL_LIBDIR)/libkshm.so
	install -m 644 $(LIB_PC) $(LIB_INSTALL_LIBDIR)/pkgconfig/

-include $(LIB_OBJS:.o=.d) $(LIB_PIC_OBJS:.o=.d)
