# cases_setup.sh - sourced after lib.sh: a store with the sample docket's
# zones and agencies and a panel.
#   admin   root
#   leader  lead (zone Z1), boss (no zone: the review office, all zones)
#   member  m1 (home agency ZRJ, Z1), m2 (home ZCJ, Z1), m3 (Z1), m9 (Z2)
#   specialist sp (home agency of zone Z2)
#   auditor aud
for u in root lead boss m1 m2 m3 m9 sp aud; do pwfile "$u" "passphrase of $u" >/dev/null; done
sl --passphrase-file "$T/pw/root" init --admin root >/dev/null || { fail "init"; finish; }
"$SHENLI" sample zones | while IFS="$(printf '\t')" read -r code name; do
	as root zone add "$code" --name "$name" >/dev/null || echo "zone add $code failed" >&2
done
"$SHENLI" sample agencies | while IFS="$(printf '\t')" read -r code zone name; do
	as root agency add "$code" --name "$name" --zone "$zone" >/dev/null || echo "agency add $code failed" >&2
done
Z2AG=$("$SHENLI" sample agencies | awk -F'\t' '$2=="Z2"{print $1; exit}')
adduser() { as root user add "$1" --role "$2" "${@:3}" --new-passphrase-file "$T/pw/$1" >/dev/null && enrol "$1"; }
adduser lead leader --zone Z1
adduser boss leader
adduser m1 member --agency ZRJ --zone Z1
adduser m2 member --agency ZCJ --zone Z1
adduser m3 member --zone Z1
adduser m9 member --zone Z2
adduser sp specialist --agency "$Z2AG" --zone Z2
adduser aud auditor
EXAMPLE=$(dirname "$0")/../fixtures/dossiers/example.json
# The agencies of zone Z1, space-separated and padded (" A B "), and
# z1_dossier FAULT FILE: into FILE, the first sample dossier (seed 5, from
# index 300) with FAULT that a zone-Z1 agency none of the members m1, m2
# comes from (ZRJ, ZCJ) transferred; 1 if there is none.
Z1=" $("$SHENLI" sample agencies | awk -F'\t' '$2=="Z1"{printf "%s ", $1}')"
z1_dossier() {
	local i ag
	for i in $(seq 300 900); do
		"$SHENLI" sample docket --cases 1 --seed 5 --start "$i" --fault "$1" >"$2"
		ag=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["agency"])' "$2")
		case "$ag" in ZRJ | ZCJ) continue ;; esac
		case "$Z1" in *" $ag "*) return 0 ;; esac
	done
	return 1
}
# install_checks [gates]: the build's key trusted, the rules and the three
# checks installed (PK: the packages, checked by the suite); with "gates",
# the five sign-off gate scripts too.
install_checks() {
	local p
	as root keys trust "$SHENLI_BUILD_PUB" --comment "the build's key" >/dev/null
	as root rules install "$PK/rules" >/dev/null
	for p in evidence classification procedure; do as root plugin install "$PK/$p" >/dev/null; done
	[ "${1:-}" = gates ] || return 0
	for p in gate_findings gate_outline gate_opinions gate_panel gate_dates; do
		as root script install "$PK/$p" >/dev/null
	done
}
