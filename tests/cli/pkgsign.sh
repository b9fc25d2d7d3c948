# pkgsign.sh - sourced after lib.sh: an admin's own Ed25519 signing key
# ($K/admin.key, $K/admin.pub; the test trusts it), and
#   sign_plugin DIR NAME SO
# which makes DIR a plugin package of the shared object SO named NAME, its
# manifest signed with that key with openssl, as an admin would.
K=$T/keys
mkdir -p -m 700 "$K"
openssl genpkey -algorithm ed25519 -out "$K/admin.key" 2>/dev/null
openssl pkey -in "$K/admin.key" -pubout -out "$K/admin.pub" 2>/dev/null
ABI=$(sed -n 's/^#define SHENLI_PLUGIN_ABI \([0-9][0-9]*\).*/\1/p' \
	"$(dirname "$0")/../../core/include/shenli/plugin.h")
sign_plugin() {
	local d=$1 name=$2 so=$3
	rm -rf "$d"
	mkdir -p "$d"
	cp "$so" "$d/$name.so"
	printf 'name=%s\nkind=plugin\nversion=1\nabi=%s\nfile=%s.so\nsize=%s\nsha256=%s\n' \
		"$name" "$ABI" "$name" "$(stat -c %s "$d/$name.so")" \
		"$(sha256sum "$d/$name.so" | cut -d' ' -f1)" >"$d/manifest"
	openssl pkeyutl -sign -rawin -inkey "$K/admin.key" -in "$d/manifest" -out "$d/manifest.sig"
}
