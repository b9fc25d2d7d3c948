#!/bin/sh
# The guided demo, in a temporary store that is removed afterwards.
# (The full case-review demo arrives with the workflow; this shows the
# foundation: the encrypted store, users and roles, refusals, the audit log.)
set -eu
SHENLI=${1:-build/shenli}
case "$SHENLI" in /*) ;; *) SHENLI="$(pwd)/$SHENLI" ;; esac
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
umask 077
cd "$T"
printf 'correct horse admin\n' > admin.pw
printf 'leader passphrase 1\n' > leader.pw
printf 'member passphrase 1\n' > member.pw
printf 'auditor passphrase 1\n' > auditor.pw
S="$SHENLI --store $T/store.db"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ shenli %s\n' "$*"; $S "$@"; }

step "1. Create an encrypted store with its first admin (scrypt-wrapped key slot)"
run --passphrase-file admin.pw init --admin admin

step "2. The admin adds a panel leader, a member and an auditor"
run --user admin --passphrase-file admin.pw user add wang --role leader --zone Z1 --new-passphrase-file leader.pw
run --user admin --passphrase-file admin.pw user add li --role member --agency ZRJ --zone Z1 --new-passphrase-file member.pw
run --user admin --passphrase-file admin.pw user add zhao --role auditor --new-passphrase-file auditor.pw
run --user admin --passphrase-file admin.pw user list

step "3. A member may not add users: refused (exit 4), and the refusal is audited"
if run --user li --passphrase-file member.pw user add x --role admin --new-passphrase-file member.pw; then
	echo "unexpected: allowed"; exit 1
else
	echo "(exit $?)"
fi

step "4. A wrong passphrase gets exit 3, the same answer as an unknown user"
run --user li --passphrase-file leader.pw user list || echo "(exit $?)"

step "5. The store file is ciphertext: plain sqlite3 cannot read it"
if command -v sqlite3 >/dev/null; then sqlite3 store.db .tables || echo "(sqlite3 refused)"; fi

step "6. The auditor reads the signed, hash-chained audit log"
run --user zhao --passphrase-file auditor.pw audit log

step "7. Note the head, then verify the whole chain against it"
HEAD=$($S --user zhao --passphrase-file auditor.pw audit head)
echo "head: $HEAD"
run --user zhao --passphrase-file auditor.pw audit verify --anchor "$HEAD"

step "8. Flip one byte of a copy of the store: verification fails with exit 6"
cp store.db copy.db; cp -r store.db.keys copy.db.keys
python3 -c "f=open('copy.db','r+b'); f.seek(6000); b=f.read(1); f.seek(6000); f.write(bytes([b[0]^1]))" 2>/dev/null ||
	printf '\001' | dd of=copy.db bs=1 seek=6000 conv=notrunc 2>/dev/null
$SHENLI --store copy.db --user zhao --passphrase-file auditor.pw audit verify || echo "(exit $?)"
echo
echo "demo finished; the temporary store is removed."
