# Native benchmarks of the channel ring (bench/README.md). `make bench` is a
# full run that rewrites bench/results/native-latest.json; `make bench-quick`
# runs each case briefly and is part of `make check` as bench-check: it passes
# when the program ran and produced its numbers (timings are never asserted).

BENCH_DIR := $(BUILD)/bench
BENCH_BIN := $(BENCH_DIR)/ring_bench

.PHONY: bench bench-quick bench-check
CHECK_TARGETS += bench-check

$(BENCH_BIN): bench/ring_bench.c core/ring.c $(wildcard core/*.h include/kshm/*.h) bench/build.mk
	@mkdir -p $(@D)
	@rm -f $@
	$(CC) $(KSHM_CFLAGS) -iquote . -o $@ bench/ring_bench.c core/ring.c

bench: $(BENCH_BIN)
	$(BENCH_BIN) --json bench/results/native-latest.json

bench-quick:
	@mkdir -p $(BUILD)/results
	@if $(MAKE) --no-print-directory $(BENCH_BIN) && \
	    $(BENCH_BIN) --quick --json $(BENCH_DIR)/quick.json && [ -s $(BENCH_DIR)/quick.json ]; \
	then echo "1 0" > $(BUILD)/results/bench.counts; \
	else echo "0 1" > $(BUILD)/results/bench.counts; exit 1; fi

bench-check: bench-quick
