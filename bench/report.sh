#!/usr/bin/env bash
# Turn the KSHM-BENCH lines of one benchmark run into its report:
#
#   bench/report.sh --name NAME --out DIR --machine FILE LINES...
#
# writes DIR/NAME.md (figures, ratios, machine), DIR/NAME.lines (the raw
# figures), DIR/plots/NAME-*.svg and .png (gnuplot), and DIR/latest.json.
# Fails when a ratio of RATIOS below has no number: the run missed a case.
#
# A line is `KSHM-BENCH group case method size batch repeat value unit`
# (bench/vm/bench.h). Figures are summarised as min/median/max over the
# repeats; a ratio is taken repeat by repeat from two figures measured side by
# side in the same run, then summarised the same way.
set -euo pipefail

name=
out=
machine=
while [ $# -gt 0 ]; do
	case "$1" in
	--name) name=${2:?}; shift 2 ;;
	--out) out=${2:?}; shift 2 ;;
	--machine) machine=${2:?}; shift 2 ;;
	--) shift; break ;;
	-*) echo "report.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ -n "$name" ] && [ -n "$out" ] && [ -n "$machine" ] && [ $# -gt 0 ] ||
	{ echo "usage: bench/report.sh --name NAME --out DIR --machine FILE LINES..." >&2; exit 2; }

# key | group case size method batch | alternative: method size batch | what it says
# Rates: kshm / alternative. Costs (unit ns): alternative / kshm. Both: > 1 means kshm is faster.
# A key names the batch (records per publish or per system call) of both sides.
RATIOS='
native_ring_vs_ck_ring_8B_b1|native native_ring_vs_ck_ring_8B_b1 8 kshm_ring 1|ck_ring 8 1|native two-process ring vs Concurrency Kit ck_ring SPSC, 8 B, one record per publish on both sides, both pinned across CPUs
native_ring_vs_pipe_64B_b1|native native_ring_vs_pipe_64B_b1 64 kshm_ring 1|pipe 64 1|native two-process ring vs a pipe, 64 B, 1 per publish / per write(2) and read(2), neither pinned
native_ring_vs_pipe_64B_b16|native native_ring_vs_pipe_64B_b16 64 kshm_ring 16|pipe 64 16|native two-process ring vs a pipe, 64 B, 16 per publish / per write(2) and read(2), neither pinned
native_ring_vs_pipe_64B_b256|native native_ring_vs_pipe_64B_b256 64 kshm_ring 256|pipe 64 256|native two-process ring vs a pipe, 64 B, 256 per publish / per write(2) and read(2), neither pinned
native_ring_4KiB_vs_memcpy|native native_ring_4KiB_vs_memcpy 4096 kshm_ring_in_place 16|memcpy 4096 1|native ring bytes/s, 4 KiB records copied once (in by the producer, checked in place) vs one core memcpy of the same bytes
vm_ring_vs_ioctl_64B_b1|vm msg_k2u 64 ring 1|ioctl 64 1|kernel->process events channel vs one buffered ioctl carrying the same 1 records, 64 B
vm_ring_vs_read_64B_b1|vm msg_k2u 64 ring 1|read 64 1|events channel vs one read(2) carrying the same 1 records, 64 B
vm_ring_vs_pipe_64B_b1|vm msg_k2u 64 ring 1|pipe 64 1|events channel vs a pipe from another process, 1 records per write(2) and per read(2), 64 B
vm_ring_vs_bpf_ringbuf_custom_64B_b1|vm msg_k2u 64 ring 1|bpf_ringbuf_custom 64 1|events channel vs BPF ring buffer, one reserve/submit per record, 1 per BPF_PROG_TEST_RUN, custom in-place consumer, 64 B
vm_ring_vs_bpf_ringbuf_libbpf_64B_b1|vm msg_k2u 64 ring 1|bpf_ringbuf 64 1|events channel vs BPF ring buffer, bpf_ringbuf_output() per record, 1 per BPF_PROG_TEST_RUN, libbpf consumer, 64 B
vm_ring_vs_ioctl_64B_b16|vm msg_k2u 64 ring 16|ioctl 64 16|kernel->process events channel vs one buffered ioctl carrying the same 16 records, 64 B
vm_ring_vs_read_64B_b16|vm msg_k2u 64 ring 16|read 64 16|events channel vs one read(2) carrying the same 16 records, 64 B
vm_ring_vs_pipe_64B_b16|vm msg_k2u 64 ring 16|pipe 64 16|events channel vs a pipe from another process, 16 records per write(2) and per read(2), 64 B
vm_ring_vs_bpf_ringbuf_custom_64B_b16|vm msg_k2u 64 ring 16|bpf_ringbuf_custom 64 16|events channel vs BPF ring buffer, one reserve/submit per record, 16 per BPF_PROG_TEST_RUN, custom in-place consumer, 64 B
vm_ring_vs_bpf_ringbuf_libbpf_64B_b16|vm msg_k2u 64 ring 16|bpf_ringbuf 64 16|events channel vs BPF ring buffer, bpf_ringbuf_output() per record, 16 per BPF_PROG_TEST_RUN, libbpf consumer, 64 B
vm_ring_vs_ioctl_64B_b256|vm msg_k2u 64 ring 256|ioctl 64 256|kernel->process events channel vs one buffered ioctl carrying the same 256 records, 64 B
vm_ring_vs_read_64B_b256|vm msg_k2u 64 ring 256|read 64 256|events channel vs one read(2) carrying the same 256 records, 64 B
vm_ring_vs_pipe_64B_b256|vm msg_k2u 64 ring 256|pipe 64 256|events channel vs a pipe from another process, 256 records per write(2) and per read(2), 64 B
vm_ring_vs_bpf_ringbuf_custom_64B_b256|vm msg_k2u 64 ring 256|bpf_ringbuf_custom 64 256|events channel vs BPF ring buffer, one reserve/submit per record, 256 per BPF_PROG_TEST_RUN, custom in-place consumer, 64 B
vm_ring_vs_bpf_ringbuf_libbpf_64B_b256|vm msg_k2u 64 ring 256|bpf_ringbuf 64 256|events channel vs BPF ring buffer, bpf_ringbuf_output() per record, 256 per BPF_PROG_TEST_RUN, libbpf consumer, 64 B
vm_publish_vs_bpf_ringbuf_output_64B_b1|vm msg_k2u 64 publish 1|bpf_output_custom 64 1|kernel code publishing one 64 B record per call on both sides: kshm_channel_publish() (from an irq_work) vs bpf_ringbuf_output() (BPF program), 1 per system call, both drained in place
vm_publish_vs_bpf_ringbuf_output_64B_b16|vm msg_k2u 64 publish 16|bpf_output_custom 64 16|kernel code publishing one 64 B record per call on both sides: kshm_channel_publish() (from an irq_work) vs bpf_ringbuf_output() (BPF program), 16 per system call, both drained in place
vm_publish_vs_bpf_ringbuf_output_64B_b256|vm msg_k2u 64 publish 256|bpf_output_custom 64 256|kernel code publishing one 64 B record per call on both sides: kshm_channel_publish() (from an irq_work) vs bpf_ringbuf_output() (BPF program), 256 per system call, both drained in place
vm_ring_b256_vs_ioctl_b1_64B|vm msg_k2u 64 ring 256|ioctl 64 1|what the channel is for: 256 records per call vs one ioctl per record, 64 B (unequal batch by design, named so)
vm_ring_vs_ioctl_4KiB_b62|vm msg_k2u 4096 ring 62|ioctl 4096 62|events channel vs one buffered ioctl carrying the same 62 records (a ringful), 4 KiB
vm_submit_vs_ioctl_64B_b1|vm msg_u2k 64 ring 1|ioctl 64 1|submission channel (checksum + completion per request) vs one buffered ioctl carrying the same 1 requests (one checksum for all: less work), 64 B
vm_submit_vs_io_uring_nop_64B_b1|vm msg_u2k 64 ring 1|io_uring_nop 0 1|submission channel doing its checksum work vs io_uring NOPs doing none, 1 per call on both sides
vm_submit_vs_ioctl_64B_b16|vm msg_u2k 64 ring 16|ioctl 64 16|submission channel (checksum + completion per request) vs one buffered ioctl carrying the same 16 requests (one checksum for all: less work), 64 B
vm_submit_vs_io_uring_nop_64B_b16|vm msg_u2k 64 ring 16|io_uring_nop 0 16|submission channel doing its checksum work vs io_uring NOPs doing none, 16 per call on both sides
vm_submit_vs_ioctl_64B_b256|vm msg_u2k 64 ring 256|ioctl 64 256|submission channel (checksum + completion per request) vs one buffered ioctl carrying the same 256 requests (one checksum for all: less work), 64 B
vm_submit_vs_io_uring_nop_64B_b256|vm msg_u2k 64 ring 256|io_uring_nop 0 256|submission channel doing its checksum work vs io_uring NOPs doing none, 256 per call on both sides
vm_submit_b256_vs_ioctl_b1_64B|vm msg_u2k 64 ring 256|ioctl 64 1|what the channel is for: 256 requests per call vs one ioctl per request, 64 B (unequal batch by design, named so)
vm_region_vs_buffered_1MiB|vm bulk_u2k 1048576 region 1|buffered 1048576 1|kernel checksums 1 MiB: mapped region in place vs buffered-copy ioctl (copy + checksum), one call each
vm_region_vs_direct_1MiB|vm bulk_u2k 1048576 region 1|direct 1048576 1|kernel checksums 1 MiB: mapped region vs pin-per-call ioctl, one call each
vm_region_csum_vs_process_memcpy_1MiB|vm bulk_u2k 1048576 region 1|memcpy 1048576 1|kernel checksum of a mapped 1 MiB region in place vs the process memcpy of 1 MiB (different work: a scale, not a contest)
vm_region_vs_buffered_k2u_1MiB|vm bulk_k2u 1048576 region 1|buffered 1048576 1|kernel fills 1 MiB: mapped region vs buffered-copy ioctl, one call each
'
# The keys latest.json must hold: every ratio above (a quick run measures them all).
REQUIRED=$(printf '%s\n' "$RATIOS" | awk -F'|' 'NF == 4 { print $1 }')

# Targets (the benchmark issue): key, kind (ratio: >= value; insn: <= value, or <= another
# instructions key), value.
TARGETS='
ratio vm_submit_vs_io_uring_nop_64B_b256 1.0
ratio vm_submit_b256_vs_ioctl_b1_64B 10
ratio vm_submit_vs_ioctl_64B_b256 1.5
ratio vm_ring_vs_read_64B_b256 1.5
ratio vm_ring_vs_bpf_ringbuf_custom_64B_b256 1.5
ratio vm_publish_vs_bpf_ringbuf_output_64B_b256 1.0
ratio native_ring_vs_ck_ring_8B_b1 1.5
ratio native_ring_4KiB_vs_memcpy 0.7
insn ring_8B_b1 ck_ring_8B
insn kernel_submission_64B 200
'
# Instructions per record (group insn, from bench/insn.sh) latest.json must hold.
REQUIRED_INSN='ring_8B_b1 ck_ring_8B kernel_submission_64B'

# In-VM figures are shown relative to a method measured in the same boot:
# case | reference: case method size ("same": this figure's; size 0 falls back to 8) batch | what that is
REFS='
bulk_u2k|bulk_u2k buffered same 1|a buffered-copy ioctl of the same size
bulk_k2u|bulk_k2u buffered same 1|a buffered-copy ioctl of the same size
setup_create_map|setup_create_map region 4096 1|the same at 4 KiB
setup_attach|setup_attach attach 4096 1|the same at 4 KiB
setup_destroy|setup_destroy both 4096 1|the same at 4 KiB
msg_k2u|msg_k2u ioctl same 1|one ioctl per message of the same size
msg_u2k|msg_u2k ioctl same 1|one ioctl per request of the same size (io_uring NOPs: of 8 B)
scale_regions|scale_regions region 1 1|one region
scale_procs|scale_procs ioctl same 1|one ioctl per record, as many processes
'

mkdir -p "$out/plots"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat "$@" | grep -a '^KSHM-BENCH ' | awk 'NF == 9' > "$out/$name.lines"
lines=$out/$name.lines
[ -s "$lines" ] || { echo "report.sh: no KSHM-BENCH lines in $*" >&2; exit 1; }

# "key value" sorted by key, then value -> "key n min median max"
summarise() {
	sort -k1,1 -k2,2g | awk '
	function flush() {
		if (n == 0) return
		med = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		printf "%s %d %.6g %.6g %.6g\n", key, n, v[1], med, v[n]
	}
	$1 != key { flush(); key = $1; n = 0 }
	{ v[++n] = $2 }
	END { flush() }'
}

# Figures: group|case|method|size|batch|unit n min median max
awk '{ printf "%s|%s|%s|%s|%s|%s %s\n", $2, $3, $4, $5, $6, $9, $8 }' "$lines" |
	summarise > "$work/figures"

# In-VM figures relative to their reference, repeat by repeat:
# vm|case|method|size|batch|unit n min median max (unit: what the ratio is of, rate or cost)
printf '%s\n' "$REFS" | awk -F'|' 'NF == 3 { print $1, $2 }' > "$work/refs"
awk 'NR == FNR { rc[$1] = $2; rm[$1] = $3; rs[$1] = $4; rb[$1] = $5; next }
	$2 == "vm" { n++; c[n] = $3; m[n] = $4; s[n] = $5; b[n] = $6; r[n] = $7; v[n] = $8; u[n] = $9
		     val[$3, $4, $5, $6, $7] = $8 }
	END {
		for (i = 1; i <= n; i++) {
			if (!(c[i] in rc)) continue
			size = rs[c[i]] == "same" ? (s[i] == 0 ? 8 : s[i]) : rs[c[i]]
			k = rc[c[i]] SUBSEP rm[c[i]] SUBSEP size SUBSEP rb[c[i]] SUBSEP r[i]
			if (!(k in val) || val[k] <= 0) continue
			printf "vm|%s|%s|%s|%s|%s %.6g\n", c[i], m[i], s[i], b[i],
				u[i] == "ns" ? "cost" : "rate", v[i] / val[k]
		}
	}' "$work/refs" "$lines" | summarise > "$work/relative"

# Ratios, repeat by repeat: key n min median max
printf '%s\n' "$RATIOS" | awk -F'|' 'NF == 4 { print $1, $2, $3 }' > "$work/spec"
awk 'NR == FNR { key[NR] = $1; g[NR] = $2; c[NR] = $3; s[NR] = $4; m[NR] = $5; b[NR] = $6
		 am[NR] = $7; as[NR] = $8; ab[NR] = $9; n = NR; next }
	{
		for (i = 1; i <= n; i++) {
			if ($2 != g[i] || $3 != c[i]) continue
			if ($4 == m[i] && $5 == s[i] && $6 == b[i]) { mine[i, $7] = $8; cost[i] = $9 == "ns" }
			if ($4 == am[i] && $5 == as[i] && $6 == ab[i]) other[i, $7] = $8
		}
	}
	END {
		for (i = 1; i <= n; i++)
			for (r = 0; r < 100; r++)
				if ((i, r) in mine && (i, r) in other && mine[i, r] > 0 && other[i, r] > 0)
					print key[i], cost[i] ? other[i, r] / mine[i, r] : mine[i, r] / other[i, r]
	}' "$work/spec" "$lines" | summarise > "$work/ratios"

# Instructions per record: key value (one count each: callgrind's counts do not vary).
awk '$2 == "insn" { print $4, $8 }' "$lines" | sort > "$work/insn"

missing=
for key in $REQUIRED; do
	grep -q "^$key " "$work/ratios" || missing="$missing $key"
done
for key in $REQUIRED_INSN; do
	grep -q "^$key " "$work/insn" || missing="$missing instructions.$key"
done

# Targets: key measured min max goal verdict (a ratio's spread over its repeats; a count has none).
printf '%s\n' "$TARGETS" | awk 'NF == 3' | awk '
	FILENAME == ARGV[1] { r[$1] = $4; lo[$1] = $3; hi[$1] = $5; next }
	FILENAME == ARGV[2] { insn[$1] = $2; next }
	$1 == "ratio" {
		if (!($2 in r)) { printf "%s - - - >=%s missing\n", $2, $3; next }
		v = r[$2]
		verdict = "met"
		if (v < $3) verdict = sprintf("short_by_%.0f%%", 100 * (1 - v / $3))
		printf "%s %.3g %.3g %.3g >=%s %s\n", $2, v, lo[$2], hi[$2], $3, verdict
	}
	$1 == "insn" {
		goal = ($3 in insn) ? insn[$3] : $3
		if (!($2 in insn)) { printf "%s - - - <=%s missing\n", $2, $3; next }
		v = insn[$2]
		verdict = "met"
		if (v > goal) verdict = sprintf("over_by_%.0f%%", 100 * (v / goal - 1))
		shown = $3
		if ($3 in insn) shown = $3 "(" goal ")"
		printf "%s %.1f - - <=%s %s\n", $2, v, shown, verdict
	}' "$work/ratios" "$work/insn" - > "$work/targets"

# ---- latest.json ----
json_str() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }
{
	echo "{"
	printf '  "report": %s,\n' "$(json_str "$name.md")"
	awk -F'=' '{ v = substr($0, index($0, "=") + 1); gsub(/\\/, "\\\\", v); gsub(/"/, "\\\"", v)
		printf "  \"%s\": \"%s\",\n", $1, v }' "$machine"
	echo '  "ratios": {'
	awk '{ printf "%s    \"%s\": %s", (NR > 1 ? ",\n" : ""), $1, $4 } END { print "" }' "$work/ratios"
	echo '  },'
	echo '  "instructions": {'
	awk '{ printf "%s    \"%s\": %s", (NR > 1 ? ",\n" : ""), $1, $2 } END { print "" }' "$work/insn"
	echo '  },'
	echo '  "targets": {'
	awk '{ printf "%s    \"%s\": {\"measured\": \"%s\", \"goal\": \"%s\", \"verdict\": \"%s\"}", \
		(NR > 1 ? ",\n" : ""), $1, $2, $5, $6 } END { print "" }' "$work/targets"
	echo '  },'
	echo '  "ratio_ranges": {'
	awk '{ printf "%s    \"%s\": {\"repeats\": %d, \"min\": %s, \"median\": %s, \"max\": %s}", \
		(NR > 1 ? ",\n" : ""), $1, $2, $3, $4, $5 } END { print "" }' "$work/ratios"
	echo '  },'
	echo '  "figures": ['
	awk '{ split($1, k, "|")
		printf "%s    {\"group\": \"%s\", \"case\": \"%s\", \"method\": \"%s\", \"size\": %s, \"batch\": %s, \"unit\": \"%s\", \"repeats\": %d, \"min\": %s, \"median\": %s, \"max\": %s}", \
		(NR > 1 ? ",\n" : ""), k[1], k[2], k[3], k[4], k[5], k[6], $2, $3, $4, $5 } END { print "" }' "$work/figures"
	echo '  ]'
	echo "}"
} > "$out/latest.json"

# ---- plots ----
# One data file per plotted line: x median (the x of scale_* cases is a count).
# The in-VM figures relative to their reference (the absolute ones are emulated time).
plot_data() {	# plot_data CASE METHOD BATCH(or max: the largest measured at each x) FILE
	awk -v c="$1" -v m="$2" -v b="$3" '{ split($1, k, "|") }
		k[2] == c && k[3] == m && (b == "max" || k[5] == b) { print k[4], k[5], $4 }' "$work/relative" |
		sort -k1,1n -k2,2n | awk '{ y[$1] = $3 } END { for (x in y) print x, y[x] }' | sort -n > "$4"
}
plot() {	# plot FILE-STEM TITLE XLABEL YLABEL LOGX "title:case:method:batch ..."
	# LOGX: 1 for a logarithmic x axis
	local stem=$1 title=$2 xlabel=$3 ylabel=$4 logx=$5 specs=$6 spec i=0 cmd="" dat
	for spec in $specs; do
		IFS=: read -r label case method batch <<<"$spec"
		dat=$work/$stem.$i.dat
		plot_data "$case" "$method" "$batch" "$dat"
		if [ -s "$dat" ]; then
			cmd+="${cmd:+, }'$dat' using 1:2 with linespoints title '${label//_/ }'"
		fi
		i=$((i + 1))
	done
	[ -n "$cmd" ] || return 0
	# A tic at every x measured, labelled 4K, 1M, ... (1024-based; plain below 1024).
	local tics
	tics=$(cat "$work/$stem".*.dat | awk '{ print $1 }' | sort -un | awk '
		{ x = $1; u = ""; split("K M G", units, " ")
		  for (i = 1; i <= 3 && x >= 1024 && x % 1024 == 0; i++) { x /= 1024; u = units[i] }
		  printf "%s\"%s%s\" %s", (NR > 1 ? ", " : ""), x, u, $1 }')
	for term in "svg size 900,500 dynamic" "pngcairo size 900,500"; do
		local ext=${term%% *}
		ext=${ext%cairo}
		gnuplot <<-EOF
		set terminal $term
		set output '$out/plots/$name-$stem.$ext'
		set title "$title"
		set xlabel "$xlabel"
		set ylabel "$ylabel"
		set key outside right
		set grid
		set xtics ($tics)
		set offsets graph 0.03, graph 0.03, 0, 0
		set format y '%g'
		$([ "$logx" = 1 ] && echo "set logscale x 2")
		set logscale y
		plot $cmd
		EOF
	done
	echo "![$title](plots/$name-$stem.svg)" >> "$work/plots.md"
}
: > "$work/plots.md"
for dir in u2k k2u; do
	plot "bulk_$dir" "Bulk $dir: bytes/s vs the buffered ioctl (higher is better)" \
		"bytes per call" "x buffered ioctl, same size" 1 \
		"buffered:bulk_$dir:buffered:1 direct:bulk_$dir:direct:1 region:bulk_$dir:region:1 attach:bulk_$dir:attach:1 memcpy:bulk_$dir:memcpy:1"
done
plot setup "Set-up cost by region size, vs 4 KiB (how it grows)" "region bytes" "x its cost at 4 KiB" 1 \
	"create+map+touch:setup_create_map:region:1 attach(pin+map):setup_attach:attach:1 destroy(both):setup_destroy:both:1"
plot msg_k2u "Kernel->process messages/s vs one ioctl each (higher is better)" \
	"record bytes" "x ioctl per message, same size" 1 \
	"ring_(256_per_call):msg_k2u:ring:max ring_(1_per_call):msg_k2u:ring:1 publish_(256):msg_k2u:publish:max bpf_reserve+custom_(256):msg_k2u:bpf_ringbuf_custom:max bpf_output+libbpf_(256):msg_k2u:bpf_ringbuf:max ioctl_(256_per_call):msg_k2u:ioctl:max read_(256_per_call):msg_k2u:read:max pipe_(256_per_call):msg_k2u:pipe:max ioctl_(1_per_call):msg_k2u:ioctl:1"
plot msg_u2k "Process->kernel requests/s vs one ioctl each (higher is better)" \
	"record bytes" "x ioctl per request, same size" 1 \
	"ring_(256_per_call):msg_u2k:ring:max ring_(16_per_call):msg_u2k:ring:16 ring_(1_per_call):msg_u2k:ring:1 ioctl_(256_per_call):msg_u2k:ioctl:max ioctl_(1_per_call):msg_u2k:ioctl:1"
plot scale_regions "Cost per region (create, touch, checksum, destroy) vs one region" \
	"regions on one handle" "x the cost with one region" 1 \
	"64_KiB_regions:scale_regions:region:1"
plot scale_procs "P processes streaming 64 B records: total rate vs ioctl per record" \
	"processes" "x ioctl per record, as many processes" 0 \
	"ring:scale_procs:ring:256 ioctl:scale_procs:ioctl:1"

# ---- the report ----
{
	echo "# kshm benchmarks: $name"
	echo
	echo "Every ratio below was measured side by side in one run (one boot for the VM figures): each"
	echo "repeat measures kshm and its alternative back to back, alternating which goes first, and"
	echo "the ratio is taken repeat by repeat. In the VM, absolute figures are emulated time and"
	echo "mean little; ratios are what to read. Greater than 1: kshm is faster."
	echo
	echo "## Machine"
	echo
	sed 's/^\([^=]*\)=\(.*\)/- \1: \2/' "$machine"
	echo
	echo "## Ratios"
	echo
	echo "Batch: records per publish (native ring), per write(2)/read(2) (pipe), per system call"
	echo "or per BPF program run (in the VM), on each side."
	echo
	echo "| key | kshm (batch) | other (batch) | what | repeats | min | median | max |"
	echo "|---|---|---|---|---|---|---|---|"
	awk -F'|' 'NR == FNR { what[$1] = $4; split($2, a, " "); split($3, b, " ")
			mine[$1] = a[4] " (" a[5] ")"; other[$1] = b[1] " (" b[3] ")"; next }
		{ split($0, f, " "); printf "| `%s` | %s | %s | %s | %s | %.3g | %.3g | %.3g |\n", \
			f[1], mine[f[1]], other[f[1]], what[f[1]], f[2], f[3], f[4], f[5] }' \
		<(printf '%s\n' "$RATIOS" | awk -F'|' 'NF == 4') "$work/ratios"
	[ -z "$missing" ] || { echo; echo "Missing (no figure to compare):$missing"; }
	echo
	echo "## Targets"
	echo
	echo "From the benchmark issue: ratios are medians over the repeats (spread: min - max),"
	echo "instruction counts are per record. Where a target is not met, bench/README.md"
	echo "(\"Where the time goes\") has the profile."
	echo
	echo "| key | measured | min | max | goal | verdict |"
	echo "|---|---|---|---|---|---|"
	awk '{ gsub(/_/, " ", $6); printf "| `%s` | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6 }' "$work/targets"
	echo
	echo "## Instructions per record (callgrind, native)"
	echo
	echo "\`bench/insn_bench.c\` under callgrind, counting only the path named (bench/README.md):"
	echo "\`ring_prod\`/\`ring_cons\` the ring's producer (reserve, fill, commit per batch) and"
	echo "consumer (peek, check in place, advance, release per batch), \`ring\` their sum; \`ck_ring\`"
	echo "one enqueue + dequeue; \`kernel_submission\` the kernel's work per 64 B submission"
	echo "(core/channel.c + core/ring.c: peek, checksum, completion), 256 per call unless \`_b1\`."
	echo
	echo "| key | instructions per record |"
	echo "|---|---|"
	awk '{ printf "| `%s` | %s |\n", $1, $2 }' "$work/insn"
	echo
	echo "## Which method for what (from this run's figures)"
	echo
	echo "For each case, size and batch, the fastest method that does the case's work (the process's"
	echo "memcpy and io_uring NOPs are scales, not candidates), its rate relative to the case's"
	echo "reference (in-VM, same boot), and how far ahead of the next it is."
	echo
	echo "| case | size | batch | fastest | x reference | next | fastest / next |"
	echo "|---|---|---|---|---|---|---|"
	tr '|' ' ' < "$work/relative" | awk '$6 == "rate" && $3 != "memcpy" && $3 != "io_uring_nop" &&
		($2 ~ /^msg_/ || $2 ~ /^bulk_/) { print $2, $4, $5, $3, $9 }' |
		sort -k1,1 -k2,2n -k3,3n -k5,5gr | awk '
		{ k = $1 " " $2 " " $3 }
		k != last { if (last != "") out(); last = k; n = 0 }
		{ n++; m[n] = $4; v[n] = $5 }
		function out() {
			split(last, f, " ")
			next_m = "-"
			ahead = "-"
			if (n > 1) next_m = m[2]
			if (n > 1 && v[2] > 0) ahead = sprintf("%.3g", v[1] / v[2])
			printf "| %s | %s | %s | %s | %.3g | %s | %s |\n", f[1], f[2], f[3], m[1], v[1], \
				next_m, ahead
		}
		END { if (last != "") out() }'
	echo
	echo "Which batch pays: the channel's rate (\`ring\`) divided by the fastest other method at the"
	echo "same record size and the same records per call (> 1: the channel is the right tool there)."
	echo
	echo "| case | size | batch | channel / fastest other | fastest other |"
	echo "|---|---|---|---|---|"
	tr '|' ' ' < "$work/relative" | awk '$6 == "rate" && $2 ~ /^msg_/ && $3 != "io_uring_nop" &&
		$3 != "publish" { print $2, $4, $5, $3, $9 }' | sort -k1,1 -k2,2n -k3,3n | awk '
		{ k = $1 " " $2 " " $3 }
		k != last { if (last != "") out(); last = k; ring = 0; best = 0; who = "-" }
		$4 == "ring" { ring = $5; next }
		$5 > best { best = $5; who = $4 }
		function out() {
			split(last, f, " ")
			if (ring > 0 && best > 0)
				printf "| %s | %s | %s | %.3g | %s |\n", f[1], f[2], f[3], ring / best, who
		}
		END { if (last != "") out() }'
	echo
	echo "## Native figures (on the host; min / median / max over the repeats)"
	echo
	echo "| case | method | size | batch | median | min | max | unit |"
	echo "|---|---|---|---|---|---|---|---|"
	tr '|' ' ' < "$work/figures" | awk '$1 == "native"' | sort -k2,2 -k3,3 -k4,4n -k5,5n |
		awk '{ printf "| %s | %s | %s | %s | %.4g | %.4g | %.4g | %s |\n", \
			$2, $3, $4, $5, $9, $8, $10, $6 }'
	echo
	echo "## In-VM figures, relative to a method of the same boot (min / median / max)"
	echo
	echo "Each figure divided by its reference's, repeat by repeat: for a rate, above 1 is faster"
	echo "than the reference; for a cost, above 1 is costlier. The absolute figures (emulated"
	echo "time) are in latest.json."
	echo
	echo "| case | method | size | batch | of | median | min | max | relative to |"
	echo "|---|---|---|---|---|---|---|---|---|"
	tr '|' ' ' < "$work/relative" | sort -k2,2 -k3,3 -k4,4n -k5,5n |
		awk 'NR == FNR { split($0, f, "|"); what[f[1]] = f[3]; next }
		{ printf "| %s | %s | %s | %s | %s | %.3g | %.3g | %.3g | %s |\n", \
			$2, $3, $4, $5, $6, $9, $8, $10, what[$2] }' <(printf '%s\n' "$REFS" | awk -F'|' 'NF == 3') -
	echo
	echo "Cases (what each method does: bench/README.md): \`bulk_u2k\` the kernel checksums N bytes"
	echo "of the process's, \`bulk_k2u\` the kernel writes N bytes for it; \`setup_*\` a region's"
	echo "set-up and tear-down; \`msg_k2u\` / \`msg_u2k\` messages each way (size: record bytes;"
	echo "batch: records per system call); \`scale_regions\` (size: regions on one handle) and"
	echo "\`scale_procs\` (size: processes at once); \`native_*\` on the host, no VM."
	echo
	echo "## Plots"
	echo
	cat "$work/plots.md"
} > "$out/$name.md"
# A copy, not a symlink: web views of the repository show a symlink as its target's name.
rm -f "$out/latest.md"
cp "$out/$name.md" "$out/latest.md"

echo "bench: report $out/$name.md, $(wc -l < "$work/figures") figures, $(wc -l < "$work/ratios") ratios"
awk '{ printf "bench:   %-34s %.3gx (min %.3g, max %.3g, %d repeats)\n", $1, $4, $3, $5, $2 }' "$work/ratios"
awk '{ printf "bench:   insn %-29s %s per record\n", $1, $2 }' "$work/insn"
awk '{ printf "bench:   target %-27s %s (goal %s): %s\n", $1, $2, $5, $6 }' "$work/targets"
if [ -n "$missing" ]; then
	echo "bench: FAIL: no figures for$missing" >&2
	exit 1
fi
