#!/bin/sh
# buildkey.sh PKGSIGN DIR: make the build's package-signing key pair in DIR
# if there is none. The private key stays here (mode 0600) and never goes
# into git or into a package; only DIR/build.pub is handed out.
set -eu
pkgsign=$1
dir=$2
mkdir -p "$dir"
chmod 700 "$dir"
if [ -f "$dir/build.key" ] && [ -f "$dir/build.pub" ]; then
	exit 0
fi
rm -f "$dir/build.key" "$dir/build.pub"
"$pkgsign" --genkey "$dir/build.key" "$dir/build.pub"
