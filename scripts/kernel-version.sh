#!/bin/sh
# The newest installed Debian kernel that has a module build tree. Never
# `uname -r`: that is the host's kernel, which may have no headers here.
for dir in $(ls -d /lib/modules/*/build 2>/dev/null | sort -V -r); do
	ver=${dir#/lib/modules/}
	ver=${ver%/build}
	if [ -e "/boot/vmlinuz-$ver" ]; then
		echo "$ver"
		exit 0
	fi
done
exit 1
