#!/usr/bin/env bash
# A long case import commits in batches of whole dossiers and lets other
# writers in between them (core/import.c, core/turnstile.c):
#
#   - a failure in a later batch (writes past the file size limit: EFBIG):
#     exit 7, the message says how many dossiers were committed, exactly
#     the first that many of the stream are there, each with its one intake
#     entry, and the log verifies;
#   - other users' writes (review return, zone add, a one-dossier import)
#     started while an import of thousands runs: each is done, with no busy
#     error, before the import ends, and its entry lies between the
#     import's own in the log; the import is whole (every dossier there
#     once, one intake entry each, more than one batch signed) and the log
#     verifies;
#   - an import whose input stalls commits what it has: a writer started
#     during the stall is done before more input comes;
#   - review run --all over the thousands now in review commits in batches
#     too (core/review.c): a zone add that queues while the run is stopped
#     inside its first batch is done before the run ends, its entry between
#     the run's, and every case is checked once; a run whose later batch
#     cannot be written says how many cases it committed, lists exactly
#     those with --json, and the log verifies.
#
# Times are printed, not judged (tests/bench/bench_writers measures them).
. "$(dirname "$0")/lib.sh"
[ -r /proc/locks ] || { fail "/proc/locks is needed to see the import writing"; finish; }
. "$(dirname "$0")/cases_setup.sh"
ids_of() { python3 -c 'import json,sys; [print(json.loads(l)["case_id"]) for l in open(sys.argv[1])]' "$1"; }

# --- a later batch fails: what the earlier ones committed stays ---------------
# A fresh store is small: with the file size limit 16 MiB above it, the
# first batch (at most 2048 dossiers, ~10 MiB) fits and a 10000-dossier
# import (~46 MiB) cannot.
"$SHENLI" sample docket --cases 10000 --seed 8 --start 400000 >"$T/big.jsonl"
ids_of "$T/big.jsonl" >"$T/big.ids"
SZ=$(du -k "$STORE" | cut -f1)
(ulimit -f $((SZ + 16384)) && trap '' XFSZ && exec "$SHENLI" --store "$STORE" --user boss \
	--passphrase-file "$T/pw/boss" case import --jsonl "$T/big.jsonl" </dev/null) >"$OUT" 2>"$ERR"
RC=$?
sed -n '1,3s/^/       | /p' "$ERR"
check "an import whose later batch cannot be written exits 7 ($RC)" test "$RC" = 7
K=$(sed -n 's/.*the first \([0-9]*\) dossiers decided were committed.*/\1/p' "$ERR")
check "it says how many dossiers its earlier batches committed (${K:-none})" \
	test -n "$K" -a "${K:-0}" -gt 0 -a "${K:-0}" -lt 10000
check "what it printed is exactly the first $K dossiers: none it rolled back" \
	python3 - "$OUT" "$T/big.ids" "${K:-0}" <<'PY'
import sys
said = [l.split()[0] for l in open(sys.argv[1]) if l.strip() and not l.startswith(" ")]
ids = open(sys.argv[2]).read().split()
k = int(sys.argv[3])
if said != ids[:k]: print("       said %d, first %s" % (len(said), said[:2]))
sys.exit(0 if said == ids[:k] else 1)
PY
expect_rc 0 as aud audit verify
expect_rc 0 as boss case list --json
check "exactly the first $K dossiers of the stream are there" python3 - "$OUT" "$T/big.ids" "${K:-0}" <<'PY'
import json, sys
have = {c["case_id"] for c in json.load(open(sys.argv[1]))}
ids = open(sys.argv[2]).read().split()
k = int(sys.argv[3])
bad = [i for i in ids[:k] if i not in have] + [i for i in ids[k:] if i in have]
if bad: print("       %d wrong, e.g. %s" % (len(bad), bad[:3]))
sys.exit(1 if bad else 0)
PY
expect_rc 0 as aud audit log --json
check "each of them has one intake entry, the others none" python3 - "$OUT" "$T/big.ids" "${K:-0}" <<'PY'
import collections, json, sys
n = collections.Counter(e["object"] for e in json.load(open(sys.argv[1])) if e["action"] == "case.intake")
ids = open(sys.argv[2]).read().split()
k = int(sys.argv[3])
sys.exit(0 if all(n[i] == 1 for i in ids[:k]) and not any(n[i] for i in ids[k:]) else 1)
PY
# the same with --json, again (the first K now duplicates, refused): one
# JSON document still, of exactly the dossiers whose batches committed
SZ=$(du -k "$STORE" | cut -f1)
(ulimit -f $((SZ + 16384)) && trap '' XFSZ && exec "$SHENLI" --store "$STORE" --user boss \
	--passphrase-file "$T/pw/boss" case import --jsonl "$T/big.jsonl" --json </dev/null) \
	>"$T/j.out" 2>"$T/j.err"
RC=$?
K2=$(sed -n 's/.*the first \([0-9]*\) dossiers decided were committed.*/\1/p' "$T/j.err")
check "--json: it fails the same way ($RC, ${K2:-none} committed)" test "$RC" = 7 -a -n "$K2"
check "--json: one document, of exactly the first $K2 dossiers" \
	python3 - "$T/j.out" "$T/big.ids" "${K2:-0}" <<'PY'
import json, sys
said = [o["case_id"] for o in json.load(open(sys.argv[1]))]
ids = open(sys.argv[2]).read().split()
sys.exit(0 if said == ids[:int(sys.argv[3])] else 1)
PY
expect_rc 0 as aud audit verify

# --- other writers beside a long import ------------------------------------------
# a case of zone Z1 in review, for lead's return
z1_dossier none "$T/z1.json" || fail "no zone Z1 sample dossier"
CID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["case_id"])' "$T/z1.json")
expect_rc 0 as lead case import "$T/z1.json"
expect_rc 0 as lead case assign "$CID" m1 m3
"$SHENLI" sample docket --cases 1 --seed 8 --start 690000 >"$T/one.jsonl"
ONE=$(ids_of "$T/one.jsonl")
# the import: long enough that the others' unlock and open fit inside it
N=${SHENLI_BATCH_N:-$([ -n "${SHENLI_SANITIZED:-}" ] && echo 10000 || echo 16000)}
"$SHENLI" sample docket --cases "$N" --seed 8 --start 700000 >"$T/long.jsonl"
ids_of "$T/long.jsonl" >"$T/long.ids"
INO=$(stat -c %i "$STORE.lock")
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# bg NAME USER ARGS...: in the background -> $T/NAME.{out,err} and
# $T/NAME.rc ("exit start_ms end_ms")
bg() {
	local n=$1
	shift
	(
		s=$(now_ms)
		as "$@" >"$T/$n.out" 2>"$T/$n.err" </dev/null
		r=$?
		echo "$r $s $(now_ms)" >"$T/$n.rc"
	) &
}
bg imp boss case import --jsonl "$T/long.jsonl"
# the import's turn (byte 1 of store.db.lock, locked for writing) shows
# that it is writing: then the others start
for _ in $(seq 3000); do
	grep -Eq "OFDLCK +ADVISORY +WRITE .*:$INO 1 1\$" /proc/locks && break
	[ -e "$T/imp.rc" ] && break
	sleep 0.005
done
check "the others start while the import writes" test ! -e "$T/imp.rc"
bg ret lead review return "$CID" --kind supplement --item "补充调取银行流水" --ref F1
bg zone root zone add ZB1 --name "batch test zone"
bg one lead case import --jsonl "$T/one.jsonl"
wait
read -r IRC IS IE <"$T/imp.rc"
echo "       import of $N: exit $IRC, $((IE - IS)) ms"
for n in ret zone one; do
	read -r r s e <"$T/$n.rc"
	echo "       $n: exit $r, $((e - s)) ms, done $((IE - e)) ms before the import"
	# (the one dossier may be deferred or refused: exit 1, decided)
	check "$n beside the import: done (exit $r)" test "$r" = 0 -o "$n$r" = one1 || _show "$T/$n.err"
	check "$n: no busy error" eval '! grep -q busy "$T/$n.err"'
	check "$n: done before the import was" test "$e" -lt "$IE"
done
check "the import: every dossier decided (exit $IRC)" test "$IRC" -le 1
check "the import's summary counts all $N" grep -q "^$N dossiers: " "$T/imp.out"
expect_rc 0 as aud audit verify
expect_rc 0 as aud audit log --json
cp "$OUT" "$T/log.json"
check "each dossier of the import has one intake entry, and it took more than one batch" \
	python3 - "$T/log.json" "$T/long.ids" <<'PY'
import collections, json, sys
log = json.load(open(sys.argv[1]))
ids = set(open(sys.argv[2]).read().split())
mine = [e for e in log if e["action"] == "case.intake" and e["object"] in ids]
n = collections.Counter(e["object"] for e in mine)
signed = sum(1 for e in mine if e["signed"])
print("       %d intake entries, %d batches signed" % (len(mine), signed))
sys.exit(0 if len(n) == len(ids) and set(n.values()) == {1} and signed > 1 else 1)
PY
check "the others' entries lie between the import's first and last" \
	python3 - "$T/log.json" "$T/long.ids" "$CID" "$ONE" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
ids = set(open(sys.argv[2]).read().split())
seqs = [e["seq"] for e in log if e["action"] == "case.intake" and e["object"] in ids]
lo, hi = min(seqs), max(seqs)
theirs = {
    "review.return": [e["seq"] for e in log if e["action"] == "review.return" and e["object"] == sys.argv[3]],
    "zone.add": [e["seq"] for e in log if e["action"] == "zone.add" and e["object"] == "ZB1"],
    "case.intake": [e["seq"] for e in log if e["action"] == "case.intake" and e["object"] == sys.argv[4]],
}
bad = {k: v for k, v in theirs.items() if len(v) != 1 or not lo < v[0] < hi}
if bad: print("       outside %d..%d: %s" % (lo, hi, bad))
sys.exit(1 if bad else 0)
PY
expect_rc 0 as lead case show "$CID" --json
check "the return took" pyjson 'd["state"] == "returned" and d["returns"] == 1' "$OUT"

# --- input that stalls does not hold the store -------------------------------
# 600 dossiers through a pipe (more than a batch's least, BATCH_MIN), then
# nothing for a while: the import commits what it has (core/import.c,
# wait_input) and another writer started during the stall is done before
# any more input comes. Held to the end instead, the zone add would wait
# for the writers' turn past its busy timeout (10 s) and fail.
"$SHENLI" sample docket --cases 610 --seed 8 --start 800000 >"$T/stall.jsonl"
python3 - "$T" "$SHENLI" "$STORE" "$T/pw" <<'PY'
import os, subprocess, sys, time
t, shenli, store, pw = sys.argv[1:]
def cmd(user, *args):
    return [shenli, "--store", store, "--user", user, "--passphrase-file", os.path.join(pw, user)] + list(args)
lines = open(os.path.join(t, "stall.jsonl"), "rb").read().splitlines(True)
o = lambda n: open(os.path.join(t, n), "w")
imp = subprocess.Popen(cmd("boss", "case", "import", "--jsonl", "-"), stdin=subprocess.PIPE,
                       stdout=o("stall.out"), stderr=o("stall.err"))
imp.stdin.write(b"".join(lines[:600]))
imp.stdin.flush()
time.sleep(1)
z = subprocess.run(cmd("root", "zone", "add", "ZB4", "--name", "beside a stalled import"),
                   stdout=o("z4.out"), stderr=o("z4.err"), stdin=subprocess.DEVNULL)
running = imp.poll() is None
imp.stdin.write(b"".join(lines[600:]))
imp.stdin.close()
o("stall.rc").write("%d %d %d\n" % (imp.wait(), z.returncode, running))
PY
read -r IRC ZRC RUNNING <"$T/stall.rc"
check "a zone add while the import's input stalls: done (exit $ZRC), no busy error" test "$ZRC" = 0 || _show "$T/z4.err"
check "... while the import still waited for input" test "$RUNNING" = 1
check "the stalled import: every dossier decided (exit $IRC)" test "$IRC" -le 1 || _show "$T/stall.err"
check "the stalled import's summary counts all 610" grep -q "^610 dossiers: " "$T/stall.out"
expect_rc 0 as aud audit verify

# --- the turnstile's file: readers never touch it; only a file of ours -------
rm -f "$STORE.lock"
expect_rc 0 as boss case list --json
expect_rc 0 as aud audit verify
check "commands that only read neither make nor lock store.db.lock" test ! -e "$STORE.lock"
expect_rc 0 as root zone add ZB2 --name "another zone"
check "a write makes it, mode 600" test "$(stat -c %a "$STORE.lock")" = 600
chmod 620 "$STORE.lock"
expect_rc 6 as root zone add ZB3 --name "refused"
check "one writable by the group is refused, saying so" grep -q "store.db.lock is writable by group or others" "$ERR"
expect_rc 0 as boss case list --json
rm -f "$STORE.lock"
: >"$T/elsewhere"
ln -s "$T/elsewhere" "$STORE.lock"
expect_rc 6 as root zone add ZB3 --name "refused"
check "a symbolic link is not followed" grep -q "store.db.lock: not a regular file" "$ERR"
rm -f "$STORE.lock"
expect_rc 0 as root zone add ZB3 --name "a zone"
expect_rc 0 as aud audit verify
# --- review run --all in batches beside another writer ---------------------------
PK=${SHENLI_PACKAGES:-}
if [ -d "$PK/evidence" ] && [ -f "${SHENLI_BUILD_PUB:-}" ]; then
	as root keys trust "$SHENLI_BUILD_PUB" --comment "the build's key" >/dev/null
	as root rules install "$PK/rules" >/dev/null
	for p in evidence classification procedure; do as root plugin install "$PK/$p" >/dev/null; done
	# stopped (SIGSTOP) as soon as it holds the writers' turn, in its first
	# batch; the zone add starts, unlocks and queues; then the run goes on
	INO=$(stat -c %i "$STORE.lock") # made again above
	python3 - "$INO" "$T" "$SHENLI" "$STORE" "$T/pw" <<'PY'
import os, re, signal, subprocess, sys, time
ino, t, shenli, store, pw = sys.argv[1:]
def cmd(user, *args):
    return [shenli, "--store", store, "--user", user, "--passphrase-file", os.path.join(pw, user)] + list(args)
def writing():
    return any(re.search(r"OFDLCK +ADVISORY +WRITE .*:%s 1 1$" % ino, l) for l in open("/proc/locks"))
o = lambda n: open(os.path.join(t, n), "w")
run = subprocess.Popen(cmd("boss", "review", "run", "--all", "--json"), stdout=o("rev.out"), stderr=o("rev.err"), stdin=subprocess.DEVNULL)
while run.poll() is None and not writing():
    time.sleep(0.0005)
stopped = run.poll() is None
if stopped:
    os.kill(run.pid, signal.SIGSTOP)
zone = subprocess.Popen(cmd("root", "zone", "add", "ZB9", "--name", "beside the review"), stdout=o("z9.out"), stderr=o("z9.err"), stdin=subprocess.DEVNULL)
time.sleep(3)  # its unlock, then it waits for the turn
if stopped:
    os.kill(run.pid, signal.SIGCONT)
done = {}
while len(done) < 2:
    for n, p in (("rev", run), ("zone", zone)):
        if n not in done and p.poll() is not None:
            done[n] = (p.returncode, time.monotonic())
    time.sleep(0.001)
o("rev.rc").write("%d %d\n" % (done["rev"][0], stopped))
o("z9.rc").write("%d %d\n" % (done["zone"][0], done["zone"][1] < done["rev"][1]))
PY
	read -r RRC STOPPED <"$T/rev.rc"
	read -r ZRC ZFIRST <"$T/z9.rc"
	check "the review run was stopped inside its first batch" test "$STOPPED" = 1
	check "review run --all beside a writer: every case checked (exit $RRC)" test "$RRC" -le 1 || _show "$T/rev.err"
	check "the zone add beside it: done (exit $ZRC), no busy error" test "$ZRC" = 0 || _show "$T/z9.err"
	check "... and done before the run was" test "$ZFIRST" = 1
	expect_rc 0 as aud audit verify
	expect_rc 0 as aud audit log --json
	cp "$OUT" "$T/log2.json"
	check "the run's entries, one per case, in more than one batch, and the zone add's between them" \
		python3 - "$T/log2.json" "$T/rev.out" <<'PY'
import collections, json, sys
log = json.load(open(sys.argv[1]))
ids = {r["case_id"] for r in json.load(open(sys.argv[2]))}
zone = [e["seq"] for e in log if e["action"] == "zone.add" and e["object"] == "ZB9"]
# no plugin was installed before: every review.run entry is this run's
mine = [e for e in log if e["action"] == "review.run"]
n = collections.Counter(e["object"] for e in mine)
signed = sum(1 for e in mine if e["signed"])
lo, hi = min(e["seq"] for e in mine), max(e["seq"] for e in mine)
print("       %d cases checked, %d review.run entries, %d batches signed, zone add at %s in %d..%d" % (len(ids), len(mine), signed, zone, lo, hi))
sys.exit(0 if len(ids) > 4096 and set(n) == ids and set(n.values()) == {1} and signed > 1 and len(zone) == 1 and lo < zone[0] < hi else 1)
PY
	# --- a review run whose later batch fails: what was committed stays ---
	# The cases are checked again. Once the run's first rows are out (after
	# its first commit) it is stopped, its file size limit lowered to 1 MiB
	# (the store is far larger: a later batch cannot be written, EFBIG),
	# and it goes on. Its message says how many cases were committed; its
	# --json lists exactly those; the log has their entries and verifies.
	HEAD0=$(as aud audit head | cut -d: -f1)
	python3 - "$T" "$SHENLI" "$STORE" "$T/pw" <<'PY'
import os, resource, signal, subprocess, sys, time
t, shenli, store, pw = sys.argv[1:]
o = lambda n: open(os.path.join(t, n), "w")
def nofsz():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead
run = subprocess.Popen([shenli, "--store", store, "--user", "boss", "--passphrase-file", os.path.join(pw, "boss"),
                        "review", "run", "--all", "--json"], stdout=o("rev2.out"), stderr=o("rev2.err"),
                       stdin=subprocess.DEVNULL, preexec_fn=nofsz)
out = os.path.join(t, "rev2.out")
while run.poll() is None and os.path.getsize(out) == 0:
    time.sleep(0.0005)
stopped = run.poll() is None
if stopped:
    os.kill(run.pid, signal.SIGSTOP)
    resource.prlimit(run.pid, resource.RLIMIT_FSIZE, (1 << 20, resource.RLIM_INFINITY))
    os.kill(run.pid, signal.SIGCONT)
o("rev2.rc").write("%d %d\n" % (run.wait(), stopped))
PY
	read -r RRC STOPPED <"$T/rev2.rc"
	sed -n '1,3s/^/       | /p' "$T/rev2.err"
	check "the second review run was stopped after its first commit" test "$STOPPED" = 1
	check "a review run whose later batch cannot be written exits 7 ($RRC)" test "$RRC" = 7
	K=$(sed -n 's/.*the findings of the first \([0-9]*\) case(s) checked were committed.*/\1/p' "$T/rev2.err")
	check "it says how many cases its earlier batches committed (${K:-none})" \
		test -n "$K" -a "${K:-0}" -gt 0
	expect_rc 0 as aud audit verify
	expect_rc 0 as aud audit log --json
	check "its --json lists exactly those $K cases, each with one new review.run entry" \
		python3 - "$OUT" "$T/rev2.out" "${K:-0}" "$HEAD0" <<'PY'
import collections, json, sys
log = json.load(open(sys.argv[1]))
rows = json.load(open(sys.argv[2]))
k, head0 = int(sys.argv[3]), int(sys.argv[4])
ids = [r["case_id"] for r in rows]
n = collections.Counter(e["object"] for e in log if e["action"] == "review.run" and e["seq"] > head0)
print("       %d rows, %d new review.run entries" % (len(ids), sum(n.values())))
sys.exit(0 if len(ids) == k and set(ids) == set(n) and set(n.values()) == {1} else 1)
PY
else
	fail "SHENLI_PACKAGES / SHENLI_BUILD_PUB not set: the review run's batches are not tested"
fi
finish
