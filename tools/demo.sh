#!/bin/sh
# The guided demo, in a temporary store that is removed afterwards.
# (The full review workflow - checks, returns, opinions, sign-off, reports -
# arrives with later work; this shows what stands today.)
set -eu
SHENLI=${1:-build/shenli}
case "$SHENLI" in /*) ;; *) SHENLI="$(pwd)/$SHENLI" ;; esac
BUILD=$(dirname "$SHENLI")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
umask 077
cd "$T"
for u in admin wang li zhang chen zhao; do printf 'passphrase of %s!\n' "$u" > "$u.pw"; done
S="$SHENLI --store $T/store.db"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ shenli %s\n' "$*"; $S "$@"; }
as() { u=$1; shift; run --user "$u" --passphrase-file "$u.pw" "$@"; }

step "1. An encrypted store with its first admin, trusting the build's signing key"
run --passphrase-file admin.pw init --admin admin --trust "$BUILD/signing/build.pub"

step "1b. The admin installs the signed rules and the three built-in check plugins"
as admin rules install "$BUILD/packages/rules"
for p in evidence classification procedure; do as admin plugin install "$BUILD/packages/$p"; done

step "2. Zones and agencies of the sample docket (3 zones, 36 agencies)"
$SHENLI sample zones | while IFS="$(printf '\t')" read -r c n; do $S --user admin --passphrase-file admin.pw zone add "$c" --name "$n" >/dev/null; done
$SHENLI sample agencies | while IFS="$(printf '\t')" read -r c z n; do $S --user admin --passphrase-file admin.pw agency add "$c" --name "$n" --zone "$z" >/dev/null; done
as admin agency list | head -5; echo "   ..."

step "3. The panel of zone Z1: a leader, members (li's home agency is ZRJ), an auditor"
as admin user add wang --role leader --zone Z1 --new-passphrase-file wang.pw
as admin user add li --role member --agency ZRJ --zone Z1 --new-passphrase-file li.pw
as admin user add zhang --role member --zone Z1 --new-passphrase-file zhang.pw
as admin user add chen --role member --zone Z1 --new-passphrase-file chen.pw
as admin user add zhao --role auditor --new-passphrase-file zhao.pw

step "4. Intake: 40 generated dossiers; each accepted, deferred with what is missing, or refused"
$SHENLI sample docket --cases 40 --seed 7 > docket.jsonl
as wang case import --jsonl docket.jsonl | tail -12 || true

step "5. A malformed dossier is refused before anything is written (exit 5)"
echo '{"format":"shenli.case/1","case_id":42}' > bad.json
as wang case import bad.json || echo "(exit $?)"

CASE=$($S --user wang --passphrase-file wang.pw case list --agency ZRJ --state accepted --json |
	python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[0]["case_id"] if d else "")' 2>/dev/null || true)
if [ -n "$CASE" ]; then
	step "6. Assigning $CASE (from ZRJ): li must be recused (exit 4, audited)"
	as wang case assign "$CASE" li zhang || echo "(exit $?)"
	as wang case assign "$CASE" zhang chen
	as zhang case show "$CASE" | head -12
	as li case show "$CASE" || echo "(exit $?: li cannot even read it)"
fi

step "6b. The checks run on every case under review; one case's findings, in Chinese"
as wang review run --all | tail -1 || true
BAD=$($S --user wang --passphrase-file wang.pw case list --state accepted --json |
	python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[-1]["case_id"] if d else "")' 2>/dev/null || true)
[ -n "$BAD" ] && as wang review findings "$BAD" | head -14

step "7. The auditor verifies the signed, hash-chained log against its head"
HEAD=$($S --user zhao --passphrase-file zhao.pw audit head)
as zhao audit verify --anchor "$HEAD"

step "8. One flipped byte in a copy of the store: exit 6"
cp store.db copy.db; cp -r store.db.keys copy.db.keys
printf '\001' | dd of=copy.db bs=1 seek=6000 conv=notrunc 2>/dev/null
$SHENLI --store copy.db --user zhao --passphrase-file zhao.pw audit verify || echo "(exit $?)"
echo
echo "demo finished; the temporary store is removed."
