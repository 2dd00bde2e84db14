#!/usr/bin/env bash
# Instructions per record (bench/README.md), counted by callgrind natively:
#
#   bench/insn.sh BIN [--quick] > LINES
#
# BIN is insn_bench (bench/insn_bench.c). Prints one KSHM-BENCH line per path
# (group insn, method = the key of latest.json's `instructions`, unit
# insn/record); fails when a path did not run or valgrind is missing.
set -euo pipefail

bin=${1:?usage: bench/insn.sh BIN [--quick]}
scale=1
[ "${2:-}" = --quick ] && scale=10
command -v valgrind >/dev/null 2>&1 || { echo "insn: valgrind missing (apt-get install valgrind)" >&2; exit 1; }

# count [--in FUNCTION] ARGS...: instructions per record of one insn_bench run, counting
# only inside FUNCTION when given (else between the program's own toggles)
count() {
	local out n insn toggle=()
	if [ "$1" = --in ]; then
		toggle=(--toggle-collect="$2")
		shift 2
	fi
	out=$(valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file=/dev/null \
		"${toggle[@]}" "$bin" "$@" 2>&1) || { echo "insn: $bin $* failed: $out" >&2; return 1; }
	n=$(sed -n 's/^records //p' <<<"$out")
	insn=$(sed -n 's/^==[0-9]*== Collected : //p' <<<"$out")
	[ -n "$n" ] && [ -n "$insn" ] && [ "$n" -gt 0 ] || { echo "insn: no count from $bin $*" >&2; return 1; }
	awk -v i="$insn" -v n="$n" 'BEGIN { printf "%.1f\n", i / n }'
}

emit() {	# emit KEY SIZE BATCH VALUE
	echo "KSHM-BENCH insn instructions $1 $2 $3 0 $4 insn/record"
}

for size in 8 64 4096; do
	# A ring of 256 KiB holds 62 records of 4 KiB.
	for batch in 1 64; do
		[ "$size" = 4096 ] && [ "$batch" = 64 ] && batch=62
		records=$(( (size == 4096 ? 20000 : 200000) / scale / batch * batch ))
		# Both sides in one loop, as ck_ring is counted; then each side alone.
		emit "ring_${size}B_b$batch" "$size" "$batch" "$(count ring "$size" "$batch" "$records")"
		emit "ring_prod_${size}B_b$batch" "$size" "$batch" \
			"$(count --in producer_side ring-sides "$size" "$batch" "$records")"
		emit "ring_cons_${size}B_b$batch" "$size" "$batch" \
			"$(count --in consumer_side ring-sides "$size" "$batch" "$records")"
	done
done
emit ck_ring_8B 8 1 "$(count ck $((200000 / scale)))"
for batch in 1 256; do
	v=$(count --in kshm_service_process kernel-submission 64 "$batch" $((102400 / scale / batch * batch)))
	if [ "$batch" = 256 ]; then
		emit kernel_submission_64B 64 256 "$v"
	else
		emit kernel_submission_64B_b1 64 1 "$v"
	fi
done
emit kernel_publish_64B 64 1 "$(count --in kshm_kchannel_publish_copy kernel-publish 64 $((102400 / scale / 256 * 256)))"
