#!/bin/sh
# Lay out and zip the Windows package (make windows-package):
#   stage.sh WIN_DIR VERSION ZIP ARCH...
# WIN_DIR holds what `make windows` built per ARCH (kshm.sys, kshm.pdb, ...) and
# kshm.def. The zip holds one top directory, kshm-VERSION-windows/:
#   README.txt, LICENSE.txt                      (CRLF line ends)
#   ARCH/driver/kshm.sys                         test-signed (windows/sign-test.sh)
#   ARCH/driver/kshm.inf, kshm-test.cer          the INF; the certificate that signed it
#   ARCH/driver/unsigned/kshm.sys                the same image without a signature
#   ARCH/bin/kshm.exe, smoke.exe, kshm.dll
#   ARCH/lib/libkshm.a, libkshm.dll.a            mingw-w64: static, import library
#   ARCH/lib/kshm.lib, kshm.def                  MSVC import library, the exports
#   ARCH/include/kshm.h, include/kshm/*.h        the public headers
#   ARCH/symbols/kshm.pdb (driver), kshm-tool.pdb (kshm.exe), smoke.pdb, kshm-dll.pdb
#   ARCH/examples/kshm_tick.sys, kshm_crc.sys    the kernel API's sample drivers, test-signed
#   ARCH/examples/tick.exe, crc.exe              their programs
#   examples/...                                 their sources, as in the tree's examples/
# No catalog (.cat): no Debian tool writes one (docs/windows.md, "No catalog").
# windows/package/check.sh checks the result against its own list of these files.
set -eu
win=$1
version=$2
zip=$3
shift 3
name=kshm-$version-windows
SAMPLES="tick crc"
stage=$win/package
top=$stage/$name
keys=$win/testsign

crlf() { sed 's/\r*$/\r/' "$1" > "$2"; }

rm -rf "$stage"
mkdir -p "$top"
sed "s/@VERSION@/$version/g" windows/package/README.txt > "$stage/README.tmp"
crlf "$stage/README.tmp" "$top/README.txt"
rm -f "$stage/README.tmp"
# LICENSE.txt names the licences; the GPL's text (one of the choices for the
# driver and the headers) follows it, from Debian's base-files.
cat windows/package/LICENSE.txt /usr/share/common-licenses/GPL-2 > "$stage/LICENSE.tmp"
crlf "$stage/LICENSE.tmp" "$top/LICENSE.txt"
rm -f "$stage/LICENSE.tmp"

for arch in "$@"; do
	from=$win/$arch
	to=$top/$arch
	mkdir -p "$to/driver/unsigned" "$to/bin" "$to/lib" "$to/include/kshm" "$to/symbols"
	cp "$from/kshm.sys" "$to/driver/unsigned/kshm.sys"
	# Both architectures are signed in this one process: sign-test.sh makes the key
	# on first use, and two runs at once would race for it.
	windows/sign-test.sh "$from/kshm.sys" "$to/driver/kshm.sys" "$keys"
	cp "$keys/kshm-test.cer" "$to/driver/"
	crlf windows/kshm.inf "$to/driver/kshm.inf"
	cp "$from/kshm.exe" "$from/smoke.exe" "$from/kshm.dll" "$to/bin/"
	cp "$from/libkshm.a" "$from/libkshm.dll.a" "$from/kshm.lib" "$win/kshm.def" "$to/lib/"
	cp include/kshm.h "$to/include/"
	cp include/kshm/*.h "$to/include/kshm/"
	cp "$from/kshm.pdb" "$from/kshm-tool.pdb" "$from/smoke.pdb" "$from/kshm-dll.pdb" \
	   "$to/symbols/"
	mkdir -p "$to/examples"
	for sample in $SAMPLES; do
		windows/sign-test.sh "$from/kshm_$sample.sys" "$to/examples/kshm_$sample.sys" "$keys"
		cp "$from/$sample.exe" "$to/examples/"
	done
done

# The samples' sources, where a driver author starts from (docs/kernel-api.md): each
# driver includes ../../windows_sample.h and its ../kshm_NAME.h, each program
# ../sample_device.h, and both the package's include folder.
mkdir -p "$top/examples"
cp examples/sample_device.h examples/windows_sample.h "$top/examples/"
for sample in $SAMPLES; do
	mkdir -p "$top/examples/$sample/windows"
	cp "examples/$sample/kshm_$sample.h" "examples/$sample/$sample.c" "$top/examples/$sample/"
	cp "examples/$sample/windows/kshm_$sample.c" "$top/examples/$sample/windows/"
done

# Entries in name order, no extra attributes (-X), so the listing is the same every time.
rm -f "$zip"
zip_abs=$(cd "$(dirname "$zip")" && pwd)/$(basename "$zip")
(cd "$stage" && find "$name" -type f | LC_ALL=C sort | zip -q -X -@ "$zip_abs")
echo "wrote $zip"
