#!/bin/sh
# Give an image linked by lld with --pdb the COFF symbol table that lld writes only
# without --pdb:
#   pe-symtab.sh PLAIN_IMAGE PDB_IMAGE
# PLAIN_IMAGE is the same link without --pdb (lld-14 writes a symbol table in its
# DWARF mode and never beside a PDB). The two must be the same image but for the
# CodeView debug record in .buildid (the PDB's name and GUID): every other section is
# compared byte for byte, and the headers of the sections must agree, or nothing is
# changed. The symbol table and its string table are appended to PDB_IMAGE and its
# COFF header pointed at them; symbol values are section-relative, so they hold
# unchanged. Then `nm` must list the same symbols for both.
#
# Why: the x86 driver's PE checks (windows/tests/pe-check.sh) match its SafeSEH table
# against the function symbols, and debuggers want the PDB; lld-14 gives one or the
# other (docs/windows.md, "Symbols").
set -eu
plain=$1
image=$2
OBJDUMP=${OBJDUMP:-x86_64-w64-mingw32-objdump}
OBJCOPY=${OBJCOPY:-x86_64-w64-mingw32-objcopy}
NM=${NM:-x86_64-w64-mingw32-nm}

fail() { echo "pe-symtab.sh: $image: $*" >&2; exit 1; }

# Little-endian unsigned integers, byte by byte (od prints host order for wider units).
u8() { od -An -tu1 -j "$2" -N1 "$1" | tr -d ' \n'; }
u32() { echo $(( $(u8 "$1" "$2") | $(u8 "$1" $(($2 + 1))) << 8 |
		 $(u8 "$1" $(($2 + 2))) << 16 | $(u8 "$1" $(($2 + 3))) << 24 )); }
le32() { # value -> 4 bytes on stdout
	# shellcheck disable=SC2059 # the format is built here: octal escapes, one per byte
	printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(($1 & 255)) $(($1 >> 8 & 255)) \
		$(($1 >> 16 & 255)) $(($1 >> 24 & 255)))"
}
coff_header() { # image -> offset of the COFF file header (after "PE\0\0")
	[ "$(od -An -c -N2 "$1" | tr -d ' ')" = MZ ] || fail "$1 is not a PE image"
	echo $(($(u32 "$1" 60) + 4))
}

plain_coff=$(coff_header "$plain")
image_coff=$(coff_header "$image")
plain_symtab=$(u32 "$plain" $((plain_coff + 8)))
plain_nsyms=$(u32 "$plain" $((plain_coff + 12)))
[ "$plain_symtab" -ne 0 ] && [ "$plain_nsyms" -ne 0 ] || fail "$plain has no symbol table"
[ "$(u32 "$image" $((image_coff + 8)))" -eq 0 ] || fail "already has a symbol table"

# The same sections at the same places (.buildid: same place, its size may differ).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in "$plain" "$image"; do
	"$OBJDUMP" -h "$f" | awk '$1 ~ /^[0-9]+$/ { print $2, ($2 == ".buildid" ? "-" : $3), $4, $6 }'
done > "$tmp/both"
n=$(wc -l < "$tmp/both")
head -n $((n / 2)) "$tmp/both" > "$tmp/plain.h"
tail -n $((n / 2)) "$tmp/both" > "$tmp/image.h"
cmp -s "$tmp/plain.h" "$tmp/image.h" || fail "section headers differ from $plain"
for section in $(awk '$1 != ".buildid" { print $1 }' "$tmp/plain.h"); do
	"$OBJCOPY" -O binary -j "$section" "$plain" "$tmp/a"
	"$OBJCOPY" -O binary -j "$section" "$image" "$tmp/b"
	cmp -s "$tmp/a" "$tmp/b" || fail "section $section differs from $plain"
done

# Append (at an aligned end, as lld placed it) and point the header at it.
size=$(wc -c < "$image")
[ $((size % 4)) -eq 0 ] || fail "image size $size is not 4-byte aligned"
tail -c +$((plain_symtab + 1)) "$plain" >> "$image"
{ le32 "$size"; le32 "$plain_nsyms"; } | dd of="$image" bs=1 seek=$((image_coff + 8)) conv=notrunc 2>/dev/null

"$NM" "$plain" > "$tmp/plain.nm"
"$NM" "$image" > "$tmp/image.nm"
cmp -s "$tmp/plain.nm" "$tmp/image.nm" || fail "nm lists other symbols than for $plain"
