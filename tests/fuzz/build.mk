# libFuzzer targets of core/ (clang-14, ASan + UBSan). `make fuzz-check`
# runs each briefly from the committed seeds and writes fuzz.counts (one pass
# per target that ran its time without a crash); `make fuzz` runs them for
# FUZZ_TIME seconds each, growing $(BUILD)/fuzz/corpus-*.

FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_CC      ?= clang-14
FUZZ_CFLAGS   = -std=gnu11 $(WARN) $(CPPFLAGS) -iquote . -g -O1 \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_TARGETS := fuzz_ring_consumer fuzz_ring_producer fuzz_validate
fuzz_srcs_fuzz_ring_consumer := core/ring.c
fuzz_srcs_fuzz_ring_producer := core/ring.c
fuzz_srcs_fuzz_validate      := core/validate.c core/span.c
FUZZ_CHECK_TIME ?= 12
FUZZ_TIME       ?= 600

CHECK_TARGETS += fuzz-check
.PHONY: fuzz fuzz-build fuzz-check

define fuzz_program
$(FUZZ_DIR)/$(1): tests/fuzz/$(1).c tests/fuzz/input.h tests/fuzz/ring_areas.h $(fuzz_srcs_$(1)) $(wildcard core/*.h include/kshm/*.h)
	@mkdir -p $$(@D)
	@rm -f $$@
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) -o $$@ tests/fuzz/$(1).c $(fuzz_srcs_$(1))
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_program,$(t))))

fuzz-build: $(addprefix $(FUZZ_DIR)/,$(FUZZ_TARGETS))

fuzz-check:
	@$(MAKE) --no-print-directory -k fuzz-build || echo "fuzz: some targets failed to build"
	@tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_CHECK_TIME) $(FUZZ_TARGETS) | tests/tap.sh fuzz $(BUILD)/results

fuzz: fuzz-build
	@FUZZ_KEEP=1 tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_TIME) $(FUZZ_TARGETS) | tests/tap.sh fuzz $(FUZZ_DIR)/results
