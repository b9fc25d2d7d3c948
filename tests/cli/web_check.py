"""web_check.py - the browser side of test_web.sh: prints PASS/FAIL lines.

    python3 web_check.py PORT PWDIR CASE_A CASE_B   the main checks
    python3 web_check.py PORT PWDIR idle            the idle timeout (2 s)
    python3 web_check.py PORT PWDIR signin USER     prints the session id
    python3 web_check.py PORT PWDIR get SID PATH    prints the status
    python3 web_check.py PORT PWDIR shutout 1|2 [SID6 SID7]
                                    users the service shut out (exit 3)
    python3 web_check.py PORT PWDIR fixes G H G_FIND.json H_FIND.json E
                                    退回补查's refs and findings, the
                                    forms' bounds, the 421 page
    python3 web_check.py PORT PWDIR round3|round4   the rounds of outside
                                    testers (cases in the environment)
    python3 web_check.py PORT PWDIR stats LEAD.json AUD.json LEADSTATS.json AUDSTATS.json
                                    统计 against those `case list --json`
                                    and `case stats --json`

Only the standard library (http.client): a browser's requests, each made
by hand, so that what the server answers to each is seen exactly.
"""
import datetime
import html
import http.client
import json
import os
import re
import socket
import sys
import time
import urllib.parse

PORT = int(sys.argv[1])
PW = sys.argv[2]
HOST = "127.0.0.1:%d" % PORT
CSP = "default-src 'self'; frame-ancestors 'none'; form-action 'self'"
failed = 0


def ok(cond, desc):
    global failed
    print(("PASS " if cond else "FAIL ") + desc)
    if not cond:
        failed += 1
    return cond


class Resp:
    def __init__(self, r):
        self.status = r.status
        self.headers = r.getheaders()
        self.body = r.read().decode("utf-8", "replace")

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def cookie(self):
        c = self.header("Set-Cookie")
        m = re.match(r"shenli_sid=([0-9a-f]*)", c or "")
        return m.group(1) if m else None


seen = []  # every response, for the headers every page must carry


def req(method, path, sid=None, body=None, host=HOST, origin=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    h = {"Host": host}
    if sid:
        h["Cookie"] = "shenli_sid=" + sid
    if origin:
        h["Origin"] = origin
    if body is not None:
        if isinstance(body, dict):
            body = urllib.parse.urlencode(body)
        h["Content-Type"] = "application/x-www-form-urlencoded"
    h.update(headers or {})
    c.request(method, path, body=body, headers=h)
    r = Resp(c.getresponse())
    c.close()
    seen.append((method + " " + path, r))
    return r


def passphrase(user):
    return open("%s/%s" % (PW, user)).read().rstrip("\n")


def csrf_of(body):
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', body)
    return m.group(1) if m else None


def sign_in(user, pw=None):
    """(response of the POST, anonymous id, signed-in id)"""
    f = req("GET", "/login")
    anon = f.cookie()
    r = req("POST", "/login", anon, {"csrf": csrf_of(f.body) or "", "user": user,
                                     "passphrase": pw if pw is not None else passphrase(user)})
    return r, anon, r.cookie()


def proxy(public):
    """shenlid --http-origin https://panel.example:8443: the host and origin
    a TLS reverse proxy passes on are served; the cookie it sets then is
    Secure; nothing else is."""
    host = public[len("https://"):]
    r = req("GET", "/login", host=host)
    ok(r.status == 200 and csrf_of(r.body), "proxy: the public host is served (%d)" % r.status)
    anon = r.cookie()
    r = req("POST", "/login", anon, {"csrf": csrf_of(r.body), "user": "lead", "passphrase": passphrase("lead")},
            host=host, origin=public)
    c = r.header("Set-Cookie") or ""
    ok(r.status == 303 and "; Secure" in c and "HttpOnly" in c,
       "proxy: a sign-in through the public origin sets a Secure cookie (%d)" % r.status)
    sid = r.cookie()
    ok(req("GET", "/", sid, host=host).status == 200, "proxy: the queue through the public host")
    f = req("GET", "/", sid, host=host)
    r = req("POST", "/logout", sid, {"csrf": csrf_of(f.body)}, host=host, origin="http://" + host)
    ok(r.status == 403, "proxy: the public host's origin over plain http is refused (%d)" % r.status)
    r = req("POST", "/logout", sid, {"csrf": csrf_of(f.body)}, host=host, origin="https://evil.example")
    ok(r.status == 403, "proxy: another https origin is refused (%d)" % r.status)
    ok(req("GET", "/", sid, host="evil.example").status == 421, "proxy: another host is still refused")
    r, _, _ = sign_in("m2")
    ok(r.status == 303 and "Secure" not in (r.header("Set-Cookie") or ""),
       "proxy: on loopback the cookie is not marked Secure (plain http there)")
    ok(failed == 0, "all checks ran")


def idle():
    r, _, sid = sign_in("lead")
    ok(r.status == 303 and sid, "idle: signed in")
    ok(req("GET", "/", sid).status == 200, "idle: the queue at once")
    time.sleep(4.5)
    r = req("GET", "/", sid)
    ok(r.status == 303 and r.header("Location") == "/login",
       "idle: a session idle past the timeout is over (303 to /login)")


def signin_checks():
    f = req("GET", "/login")
    ok(f.status == 200 and "用户名" in f.body and "口令" in f.body, "the sign-in page is in Chinese")
    anon = f.cookie()
    sc = f.header("Set-Cookie") or ""
    ok(anon and len(anon) == 64, "the sign-in page sets a session cookie")
    r, anon, sid = sign_in("lead")
    sc = r.header("Set-Cookie") or ""
    ok(r.status == 303 and r.header("Location") == "/", "lead signs in: 303 to the queue")
    ok(sid and len(sid) == 64 and sid != anon, "sign-in issues a fresh id, not the one the browser brought")
    ok("HttpOnly" in sc and "SameSite=Strict" in sc and "Path=/" in sc,
       "the cookie is HttpOnly; SameSite=Strict; Path=/ (%s)" % re.sub("=[0-9a-f]+", "=…", sc))
    r = req("GET", "/", anon)
    ok(r.status == 303 and r.header("Location") == "/login", "the id brought to the sign-in is no session after it")
    fixed = "ab" * 32
    r = req("GET", "/", fixed)
    ok(r.status == 303, "a made-up (fixated) id is no session")
    f = req("GET", "/login", fixed)
    ok(f.cookie() and f.cookie() != fixed, "the sign-in page replaces a made-up id")
    r = req("POST", "/login", fixed, {"csrf": csrf_of(f.body), "user": "lead", "passphrase": passphrase("lead")})
    ok(r.status == 403 and not r.cookie(), "a sign-in under a made-up id is refused")
    return sid


def queue_checks(lead, m2, a, b):
    r = req("GET", "/", lead)
    ok(r.status == 200 and "我的待办" in r.body, "the leader's queue: 我的待办")
    ok(a in r.body and b in r.body, "the leader sees both cases of the zone")
    ok("审理中" in r.body, "states in Chinese (审理中)")
    row = r.body.split('href="/case/%s"' % a, 1)[-1].split("</tr>", 1)[0]
    ok(re.search(r"<td>-?\d+</td><td>1</td>$", row) is not None,
       "the returned case: working days left and one return (%s)" % row[-60:])
    ok('href="/case/%s"' % a in r.body, "the queue links to the case reader")
    r = req("GET", "/", m2)
    ok(r.status == 200 and a in r.body and b not in r.body, "the member's queue: only the case they are on")


def case_checks(lead, a):
    r = req("GET", "/case/" + a, lead)
    body = r.body
    if len(sys.argv) > 5:  # the page, for a person to look at
        open(sys.argv[5], "w").write(body)
    ok(r.status == 200 and "案件阅卷" in body, "the case reader opens for the leader")
    ok("受过多次处分" in body, "two prior sanctions: 受过多次处分 flagged")
    ok("党纪处分" in body and "政务处分" in body, "the prior sanctions by system, in Chinese")
    ok("违纪事实及所依据的证据" in body and "银行转账记录" in body, "the facts beside the evidence they cite")
    ok('class="finding' in body and "阻断" in body, "the findings shown, severity in Chinese")
    ok("finding" in body.split('<div class="fact">', 1)[-1].split("<h2>卷宗文书", 1)[0],
       "a finding is shown with the fact it names")
    ok("退回补查及答复" in body and "第1次退回" in body and "已补充银行流水" in body,
       "the return, its outline and the agency's answer")
    dates = re.findall(r"<tr><td>(\d{4}-\d\d-\d\d)</td><td>", body.split("卷宗文书", 1)[-1].split("退回补查", 1)[0])
    ok(len(dates) >= 3 and dates == sorted(dates), "the documents in date order (%d)" % len(dates))
    ok("<script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body, "<script> in a fact is escaped")
    ok("<img" not in body and "&lt;img src=x onerror=alert(3)&gt;" in body, "markup in an evidence title is escaped")
    ok('href="javascript' not in body and "javascript:alert(2)" in body, "a javascript: URL is text, never a link")
    ok("\u202e" not in body and "\ufffdgnp.exe" in body, "the bidi override U+202E is marked (U+FFFD)")
    prop = body.split('<table id="proposal">', 1)[-1].split("</table>", 1)[0]
    ok("<h2>移送单位意见</h2>" in body and "四种形态" in prop and "违纪类别" in prop and "<code>" not in prop,
       "the agency's proposal (移送单位意见), its codes in Chinese")
    ok(re.search(r"<th>移送日期</th><td>\d{4}-\d\d-\d\d</td>", body), "the transfer date (移送日期)")
    ok("所称资金用途：&lt;b&gt;用于&lt;/b&gt;招待" in body, "a fact's claimed use, escaped")
    ok("<th>标签</th>" in body and "银行流水/转账记录、&lt;i&gt;x&lt;/i&gt;" in body,
       "evidence tags in Chinese (an unknown one as sent, escaped)")
    extra = body.split('<table id="extra">', 1)[-1].split("</table>", 1)[0]
    ok("其他字段" in body and "x_note" in extra and "&lt;u&gt;备注&lt;/u&gt;" in extra and "<u>" not in extra,
       "a field the format does not define is shown (其他字段), escaped")


def not_found_checks(a, b):
    _, _, m1 = sign_in("m1")
    _, _, m9 = sign_in("m9")
    r1, r2 = req("GET", "/case/" + b, m1), req("GET", "/case/ZXX-0000-0000", m1)
    ok(r1.status == 404 and r2.status == 404 and r1.body == r2.body,
       "the recused member: the same 404 for the case as for none")
    r1, r2 = req("GET", "/case/" + a, m9), req("GET", "/case/ZXX-0000-0000", m9)
    ok(r1.status == 404 and r2.status == 404 and r1.body == r2.body,
       "the other zone's member: the same 404 for the case as for none")
    r3 = req("GET", "/case/--help", m9)
    ok(r3.status == 404 and r3.body == r1.body, "an id that would be an option: the same 404")
    ok(a not in r1.body, "the 404 does not name the case")


def team_of(sid, case):
    """The 审理组 row of a case's page (its overview)."""
    body = req("GET", "/case/" + case, sid).body
    return body.split("<th>审理组</th><td>", 1)[-1].split("</td>", 1)[0]


def assign_checks(lead, m2, a, b):
    """组成审理组: B (agency ZRJ, accepted, no team) and A (on m2 and m3)."""
    r = req("GET", "/case/" + b, lead)
    body = r.body
    ok(r.status == 200 and ">组成审理组</h2>" in body and 'action="/case/%s/assign"' % b in body,
       "the leader sees the 组成审理组 form on an accepted case")
    row = lambda u: body.split('value="%s"' % u, 1)[-1].split("</tr>", 1)[0]
    zrj = {x["code"]: x["name"] for x in json.load(open(os.environ["AGENCIES"]))}["ZRJ"]
    ok(row("m1").startswith(" disabled") and "回避" in row("m1") and zrj in row("m1")
       and '<td>ZRJ<' not in row("m1"),
       "m1 (home agency ZRJ, which transferred B) is shown disabled: 回避, the agency by its name")
    ok(row("m9").startswith(" disabled") and "非本片区" in row("m9"),
       "m9 (a member of zone Z2) is shown disabled: another zone")
    ok(not row("m2").startswith(" disabled") and not row("m3").startswith(" disabled")
       and not row("sp").startswith(" disabled"), "m2, m3 and the specialist sp may be picked")
    ok('value="lead"' not in body and 'value="aud"' not in body, "leaders and auditors are not offered")
    token = csrf_of(body)
    r = req("POST", "/case/%s/assign" % b, lead, "reviewer=m2&reviewer=m3")
    ok(r.status == 403, "an assignment without a CSRF token is refused (%d)" % r.status)
    r = req("POST", "/case/%s/assign" % b, lead, "csrf=%s&reviewer=m2&reviewer=m3" % ("0" * 64))
    ok(r.status == 403, "an assignment with a wrong CSRF token is refused")
    ok("尚未组成" in team_of(lead, b), "the refused POSTs formed no team")
    r = req("POST", "/case/%s/assign" % b, lead, "csrf=%s&reviewer=m1&reviewer=m2" % token)
    ok(r.status == 403 and "必须回避" in r.body and "未作任何更改" in r.body,
       "a forged POST naming the recused m1: refused, the service's reason in Chinese (%d)" % r.status)
    r = req("POST", "/case/%s/assign" % b, lead, "csrf=%s&reviewer=m9&reviewer=m2" % token)
    ok(r.status == 403 and "无权操作" in r.body, "a forged POST naming m9 of another zone: refused (%d)" % r.status)
    ok("尚未组成" in team_of(lead, b), "the refused assignments changed nothing")
    m2page = req("GET", "/case/" + a, m2).body
    ok("组成审理组" not in m2page, "a member is offered no 组成审理组 form")
    r = req("POST", "/case/%s/assign" % a, m2, "csrf=%s&reviewer=m2&reviewer=m3" % csrf_of(m2page))
    ok(r.status == 403 and "无权操作" in r.body and "分配审理组" in r.body,
       "a member's assignment is refused by the service, in Chinese (%d)" % r.status)
    _, _, m9 = sign_in("m9")
    t9 = csrf_of(req("GET", "/", m9).body)
    r1 = req("POST", "/case/%s/assign" % a, m9, "csrf=%s&reviewer=m9&reviewer=m2" % t9)
    r2 = req("POST", "/case/ZXX-0000-0000/assign", m9, "csrf=%s&reviewer=m9&reviewer=m2" % t9)
    ok(r1.status == 404 and r1.body == r2.body, "an assignment of a case one may not see: the same 404 as for none")
    r = req("POST", "/case/%s/assign" % b, lead, "csrf=%s&reviewer=m3&reviewer=sp" % token)
    ok(r.status == 303 and r.header("Location") == "/case/" + b, "the leader forms B's team of m3 and sp: 303 to the case")
    team = team_of(lead, b)
    ok("m3" in team or "sp" in team, "the case page shows the new team (%s)" % team)
    ok("审理中" in req("GET", "/case/" + b, lead).body, "the case is now 审理中")


def multipart(fields, files):
    """(body, content type) of a form with fields and files [(name, bytes)]."""
    b = "----shenli-test-boundary-7f3a"
    out = b""
    for k, v in fields.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (b, k, v)).encode()
    for fn, data in files:
        out += ("--%s\r\nContent-Disposition: form-data; name=\"dossier\"; filename=\"%s\"\r\n"
                "Content-Type: application/json\r\n\r\n" % (b, fn)).encode() + data + b"\r\n"
    return out + ("--%s--\r\n" % b).encode(), "multipart/form-data; boundary=" + b


def intake_checks(lead, m2):
    up = os.environ.get("UPLOADS", "")
    files = [(n, open(os.path.join(up, n), "rb").read()) for n in ("ok.json", "deferred.json", "refused.json")]
    ids = [json.loads(d)["case_id"] for _, d in files]
    r = req("GET", "/intake", lead)
    ok(r.status == 200 and 'enctype="multipart/form-data"' in r.body and 'type="file"' in r.body,
       "受理: the leader's upload form")
    ok('href="/intake"' in req("GET", "/", lead).body, "the leader's pages link to 受理")
    token = csrf_of(r.body)
    r = req("GET", "/intake", m2)
    ok(r.status == 403 and 'href="/intake"' not in r.body, "a member is offered no 受理 (403)")
    body, ctype = multipart({}, files)
    r = req("POST", "/intake", lead, body, headers={"Content-Type": ctype})
    ok(r.status == 403, "an upload without a CSRF token is refused (%d)" % r.status)
    body, ctype = multipart({"csrf": "0" * 64}, files)
    r = req("POST", "/intake", lead, body, headers={"Content-Type": ctype})
    ok(r.status == 403, "an upload with a wrong CSRF token is refused")
    ok(req("GET", "/case/" + ids[0], lead).status == 404, "the refused uploads imported nothing")
    body, ctype = multipart({"csrf": csrf_of(req("GET", "/", m2).body)}, files[:1])
    r = req("POST", "/intake", m2, body, headers={"Content-Type": ctype})
    ok(r.status == 403 and "无权操作" in r.body, "a member's upload is refused by the service (%d)" % r.status)
    body, ctype = multipart({"csrf": token}, files)
    r = req("POST", "/intake", lead, body, headers={"Content-Type": ctype})
    rows = r.body.split("<th>理由</th></tr>", 1)[-1].split("</table>", 1)[0].split("</tr>")
    dec = {i: re.sub("<[^>]+>", "|", row) for i in ids for row in rows if i in row}
    ok(r.status == 200 and "受理结果" in r.body, "the upload is decided (%d)" % r.status)
    ok("|受理|" in dec.get(ids[0], ""), "the new case of the zone: 受理 (%s)" % dec.get(ids[0], "")[:80])
    ok("|暂缓受理|" in dec.get(ids[1], "") and "缺少" in dec.get(ids[1], ""),
       "the case without its documents: 暂缓受理, what is missing in Chinese")
    ok("|不予受理|" in dec.get(ids[2], "") and "不属本审理组" in dec.get(ids[2], ""),
       "the other zone's case: 不予受理, why in Chinese")
    ok(req("GET", "/case/" + ids[0], lead).status == 200, "the accepted case opens")
    # a malformed upload: said in Chinese on the page, though --json,
    # which the page reads, says it untranslated
    body, ctype = multipart({"csrf": token}, [("bad.json", b'{"format": "shenli.case/1"}')])
    r = req("POST", "/intake", lead, body, headers={"Content-Type": ctype})
    ok(r.status == 200 and "卷宗格式错误" in r.body and "缺失" in r.body
       and "missing" not in r.body,
       "a malformed upload: 卷宗格式错误, why in Chinese (%d)" % r.status)
    # over the dossier limit: refused on its headers, before it is read
    s = socket.create_connection(("127.0.0.1", PORT), timeout=60)
    s.sendall(("POST /intake HTTP/1.1\r\nHost: %s\r\nCookie: shenli_sid=%s\r\n"
               "Content-Type: %s\r\nContent-Length: %d\r\n\r\n" % (HOST, lead, ctype, 17 << 20)).encode()
              + b"x" * 4096)
    head = s.recv(4096).decode("utf-8", "replace")
    s.close()
    ok(head.startswith("HTTP/1.1 413"), "an upload over the dossier limit is refused (%s)" % head[:12])
    # a dossier's size is a leader's alone: anyone else's body stays at 64 KiB
    r = req("POST", "/intake", m2, b"x" * (100 << 10), headers={"Content-Type": ctype})
    ok(r.status == 413, "a member's upload of 100 KiB is refused on its size (%d)" % r.status)
    big = files[0][1] + b" " * (1 << 20)
    body, ctype = multipart({"csrf": token}, [("big.json", big)])
    r = req("POST", "/intake", lead, body, headers={"Content-Type": ctype})
    ok(r.status == 200 and "不予受理" in r.body and "已在审理系统中" in r.body,
       "the leader's upload of 1 MiB is read whole and decided (a duplicate: %d)" % r.status)


ROW = re.compile(r"<tr><td>(\d+)</td><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>")


def audit_checks(lead, m2, a):
    _, _, aud = sign_in("aud")
    # more than a page of log: each look at a case of another zone is a
    # denied entry
    _, _, m9 = sign_in("m9")
    for _ in range(30):
        req("GET", "/case/" + a, m9)
    ok('href="/audit"' in req("GET", "/", aud).body and 'href="/audit"' not in req("GET", "/", lead).body,
       "审计 is linked for the auditor, not for the leader")
    r = req("GET", "/audit", aud)
    m = re.search(r"<th>链头序号</th><td>(\d+)</td></tr><tr><th>链头哈希</th><td><code>([0-9a-f]{64})</code>", r.body)
    ok(r.status == 200 and "通过" in r.body and m, "the auditor: audit verify passes, head seq and hash shown")
    rows = ROW.findall(r.body)
    head = int(m.group(1)) if m else 0
    ok(head > 100 and len(rows) == 100 and rows[0][0] == "1",
       "the log's first page: 100 entries from seq 1 (%d of %d)" % (len(rows), head))
    ok("after=100" in r.body and "下一页" in r.body, "a link to the next page: after the last seq shown")
    r2 = req("GET", "/audit?after=100", aud)
    rows2 = ROW.findall(r2.body)
    ok(rows2 and rows2[0][0] == "101" and rows2[-1][0] == str(min(head, 200)) and "第一页" in r2.body,
       "page 2: from seq 101, a link back to the first")
    rows = ROW.findall(req("GET", "/audit?action=denied&after=%d" % head, aud).body)
    ok(rows == [], "past the head: no entries")
    rows = ROW.findall(req("GET", "/audit?action=denied", aud).body)
    ok(rows and all(x[2] == "denied" for x in rows), "filtered by action: only denied entries (%d)" % len(rows))
    rows = ROW.findall(req("GET", "/audit?actor=m2&action=denied", aud).body)
    ok(rows and all(x[1] == "m2" and x[2] == "denied" for x in rows),
       "filtered by actor and action: m2's refused assignment and upload are there (%d)" % len(rows))
    rows = ROW.findall(req("GET", "/audit?from=5&to=9", aud).body)
    ok([x[0] for x in rows] == ["5", "6", "7", "8", "9"], "a seq range: 5 to 9")
    r = req("GET", "/audit?object=%3Cscript%3Ex%22", aud)
    ok(r.status == 200 and "<script" not in r.body and "&lt;script&gt;x&quot;" in r.body,
       "a filter's text is escaped where it is shown again")
    for who, sid in (("member", m2), ("leader", lead)):
        r = req("GET", "/audit", sid)
        ok(r.status == 403 and "无权" in r.body and "链头" not in r.body,
           "a %s may not see the audit page: the service's refusal (%d)" % (who, r.status))


def post_checks(lead):
    form = req("GET", "/", lead)
    token = csrf_of(form.body)
    r = req("POST", "/logout", lead, {})
    ok(r.status == 403, "a POST without a CSRF token is refused (%d)" % r.status)
    r = req("POST", "/logout", lead, {"csrf": "0" * 64})
    ok(r.status == 403, "a POST with a wrong CSRF token is refused")
    r = req("POST", "/logout", lead, {"csrf": token}, origin="http://evil.example")
    ok(r.status == 403, "a POST from a foreign Origin is refused")
    r = req("POST", "/logout", lead, {"csrf": token}, origin="null")
    ok(r.status == 403, "a POST from an opaque Origin (null) is refused")
    ok(req("GET", "/", lead).status == 200, "the refused POSTs changed nothing: still signed in")
    r = req("GET", "/", lead, host="evil.example:%d" % PORT)
    ok(r.status == 421, "a foreign Host (DNS rebinding) is refused (%d)" % r.status)
    r = req("GET", "/", lead, host="127.0.0.1:1")
    ok(r.status == 421, "a Host with another port is refused")
    ok(req("GET", "/", lead, host="localhost:%d" % PORT).status == 200, "Host localhost:PORT is served")
    r = req("POST", "/login", None, "user=lead&passphrase=" + "x" * (100 << 10))
    ok(r.status == 413, "an oversized body is refused (%d)" % r.status)
    r = req("PUT", "/", lead, "x")
    ok(r.status == 405, "a PUT is refused")
    return token


def review_checks(lead, m2, a, b):
    """退回补查, 审理意见, 签发 and their documents: the same refusals as
    every page (CSRF, 404 for a case one may not see), escaping, and a
    preview that writes nothing."""
    _, _, m1 = sign_in("m1")
    _, _, m9 = sign_in("m9")
    for who, sid, case in (("the recused member", m1, b), ("the other zone's member", m9, a)):
        none = req("GET", "/case/ZXX-0000-0000/opinion", sid)
        same = True
        for page in ("return", "opinion", "signoff", "report.pdf", "opinion.pdf", "outline.pdf"):
            r = req("GET", "/case/%s/%s" % (case, page), sid)
            same = same and r.status == 404 and r.body == none.body
        ok(same, "%s: the same 404 for the case's return, opinion, sign-off pages and documents as for none" % who)
        page = req("GET", "/", sid)
        r = req("POST", "/case/%s/opinion" % case, sid, {"csrf": csrf_of(page.body), "discipline": "integrity",
                                                        "form": "2", "reason": "x"})
        ok(r.status == 404 and r.body == none.body, "%s: posting an opinion on it is the same 404" % who)
    returns = req("GET", "/case/" + a, lead).body.count("次退回：")
    for action in ("return", "withdraw", "run", "opinion", "signoff", "resubmit"):
        r = req("POST", "/case/%s/%s" % (a, action), lead, {"item": "1", "reason": "x", "action": "confirm",
                                                          "kind": "supplement"})
        ok(r.status == 403, "POST %s without a CSRF token is refused (%d)" % (action, r.status))
    r = req("GET", "/case/%s/return" % a, m2)
    ok(r.status == 403, "a member is not offered the return form (%d)" % r.status)
    form = req("GET", "/case/%s/return" % a, lead)
    ok(form.status == 200 and 'id="return-form"' in form.body and 'name="finding"' in form.body,
       "the leader's return form offers the checks' suggestions")
    token = csrf_of(form.body)
    hostile = "<script>alert(1)</script>补查 javascript:alert(2) \u202egnp.exe"
    r = req("POST", "/case/%s/return" % a, lead, {"csrf": token, "kind": "supplement", "action": "preview",
                                                 "item_text": hostile.replace("\u202e", ""), "item_refs": "F1"})
    ok(r.status == 200 and 'id="outline-preview"' in r.body and "&lt;script&gt;alert(1)" in r.body
       and "<script>alert" not in r.body and 'id="confirm-form"' in r.body,
       "the preview numbers the outline, escapes the leader's text and offers to confirm")
    # an item that would read in another order than it is written is
    # refused, not stored and shown cleaned in a signed letter
    r = req("POST", "/case/%s/return" % a, lead, {"csrf": token, "kind": "supplement", "action": "preview",
                                                 "item_text": hostile, "item_refs": "F1"})
    ok(r.status == 400 and "\u202e" not in r.body and 'id="confirm-form"' not in r.body,
       "an item with a bidirectional override is refused (%d)" % r.status)
    ok(req("GET", "/case/" + a, lead).body.count("次退回：") == returns, "a preview returns nothing")
    # a suggestion edited: the leader's wording, on the finding's refs
    fields = dict(re.findall(r'name="(key_0|orig_0|refs_0)" value="([^"]*)"', form.body))
    fields = {k: html.unescape(v) for k, v in fields.items()}
    ok(len(fields) == 3 and 'name="edit_0"' in form.body, "a suggestion's text is offered for editing")
    r = req("POST", "/case/%s/return" % a, lead, {"csrf": token, "kind": "supplement", "action": "preview",
                                                 "finding": fields.get("key_0", ""), "key_0": fields.get("key_0", ""),
                                                 "orig_0": fields.get("orig_0", ""),
                                                 "refs_0": fields.get("refs_0", ""),
                                                 "edit_0": "改写后的补查事项：调取银行流水"})
    prev = r.body.split('id="outline-preview"', 1)[-1].split("</ol>", 1)[0]
    ok(r.status == 200 and "改写后的补查事项：调取银行流水" in prev and fields.get("orig_0", "?") not in prev
       and "组长" in prev, "an edited suggestion is previewed in the leader's words, as the leader's item")
    r = req("POST", "/case/%s/return" % a, lead, {"csrf": token, "kind": "supplement", "action": "preview",
                                                 "item_text": "x", "item_refs": "F99"})
    ok(r.status == 400 and "F99" in r.body and "未作任何更改" in r.body,
       "an item citing what the case has not is refused with the service's reason (%d)" % r.status)
    _, _, aud = sign_in("aud")
    denied = lambda: len(ROW.findall(req("GET", "/audit?actor=m2&action=denied", aud).body))
    before = denied()
    page = req("GET", "/case/%s/opinion" % a, m2)
    ok(page.status == 200 and 'id="opinion-form"' in page.body and 'value="警告"' in page.body
       and 'name="panel"' not in page.body, "the member's opinion form offers the rules' sanctions, no panel part")
    ok('id="opinions"' not in page.body, "before one's own opinion the team's are not shown")
    ok('<table id="proposal">' in page.body and "四种形态" in page.body.split('<table id="proposal">', 1)[-1],
       "the opinion page shows the agency's proposal (移送单位意见) the opinion weighs")
    ok(denied() == before, "... and looking at the page logs no refusal of the member (%d, %d)" % (before, denied()))
    ok("违纪行为：<code>" not in req("GET", "/case/" + a, m2).body,
       "the case page names a fact's violation in Chinese, not by its code")
    t = csrf_of(page.body)
    r = req("POST", "/case/%s/opinion" % a, m2, {"csrf": t, "discipline": "treason", "form": "2", "reason": "x"})
    ok(r.status == 400 and "treason" in r.body, "a discipline the rules do not have is refused (%d)" % r.status)
    r = req("POST", "/case/%s/opinion" % a, m2, {"csrf": t, "discipline": "integrity", "form": "2", "reason": "x",
                                                "panel": "1"})
    ok(r.status in (400, 403) and 'id="opinions"' not in req("GET", "/case/%s/opinion" % a, m2).body,
       "a member's forged panel opinion is refused and records nothing (%d)" % r.status)
    # a reason that is not UTF-8 is no reason: never dropped with the next
    # word moving into its place (it once recorded "--json" as the reasoning)
    r = req("POST", "/case/%s/opinion" % a, m2,
            "csrf=%s&discipline=integrity&form=2&party_sanction=%%E8%%AD%%A6%%E5%%91%%8A&reason=%%E7%%90%%86%%FF"
            % urllib.parse.quote(t))
    ok(r.status == 400 and 'id="opinions"' not in req("GET", "/case/%s/opinion" % a, m2).body,
       "a reason that is not UTF-8 is refused and records nothing (%d)" % r.status)
    r = req("GET", "/audit?object=%FF", lead)
    ok(r.status in (400, 403), "an audit filter that is not UTF-8 is refused, no service failure (%d)" % r.status)
    r = req("POST", "/case/%s/opinion" % a, m2, {"csrf": t, "discipline": "integrity", "form": "2",
                                                "party_sanction": "警告", "reason": hostile})
    ok(r.status == 303, "the member records an opinion through the form (%d)" % r.status)
    page = req("GET", "/case/%s/opinion" % a, m2)
    ok('id="opinions"' in page.body and "&lt;script&gt;alert(1)" in page.body and "<script>alert" not in page.body,
       "then the team's opinions are shown side by side, escaped")
    # a resubmission is a whole dossier: the leader's may be larger than
    # a form's 64 KiB (refused here by the service: the case is not
    # returned), a member's may not
    big = json.dumps({"pad": "x" * (200 << 10)}).encode()
    body, ctype = multipart({"csrf": csrf_of(req("GET", "/", lead).body)}, [("big.json", big)])
    r = req("POST", "/case/%s/resubmit" % a, lead, body, headers={"Content-Type": ctype})
    ok(r.status in (400, 403) and "未作任何更改" in r.body and "登记重新移送" in r.body,
       "the leader's 200 KiB resubmission is read and refused by the service, not by size (%d)" % r.status)
    body, ctype = multipart({"csrf": csrf_of(req("GET", "/", m2).body)}, [("big.json", big)])
    r = req("POST", "/case/%s/resubmit" % a, m2, body, headers={"Content-Type": ctype})
    ok(r.status == 413, "a member's is refused by its size (%d)" % r.status)
    r = req("GET", "/case/%s/signoff" % a, lead)
    ok(r.status == 200 and 'id="gates"' in r.body and 'id="signoff-form"' not in r.body,
       "the sign-off page shows the gates, and no sign-off before the panel's deliberation")
    r = req("GET", "/case/%s/report.pdf" % a, lead)
    ok(r.status == 200 and r.header("Content-Type") == "application/pdf", "the report opens as a PDF")


def said_checks(lead, m2, a, b):
    """The defects an external tester found (findings 2 to 7): refusals
    shown whole and in the pages' words, the reader's names, the truth
    about the checks, why a case was deferred, an admin's home and an
    auditor's opinion page."""
    up = os.environ.get("UPLOADS", "")
    deferred = json.loads(open(os.path.join(up, "deferred.json"), "rb").read())["case_id"]
    e_id, f_id = os.environ["CASE_E"], os.environ["CASE_F"]
    token = csrf_of(req("GET", "/", lead).body)
    # 2: twenty malformed files: every file's reason, no "shenli：", no cut
    body, ctype = multipart({"csrf": token},
                            [("bad%d.json" % i, b'{"format": "shenli.case/1"}') for i in range(20)])
    r = req("POST", "/intake", lead, body, headers={"Content-Type": ctype})
    errs = r.body.split('id="intake-errors">', 1)[-1].split("</p>", 1)[0]
    ok(r.status == 200 and all("bad%d.json" % i in errs for i in range(20)) and "dossier-" not in errs,
       "20 malformed files: the reason of each, named as the user's file, the 20th's too (%d bytes)"
       % len(errs.encode()))
    ok("\ufffd" not in errs and "shenli" not in errs and errs.count("<br>") >= 19,
       "their reasons: a line each, no program name, no broken character")
    # 2: the sign-off's refusal: every line the command printed, none cut
    # (the scripts' findings, in Chinese whatever the command's language)
    want = [ln.strip() for ln in open(os.environ["SIGNOFF_F"]).read().splitlines() if ln.strip().startswith("[")]
    r = req("POST", "/case/%s/signoff" % f_id, lead, {"csrf": token})
    shown = html.unescape(r.body.split('<p class="error">', 1)[-1].split("</p>", 1)[0])
    missing = [ln for ln in want if ln not in shown]
    ok(r.status == 400 and want and not missing and "\ufffd" not in shown,
       "a sign-off refused at length (%d bytes): every finding shown whole (missing %s)"
       % (sum(len(x.encode()) for x in want), [m[:30] for m in missing[:2]]))
    # 3: the agency and the zone by name; an outline's refs as the page names them
    names = {x["code"]: x["name"] for x in json.load(open(os.environ["AGENCIES"]))}
    zones = {x["code"]: x["name"] for x in json.load(open(os.environ["ZONES"]))}
    body = req("GET", "/case/" + e_id, lead).body
    ag = body.split('<td id="agency">', 1)[-1].split("</td>", 1)[0]
    zo = body.split('<td id="zone">', 1)[-1].split("</td>", 1)[0]
    ok(ag in names.values() and ag not in names and zo == zones.get("Z1"),
       "the reader names the agency and the zone as case show does (%s, %s)" % (ag, zo))
    ret = body.split("第1次退回", 1)[-1].split("</table>", 1)[0]
    ok("补充任免文件" in ret and "身份材料" in ret and "doc:identity" not in ret,
       "an outline item about a document: 涉及 names the document")
    # 4: the pages' words, not the command line's
    page = req("GET", "/case/%s/opinion" % a, m2)
    t = csrf_of(page.body)
    for desc, form, want_zh in (
            ("no discipline", {"form": "2", "reason": "x"}, "违反纪律"),
            ("no reason", {"discipline": "integrity", "form": "2", "reason": " "}, "理由")):
        r = req("POST", "/case/%s/opinion" % b, lead, dict(form, csrf=token))
        ok(r.status == 400 and want_zh in r.body and "--" not in r.body,
           "an opinion with %s: said in the form's words (%d)" % (desc, r.status))
    r = req("POST", "/case/%s/opinion" % b, lead, {"csrf": token, "discipline": "integrity", "form": "2",
                                                  "reason": "经集体审议。", "panel": "1"})
    ok(r.status == 403 and "运行审查" in r.body and "review run" not in r.body,
       "a deliberation before the checks: 请先…“运行审查”, the button's name (%d)" % r.status)
    r = req("POST", "/case/%s/return" % b, lead, {"csrf": token, "kind": "supplement", "action": "preview"})
    ok(r.status in (400, 403) and "补查提纲将为空" in r.body and "--item" not in r.body
       and "组长补充的补查事项" in r.body, "an empty outline: said in the form's words (%d)" % r.status)
    eform = req("GET", "/case/" + e_id, lead).body
    r = req("POST", "/case/%s/withdraw" % e_id, lead, {"csrf": token, "item": "1", "reason": "  "})
    ok(r.status == 400 and "撤回理由" in r.body and "--reason" not in r.body and "withdraw-form" in eform,
       "a withdrawal without a reason: said in the form's words (%d)" % r.status)
    for item in ("0", "99999999999999999999999"):
        r = req("POST", "/case/%s/withdraw" % e_id, lead, {"csrf": token, "item": item, "reason": "x"})
        ok(r.status == 400 and "用法" not in r.body and "shenli review withdraw" not in r.body
           and "shenli help" not in r.body,
           "a withdrawal of item %s: no command line's usage on the page (%d)" % (item[:6], r.status))
    # 5: the truth about the checks
    say = lambda case: req("GET", "/case/" + case, lead).body.split('id="no-findings">', 1)[-1].split("</p>", 1)[0]
    ok(say(deferred) == "尚未运行检查。", "a deferred case: 尚未运行检查 (%s)" % say(deferred))
    ok("尚未运行检查，或检查未发现问题" in say(b), "a case in review: what the command line says (%s)" % say(b))
    # 6: why a case was deferred
    body = req("GET", "/case/" + deferred, lead).body
    why = body.split('<td id="intake-reasons">', 1)[-1].split("</td>", 1)[0]
    ok("暂缓受理" in body and 'id="intake-reasons"' in body and "缺少" in why,
       "a deferred case's reader says why it was deferred (%s)" % why[:60])
    # 7: an admin's home; an auditor's opinion page has no form
    _, _, root = sign_in("root")
    r = req("GET", "/", root)
    ok(r.status == 200 and 'id="admin-home"' in r.body and 'href="/audit"' in r.body and "无权" not in r.body,
       "an admin's home: what an admin does, and the audit page (%d)" % r.status)
    _, _, aud = sign_in("aud")
    r = req("GET", "/case/%s/opinion" % a, aud)
    ok(r.status == 200 and 'id="opinion-form"' not in r.body and "提交意见" not in r.body,
       "an auditor is shown no opinion form (%d)" % r.status)


def limit_checks():
    codes = [sign_in("m3", "wrong")[0].status for _ in range(4)]
    ok(codes[:3] == [403, 403, 403], "a wrong passphrase is refused (%s)" % codes)
    ok(codes[3] == 429, "the 4th failure in a row is rate-limited (429)")
    r = sign_in("m3")[0]
    ok(r.status == 429 and "秒后再试" in r.body, "even the right passphrase waits its turn, saying so in Chinese")
    # m3's 3 failures reached the service, whose limit counts the web front's
    # account as one: another user waits too, told so, not told they mistyped
    r = sign_in("m2")[0]
    ok(r.status == 429 and "秒后再试" in r.body,
       "the service's own limit is shown as a wait, not as a wrong passphrase (%d)" % r.status)
    time.sleep(2.5)
    r, _, sid = sign_in("m2")
    ok(r.status == 303 and req("GET", "/", sid).status == 200, "after the wait another user signs in")


def timing(lead, a):
    """How long a page takes (printed for a person, not checked)."""
    for path in ("/", "/case/" + a):
        ms = []
        for _ in range(10):
            t = time.monotonic()
            req("GET", path, lead)
            ms.append((time.monotonic() - t) * 1000)
        ms.sort()
        print("timing: GET %s: median %.1f ms, max %.1f ms (10 requests)" % (path, ms[5], ms[-1]))


STATE_ZH = {"received": "已接收", "accepted": "已受理", "deferred": "暂缓受理", "refused": "不予受理",
            "in_review": "审理中", "returned": "已退回", "deliberated": "已集体审议",
            "signed_off": "已签发"}


def by_state_table(body):
    """The 按状态 table of /stats: {Chinese state: count}."""
    t = body.split('<table class="by-state">', 1)[-1].split("</table>", 1)[0]
    return {k: int(v) for k, v in re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td></tr>", t)}


def stats_checks(lead_list, aud_list, lead_stats, aud_stats):
    """统计 against `case list --json` and `case stats --json` of the leader
    and the auditor."""
    cases, st = json.load(open(lead_list)), json.load(open(lead_stats))
    r = req("GET", "/stats")
    ok(r.status == 303 and r.header("Location") == "/login", "统计 without a session: 303 to /login")
    _, _, lead = sign_in("lead")
    ok('href="/stats"' in req("GET", "/", lead).body, "the leader's pages link to 统计")
    r = req("GET", "/stats", lead)
    body = r.body
    if os.environ.get("STATS_PAGE_OUT"):  # the page, for a person to look at
        open(os.environ["STATS_PAGE_OUT"], "w").write(body)
    ok(r.status == 200 and "<h1>统计</h1>" in body and "<svg" in body, "the leader's 统计: 200 with an SVG chart")
    ok("<script" not in body and "style=" not in body and "http://" not in body
       and r.header("Content-Security-Policy") == CSP, "统计: no script, no inline style, the CSP")
    want = {STATE_ZH[s]: sum(1 for c in cases if c["state"] == s) for s in STATE_ZH}
    got = by_state_table(body)
    ok(got == want and sum(got.values()) == len(cases) and len(cases) >= 4,
       "the counts by state are case list --json's (%s)" % {k: v for k, v in got.items() if v})
    svg = body.split("<h2>按状态</h2>", 1)[-1].split("</svg>", 1)[0]
    bars = re.findall(r'text-anchor="end">([^<]+)</text><rect [^>]*width="(\d+)"[^>]*/><text [^>]*>(\d+)</text>', svg)
    top = max(want.values())
    ok(len(bars) == 8 and all(int(n) == want[s] and int(w) == max(want[s] * 400 // top, 1 if want[s] else 0)
                              for s, w, n in bars),
       "the state chart: a bar per state, its length and its count from the listing")
    acc = [c for c in cases if c["state"] not in ("received", "deferred", "refused")]
    ret = [c for c in acc if c["returns"] > 0]
    ok(len(ret) >= 1 and "（%d / %d）" % (len(ret), len(acc)) in body and "退回率 = " in body,
       "退回率 = returned / accepted cases (%d / %d), said in Chinese" % (len(ret), len(acc)))
    over = sum(1 for c in cases if c["overdue"])
    ok(re.search(r"<th>超期案件</th><td>%d</td>" % over, body) is not None, "超期案件: %d, as listed" % over)
    ok(all("signoff" not in c for c in cases), "case list --json reads the listing index alone: no signoff field")
    ok(st["by_state"] == {s: want[STATE_ZH[s]] for s in STATE_ZH} and st["total"] == len(cases)
       and st["accepted"] == len(acc) and st["returned"] == len(ret) and st["overdue"] == over,
       "case stats --json counts what case list --json lists")
    signed = sum(1 for c in cases if c["state"] == "signed_off")
    med = lambda m: ("%.0f 天" if m == int(m) else "%.1f 天") % m
    ok(signed >= 1 and st["median_cases"] == signed
       and "<th>签发用时中位数（自然日）</th><td>%s（%d 件）</td>" % (med(st["median_days"]), signed) in body
       and "<th>签发用时中位数（工作日）</th><td>%s</td>" % med(st["median_working_days"]) in body,
       "签发用时中位数: case stats --json's, over the %d signed-off cases listed (%s, %s)"
       % (signed, st["median_days"], st["median_working_days"]))
    zname = {z["code"]: z["name"] for z in json.load(open(os.environ["ZONES_ALL"]))}
    zones = {}  # by name, as the page names them
    for c in cases:
        k = zname.get(c["zone"], c["zone"]) if c["zone"] else "（未划片区）"
        zones[k] = zones.get(k, 0) + 1
    zt = body.split('<table class="by-zone">', 1)[-1].split("</table>", 1)[0]
    rows = dict((z, int(n)) for z, n in re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td>", zt))
    ok(rows == zones and "<h2>按片区</h2>" in body and body.count("<svg") >= 2,
       "按片区: each zone's count, by the zone's name, and its stacked bar (%s)" % rows)
    _, _, m2 = sign_in("m2")
    r = req("GET", "/stats", m2)
    ok(r.status == 403 and "无权查看" in r.body and "<svg" not in r.body, "a member's 统计 is refused (%d)" % r.status)
    ok('href="/stats"' not in req("GET", "/", m2).body, "a member is offered no 统计 link")
    _, _, aud = sign_in("aud")
    r = req("GET", "/stats", aud)
    n = len(json.load(open(aud_list)))
    ast = json.load(open(aud_stats))
    ok(r.status == 200 and sum(by_state_table(r.body).values()) == n == ast["total"]
       and by_state_table(r.body) == {STATE_ZH[s]: v for s, v in ast["by_state"].items()},
       "the auditor's 统计 counts the auditor's listing and case stats (%d)" % n)
    azones = {c["zone"] or "" for c in json.load(open(aud_list))}
    zt = r.body.split('<table class="by-zone">', 1)[-1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td>", zt)
    svg = r.body.split("<h2>按片区</h2>", 1)[-1].split("</svg>", 1)[0]
    ok(len(azones) > 21 and len(rows) == 21 and svg.count('text-anchor="end"') == 21
       and rows[-1][0] == "其他（%d个片区）" % (len(azones) - 20) and sum(int(x) for _, x in rows) == n
       and len(ast["zones"]) == len(azones)
       and [int(x) for _, x in rows[:20]] == [z["total"] for z in ast["zones"][:20]],
       "%d zones: the 20 largest and one 其他 row, in the chart and the table" % len(azones))
    _, _, root = sign_in("root")
    r = req("GET", "/stats", root)
    ok(r.status == 403 and "无权" in r.body and "<svg" not in r.body,
       "an admin's 统计: the service's refusal of case list (%d)" % r.status)


def shutout_checks(step, sids):
    """A browser whose user the service shut out (a command that exits 3):
    m5, whose admin-chosen passphrase is not yet replaced; m6 after a new
    passphrase, m7 once disabled. The session ends here too and the
    browser is sent to the sign-in page, which says why, once; never 503.
    step 1 signs them in (prints m6's and m7's ids), step 2 follows the
    change made between."""
    def bounced(sid, who, why):
        r = req("GET", "/", sid)
        new = r.cookie()
        ok(r.status == 303 and r.header("Location") == "/login" and new and new != sid,
           "%s: 303 to the sign-in page under a new id, not 503 (%d)" % (who, r.status))
        f = req("GET", "/login", new)
        note = f.body.split('<p class="error">', 1)[-1].split("</p>", 1)[0]
        ok(f.status == 200 and "您的登录已结束。" in note and why(note) and "shenli：" not in note
           and "shenli: " not in note and csrf_of(f.body),
           "%s: the sign-in page says why, the service's reason (%s)" % (who, html.unescape(note)[:80]))
        ok('class="error"' not in req("GET", "/login", new).body, "%s: ... once" % who)
        ok(req("GET", "/", sid).status == 303 and req("GET", "/case/x", sid).status == 303,
           "%s: the old id is no session any more" % who)
    if step == "1":
        r, _, m5 = sign_in("m5")
        ok(r.status == 303 and m5, "m5 (passphrase still the admin's) signs in")
        bounced(m5, "m5, not yet enrolled", lambda n: "user passwd" in n)
        sids = [sign_in(u)[2] for u in ("m6", "m7")]
        ok(all(sids) and all(req("GET", "/", x).status == 200 for x in sids), "m6 and m7 sign in and work")
        print("SIDS %s %s" % tuple(sids))
        return
    m6, m7 = sids
    bounced(m6, "m6, after a new passphrase", lambda n: len(n) > len("您的登录已结束。") + 6)
    bounced(m7, "m7, once disabled", lambda n: len(n) > len("您的登录已结束。") + 6)
    r = sign_in("m7")[0]
    ok(r.status == 403 and not r.cookie(), "the disabled m7 cannot sign in again (%d)" % r.status)


def finding_fields(body):
    """The return form's finding rows: [{finding, checked, key, refs, orig}]."""
    rows = []
    for row in body.split('<input type="checkbox" name="finding"')[1:]:
        f = {"checked": row.startswith(" checked")}
        for k in ("key", "refs", "orig"):
            m = re.search(r'name="%s_\d+" value="([^"]*)"' % k, row)
            f[k] = html.unescape(m.group(1)) if m else None
        f["n"] = re.search(r'name="key_(\d+)"', row).group(1)
        rows.append(f)
    return rows


def return_fix_checks(g, h, g_find, h_find):
    """退回补查: a finding that cites documents (date_order) edited keeps
    its refs as doc:KIND; a finding without a suggestion (a blocker such
    as party_gov_mismatch) is offered as --from-finding takes it."""
    _, _, lead = sign_in("lead")
    form = req("GET", "/case/%s/return" % g, lead)
    token = csrf_of(form.body)
    rows = [x for x in finding_fields(form.body) if x["key"].startswith("date_order")]
    want = [x for x in json.load(open(g_find)) if x["code"] == "date_order"]
    ok(rows and want and rows[0]["refs"] == ",".join(x if x.startswith("doc:") else "doc:" + x for x in want[0]["refs"]),
       "a finding citing documents: its refs are sent as doc:KIND (%s)" % (rows[0]["refs"] if rows else None))
    if rows:
        x = rows[0]
        n = x["n"]
        r = req("POST", "/case/%s/return" % g, lead,
                {"csrf": token, "kind": "supplement", "action": "preview", "finding": x["key"],
                 "key_" + n: x["key"], "orig_" + n: x["orig"], "refs_" + n: x["refs"],
                 "edit_" + n: x["orig"] + "（并说明理由）"})
        prev = r.body.split('id="outline-preview"', 1)[-1].split("</ol>", 1)[0]
        sent = re.findall(r'name="item_refs" value="([^"]*)"', r.body)
        ok(r.status == 200 and "（并说明理由）" in prev and "组长" in prev and sent == [x["refs"]],
           "the date_order suggestion edited: previewed as the leader's item on the same documents (%d)" % r.status)
    form = req("GET", "/case/%s/return" % h, lead)
    rows = finding_fields(form.body)
    keys = {x["key"].split("@")[0] for x in rows}
    every = {x["code"] for x in json.load(open(h_find))}
    ok(every and every <= keys, "every finding is offered, as --from-finding takes any (%s of %s)"
       % (sorted(keys), sorted(every)))
    pg = [x for x in rows if x["key"].startswith("party_gov_mismatch")]
    msg = [x["message"] for x in json.load(open(h_find)) if x["code"] == "party_gov_mismatch"]
    ok(pg and not pg[0]["checked"] and msg and pg[0]["orig"] == msg[0],
       "party_gov_mismatch (no suggestion): offered unpicked, its message as the item's text")
    if pg:
        x = pg[0]
        n = x["n"]
        base = {"csrf": token, "kind": "supplement", "action": "preview", "finding": x["key"],
                "key_" + n: x["key"], "orig_" + n: x["orig"], "refs_" + n: x["refs"]}
        r = req("POST", "/case/%s/return" % h, lead, dict(base, **{"edit_" + n: x["orig"]}))
        prev = r.body.split('id="outline-preview"', 1)[-1].split("</ol>", 1)[0]
        ok(r.status == 200 and msg[0] in prev and "party_gov_mismatch" in prev,
           "picked, it is previewed as the command's --from-finding gives it (%d)" % r.status)
        r = req("POST", "/case/%s/return" % h, lead, dict(base, **{"edit_" + n: "核实党纪处分与政务处分是否相当"}))
        prev = r.body.split('id="outline-preview"', 1)[-1].split("</ol>", 1)[0]
        ok(r.status == 200 and "核实党纪处分与政务处分是否相当" in prev and "组长" in prev,
           "edited, it is the leader's item on the finding's standard (%d)" % r.status)


def limit_fix_checks(h, e):
    """The forms' bounds are the service's (bytes of UTF-8), and a text over
    one is refused naming its box, in the form's words."""
    _, _, lead = sign_in("lead")
    _, _, m2 = sign_in("m2")
    _, _, m3 = sign_in("m3")
    ml = lambda body, name: re.findall(r'name="%s"[^>]*maxlength="(\d+)"' % name, body)
    page = req("GET", "/case/%s/opinion" % h, lead).body
    ok(ml(page, "reason") == ["5461"] and set(ml(page, "dissent_text")) == {"1365"}
       and ml(page, "property") == ["1365"], "审理意见: maxlength 16384 / 3 and 4096 / 3 characters")
    form = req("GET", "/case/%s/return" % h, lead).body
    ok(set(ml(form, r"edit_\d+") + ml(form, "item_text")) == {"666"}, "退回补查: maxlength 2000 / 3 characters")
    ok(set(ml(req("GET", "/case/" + e, lead).body, "reason")) == {"666"}, "撤回理由: maxlength 2000 / 3 characters")
    t2 = csrf_of(req("GET", "/", m2).body)
    op = {"discipline": "integrity", "form": "2", "party_sanction": "警告"}
    r = req("POST", "/case/%s/opinion" % h, m2, dict(op, csrf=t2, reason="审" * 5462))
    ok(r.status == 400 and "“理由”过长" in r.body and "16384" in r.body and "reasoning" not in r.body,
       "a reason of 5462 Chinese characters: refused naming 理由 and its bound (%d)" % r.status)
    r = req("POST", "/case/%s/opinion" % h, m2, dict(op, csrf=t2, reason="审" * 5461))
    ok(r.status == 303, "one of 5461, what the form lets through, is recorded (%d)" % r.status)
    r = req("POST", "/case/%s/opinion" % h, m3, dict(op, csrf=csrf_of(req("GET", "/", m3).body), reason="事实清楚"))
    ok(r.status == 303, "m3's opinion too (%d)" % r.status)
    t = csrf_of(req("GET", "/", lead).body)
    panel = dict(op, csrf=t, reason="经集体审议", panel="1")
    r = req("POST", "/case/%s/opinion" % h, lead, dict(panel, dissent_member="m2", dissent_text="异" * 1366))
    ok(r.status == 400 and "“不同意见”过长" in r.body and "4096" in r.body and "须选定成员" not in r.body,
       "a dissent of 1366 characters, its member chosen: refused as too long, not as half a dissent (%d)" % r.status)
    r = req("POST", "/case/%s/opinion" % h, lead, dict(panel, property="财" * 1366))
    ok(r.status == 400 and "“涉案财物处置意见”过长" in r.body and "--property" not in r.body,
       "a property opinion of 1366 characters: refused naming its box (%d)" % r.status)
    r = req("POST", "/case/%s/return" % h, lead, {"csrf": t, "kind": "supplement", "action": "preview",
                                                 "item_text": "补" * 667, "item_refs": "F1"})
    ok(r.status == 400 and "“补查事项”过长" in r.body and "2000" in r.body, "an item of 667 characters (%d)" % r.status)
    r = req("POST", "/case/%s/withdraw" % e, lead, {"csrf": t, "item": "1", "reason": "撤" * 667})
    ok(r.status == 400 and "“撤回理由”过长" in r.body, "a withdrawal's reason of 667 characters (%d)" % r.status)
    r = req("POST", "/case/%s/opinion" % h, lead,
            dict(panel, dissent_member="m2", dissent_text="异" * 1365, property="财" * 1365))
    ok(r.status == 303, "the panel's opinion with a dissent and a property opinion of 1365 each (%d)" % r.status)


def host_fix_checks():
    r = req("GET", "/", host="evil.example:%d" % PORT)
    ok(r.status == 421 and "text/html" in (r.header("Content-Type") or "") and "地址不符" in r.body
       and "misdirected" not in r.body and r.header("Content-Security-Policy") == CSP,
       "a foreign Host: 421, a Chinese page with the other pages' headers")


def labelled(body, tag, name):
    """The controls <tag name=NAME...> of body without a name a screen
    reader can say: no aria-label and no <label for> naming their id."""
    fors = set(re.findall(r'<label for="([^"]+)"', body))
    bad = []
    for attrs in re.findall(r'<%s ([^>]*name="%s"[^>]*)>' % (tag, name), body):
        idm = re.search(r'\bid="([^"]+)"', attrs)
        if 'aria-label="' not in attrs and not (idm and idm.group(1) in fors):
            bad.append(attrs[:60])
    return bad


def round3_checks():
    """A third round from outside (headless Chromium): the leader corrects
    the panel's opinion of a deliberated case, a form sent after the
    sign-in ended, 退回补查's item numbers and refs, the user's file names,
    Chinese where codes and English were, members' documents, narrow
    screens, labels, print, the returns' limit said up front, and forms
    that keep what was typed."""
    f, g, e, s_, x = (os.environ[k] for k in ("CASE_F", "CASE_G", "CASE_E", "CASE_S", "CASE_X"))
    agencies = {a["code"]: a["name"] for a in json.load(open(os.environ["AGENCIES"]))}
    _, _, lead = sign_in("lead")
    _, _, m2 = sign_in("m2")
    t = csrf_of(req("GET", "/", lead).body)
    # 1: F is deliberated, its panel opinion refused by the gates
    r = req("GET", "/case/%s/signoff" % f, lead)
    ok(r.status == 200 and 'id="correct-opinion"' in r.body and 'href="/case/%s/opinion"' % f in r.body,
       "1: the sign-off page, its gates failing, links to the panel opinion's form")
    r = req("GET", "/case/%s/opinion" % f, lead)
    ticked = re.findall(r'name="discipline" value="([^"]+)" checked', r.body)
    ok(r.status == 200 and 'id="opinion-form"' in r.body and 'name="panel"' in r.body
       and len(ticked) == 3 and "经集体审议。</textarea>" in r.body
       and re.search(r'name="form" value="3"[^>]* checked', r.body) is not None,
       "1: a deliberated case's leader gets the panel opinion form, filled with the opinion in force (%d, %s)"
       % (r.status, ticked))
    ok('id="opinion-form"' not in req("GET", "/case/%s/opinion" % f, m2).body,
       "1: ... a member of the team does not")
    form = {"csrf": t, "discipline": ["integrity"], "eight_point": "1", "form": "2", "party_sanction": "警告",
            "reason": "经集体审议，予以更正。\r\n第二行", "panel": "1"}
    r = req("POST", "/case/%s/opinion" % f, lead, urllib.parse.urlencode(form, doseq=True))
    ok(r.status == 303, "1: the corrected panel opinion is recorded (%d)" % r.status)
    r = req("GET", "/case/%s/opinion" % f, lead)
    ok("经集体审议，予以更正。\n第二行</textarea>" in r.body and 'name="eight_point" value="1" checked' in r.body,
       "1: the form now holds the corrected opinion, its lines kept")
    # 2: a form sent once the sign-in has ended
    _, _, gone = sign_in("m3")  # (another sign-in of lead would end lead's)
    tg = csrf_of(req("GET", "/", gone).body)
    req("POST", "/logout", gone, {"csrf": tg})
    r = req("POST", "/case/%s/opinion" % g, gone, {"csrf": tg, "discipline": "integrity", "form": "2",
                                                 "reason": "x"})
    ok(r.status == 403 and "登录已超时" in r.body and "未执行任何操作" in r.body and "请求无效" not in r.body
       and 'href="/login"' in r.body, "2: a form sent after the sign-in ended: says so, and that nothing was done")
    # 3 and 11: 退回补查 numbers the leader's item as the preview does
    page = req("GET", "/case/%s/return" % g, lead).body
    picks = re.findall(r'name="finding" checked[^>]*value="([^"]+)"', page)
    picks = [html.unescape(v) for v in picks]
    base = {"csrf": t, "kind": "supplement", "action": "preview", "finding": picks}
    r = req("POST", "/case/%s/return" % g, lead,
            urllib.parse.urlencode(dict(base, item_text="补充某某材料", item_refs="subject"), doseq=True))
    n = r.body.split('id="outline-preview"', 1)[-1].split("</ol>", 1)[0].count("<li>")
    ok(r.status == 200 and n >= 2, "3: G's preview with its %d suggestions and an item of the leader's (%d items)"
       % (len(picks), n))
    r = req("POST", "/case/%s/return" % g, lead,
            urllib.parse.urlencode(dict(base, item_text="核实<b>某</b>情况", item_refs="F9"), doseq=True))
    said = r.body.split('id="return-error">', 1)[-1].split("</p>", 1)[0]
    ok(r.status == 400 and "补查提纲第 %d 项" % n in said and "doc:KIND" not in said,
       "3: an item citing F9 is refused naming it item %d, as the preview numbers it; no doc:KIND (%s)"
       % (n, said))
    ok('id="return-form"' in r.body and "核实&lt;b&gt;某&lt;/b&gt;情况</textarea>" in r.body
       and 'value="F9"' in r.body and "<b>某" not in r.body,
       "11: the refused form comes back holding what was typed, escaped")
    r = req("POST", "/case/%s/return" % g, lead,
            urllib.parse.urlencode(dict(base, item_text="补充某某材料", item_refs="subject"), doseq=True))
    m = re.search(r'<form method="post" id="reedit-form".*?</form>', r.body, re.S)
    fields = re.findall(r'name="([^"]+)" value="([^"]*)"', m.group(0) if m else "")
    r = req("POST", "/case/%s/return" % g, lead,
            urllib.parse.urlencode([(k, html.unescape(v)) for k, v in fields] + [("action", "edit")]))
    ok(m is not None and r.status == 200 and 'id="return-form"' in r.body
       and "补充某某材料</textarea>" in r.body and 'value="subject"' in r.body,
       "11: 重新编辑 on the preview brings back the form as it was filled")
    # 11: the opinion form, refused, keeps what was typed
    r = req("POST", "/case/%s/opinion" % g, m2, {"csrf": csrf_of(req("GET", "/", m2).body),
                                               "discipline": "integrity", "reason": "理由<i>一</i>"})
    ok(r.status == 400 and "请选择“四种形态”" in r.body and "理由&lt;i&gt;一&lt;/i&gt;</textarea>" in r.body
       and 'value="integrity" checked' in r.body, "11: an opinion without its form comes back filled")
    # 4: the resubmission's error names the user's file
    body, ctype = multipart({"csrf": t}, [("补充材料（第二批）.json", b"not json")])
    r = req("POST", "/case/%s/resubmit" % e, lead, body, headers={"Content-Type": ctype})
    ok(r.status == 400 and "补充材料（第二批）.json" in r.body and "dossier.json" not in r.body,
       "4: a resubmission's error names the file uploaded (%d)" % r.status)
    body, ctype = multipart({"csrf": t}, [("-x\x01y.json", b"not json")])
    r = req("POST", "/case/%s/resubmit" % e, lead, body, headers={"Content-Type": ctype})
    ok(r.status == 400 and "./-x?y.json" in r.body, "4: ... cleaned, and never an option")
    # 5: Chinese where codes and English were
    up = os.environ["UPLOADS"]
    body, ctype = multipart({"csrf": t}, [("refused.json", open(os.path.join(up, "refused.json"), "rb").read())])
    r = req("POST", "/intake", lead, body, headers={"Content-Type": ctype})
    ok(r.status == 200 and "不予受理" in r.body and "outside this panel" not in r.body
       and not re.search(r" \([ -~]+\)</li>", r.body), "5: an intake's reasons without their English tags")
    r = req("GET", "/intake", lead)
    ok("案件卷宗文件（JSON）" in r.body and "shenli.case/1" not in r.body, "5: 受理 names the file in Chinese")
    q = req("GET", "/", lead).body
    ok(agencies["ZRJ"] in q and ">ZRJ<" not in q, "5: the queue names the agency, not its code")
    r = req("GET", "/case/%s/signoff" % f, lead)
    gates = r.body.split('id="gates"', 1)[-1].split("</table>", 1)[0]
    ok("<td>gate_" not in gates and "集体审议意见与认定事实" in gates,
       "5: the gates by what they check, in Chinese (%s)" % re.sub("<[^>]+>", " ", gates)[:200])
    c = req("GET", "/case/" + g, lead).body
    ok('<small class="code">' in c and "，<code>" not in c, "5: a finding's code comes last, small")
    # 6: a member's page links the signed-off case's documents
    c = req("GET", "/case/" + s_, m2).body
    ok('href="/case/%s/report.pdf"' % s_ in c and 'href="/case/%s/opinion.pdf"' % s_ in c,
       "6: a member of a signed-off case's team is given its 审理报告 and 审理意见")
    ok(req("GET", "/case/%s/report.pdf" % s_, m2).status == 200, "6: ... which opens")
    # 7, 9: the viewport, narrow screens and paper
    css = req("GET", "/style.css").body
    ok('<meta name="viewport" content="width=device-width, initial-scale=1">' in q, "7: the viewport meta")
    ok("max-width:100%" in css.split("textarea,input,select", 1)[-1][:40] and "overflow-x:auto" in css,
       "7: boxes within the page's width; a wide table scrolls in its own box")
    pr = css.split("@media print{", 1)[-1].split("}", 1)[0]
    ok("header" in pr and "form" in pr and "button" in pr and "nav.actions" in pr and "display:none" in css,
       "9: a print style sheet without the header, forms, buttons and actions")
    # 8: every control named
    ret = req("GET", "/case/%s/return" % g, lead).body
    op = req("GET", "/case/%s/opinion" % f, lead).body
    bad = (labelled(ret, "input", "finding") + labelled(ret, "textarea", r"edit_\d+")
           + labelled(ret, "textarea", "item_text") + labelled(ret, "input", "item_refs")
           + labelled(op, "select", "dissent_member") + labelled(op, "textarea", "dissent_text")
           + labelled(req("GET", "/intake", lead).body, "input", "dossier"))
    accepted = json.load(open(os.path.join(up, "ok.json")))["case_id"]  # taken in by 受理, no team yet
    team = req("GET", "/case/" + accepted, lead).body
    bad += labelled(team, "input", "reviewer")
    ok(not bad and 'name="reviewer"' in team, "8: every control has a name a screen reader says (%s)" % bad[:2])
    # 10: the returns allowed are used
    r = req("GET", "/case/%s/return" % x, lead)
    ok(r.status == 200 and 'id="return-limit"' in r.body and 'id="return-form"' not in r.body
       and "撤回" in r.body, "10: a case returned as often as the rules allow: said up front, no form")
    ok(failed == 0, "all round 3 checks ran")


def round4_checks():
    """A fourth round from outside: an opinion refused names the field as
    the form labels it, never an option, a code or the command's usage;
    a resubmission that leaves items open says which and why; 退回补查
    and 撤回 name the field a hand-made request got wrong."""
    e, f, g = (os.environ[k] for k in ("CASE_E", "CASE_F", "CASE_G"))
    _, _, lead = sign_in("lead")
    _, _, m2 = sign_in("m2")
    t, tm = csrf_of(req("GET", "/", lead).body), csrf_of(req("GET", "/", m2).body)
    said = lambda r, k: html.unescape(r.body.split('id="%s">' % k, 1)[-1].split("</p>", 1)[0])
    words = ("--", "用法", "usage", "form：", "sanction", "discipline", "circumstance", "dissent", "可用的有")
    # D2: each refusal of the opinion form names its field by its label
    base = {"csrf": tm, "discipline": "integrity", "form": "2", "reason": "理由"}
    for field, value, label in (("form", "x", "四种形态"), ("form", "9", "四种形态"),
                                ("discipline", "treason", "违反纪律"), ("party_sanction", "bogus", "党纪处分"),
                                ("gov_sanction", "bogus", "政务处分"), ("circumstance", "bogus", "情节")):
        r = req("POST", "/case/%s/opinion" % g, m2, dict(base, **{field: value}))
        err = said(r, "opinion-error")
        ok(r.status == 400 and "“%s”" % label in err and not any(w in err for w in words),
           "D2: an opinion with %s=%s names “%s”, no option or code (%d: %s)" % (field, value, label, r.status, err))
    r = req("POST", "/case/%s/opinion" % g, m2, "csrf=%s&discipline=integrity&form=2&reason=x&party_sanction=%%FF" % tm)
    ok(r.status == 400 and "“党纪处分”" in said(r, "opinion-error"),
       "D2: a sanction not UTF-8 names “党纪处分” (%s)" % said(r, "opinion-error"))
    ok('id="opinions"' not in req("GET", "/case/%s/opinion" % g, m2).body, "D2: ... and none was recorded")
    r = req("POST", "/case/%s/opinion" % f, lead, dict(base, csrf=t, panel="1", dissent_member="m9",
                                                      dissent_text="不同意"))
    err = said(r, "opinion-error")
    ok(r.status == 400 and "“不同意见”" in err and not any(w in err for w in words),
       "D2: a dissent of one not on the team names “不同意见” (%d: %s)" % (r.status, err))
    # D4: 撤回 and 退回补查 name the field and the problem, write nothing
    before = req("GET", "/case/" + e, lead).body
    for body, want in (("item=1&reason=%FF%FE", "撤回理由"), ("item=1", "撤回理由"),
                       ("item=abc&reason=x", "项号"), ("item=-1&reason=x", "项号"), ("reason=x", "哪一项")):
        r = req("POST", "/case/%s/withdraw" % e, lead, body + "&csrf=" + t)
        ok(r.status == 400 and want in r.body and "提交的内容无效" not in r.body,
           "D4: a withdrawal of %s names %s (%d)" % (body, want, r.status))
    for body, want in (("kind=bogus&item_text=x&item_refs=subject", "“退回方式”"),
                       ("kind=supplement&item_text=%FF&item_refs=subject", "第 1 行的补查事项"),
                       ("kind=supplement&item_text=x&item_refs=%FF", "第 1 行的“涉及”")):
        r = req("POST", "/case/%s/return" % g, lead, body + "&action=preview&csrf=" + t)
        ok(r.status == 400 and want in said(r, "return-error") and 'id="outline-preview"' not in r.body,
           "D4: a return with %s names %s (%d: %s)" % (body, want, r.status, said(r, "return-error")))
    ok(req("GET", "/case/" + e, lead).body == before, "D4: ... and nothing was written")
    # D3: a resubmission that answers item 1 with evidence not in the file
    d = json.load(open(os.environ["E_JSON"]))
    d["supplement"] = [{"item": "1", "evidence": ["E77"], "note": "已补充"}]
    body, ctype = multipart({"csrf": t}, [("补充.json", json.dumps(d, ensure_ascii=False).encode())])
    r = req("POST", "/case/%s/resubmit" % e, lead, body, headers={"Content-Type": ctype})
    items = r.body.split('id="open-items">', 1)[-1].split("</ul>", 1)[0]
    ok(r.status == 200 and 'id="resubmit-taken"' in r.body and "第1项" in items and "E77" in items
       and "补充任免文件" in items, "D3: a resubmission leaving item 1 open says it was taken, which item and why "
       "(%d: %s)" % (r.status, re.sub("<[^>]+>", " ", items)[:120]))
    ok('id="resubmit-checks"' in r.body, "D3: ... and what the checks on the new dossier found")
    ok(failed == 0, "all round 4 checks ran")


def main():
    if sys.argv[3] == "stats":
        stats_checks(*sys.argv[4:8])
        ok(failed == 0, "all stats checks ran")
        return
    if sys.argv[3] == "signin":
        print(sign_in(sys.argv[4])[2])
        return
    if sys.argv[3] == "get":
        print(req("GET", sys.argv[5], sys.argv[4]).status)
        return
    if sys.argv[3] == "proxy":
        proxy(sys.argv[4])
        return
    if sys.argv[3] == "shutout":
        shutout_checks(sys.argv[4], sys.argv[5:])
        ok(failed == 0, "all shutout checks ran")
        return
    if sys.argv[3] == "fixes":
        return_fix_checks(*sys.argv[4:8])
        limit_fix_checks(sys.argv[5], sys.argv[8])
        host_fix_checks()
        ok(failed == 0, "all fix checks ran")
        return
    if sys.argv[3] == "round3":
        round3_checks()
        return
    if sys.argv[3] == "round4":
        round4_checks()
        return
    if sys.argv[3] == "idle":
        idle()
    else:
        a, b = sys.argv[3], sys.argv[4]
        lead = signin_checks()
        _, _, m2 = sign_in("m2")
        queue_checks(lead, m2, a, b)
        case_checks(lead, a)
        timing(lead, a)
        not_found_checks(a, b)
        assign_checks(lead, m2, a, b)
        intake_checks(lead, m2)
        audit_checks(lead, m2, a)
        review_checks(lead, m2, a, b)
        said_checks(lead, m2, a, b)
        token = post_checks(lead)
        css = req("GET", "/style.css")
        ok(css.status == 200 and "text/css" in (css.header("Content-Type") or ""), "the style sheet is served")
        bad = [n for n, r in seen if r.header("Content-Security-Policy") != CSP
               or r.header("X-Content-Type-Options") != "nosniff"
               or r.header("Referrer-Policy") != "same-origin"
               or r.header("Cache-Control") != "no-store"]
        ok(not bad, "CSP, nosniff, Referrer-Policy same-origin, no-store on every response (%d; missing: %s)" % (len(seen), bad[:3]))
        pages = [r.body for n, r in seen if r.body.startswith("<!DOCTYPE")]
        ok(all("<script" not in p and "style=" not in p and "http://" not in p and "https://" not in p
               for p in pages), "no script, inline style or external asset in any page")
        r = req("POST", "/logout", lead, {"csrf": token})
        ok(r.status == 303 and r.header("Location") == "/login", "sign-out: 303 to the sign-in page")
        ok("Max-Age=0" in (r.header("Set-Cookie") or ""), "sign-out clears the cookie")
        ok(req("GET", "/", lead).status == 303, "after sign-out the old id is no session")
        limit_checks()
    ok(failed == 0, "all checks ran")


main()
