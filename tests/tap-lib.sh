# shellcheck shell=sh
# The TAP lines of the shell suites, sourced (. tests/tap-lib.sh); tests/tap.sh
# judges what they print. Tests are numbered in the order they ran, and
# tap_plan prints the plan after the last one (a shell suite seldom knows its
# count up front).
#   tap_begin [NAME]             a new document (after another one in the same
#                                stream), named NAME in the list of failures
#   tap_ok NAME                  ok N - NAME
#   tap_not_ok NAME [WHY]        not ok N - NAME, then "# WHY"
#   tap_skip NAME WHY            ok N - NAME # SKIP WHY (counts neither way)
#   tap_check STATUS NAME [WHY]  ok when STATUS is 0, else not ok with WHY
#   tap_plan                     1..N, last; its status is 1 when a test failed
#   tap_give_up NAME WHY         not ok NAME, the plan, exit 1: a suite that
#                                cannot go on
#   tap_program NAME LOG CMD...  CMD, a TAP producer, as the document NAME, its
#                                output shown and kept in LOG; a nonzero exit
#                                that no failed test explains (a leak report at
#                                exit, a crash after the last test) is one more
#                                document, of one failure
tap_n=0
tap_failed=0

tap_begin() {
	echo "TAP version 13"
	[ -z "${1:-}" ] || echo "# Subtest: $1"
	tap_n=0
}

tap_ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1"
}

tap_not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $1"
	if [ -n "${2:-}" ]; then
		printf '%s\n' "$2" | sed 's/^/# /'
	fi
}

tap_skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

tap_check() {
	if [ "$1" -eq 0 ]; then
		tap_ok "$2"
	else
		tap_not_ok "$2" "${3:-}"
	fi
}

tap_plan() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

tap_give_up() {
	tap_not_ok "$1" "$2"
	tap_plan
	exit 1
}

tap_program() {
	tap_name=$1
	tap_log=$2
	shift 2
	tap_begin "$tap_name"
	{ "$@"; echo "$?" > "$tap_log.status"; } 2>&1 | tee "$tap_log"
	tap_status=$(cat "$tap_log.status")
	rm -f "$tap_log.status"
	if [ "$tap_status" -ne 0 ] && ! grep -q '^not ok' "$tap_log"; then
		tap_begin "$tap_name"
		tap_not_ok "$tap_name exited with status $tap_status"
		tap_plan
	fi
}
