# The benchmarks (bench/README.md).
#
#   make bench         the full suite: native ring benchmarks on this host, the
#                      in-VM suite in one boot, then bench/report.sh writes
#                      bench/results/<date>-<host>.md, the plots and
#                      bench/results/latest.json
#   make bench-quick   every case briefly (a few minutes), into $(BUILD)/bench/quick;
#                      part of `make check` as bench-check: it passes when every
#                      case ran and every ratio of latest.json has a number
#                      (timings are never asserted)

BENCH_DIR      := $(BUILD)/bench
BENCH_BIN      := $(BENCH_DIR)/ring_bench
INSN_BIN       := $(BENCH_DIR)/insn_bench
VM_BENCH_DIR   := $(BUILD)/vm/bench
VM_BENCH       := $(VM_BENCH_DIR)/kshm_vmbench
VM_BENCH_SRCS  := $(filter-out %.bpf.c,$(wildcard bench/vm/*.c))
BPF_CLANG      ?= clang-14
BPFTOOL        ?= $(firstword $(shell command -v bpftool 2>/dev/null) /usr/sbin/bpftool)
# <asm/types.h> for the BPF target comes from the host's multiarch include directory.
BPF_CFLAGS     := -target bpf -O2 -g -Wall -Werror -Ibench/vm \
		  -I/usr/include/$(shell $(CC) -print-multiarch)

.PHONY: bench bench-quick bench-check vm-bench-program
CHECK_TARGETS += bench-check

$(BENCH_BIN): bench/ring_bench.c core/ring.c $(wildcard core/*.h include/kshm/*.h) bench/build.mk
	@mkdir -p $(@D)
	@rm -f $@
	$(CC) $(KSHM_CFLAGS) -iquote . -o $@ bench/ring_bench.c core/ring.c

# Counted by callgrind (bench/insn.sh): the kernel-side code of core/ built as the drivers build it, -O2.
$(INSN_BIN): bench/insn_bench.c core/ring.c core/channel.c core/checksum.c $(wildcard core/*.h include/kshm/*.h) bench/build.mk
	@mkdir -p $(@D)
	@rm -f $@
	$(CC) $(KSHM_CFLAGS) -iquote . -o $@ bench/insn_bench.c core/ring.c core/channel.c core/checksum.c

$(VM_BENCH_DIR)/ringbuf_gen.bpf.o: bench/vm/ringbuf_gen.bpf.c bench/vm/ringbuf_gen.h
	@mkdir -p $(@D)
	$(BPF_CLANG) $(BPF_CFLAGS) -c -o $@ $<

# The skeleton embeds the BPF object in the guest program (no file to ship).
$(VM_BENCH_DIR)/ringbuf_gen.skel.h: $(VM_BENCH_DIR)/ringbuf_gen.bpf.o
	$(BPFTOOL) gen skeleton $< name ringbuf_gen > $@.tmp
	mv $@.tmp $@

# Static, like every guest program; libbpf needs libelf and zlib.
$(VM_BENCH): $(VM_BENCH_SRCS) $(wildcard bench/vm/*.h) $(VM_BENCH_DIR)/ringbuf_gen.skel.h $(LIB_STATIC)
	@rm -f $@
	$(CC) $(KSHM_CFLAGS) -Ibench/vm -I$(VM_BENCH_DIR) -static -pthread -o $@ \
		$(VM_BENCH_SRCS) $(LIB_STATIC) -lbpf -lelf -lz -luring

vm-bench-program: $(VM_BENCH)

BENCH_RUN = BUILD=$(BUILD) KVER=$(KVER) bench/run.sh --native $(BENCH_BIN) --insn $(INSN_BIN)

# The VM suite's client driver (tests/vm/build.mk) is the kernel code of the `publish` method.
bench: module $(VM_CLIENT) $(BENCH_BIN) $(INSN_BIN) $(VM_BENCH)
	$(BENCH_RUN) --out bench/results

bench-quick: module $(VM_CLIENT) $(BENCH_BIN) $(INSN_BIN) $(VM_BENCH)
	$(BENCH_RUN) --quick --out $(BENCH_DIR)/quick

bench-check:
	@{ . tests/tap-lib.sh; $(MAKE) --no-print-directory bench-quick; \
	   tap_check $$? "make bench-quick: every benchmark ran"; tap_plan; } | tests/tap.sh bench $(BUILD)/results
