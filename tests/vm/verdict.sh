# shellcheck shell=bash disable=SC2154
# (run.sh sets the variables this file reads.)
# Part of tests/vm/run.sh (sourced): judging a run from the serial log alone
# (QEMU's exit status says nothing: it is 0 after a panic too). The guest's
# TAP documents (init.sh, every program) and one of the host's own (this
# file: did the guest finish, did the kernel report anything, did every
# program build) go to tests/tap.sh, the judge of every suite.
#   judge SUITE RESULTS_DIR    the verdict; its status is the exit status

# The log, cleaned; a user's program's own output (run mode) is not judged.
log_text() {
	clean < "$log" | tr -d '\0' | rejoin_tap |
		sed '/^KSHM-VM-RUN-BEGIN/,/^KSHM-VM-RUN-STATUS/{/^KSHM-VM-RUN-STATUS/!d}'
}

# The guest's programs and the kernel share the console: a kernel message
# (newline-terminated, "[ seconds] ...") may land inside a TAP line. Moved out,
# it leaves the line whole (a TAP line split there would fail the run).
rejoin_tap() {
	awk '{ line = held $0; held = "" }
	match(line, /\[ *[0-9]+\.[0-9]+\] /) && RSTART > 1 &&
	    substr(line, 1, RSTART - 1) ~ /^(n(o(t( (o(k.*)?)?)?)?)?|o(k.*)?|1(\.(\..*)?)?)$/ {
		held = substr(line, 1, RSTART - 1)
		print substr(line, RSTART)
		next
	}
	{ print line }'
}

# The kernel reports in the log text, "line:text". A test that injects
# allocation failures frames them with these kernel log lines; between them,
# the warnings of a failed allocation (a stack dump) are expected. Every other
# report counts there too.
kernel_reports() {
	awk '/kshm-vmtest: expected allocation failures begin/ { framed = 1 }
		/kshm-vmtest: expected allocation failures end/ { framed = 0 }
		{ print (framed && /Call Trace:|page allocation failure/) ? "" : $0 }' <<<"$text" |
		grep -anE "$REPORTS" || true
}

show_reports() {
	local first
	say "the kernel reported problems ($(wc -l <<<"$reports") lines; first ones):"
	cut -d: -f2- <<<"$reports" | awk '!seen[$0]++' | head -n 20 | sed 's/^/  ! /'
	first=$(head -n 1 <<<"$reports" | cut -d: -f1)
	say "context from serial.log (cleaned) line $first:"
	# From just before the first report, up to the kernel log dump (if it started before it).
	awk -v from=$((first > 5 ? first - 5 : 1)) -v first="$first" -v to=$((first + 30)) '
		NR >= from && NR <= to { if (NR > first && /^KSHM-VM-DMESG-BEGIN/) exit; print "  | " $0 }
	' <<<"$text"
}

# The host's TAP document: only what failed is a test (so a clean run counts
# what the guest counted), plus the mode's own evidence of success.
host_document() {
	local t figures
	tap_begin "host (tests/vm/run.sh)"
	if [ "$finished" = 0 ]; then
		if [ "$qemu_status" = 124 ] || [ "$qemu_status" = 137 ]; then
			tap_not_ok "the guest finished" "the VM did not finish within ${timeout_s} s (hang?)"
		else
			tap_not_ok "the guest finished" "no KSHM-VM-END marker (panic or /init failure)"
		fi
	fi
	[ -z "$reports" ] || tap_not_ok "the kernel reported nothing" "see the reports above"
	for t in "${unbuilt[@]}"; do
		tap_not_ok "$t built" "make did not build it"
	done
	case $mode in
	bench)
		figures=$(grep -c '^KSHM-BENCH ' "$bench_out" || true)
		tap_check "$([ "$figures" -gt 0 ]; echo $?)" "KSHM-BENCH figures in $bench_out" ;;
	demo)
		tap_check "$(grep -aq '^demo: OK' <<<"$text"; echo $?)" "kshm demo printed 'demo: OK'" ;;
	run)
		[ -n "$run_status" ] || tap_not_ok "$(basename "$run_prog") finished" ;;
	esac
	tap_plan
}

judge() {
	local status
	text=$(log_text)
	finished=0
	grep -aq '^KSHM-VM-END' <<<"$text" && finished=1
	if [ "$finished" = 0 ]; then
		say "no end marker: the guest crashed or hung; last lines:"
		tail -n 15 <<<"$text" | sed 's/^/  | /'
	fi
	reports=$(kernel_reports)
	[ -z "$reports" ] || show_reports
	if [ "$mode" = bench ]; then
		grep -a '^KSHM-BENCH' <<<"$text" > "$bench_out" || true
	fi
	run_status=$(sed -n 's/^KSHM-VM-RUN-STATUS: \([0-9]*\).*/\1/p' <<<"$text" | tail -n 1)
	set +e
	{ printf '%s\n' "$text"; host_document; } | "$ROOT/tests/tap.sh" -q "$1" "$2"
	status=$?
	set -e
	return "$status"
}
