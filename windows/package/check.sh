#!/bin/sh
# The checks of the Windows package (make windows-package-check):
#   check.sh BUILD_RC ZIP VERSION | tests/tap.sh windows-package RESULTS_DIR
# BUILD_RC is the exit status of `make windows-package`. The zip is unpacked and what
# a user would get is checked, each check one TAP test (tests/tap-lib.sh; the "#"
# lines before a failed one say why; a skipped one names something that cannot run
# here and counts neither way). Exits nonzero when anything failed.
#  - the zip: every file for x64 and x86 and nothing else; headers as in include/;
#    Windows line ends in the text files; README and LICENSE current;
#  - images: both drivers of each architecture pass windows/tests/pe-check.sh; every
#    image is of its folder's architecture; the programs and the DLL import only
#    Windows' own DLLs; the signed driver verifies against the shipped certificate and
#    is the unsigned one plus a signature;
#  - symbols: each image's CodeView record names its PDB, and the GUID and age in it
#    are the PDB's; every public function the PDB places is where the image's symbol
#    table has it; the x86 driver's PDB has source files and types;
#  - INF (read by a parser here): sections, [Version], strings, NTamd64 and NTx86
#    install and uninstall sections alike, no models section, every referenced section
#    present, the service, well-formed registry values, the parameters the driver reads
#    with core's defaults, every file it names in that architecture's driver folder;
#    then installed, started and uninstalled by Wine's setupapi (x64);
#  - libkshm: the DLL exports and the .def lists exactly the functions kshm.h
#    declares; a program calling all of them links with mingw-w64 gcc against
#    libkshm.dll.a and libkshm.a and with lld-link against kshm.lib, for each
#    architecture; the x64 DLL build and the static build give the same output under Wine;
#  - the kernel API's samples: their sources as in the tree; each driver passes
#    pe-check.sh --client and verifies against the shipped certificate; each program
#    builds, and each driver's source compiles, from the package's files alone.
set -u
build_rc=$1
zip=$2
version=$3

OBJDUMP=${OBJDUMP:-x86_64-w64-mingw32-objdump}
NM=${NM:-x86_64-w64-mingw32-nm}
READOBJ=${READOBJ:-llvm-readobj-14}
PDBUTIL=${PDBUTIL:-llvm-pdbutil-14}
WINE=${WINE:-/usr/lib/wine/wine64}
WINESERVER=${WINESERVER:-/usr/lib/wine/wineserver64}
ARCHS="x64 x86"
name=kshm-$version-windows
mkdir -p "$(dirname "$zip")"
work=$(cd "$(dirname "$zip")" && pwd)/package-check	# absolute: Wine is given paths in it
top=$work/unzip/$name

# shellcheck source=tests/tap-lib.sh
. "$(dirname "$0")/../../tests/tap-lib.sh"
check() { # name, then a command whose success means ok
	check_name=$1
	shift
	"$@"
	tap_check $? "$check_name"
}
why() { echo "# $*"; }
finish() {
	tap_plan
	exit
}

triple() { case $1 in x64) echo x86_64-w64-mingw32 ;; x86) echo i686-w64-mingw32 ;; esac; }
pe_format() { case $1 in x64) echo pei-x86-64 ;; x86) echo pei-i386 ;; esac; }

# What each architecture's folder must hold, relative to it, and which PDB goes with
# which image. This list is the package's definition; stage.sh is checked against it.
arch_files() {
	echo driver/kshm.sys driver/kshm.inf driver/kshm-test.cer driver/unsigned/kshm.sys
	echo bin/kshm.exe bin/smoke.exe bin/kshm.dll
	echo lib/libkshm.a lib/libkshm.dll.a lib/kshm.lib lib/kshm.def
	echo include/kshm.h
	(cd include && ls kshm/*.h) | sed 's|^|include/|'
	echo symbols/kshm.pdb symbols/kshm-tool.pdb symbols/smoke.pdb symbols/kshm-dll.pdb
	sample_images
}
sample_images() { for sample in $SAMPLES; do echo "examples/kshm_$sample.sys examples/$sample.exe"; done; }
SAMPLES="tick crc"
SAMPLE_SOURCES="examples/sample_device.h examples/windows_sample.h
	$(for sample in $SAMPLES; do
		echo "examples/$sample/kshm_$sample.h examples/$sample/$sample.c examples/$sample/windows/kshm_$sample.c"
	done)"
TOP_FILES="README.txt LICENSE.txt $SAMPLE_SOURCES"
IMAGE_PDBS="driver/kshm.sys:kshm.pdb driver/unsigned/kshm.sys:kshm.pdb bin/kshm.exe:kshm-tool.pdb
	    bin/smoke.exe:smoke.pdb bin/kshm.dll:kshm-dll.pdb"

rm -rf "$work"
mkdir -p "$work/unzip"
tap_check "$build_rc" "build.package (make windows-package)" "see the make output above"

# ---- the zip ----
zip_readable() { [ -f "$zip" ] && unzip -tq "$zip" >/dev/null && unzip -q "$zip" -d "$work/unzip"; }
check zip.readable zip_readable
[ -d "$top" ] || { why "no $name/ in $zip"; finish; }
unzip -Z1 "$zip" | LC_ALL=C sort > "$work/listed"

expected_list() {
	for f in $TOP_FILES; do echo "$name/$f"; done
	for arch in $ARCHS; do
		for f in $(arch_files); do echo "$name/$arch/$f"; done
	done
}
expected_list | LC_ALL=C sort > "$work/expected"
lists_all() { # arch or "top"
	if [ "$1" = top ]; then want=$(for f in $TOP_FILES; do echo "$name/$f"; done)
	else want=$(for f in $(arch_files); do echo "$name/$1/$f"; done); fi
	missing=$(echo "$want" | LC_ALL=C sort | comm -23 - "$work/listed")
	[ -z "$missing" ] || { why "missing:" $missing; return 1; }
}
nothing_else() {
	extra=$(comm -13 "$work/expected" "$work/listed" | grep -v '/$')
	[ -z "$extra" ] || { why "not in the package's file list:" $extra; return 1; }
}
headers_current() { # arch
	for h in include/kshm.h include/kshm/*.h; do
		cmp -s "$h" "$top/$1/$h" || { why "$1/$h differs from $h"; return 1; }
	done
}
crlf_text() {
	for f in README.txt LICENSE.txt x64/driver/kshm.inf x86/driver/kshm.inf; do
		[ -s "$top/$f" ] || { why "$f missing or empty"; return 1; }
		bare=$(tr -d '\r' < "$top/$f" | wc -l)
		cr=$(grep -c "$(printf '\r')\$" "$top/$f")
		[ "$bare" -eq "$cr" ] || { why "$f: $((bare - cr)) of $bare lines without CR LF"; return 1; }
	done
}
sample_sources_current() {
	for f in $SAMPLE_SOURCES; do
		cmp -s "$f" "$top/$f" || { why "$f differs from the tree's"; return 1; }
	done
}
check zip.top_files lists_all top
check zip.sample_sources_current sample_sources_current
for arch in $ARCHS; do check "zip.files_$arch" lists_all "$arch"; done
check zip.nothing_else nothing_else
for arch in $ARCHS; do check "zip.headers_current_$arch" headers_current "$arch"; done
check zip.windows_line_ends crlf_text

readme_current() {
	head -n 1 "$top/README.txt" | grep -q "^kshm $version for Windows" ||
		{ why "README.txt's first line does not name version $version"; return 1; }
	for value in $(inf_parameter_names); do
		grep -q "^ *$value " "$top/README.txt" || { why "README.txt does not describe $value"; return 1; }
	done
}
license_texts() {
	grep -q '^MIT License' "$top/LICENSE.txt" && grep -q 'GNU GENERAL PUBLIC LICENSE' "$top/LICENSE.txt" &&
		grep -q 'Version 2, June 1991' "$top/LICENSE.txt" || { why "MIT or GPL-2.0 text missing"; return 1; }
}

# ---- images ----
pe_checks() { # [--client] image: the project's PE checks of a driver (windows/tests/pe-check.sh)
	client=
	[ "$1" = --client ] && { client=--client; shift; }
	out=$work/pe-$(echo "$1" | tr '/' '_').out
	windows/tests/pe-check.sh $client "$top/$1" > "$out" 2>&1 && return 0
	grep '^not ok\|^#' "$out" | sed 's/^/# /'
	return 1
}
right_format() { # arch
	fmt=$(pe_format "$1")
	for f in driver/kshm.sys driver/unsigned/kshm.sys bin/kshm.exe bin/smoke.exe bin/kshm.dll \
		 $(sample_images); do
		"$OBJDUMP" -f "$top/$1/$f" 2>/dev/null | grep -q "file format $fmt\$" ||
			{ why "$1/$f is not $fmt"; return 1; }
	done
}
imported_dlls() { "$OBJDUMP" -p "$1" | sed -n 's/^\tDLL Name: //p'; }
system_dlls_only() { # arch: no mingw runtime DLL (libgcc_s, libwinpthread) may be needed
	for f in bin/kshm.exe bin/smoke.exe bin/kshm.dll $(for sample in $SAMPLES; do echo "examples/$sample.exe"; done); do
		dlls=$(imported_dlls "$top/$1/$f")
		[ -n "$dlls" ] || { why "$1/$f: no imports read"; return 1; }
		other=$(echo "$dlls" | grep -vix 'kernel32\.dll\|msvcrt\.dll\|advapi32\.dll\|ntdll\.dll')
		[ -z "$other" ] || { why "$1/$f imports" $other; return 1; }
	done
}
signed_by_shipped_certificate() { # arch [image, default the driver]
	image=${2:-driver/kshm.sys}
	out=$work/verify-$1-$(basename "$image").out
	openssl x509 -inform DER -in "$top/$1/driver/kshm-test.cer" -out "$work/cert-$1.pem" 2>/dev/null &&
		osslsigncode verify -CAfile "$work/cert-$1.pem" -in "$top/$1/$image" > "$out" 2>&1 ||
		{ why "osslsigncode verify of $image failed (see $out)"; return 1; }
}
security_directory_empty() { # image: no certificate table
	"$OBJDUMP" -p "$1" | awk '/Security Directory/ { found = 1; if ($3 !~ /^0+$/ || $4 !~ /^0+$/) bad = 1 }
				  END { exit !(found && !bad) }'
}
unsigned_is_unsigned() { security_directory_empty "$top/$1/driver/unsigned/kshm.sys" || { why "it has a certificate table"; return 1; }; }
# The signed driver without its signature is the unsigned one: the same bytes but the
# PE checksum (which signing sets) and the zeros that pad the image to 8 bytes.
signed_is_unsigned_plus_signature() { # arch
	unsigned=$top/$1/driver/unsigned/kshm.sys
	stripped=$work/stripped-$1.sys
	osslsigncode remove-signature -in "$top/$1/driver/kshm.sys" -out "$stripped" >/dev/null 2>&1 ||
		{ why "osslsigncode remove-signature failed"; return 1; }
	security_directory_empty "$stripped" || { why "a certificate table remains"; return 1; }
	size=$(wc -c < "$unsigned")
	pad=$(($(wc -c < "$stripped") - size))
	[ "$pad" -ge 0 ] && [ "$pad" -lt 8 ] || { why "sizes differ by $pad bytes"; return 1; }
	[ -z "$(tail -c "$pad" "$stripped" | tr -d '\0')" ] || [ "$pad" -eq 0 ] ||
		{ why "non-zero bytes after the image"; return 1; }
	lfanew=$(od -An -tu4 -j 60 -N4 "$unsigned" | tr -d ' ')
	checksum=$((lfanew + 4 + 20 + 64 + 1))	# 1-based, as cmp counts
	diffs=$(cmp -l -n "$size" "$stripped" "$unsigned" | awk -v c="$checksum" '$1 < c || $1 > c + 3')
	[ -z "$diffs" ] || { why "bytes differ beyond the checksum:" "$(echo "$diffs" | head -n 3 | tr '\n' ' ')"; return 1; }
}
for arch in $ARCHS; do
	check "pe.checks_${arch}_driver" pe_checks "$arch/driver/kshm.sys"
	check "pe.checks_${arch}_driver_unsigned" pe_checks "$arch/driver/unsigned/kshm.sys"
	check "pe.format_$arch" right_format "$arch"
	check "pe.system_dlls_only_$arch" system_dlls_only "$arch"
	check "sign.verifies_$arch" signed_by_shipped_certificate "$arch"
	check "sign.unsigned_has_no_signature_$arch" unsigned_is_unsigned "$arch"
	check "sign.same_image_$arch" signed_is_unsigned_plus_signature "$arch"
	for sample in $SAMPLES; do
		check "pe.checks_${arch}_sample_$sample" pe_checks --client "$arch/examples/kshm_$sample.sys"
		check "sign.verifies_${arch}_sample_$sample" signed_by_shipped_certificate "$arch" \
			"examples/kshm_$sample.sys"
	done
done

# ---- symbols ----
# The image's CodeView record (llvm-readobj) against the PDB's own header
# (llvm-pdbutil). readobj prints the GUID's 16 bytes as stored; pdbutil prints it as a
# GUID, whose first three fields are little-endian.
record_guid() {
	"$READOBJ" --coff-debug-directory "$1" 2>/dev/null | sed -n 's/^ *PDBGUID: (\(.*\))$/\1/p' |
		awk 'NF == 16 { printf "%s%s%s%s-%s%s-%s%s-%s%s-%s%s%s%s%s%s\n", $4, $3, $2, $1, $6, $5, $8, $7,
				$9, $10, $11, $12, $13, $14, $15, $16 }' | tr 'a-f' 'A-F'
}
record_field() { "$READOBJ" --coff-debug-directory "$1" 2>/dev/null | sed -n "s/^ *$2: *//p"; }
pdb_field() { "$PDBUTIL" dump --summary "$1" 2>/dev/null | sed -n "s/^ *$2: *//p"; }
pdb_matches_image() { # arch image pdb
	pm_image=$top/$1/$2
	pm_pdb=$top/$1/symbols/$3
	records=$("$READOBJ" --coff-debug-directory "$pm_image" 2>/dev/null | grep -c 'Type: CodeView')
	[ "$records" -eq 1 ] || { why "$2 has $records CodeView records"; return 1; }
	named=$(record_field "$pm_image" PDBFileName)
	[ "$named" = "$3" ] || { why "$2 names '$named', not $3"; return 1; }
	image_guid=$(record_guid "$pm_image")
	pdb_guid=$(pdb_field "$pm_pdb" GUID | tr -d '{}' | tr 'a-f' 'A-F')
	image_age=$(record_field "$pm_image" PDBAge)
	pdb_age=$(pdb_field "$pm_pdb" Age)
	[ -n "$image_guid" ] && [ "$image_guid" = "$pdb_guid" ] && [ -n "$pdb_age" ] && [ "$image_age" = "$pdb_age" ] ||
		{ why "$2: GUID $image_guid age $image_age; $3: GUID $pdb_guid age $pdb_age"; return 1; }
}
# Every function the PDB's public symbols place (section:offset) is at the address
# the image's own symbol table (nm) gives the same name; at least 20 of them.
publics_match_image() { # arch image pdb
	"$OBJDUMP" -h "$top/$1/$2" | awk '$1 ~ /^[0-9]+$/ { print $1 + 1, $4 }' > "$work/sections"
	"$PDBUTIL" dump --publics "$top/$1/symbols/$3" 2>/dev/null | awk '
		/S_PUB32/ { n = $0; sub(/^[^`]*`/, "", n); sub(/`[^`]*$/, "", n); next }
		/flags = function.*addr = / && n != "" {
			a = $0; sub(/.*addr = /, "", a); split(a, p, ":"); print n, p[1] + 0, p[2] + 0; n = "" }' \
		> "$work/publics"
	"$NM" "$top/$1/$2" 2>/dev/null | awk 'NF == 3 { print $3, $1 }' > "$work/nm"
	awk 'function hex(s,   i, n) {
		s = tolower(s); n = 0
		for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return n
	     }
	     FILENAME == ARGV[1] { va[$1] = hex($2); next }
	     FILENAME == ARGV[2] { if ($1 in at) twice[$1] = 1; at[$1] = hex($2); next }
	     !($1 in at) || ($1 in twice) || !($2 in va) { next }
	     va[$2] + $3 == at[$1] { same++; next }
	     { wrong++; if (wrong <= 3) printf "  %s: PDB %d:%d, image 0x%x\n", $1, $2, $3, at[$1] }
	     END { if (same < 20 || wrong) { printf "  %d functions at the same address, %d elsewhere\n", same, wrong; exit 1 } }' \
		"$work/sections" "$work/nm" "$work/publics"
}
full_debug_info() { # pdb: source files and types (the x86 driver's, from clang's CodeView)
	"$PDBUTIL" dump --files "$1" 2>/dev/null | grep -q 'windows[/\\]driver[/\\]kshm_main\.c' ||
		{ why "no source file windows/driver/kshm_main.c"; return 1; }
	types=$("$PDBUTIL" dump --types "$1" 2>/dev/null | sed -n 's/^ *Showing \([0-9,]*\) records.*/\1/p' |
		head -n 1 | tr -d ,)
	[ "${types:-0}" -gt 0 ] || { why "no type records"; return 1; }
}
for arch in $ARCHS; do
	for pair in $IMAGE_PDBS; do
		pair_image=${pair%%:*}
		pair_pdb=${pair#*:}
		label=$(echo "$pair_image" | sed 's|^[a-z]*/||; s|/|_|g; s|\.|_|g')
		check "pdb.guid_age_${arch}_$label" pdb_matches_image "$arch" "$pair_image" "$pair_pdb"
		check "pdb.publics_${arch}_$label" publics_match_image "$arch" "$pair_image" "$pair_pdb"
	done
done
check pdb.x86_driver_source_and_types full_debug_info "$top/x86/symbols/kshm.pdb"

# ---- INF ----
# A parser of the INF syntax setupapi reads: [sections], "key = value" and plain
# entries, ';' comments outside double quotes. Writes "section<TAB>key<TAB>value"
# (section and key in lower case: INF names are case-insensitive; "[" as the key
# marks a section's header), and fails on a line it cannot place.
inf_parse() { # inf -> records on stdout
	awk 'function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
	     function fail(m) { printf "  %s:%d: %s\n", FILENAME, FNR, m; errors++ }
	     { sub(/\r$/, ""); text = ""; quoted = 0
	       for (i = 1; i <= length($0); i++) {
		       c = substr($0, i, 1)
		       if (c == "\"") quoted = !quoted
		       else if (c == ";" && !quoted) break
		       text = text c
	       }
	       if (quoted) { fail("unbalanced quotes"); next }
	       gsub(/\t/, " ", text); text = trim(text)
	       if (text == "") next
	       if (text ~ /\\$/) { fail("line continuation (not handled here)"); next }
	       if (substr(text, 1, 1) == "[") {
		       if (text !~ /^\[[^][]+\]$/) { fail("malformed section name"); next }
		       section = tolower(trim(substr(text, 2, length(text) - 2)))
		       if (section in seen) fail("[" section "] twice")
		       seen[section] = 1
		       print section "\t[\t"
		       next
	       }
	       if (section == "") { fail("entry before the first section"); next }
	       eq = 0; quoted = 0
	       for (i = 1; i <= length(text) && !eq; i++) {
		       c = substr(text, i, 1)
		       if (c == "\"") quoted = !quoted
		       else if (c == "=" && !quoted) eq = i
	       }
	       if (!eq) { print section "\t\t" text; next }
	       key = tolower(trim(substr(text, 1, eq - 1)))
	       if (key == "") { fail("entry with an empty key"); next }
	       print section "\t" key "\t" trim(substr(text, eq + 1))
	     }
	     END { exit errors > 0 }' "$1"
}
INF=$top/x64/driver/kshm.inf
INF_RECORDS=$work/inf.records
inf_values() { # section key -> values ("" key: the plain entries)
	awk -F '\t' -v s="$1" -v k="$2" '$1 == s && $2 == k { print $3 }' "$INF_RECORDS"
}
inf_has() { awk -F '\t' -v s="$1" '$1 == s && $2 == "[" { found = 1 } END { exit !found }' "$INF_RECORDS"; }
inf_fields() { # value -> its comma-separated fields, one a line, trimmed (quotes kept)
	printf '%s\n' "$1" | awk '{ f = ""; q = 0
		for (i = 1; i <= length($0); i++) { c = substr($0, i, 1)
			if (c == "\"") q = !q
			if (c == "," && !q) { print f; f = "" } else f = f c }
		print f }' | sed 's/^ *//; s/ *$//'
}
inf_field() { inf_fields "$1" | sed -n "$2p"; }
unquote() { printf '%s\n' "$1" | sed 's/^"\(.*\)"$/\1/'; }
number() { # an INF number (decimal or 0x hex) -> decimal, or fail
	case $1 in
	0[xX]*) n=${1#0[xX]}; [ -n "$n" ] && [ -z "$(printf '%s' "$n" | tr -d '0-9a-fA-F')" ] && echo $((0x$n)) ;;
	*) [ -n "$1" ] && [ -z "$(printf '%s' "$1" | tr -d '0-9')" ] &&
		echo $(($(printf '%s' "$1" | sed 's/^0*\(.\)/\1/'))) ;;	# no octal
	esac
}
inf_same_everywhere() { # the one INF serves both architectures: the same file in each folder
	for arch in $ARCHS; do
		cmp -s "$top/$arch/driver/kshm.inf" "$INF" || { why "$arch/driver/kshm.inf differs from x64's"; return 1; }
	done
}
inf_parses() {
	inf_parse "$INF" > "$INF_RECORDS" || return 1
	inf_has version && inf_has strings || { why "no [Version] or [Strings]"; return 1; }
}
inf_version() {
	sig=$(inf_values version signature)
	[ "$sig" = '"$WINDOWS NT$"' ] || { why "Signature is $sig"; return 1; }
	[ -n "$(inf_values version class)" ] && [ -n "$(inf_values version provider)" ] ||
		{ why "Class or Provider missing"; return 1; }
	inf_values version classguid | grep -Eq '^\{[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\}$' ||
		{ why "ClassGuid is not a GUID"; return 1; }
	driverver=$(inf_values version driverver | tr -d ' ')
	echo "$driverver" | grep -Eq "^[01][0-9]/[0-3][0-9]/[0-9]{4},$(echo "$version" | sed 's/\./\\./g')\\.0\$" ||
		{ why "DriverVer '$driverver' is not mm/dd/yyyy,$version.0"; return 1; }
}
inf_strings_defined() {
	for token in $(cut -f3 "$INF_RECORDS" | grep -o '%[A-Za-z0-9_]*%' | tr -d '%' | sort -u); do
		case $token in *[!0-9]*) ;; *) continue ;; esac	# %12%: a directory id
		[ -n "$(inf_values strings "$(echo "$token" | tr 'A-Z' 'a-z')")" ] ||
			{ why "%$token% is not in [Strings]"; return 1; }
	done
}
INSTALL_SECTIONS="defaultinstall defaultinstall.services defaultuninstall defaultuninstall.services"
decorated() { echo "$1" | sed "s/^\([a-z]*\)/\1.$2/"; }	# defaultinstall.services -> defaultinstall.ntx86.services
inf_entries() { awk -F '\t' -v s="$1" '$1 == s && $2 != "[" { print $2 "=" $3 }' "$INF_RECORDS" | LC_ALL=C sort; }
inf_both_architectures() {
	for s in $INSTALL_SECTIONS; do
		amd64=$(decorated "$s" ntamd64)
		x86=$(decorated "$s" ntx86)
		inf_has "$amd64" && inf_has "$x86" || { why "[$amd64] or [$x86] missing"; return 1; }
		[ -n "$(inf_entries "$amd64")" ] || { why "[$amd64] is empty"; return 1; }
		[ "$(inf_entries "$amd64")" = "$(inf_entries "$x86")" ] ||
			{ why "[$amd64] and [$x86] differ"; return 1; }
	done
}
inf_primitive() { # a DefaultInstall INF: no models section, every install section decorated
	for s in manufacturer $INSTALL_SECTIONS defaultinstall.nt defaultuninstall.nt; do
		! inf_has "$s" || { why "[$s] present"; return 1; }
	done
}
referenced_sections() { # the sections the install and service sections name
	for s in $INSTALL_SECTIONS; do
		for arch_s in "$(decorated "$s" ntamd64)" "$(decorated "$s" ntx86)"; do
			for key in copyfiles delfiles addreg delreg; do
				inf_values "$arch_s" "$key" | tr ',' '\n' | sed 's/^ *//; s/ *$//' | grep -v '^@\|^$'
			done
			inf_values "$arch_s" addservice | while read -r v; do inf_field "$v" 3; done
		done
	done | sort -u
}
service_sections() { for s in defaultinstall.ntamd64.services defaultinstall.ntx86.services; do
	inf_values "$s" addservice | while read -r v; do inf_field "$v" 3 | tr 'A-Z' 'a-z'; done; done | sort -u; }
inf_sections_exist() {
	for s in $(referenced_sections | tr 'A-Z' 'a-z') $(for v in $(service_sections); do
			inf_values "$v" addreg | tr ',' ' '; done | tr 'A-Z' 'a-z'); do
		inf_has "$s" || { why "[$s] is referenced but missing"; return 1; }
	done
}
inf_service() {
	for s in defaultinstall.ntamd64.services defaultinstall.ntx86.services; do
		[ "$(inf_field "$(inf_values "$s" addservice)" 1)" = kshm ] || { why "[$s] adds no service kshm"; return 1; }
	done
	for s in defaultuninstall.ntamd64.services defaultuninstall.ntx86.services; do
		[ "$(inf_field "$(inf_values "$s" delservice)" 1)" = kshm ] || { why "[$s] deletes no service kshm"; return 1; }
	done
	sections=$(service_sections)
	[ "$(echo "$sections" | wc -l)" -eq 1 ] && [ -n "$sections" ] || { why "service sections: $sections"; return 1; }
	[ "$(number "$(inf_values "$sections" servicetype)")" = 1 ] &&
		[ "$(number "$(inf_values "$sections" starttype)")" = 3 ] &&
		[ "$(number "$(inf_values "$sections" errorcontrol)")" = 1 ] ||
		{ why "not a demand-start kernel driver with normal error control"; return 1; }
	[ "$(inf_values "$sections" servicebinary)" = '%12%\kshm.sys' ] ||
		{ why "ServiceBinary is $(inf_values "$sections" servicebinary)"; return 1; }
	sddl=$(unquote "$(inf_values "$sections" security)")
	echo "$sddl" | grep -Eq '^D:P?(\([A-Z]*;[A-Z]*;[A-Z0-9]+;[^;()]*;[^;()]*;[A-Z0-9-]+\))+$' &&
		echo "$sddl" | grep -q '(A;;GA;;;SY)' && echo "$sddl" | grep -q '(A;;GA;;;BA)' ||
		{ why "Security '$sddl' is not a DACL giving SYSTEM and Administrators full control"; return 1; }
}
addreg_lines() { for s in $(service_sections); do for a in $(inf_values "$s" addreg | tr ',' ' '); do
	inf_values "$(echo "$a" | tr 'A-Z' 'a-z')" ""; done; done; }
# Without FLG_ADDREG_BINVALUETYPE (1) the data is text. With it, the high word is the
# value's type (1 stands for REG_DWORD, as in FLG_ADDREG_TYPE_DWORD 0x00010001) and the
# data hex bytes, one a field, except that a REG_DWORD may be one number instead.
inf_registry_well_formed() {
	lines=$(addreg_lines)
	[ -n "$lines" ] || { why "no AddReg lines"; return 1; }
	echo "$lines" | while read -r line; do
		root=$(inf_field "$line" 1)
		case $root in HKR|HKLM|HKCU|HKCR|HKU) ;; *) why "$line: root $root"; return 1 ;; esac
		flags=$(number "$(inf_field "$line" 4)") || { why "$line: flags"; return 1; }
		type=$((flags >> 16))
		data=$(inf_fields "$line" | tail -n +5)
		count=$(echo "$data" | grep -c .)
		[ $((flags & 1)) -eq 1 ] || continue
		dword=0
		[ "$type" -eq 1 ] || [ "$type" -eq 4 ] && dword=1
		if [ "$dword" -eq 1 ] && [ "$count" -eq 1 ]; then
			value=$(number "$data") && [ "$value" -lt 4294967296 ] ||
				{ why "$line: not a 32-bit number"; return 1; }
			continue
		fi
		bad=$(echo "$data" | grep -Evx '[0-9a-fA-F]{1,2}')
		[ "$count" -gt 0 ] && [ -z "$bad" ] || { why "$line: binary data must be hex bytes"; return 1; }
		[ "$dword" -eq 0 ] || [ "$count" -eq 4 ] || { why "$line: a REG_DWORD is 4 bytes"; return 1; }
		[ "$type" -ne 11 ] || [ "$count" -eq 8 ] || { why "$line: a REG_QWORD is 8 bytes"; return 1; }
	done
}
inf_parameter_names() { addreg_lines | while read -r line; do
	[ "$(inf_field "$line" 1)" = HKR ] && [ "$(inf_field "$line" 2 | tr 'A-Z' 'a-z')" = parameters ] &&
		inf_field "$line" 3; done | sort; }
inf_parameter_value() { addreg_lines | while read -r line; do
	[ "$(inf_field "$line" 3)" = "$1" ] && number "$(inf_field "$line" 5)"; done; }
# What DriverEntry reads (windows/driver: read_parameter(key, L"Name", ...)), but the
# test-only switch smoke.exe sets itself (docs/windows.md).
TEST_ONLY_PARAMETERS="SimulateNoWriteIgnored"
driver_parameter_names() {
	sed -n 's/.*read_parameter(key, L"\([A-Za-z]*\)".*/\1/p' windows/driver/*.c |
		grep -vx "$(echo $TEST_ONLY_PARAMETERS | tr ' ' '\n')" | sort -u
}
inf_parameters_match_driver() {
	inf=$(inf_parameter_names)
	drv=$(driver_parameter_names)
	[ -n "$drv" ] && [ "$inf" = "$drv" ] || { why "INF:" $inf; why "driver:" $drv; return 1; }
}
# The defaults (windows/driver/kshm_main.c, read_configuration: core/limits.h; AllowUsers 0).
core_default() {
	expr=$(sed -n "s/^#define $1[ \t]*//p" core/limits.h | sed 's/\([0-9]\)U*L*L*/\1/g')
	[ -n "$expr" ] && echo $(($expr))
}
inf_defaults_match_core() {
	for pair in MaxRegionBytes:KSHM_DEFAULT_MAX_REGION_BYTES MaxAllocatedBytes:KSHM_DEFAULT_MAX_ALLOCATED_BYTES \
		    MaxPinnedBytes:KSHM_DEFAULT_MAX_PINNED_BYTES \
		    MaxRegionsPerHandle:KSHM_DEFAULT_MAX_REGIONS_PER_FILE AllowUsers:0; do
		value=${pair%%:*}
		case ${pair#*:} in 0) want=0 ;; *) want=$(core_default "${pair#*:}") ;; esac
		got=$(inf_parameter_value "$value")
		[ -n "$want" ] && [ "$got" = "$want" ] || { why "$value: INF $got, default $want"; return 1; }
	done
}
inf_named_files() { # every file the INF would copy or load
	awk -F '\t' '$1 ~ /^sourcedisksfiles/ && $2 != "[" && $2 != "" { print $2 }' "$INF_RECORDS"
	for s in $(referenced_sections | tr 'A-Z' 'a-z'); do
		case $(inf_values "$s" "") in "") ;; *) inf_values "$s" "" | while read -r v; do inf_field "$v" 1; done ;; esac
	done
	for s in $(service_sections); do inf_values "$s" servicebinary | sed 's/.*\\//'; done
	awk -F '\t' '$1 == "version" && $2 ~ /^catalogfile/ { print $3 }' "$INF_RECORDS"
}
inf_files_in_package() { # arch
	files=$(inf_named_files | sort -u)
	echo "$files" | grep -qx 'kshm.sys' || { why "names no kshm.sys:" $files; return 1; }
	for f in $files; do
		[ -f "$top/$1/driver/$f" ] || { why "$1/driver/$f is named by the INF but not in the package"; return 1; }
	done
}
check inf.parses inf_parses
check inf.same_file_for_both inf_same_everywhere
check inf.version inf_version
check inf.strings_defined inf_strings_defined
check inf.ntamd64_and_ntx86 inf_both_architectures
check inf.primitive_driver inf_primitive
check inf.referenced_sections_exist inf_sections_exist
check inf.service inf_service
check inf.registry_values_well_formed inf_registry_well_formed
check inf.parameters_match_driver inf_parameters_match_driver
check inf.defaults_match_core inf_defaults_match_core
for arch in $ARCHS; do check "inf.files_in_package_$arch" inf_files_in_package "$arch"; done
check readme.current readme_current
check license.texts license_texts

# ---- libkshm: exports, .def, import libraries ----
# The functions kshm.h declares, read as plain text (mkdef.sh asks the compiler
# instead): comments, preprocessor lines, C++ guards and brace blocks dropped, then
# each statement with a parameter list that is not a typedef or static.
header_functions() {
	awk 'BEGIN { RS = "\001" } {
		text = $0
		gsub(/\/\*([^*]|\*+[^*\/])*\*+\//, " ", text)	# block comments
		n = split(text, lines, "\n"); text = ""
		for (i = 1; i <= n; i++) {
			line = lines[i]; sub(/\/\/.*/, "", line)
			if (line ~ /^[ \t]*#/) { while (line ~ /\\$/ && i < n) line = lines[++i]; continue }
			text = text " " line
		}
		gsub(/extern "C" \{/, " ", text)
		out = ""; depth = 0
		for (i = 1; i <= length(text); i++) {
			c = substr(text, i, 1)
			if (c == "{") depth++
			else if (c == "}") { if (depth > 0) depth--; continue }
			if (depth == 0 && c != "{") out = out c
		}
		n = split(out, statements, ";")
		for (i = 1; i <= n; i++) {
			s = statements[i]; gsub(/[ \t]+/, " ", s); sub(/^ /, "", s)
			if (s ~ /^(typedef|static) / || s !~ /\(/) continue
			name = s; sub(/[ ]*\(.*/, "", name); sub(/.*[ *]/, "", name)
			after = s; sub(/^[^(]*\(/, "", after)
			if (substr(after, 1, 1) == "*") continue	# a pointer to a function
			print name
		}
	}' "$1" | LC_ALL=C sort
}
API=$work/api
header_functions "$top/x64/include/kshm.h" > "$API"
api_read() { [ "$(wc -l < "$API")" -ge 20 ] || { why "only $(wc -l < "$API") functions read from kshm.h"; return 1; }; }
same_as_api() { # label, then names on stdin
	LC_ALL=C sort > "$work/names"
	[ -s "$work/names" ] && cmp -s "$work/names" "$API" && return 0
	why "$1 but not in kshm.h:" "$(comm -23 "$work/names" "$API" | tr '\n' ' ')"
	why "in kshm.h but not $1:" "$(comm -13 "$work/names" "$API" | tr '\n' ' ')"
	return 1
}
def_matches_header() { # arch
	sed -n '/^EXPORTS/,$p' "$top/$1/lib/kshm.def" | sed '1d; s/[;].*//' | awk 'NF { print $1 }' |
		same_as_api "in kshm.def"
}
dll_exports_match_header() { # arch
	"$READOBJ" --coff-exports "$top/$1/bin/kshm.dll" 2>/dev/null | sed -n 's/^ *Name: //p' |
		same_as_api "exported"
}
check libkshm.functions_read_from_header api_read
for arch in $ARCHS; do
	check "libkshm.def_matches_header_$arch" def_matches_header "$arch"
	check "libkshm.dll_exports_match_header_$arch" dll_exports_match_header "$arch"
done

# A program that refers to every function kshm.h declares (so the link must find each
# one in the library) and prints what a few of them return.
write_program() { # file, "main" or "start"
	{
		echo '#include <kshm.h>'
		[ "$2" = main ] && echo '#include <stdio.h>'
		echo '/* Every function kshm.h declares: the link needs each one from the library. */'
		echo 'void (*const kshm_api[])(void) = {'
		sed 's/.*/\t(void (*)(void))\&&,/' "$API"
		echo '};'
		if [ "$2" = main ]; then cat <<'EOF'
int main(void)
{
	static const char text[] = "kshm package check";
	struct kshm *kshm = NULL;
	int err = kshm_open(NULL, &kshm);

	if (!err)
		kshm_close(kshm);
	printf("functions %u checksum %016llx pattern %u open %d\n",
	       (unsigned)(sizeof(kshm_api) / sizeof(kshm_api[0])),
	       (unsigned long long)kshm_checksum(text, sizeof(text) - 1),
	       (unsigned)kshm_pattern_check(text, sizeof(text) - 1, 1, 0), err);
	return 0;
}
EOF
		else cat <<'EOF'
/* No C runtime: the entry point of a program linked with /nodefaultlib. */
int start(void)
{
	return kshm_api[0] != 0;
}
EOF
		fi
	} > "$1"
}
imported_from() { # image dll -> the names it imports from dll
	"$OBJDUMP" -p "$1" | awk -v dll="$2" '
		/^\tDLL Name:/ { on = tolower($3) == tolower(dll); next }
		on && /^\t[0-9a-f]+\t *[0-9]+  [A-Za-z_]/ { print $3 }
		/^$/ { on = 0 }'
}
MINGW_CFLAGS="-std=gnu11 -Wall -Wextra -Werror -D__USE_MINGW_ANSI_STDIO=1"
link_mingw_dll() { # arch
	dir=$work/link/$1
	mkdir -p "$dir"
	write_program "$dir/api.c" main
	"$(triple "$1")-gcc" $MINGW_CFLAGS -I "$top/$1/include" -o "$dir/api-dll.exe" \
		"$dir/api.c" "$top/$1/lib/libkshm.dll.a" > "$dir/dll.log" 2>&1 ||
		{ sed 's/^/  /' "$dir/dll.log" | head -n 10; return 1; }
	imported_from "$dir/api-dll.exe" kshm.dll | same_as_api "imported from kshm.dll"
}
link_mingw_static() { # arch
	dir=$work/link/$1
	"$(triple "$1")-gcc" $MINGW_CFLAGS -static -I "$top/$1/include" \
		-o "$dir/api-static.exe" "$dir/api.c" "$top/$1/lib/libkshm.a" > "$dir/static.log" 2>&1 ||
		{ sed 's/^/  /' "$dir/static.log" | head -n 10; return 1; }
	! imported_dlls "$dir/api-static.exe" | grep -qix kshm.dll || { why "it imports kshm.dll"; return 1; }
}
link_msvc() { # arch: clang in MSVC mode and lld-link, as a program built with MSVC would link
	dir=$work/link/$1
	case $1 in x64) target=x86_64-pc-windows-msvc machine=x64 ;; x86) target=i686-pc-windows-msvc machine=x86 ;; esac
	write_program "$dir/api-msvc.c" start
	clang-14 --target=$target -ffreestanding -std=c11 -Wall -Wextra -Werror -I "$top/$1/include" \
		-c -o "$dir/api-msvc.obj" "$dir/api-msvc.c" > "$dir/msvc.log" 2>&1 &&
		lld-link-14 /nologo /nodefaultlib /entry:start /subsystem:console /machine:$machine \
			/out:"$dir/api-msvc.exe" "$dir/api-msvc.obj" "$top/$1/lib/kshm.lib" >> "$dir/msvc.log" 2>&1 ||
		{ sed 's/^/  /' "$dir/msvc.log" | head -n 10; return 1; }
	imported_from "$dir/api-msvc.exe" kshm.dll | same_as_api "imported from kshm.dll"
}
# The samples as an author builds them from this package alone: each program with
# the package's headers and static libkshm; each driver's source compiled against the
# package's include folder (and mingw-w64's DDK headers), not the tree's.
sample_program_builds() { # arch sample
	dir=$work/samples/$1
	mkdir -p "$dir"
	"$(triple "$1")-gcc" $MINGW_CFLAGS -static -I "$top/$1/include" -o "$dir/$2.exe" \
		"$top/examples/$2/$2.c" "$top/$1/lib/libkshm.a" > "$dir/$2.log" 2>&1 ||
		{ sed 's/^/  /' "$dir/$2.log" | head -n 10; return 1; }
}
sample_driver_compiles() { # arch sample
	dir=$work/samples/$1
	mkdir -p "$dir"
	clang-14 --target="$(triple "$1")" -fms-extensions -Wno-pragma-pack -ffreestanding -fno-builtin \
		-Wall -Wextra -Werror -Wno-missing-field-initializers -D_KERNEL_MODE \
		-D__INTRINSIC_DEFINED_InterlockedBitTestAndSet -D__INTRINSIC_DEFINED_InterlockedBitTestAndReset \
		-I "$top/$1/include" -I "/usr/$(triple "$1")/include/ddk" \
		-c -o "$dir/kshm_$2.o" "$top/examples/$2/windows/kshm_$2.c" > "$dir/kshm_$2.log" 2>&1 ||
		{ sed 's/^/  /' "$dir/kshm_$2.log" | head -n 10; return 1; }
}
for arch in $ARCHS; do
	for sample in $SAMPLES; do
		check "samples.${sample}_program_builds_from_package_$arch" sample_program_builds "$arch" "$sample"
		check "samples.${sample}_driver_compiles_from_package_$arch" sample_driver_compiles "$arch" "$sample"
	done
done

for arch in $ARCHS; do
	check "libkshm.mingw_links_dll_$arch" link_mingw_dll "$arch"
	check "libkshm.mingw_links_static_$arch" link_mingw_static "$arch"
	check "libkshm.msvc_links_dll_$arch" link_msvc "$arch"
done

# ---- Wine (x64 only: no 32-bit Wine here, docs/windows.md) ----
prefix=$work/wine/prefix
log=$work/wine/wine.log
w() { wine_timeout=$1; shift; timeout "$wine_timeout" "$WINE" "$@" >> "$log" 2>&1; }
wine_start() {
	mkdir -p "$prefix"
	: > "$log"
	WINEPREFIX=$(cd "$prefix" && pwd)
	export WINEPREFIX WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY=
	timeout 120 "$WINE" wineboot -i >> "$log" 2>&1
	timeout 60 "$WINESERVER" -w
	timeout 10 "$WINESERVER" -p >> "$log" 2>&1	# services outlive each program
	timeout 60 "$WINE" wineboot >> "$log" 2>&1
}
wine_stop() { [ -n "${WINEPREFIX:-}" ] && timeout 30 "$WINESERVER" -k >/dev/null 2>&1; return 0; }
dll_runs() { # the x64 program through kshm.dll prints what the static one prints (no driver: ENOENT)
	dir=$work/link/x64
	[ -f "$dir/api-dll.exe" ] && [ -f "$dir/api-static.exe" ] || { why "test programs not built"; return 1; }
	cp "$top/x64/bin/kshm.dll" "$dir/"
	timeout 60 "$WINE" "$dir/api-dll.exe" 2>> "$log" | tr -d '\r' > "$dir/dll.out"
	timeout 60 "$WINE" "$dir/api-static.exe" 2>> "$log" | tr -d '\r' > "$dir/static.out"
	grep -q "^functions $(wc -l < "$API") checksum [0-9a-f]* pattern [0-9]* open -2\$" "$dir/static.out" &&
		cmp -s "$dir/dll.out" "$dir/static.out" ||
		{ why "static: $(cat "$dir/static.out")"; why "dll:    $(cat "$dir/dll.out")"; return 1; }
}
drivers_dir() { echo "$WINEPREFIX/drive_c/windows/system32/drivers"; }
service_key='HKLM\System\CurrentControlSet\Services\kshm'
reg_value() { # key value -> data as `reg query` prints it ("REG_DWORD 0x40")
	timeout 30 "$WINE" reg query "$1" /v "$2" 2>>"$log" | tr -d '\r' |
		awk -v v="$2" 'tolower($1) == tolower(v) { print $2, $3 }'
}
hinf() { # section: what right-click > Install (or rundll32) does with the package's INF
	inf_win=$(timeout 30 "$WINE" winepath -w "$top/x64/driver/kshm.inf" 2>>"$log" | tr -d '\r')
	w 60 rundll32 setupapi.dll,InstallHinfSection "$1" 128 "$inf_win"
}
inf_install_copies() {
	hinf DefaultInstall
	cmp -s "$(drivers_dir)/kshm.sys" "$top/x64/driver/kshm.sys" ||
		{ why "System32\\drivers\\kshm.sys is not the package's (see $log)"; return 1; }
}
inf_install_service() {
	[ "$(reg_value "$service_key" Type)" = "REG_DWORD 0x1" ] &&
		[ "$(reg_value "$service_key" Start)" = "REG_DWORD 0x3" ] &&
		[ "$(reg_value "$service_key" ErrorControl)" = "REG_DWORD 0x1" ] &&
		reg_value "$service_key" ImagePath | grep -qi 'system32\\drivers\\kshm\.sys$' ||
		{ why "service key: $(timeout 30 "$WINE" reg query "$service_key" 2>&1 | tr -d '\r' | tr -s ' ' | tr '\n' ';')"; return 1; }
}
inf_install_parameters() {
	for value in $(inf_parameter_names); do
		got=$(reg_value "$service_key\\Parameters" "$value")
		want=$(inf_parameter_value "$value")
		[ "${got%% *}" = REG_DWORD ] && [ -n "$want" ] && [ "$(number "${got#* }")" = "$want" ] ||
			{ why "$value: '$got', INF $want"; return 1; }
	done
}
driver_starts() {
	w 60 sc start kshm || { why "sc start failed (see $log)"; return 1; }
	timeout 60 "$WINE" "$top/x64/bin/kshm.exe" info > "$work/wine/info.out" 2>> "$log"
	grep -q '^abi version *1 ' "$work/wine/info.out" || { why "kshm.exe info: $(head -n 3 "$work/wine/info.out")"; return 1; }
}
inf_uninstall() { # stopped first, as README.txt says (a loaded driver's file cannot be deleted)
	w 60 sc stop kshm || { why "sc stop failed (see $log)"; return 1; }
	hinf DefaultUninstall
	! timeout 30 "$WINE" reg query "$service_key" >/dev/null 2>&1 || { why "the service key remains"; return 1; }
	[ ! -e "$(drivers_dir)/kshm.sys" ] || { why "System32\\drivers\\kshm.sys remains"; return 1; }
}
if [ -x "$WINE" ]; then
	wine_start
	trap wine_stop EXIT
	check wine.dll_runs_x64 dll_runs
	tap_skip wine.dll_runs_x86 "no 32-bit Wine here (docs/windows.md)"
	check wine.inf_install_copies_driver inf_install_copies
	check wine.inf_install_creates_service inf_install_service
	check wine.inf_install_writes_parameters inf_install_parameters
	check wine.driver_starts_after_inf_install driver_starts
	check wine.inf_uninstall_removes_service_and_file inf_uninstall
	wine_stop
else
	tap_not_ok wine "$WINE missing (scripts/install-deps.sh installs wine64)"
fi
finish
