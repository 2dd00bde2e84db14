# The kshm tool: $(BUILD)/kshm, linked against the static libkshm. core/span.c
# is compiled in for the layout it computes beside the driver's. Installed with
# its bash completion (tools/completion/kshm.bash).

TOOL_SRCS    := tools/kshm.c tools/ring.c tools/size.c tools/json.c tools/report.c $(CORE_TOOL_SRCS)
TOOL_OBJ_DIR := $(BUILD)/tools
TOOL_OBJS    := $(patsubst %.c,$(TOOL_OBJ_DIR)/%.o,$(TOOL_SRCS))
TOOL_BIN     := $(BUILD)/kshm

.PHONY: tool install-tool uninstall-tool
all: tool
tool: $(TOOL_BIN)

$(TOOL_OBJ_DIR)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(KSHM_CFLAGS) -MMD -MP -c -o $@ $<

$(TOOL_BIN): $(TOOL_OBJS) $(LIB_STATIC)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(TOOL_OBJS) $(LIB_STATIC)

install: install-tool
install-tool: $(TOOL_BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(BASHCOMPDIR)
	install -m 755 $(TOOL_BIN) $(DESTDIR)$(BINDIR)/kshm
	install -m 644 tools/completion/kshm.bash $(DESTDIR)$(BASHCOMPDIR)/kshm

uninstall: uninstall-tool
uninstall-tool:
	rm -f $(DESTDIR)$(BINDIR)/kshm $(DESTDIR)$(BASHCOMPDIR)/kshm

-include $(TOOL_OBJS:.o=.d)
