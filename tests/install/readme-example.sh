#!/bin/sh
# The README's "Using libkshm" example, as printed there, inside a main() that
# returns 0 when the kernel's checksum matches (-1 when there is no device):
# the program install-check and package-check build against what they installed.
#
#   tests/install/readme-example.sh [README] > example.c
readme=${1:-README.md}
echo '#include <string.h>'
sed -n '/^## Using libkshm/,/^```$/p' "$readme" | sed '1,/^```c$/d; /^```$/d' |
	awk '/^#include/ { print; next } !body { print "int main(void)\n{"; body = 1 } { print "\t" $0 }
	     END { print "\treturn sum == kshm_checksum(\"hello\", 5) ? 0 : 1;\n}" }'
