#!/bin/sh
# The test kernels by name, built when missing: prints the cache directory of
# tests/kernels/build.sh (bzImage, build/, version).
#
#   tests/kernels/kernel.sh NAME      NAME: 6.12, 7.2 or debug
#
# Debian 12's own 6.1 is not here: the VM suite boots the installed
# linux-image-amd64 for it. To follow a newer kernel, change its row.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
case "${1:-}" in
6.12)	suite=trixie; package=linux-source-6.12; fragments="base.config" ;;	# the LTS of Debian 13
7.2)	suite=sid; package=linux-source-7.2; fragments="base.config" ;;	# the newest Debian ships
debug)	suite=sid; package=linux-source-7.2; fragments="base.config debug.config" ;;
*)	echo "usage: $0 6.12|7.2|debug" >&2; exit 2 ;;
esac
tarball=$("$here/sources.sh" "$suite" "$package")
set -- "$1" "$tarball"
for f in $fragments; do
	set -- "$@" "$here/$f"
done
exec "$here/build.sh" "$@"
