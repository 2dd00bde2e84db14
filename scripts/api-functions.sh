#!/bin/sh
# Print, one per line, the functions a public header declares, as the C compiler
# reads them (gcc -aux-info lists each prototype it saw with the file and line it
# came from): `static inline` helpers are not declarations, nor is anything
# declared by the headers HEADER includes.
#   api-functions.sh CC HEADER
# Used for kshm.dll's .def (windows/package/mkdef.sh) and to check libkshm.so's
# exports against lib/libkshm.map (tests/install/check.sh).
set -eu
cc=$1
header=$2

aux=$(mktemp)
trap 'rm -f "$aux"' EXIT
"$cc" -std=gnu11 -I"$(dirname "$header")" -fsyntax-only -aux-info "$aux" -x c "$header"

# /* include/kshm.h:32:NC */ extern int kshm_open (const char *, struct kshm **);
header_re=$(printf '%s' "$header" | sed 's/[].[*^$\\]/\\&/g')
names=$(sed -n "s|^/\\* $header_re:[0-9]*:NC \\*/ extern .*[ *]\\([A-Za-z_][A-Za-z0-9_]*\\) (.*|\\1|p" "$aux")
[ -n "$names" ] || { echo "api-functions.sh: no function declarations found in $header" >&2; exit 1; }
printf '%s\n' "$names"
