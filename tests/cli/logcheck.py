#!/usr/bin/env python3
"""A verifier of shenli's audit log written from doc/log.md alone.

usage: logcheck.py LOG.json HEAD [CASE_ID=OPINIONS.json...]

LOG.json is an auditor's `audit log --json` (from entry 1), HEAD the text of
`audit head` (SEQ:HASH), each OPINIONS.json the `review opinions --json`
of case CASE_ID.
Checks the chain, every transaction's signature under the key the log gave
its actor, every enrolment's signature under its user.add one-time key, and
the signature of every opinion given. Prints what it checked; exit 0 if all
held, 1 with the first faults otherwise. It imports nothing of shenli's, so
that the log is shown to stand on its documentation.
"""
import hashlib
import json
import struct
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def canon(d):
    if isinstance(d, str):  # details that are not JSON stay as written
        return d.encode()
    return json.dumps(d, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()


def lp(b):
    return struct.pack(">I", len(b)) + b


def be64(n):
    return struct.pack(">Q", n)


def entry_hash(sid, prev, e):
    return hashlib.sha256(
        b"shenli.audit.v1\0" + sid + prev + be64(e["seq"]) + be64(e["ts_ms"])
        + lp(e["actor"].encode()) + lp(e["action"].encode())
        + lp(e["object"].encode()) + lp(canon(e["details"]))).digest()


def verifies(pub_hex, sig_hex, msg):
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(pub_hex)).verify(
            bytes.fromhex(sig_hex), msg)
        return True
    except (InvalidSignature, ValueError, TypeError):
        return False


def opinion_bodies(paths):
    """(case_id, author, panel) -> [candidate bodies], from review opinions
    --json: the opinion's own fields with its format and case id; an empty
    dissent may or may not have been written (doc/log.md), so both."""
    meta = ("author", "author_name", "author_agency", "author_role", "panel",
            "recorded_on", "recorded_ms", "sig_key", "withdrawn")
    out = {}
    for arg in paths:
        case_id, _, p = arg.partition("=")
        for o in json.load(open(p)):
            body = {k: v for k, v in o.items() if k not in meta}
            body.update({"format": "shenli.opinion/1", "case_id": case_id})
            key = (case_id, o["author"], 1 if o["panel"] else 0)
            out.setdefault(key, []).append(body)
            if body.get("dissent") == []:
                out[key].append({k: v for k, v in body.items()
                                 if k != "dissent"})
    return out


def main():
    log = json.load(open(sys.argv[1]))
    head = open(sys.argv[2]).read().strip()
    bodies = opinion_bodies(sys.argv[3:])
    faults, n_sig, n_enrol, n_op = [], 0, 0, 0
    sid = bytes.fromhex(log[0]["details"]["store_id"])
    prev = bytes(32)
    keys, onetime = {}, {}
    tx = []
    for e in log:
        d = e["details"] if isinstance(e["details"], dict) else {}
        if entry_hash(sid, prev, e).hex() != e["hash"]:
            faults.append(f"entry {e['seq']}: hash")
        prev = bytes.fromhex(e["hash"])
        if tx and (tx[0]["actor"], tx[0]["ts_ms"]) != (e["actor"], e["ts_ms"]):
            faults.append(f"entry {e['seq']}: transaction before it unsigned")
            tx = []
        tx.append(e)
        act = e["action"]
        if act == "store.init":
            keys[e["object"]] = d["pubkey"]
        elif act == "user.add":
            onetime[e["object"]] = d["enrol_pub"]
        elif act == "user.enrol":
            u = e["object"].encode()
            msg = (b"shenli.enrol.v1\0" + sid + bytes([len(u)]) + u
                   + bytes.fromhex(d["pubkey"]))
            if not verifies(onetime.get(e["object"], ""), d["enrol_sig"], msg):
                faults.append(f"entry {e['seq']}: enrol_sig")
            keys[e["object"]] = d["pubkey"]
            n_enrol += 1
        elif act in ("review.opinion", "review.panel"):
            panel = 1 if act == "review.panel" else 0
            for body in bodies.get((e["object"], e["actor"], panel), []):
                b = canon(body)
                if hashlib.sha256(b).hexdigest() != d["sha256"]:
                    continue
                msg = (b"shenli.opinion/1\0" + sid + e["object"].encode()
                       + b"\0" + e["actor"].encode() + b"\0" + bytes([panel])
                       + be64(e["ts_ms"]) + b)
                if not verifies(keys.get(e["actor"], ""), d["sig"], msg):
                    faults.append(f"entry {e['seq']}: opinion sig")
                n_op += 1
        if e["signed"]:
            msg = (b"shenli.audit.sig.v1\0" + sid + be64(e["seq"])
                   + bytes.fromhex(e["hash"]))
            if not e.get("sig") or not verifies(keys.get(e["actor"], ""),
                                                e["sig"], msg):
                faults.append(f"entry {e['seq']}: signature")
            n_sig += 1
            tx = []
        elif e.get("sig") is not None:
            faults.append(f"entry {e['seq']}: sig on an unsigned entry")
    if tx:
        faults.append("the last transaction is unsigned")
    last = f"{log[-1]['seq']}:{log[-1]['hash']}"
    if last != head:
        faults.append(f"head {head} is not the last entry's {last}")
    print(f"{len(log)} entries, {n_sig} signatures, {n_enrol} enrolments, "
          f"{n_op} opinions checked")
    for f in faults[:10]:
        print("FAULT", f)
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
