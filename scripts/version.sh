#!/bin/sh
# Print the release, MAJOR.MINOR.PATCH: libkshm's version as include/kshm.h
# defines it (KSHM_VERSION_*), the one place it is written. The Makefile, the
# packaging and the tests all read it here.
set -eu
header=$(dirname "$0")/../include/kshm.h
part() { sed -n "s/^#define KSHM_VERSION_$1 \\([0-9][0-9]*\\)\$/\\1/p" "$header"; }
major=$(part MAJOR) minor=$(part MINOR) patch=$(part PATCH)
[ -n "$major" ] && [ -n "$minor" ] && [ -n "$patch" ] ||
	{ echo "version.sh: no KSHM_VERSION_MAJOR/MINOR/PATCH in $header" >&2; exit 1; }
echo "$major.$minor.$patch"
