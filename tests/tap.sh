#!/bin/sh
# The one judge of every suite's output: TAP (version 13 lines) in, the
# suite's counts and summary line out.
#
#   tests/tap.sh [-q] SUITE RESULTS_DIR < OUTPUT
#
# Writes RESULTS_DIR/SUITE.counts ("passed failed skipped", what
# scripts/summary.sh adds up), lists what failed, and prints
# "SUITE: P passed, F failed, S skipped". Exit status 0 only when nothing
# failed (no result at all is a failure). The input goes through to stdout as it comes
# (the suite's own output), unless -q (a log already shown).
#
# The input may be several TAP documents in a row (a suite that runs several
# programs); each starts at a "TAP version 13" line (the lines before the first
# one are a document too, when they hold a plan or a test). Per document:
#   ok [N] [- name]                 passed
#   ok [N] [- name] # SKIP why      skipped (neither passed nor failed)
#   not ok [N] [- name]             failed; the "# why" lines under it say why
#   1..N                            the plan, before its tests or after them
#   Bail out! why                   one failure, and nothing after it counts
# Numbers are optional (a document streamed from several programs cannot
# number its tests); when given, they must run 1, 2, 3, ...
# A run that did not end as planned is never a pass: a document with no plan,
# a second plan, fewer or more tests than planned, or a number out of order
# counts one failure more. "# Subtest: NAME" (a comment) names the documents
# after it in the list of failures. Every other line is output, not judged.

set -u
quiet=0
[ "$1" = -q ] && { quiet=1; shift; }
suite=$1
results=$2
mkdir -p "$results"
rm -f "$results/$suite.counts"

LC_ALL=C tr -d '\r' | LC_ALL=C awk -v suite="$suite" -v quiet="$quiet" -v counts="$results/$suite.counts" '
function problem(why) {
	failed++
	fails[nfails++] = (name != "" ? name ": " : "") why
}
function close_doc() {
	if (tests == 0 && plan < 0 && !opened)
		return
	if (plan < 0)
		problem("no plan (1..N) in its output: it crashed or stopped early, after " tests " test(s)")
	else if (tests != plan)
		problem("planned " plan " test(s), ran " tests)
}
function open_doc() {
	close_doc()
	plan = -1
	tests = 0
	opened = 1
}
BEGIN { plan = -1 }
!quiet { print; fflush() }
bailed { next }
/^TAP version [0-9]+/ { open_doc(); next }
/^# Subtest: / { name = substr($0, 12); next }
/^1\.\.[0-9]+/ {
	if (plan >= 0)
		problem("a second plan " $1 " (two runs interleaved?)")
	else
		plan = substr($1, 4) + 0
	next
}
/^Bail out!/ {
	problem("bailed out:" substr($0, 10))
	bailed = 1
	next
}
/^(not )?ok([ \t]|$)/ {
	tests++
	rest = $1 == "ok" ? substr($0, 3) : substr($0, 7)
	if (match(rest, /^[ \t]+[0-9]+/)) {
		num = substr(rest, 1, RLENGTH) + 0
		if (num != tests)
			problem("test number " num " where " tests " was due")
	}
	if ($1 != "ok") {
		failed++
		fails[nfails++] = (name != "" ? name ": " : "") $0
	} else if (rest ~ /#[ \t]*[Ss][Kk][Ii][Pp]/) {
		skipped++
	} else {
		passed++
	}
	next
}
END {
	if (!bailed)
		close_doc()
	if (passed + failed + skipped == 0 && !bailed)
		problem("no test results at all")
	if (nfails) {
		print suite ": failed:"
		for (i = 0; i < nfails; i++)
			print "  " fails[i]
	}
	print passed + 0, failed + 0, skipped + 0 > counts
	print suite ": " passed + 0 " passed, " failed + 0 " failed, " skipped + 0 " skipped"
	exit failed > 0
}'
