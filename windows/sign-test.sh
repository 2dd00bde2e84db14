#!/bin/sh
# Test-sign kshm.sys for a machine in test-signing mode (docs/windows.md).
#
#   windows/sign-test.sh IN.sys OUT.sys [KEY_DIR]
#
# Makes (once, in KEY_DIR, default build/windows/testsign) a self-signed
# code-signing certificate and key with openssl, signs IN.sys into OUT.sys
# with osslsigncode (SHA-256 Authenticode), and verifies the signature
# against that certificate. The certificate (kshm-test.cer) must be added to
# the test machine's "Trusted Root" and "Trusted Publishers" stores. Never
# use this for anything but a test machine: the key is unprotected.
set -eu
in=$1
out=$2
keys=${3:-build/windows/testsign}

mkdir -p "$keys"
if [ ! -f "$keys/kshm-test.key" ] || [ ! -f "$keys/kshm-test.pem" ]; then
	openssl req -x509 -newkey rsa:3072 -sha256 -days 365 -nodes \
		-subj "/CN=kshm test signing/O=kshm developers" \
		-addext "keyUsage=critical,digitalSignature" \
		-addext "extendedKeyUsage=codeSigning" \
		-keyout "$keys/kshm-test.key" -out "$keys/kshm-test.pem" 2>/dev/null
	openssl x509 -in "$keys/kshm-test.pem" -outform DER -out "$keys/kshm-test.cer"
fi
rm -f "$out"
osslsigncode sign -h sha256 -certs "$keys/kshm-test.pem" -key "$keys/kshm-test.key" \
	-n "kshm" -in "$in" -out "$out" >/dev/null
osslsigncode verify -CAfile "$keys/kshm-test.pem" -in "$out" >/dev/null
echo "signed $out (certificate $keys/kshm-test.cer)"
