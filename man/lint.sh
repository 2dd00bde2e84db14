#!/bin/sh
# Lint every manual page under man/: mandoc's warnings (when mandoc is
# installed) and groff's, through man-db as a reader would run it. A `.so`
# link page is checked for its target (which must name it) and rendered
# through the link. A function of include/kshm.h without a page fails too,
# as a missing man3 page, so the manual cannot fall behind the API.
#
# usage: man/lint.sh | tests/tap.sh man BUILD/results
#   One TAP test per page (tests/tap-lib.sh). Exits 1 when any page fails.

set -u

if [ $# -ne 0 ]; then
	echo "usage: $0" >&2
	exit 2
fi
root=$(cd "$(dirname "$0")" && pwd) || exit 2
# shellcheck source=tests/tap-lib.sh
. "$root/../tests/tap-lib.sh"
header=$root/../include/kshm.h

if ! command -v man >/dev/null 2>&1; then
	echo "man: man-db's man(1) is needed to check the pages" >&2
	exit 2
fi
have_mandoc=false
if command -v mandoc >/dev/null 2>&1; then
	have_mandoc=true
else
	echo "note: mandoc not installed; its checks are skipped"
fi

pass() { tap_ok "$1"; }

# fail PAGE REASON [DETAILS]: DETAILS (several lines) follow the reason.
fail() {
	tap_not_ok "$1" "$2${3:+
$3}"
}

# groff's warnings as man(1) renders the page. `.so` paths are relative to
# the manual's root, so man runs from there.
render_warnings() {
	(cd "$root" && { LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
		man --warnings -E UTF-8 -l -Tutf8 -Z "$1" >/dev/null; } 2>&1) ||
		echo "man exited with status $?"
}

# The names a page's NAME section gives, one per line.
page_names() {
	sed -n '/^\.SH NAME/{n;p;}' "$root/$1" | sed 's/ *\\-.*//' | tr ',' '\n' |
		sed 's/^ *//; s/ *$//; /^$/d'
}

check_link() {
	page=$1
	target=$(sed -n '1s/^\.so  *//p' "$root/$page")
	name=$(basename "$page")
	name=${name%.*}
	if [ ! -f "$root/$target" ]; then
		fail "$page" "link target $target does not exist"
		return
	fi
	if ! page_names "$target" | grep -qx "$name"; then
		fail "$page" "$target does not list $name in its NAME section"
		return
	fi
	warnings=$(render_warnings "$page")
	if [ -n "$warnings" ]; then
		fail "$page" "groff warnings" "$warnings"
		return
	fi
	pass "$page"
}

# Functions include/kshm.h declares (declarations start in column 0).
api_functions() {
	sed -n 's/^[a-z_0-9]* \**\(kshm_[a-z_0-9]*\)(.*/\1/p' "$header" | sort -u
}

check_page() {
	page=$1
	if [ "$(sed -n '1s/^\(\.so\) .*/\1/p' "$root/$page")" = ".so" ]; then
		check_link "$page"
		return
	fi
	if $have_mandoc; then
		lint=$(cd "$root" && mandoc -T lint -W warning "$page" 2>&1) ||
			[ -n "$lint" ] || lint="mandoc exited with an error"
		if [ -n "$lint" ]; then
			fail "$page" "mandoc warnings" "$lint"
			return
		fi
	fi
	warnings=$(render_warnings "$page")
	if [ -n "$warnings" ]; then
		fail "$page" "groff warnings" "$warnings"
		return
	fi
	if [ "$page" = man3/libkshm.3 ] && [ -f "$header" ]; then
		listed=$(sed -n '/^\.SH SEE ALSO/,$p' "$root/$page" |
			sed -n 's/^\.BR \(\\%\)\{0,1\}\(kshm_[a-z_0-9]*\) (3).*/\2/p' | sort -u)
		missing=$(api_functions | while read -r fn; do
			printf '%s\n' "$listed" | grep -qx "$fn" || echo "$fn"
		done)
		if [ -n "$missing" ]; then
			fail "$page" "SEE ALSO lacks functions of include/kshm.h" "$missing"
			return
		fi
	fi
	pass "$page"
}

pages=$(cd "$root" && ls man[0-9]*/*.[0-9]* 2>/dev/null)
for page in $pages; do
	check_page "$page"
done

if [ -f "$header" ]; then
	for fn in $(api_functions); do
		[ -f "$root/man3/$fn.3" ] ||
			fail "man3/$fn.3" "missing: include/kshm.h declares $fn"
	done
fi

tap_plan
