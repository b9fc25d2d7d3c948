"""browser_e2e.py - the real-browser side of test_browser.sh (issue 16).

    /usr/bin/python3 browser_e2e.py PORT PWDIR DOSSIER SHOTS

A leader and two members take a case from intake to sign-off through the
web front only, in headless Chromium driven by Selenium: clicks, typing,
and uploads by send_keys on <input type=file>. A recused member and one of
another zone are refused. Every page is saved as SHOTS/NN-step.png.

Prints PASS/FAIL lines (as web_check.py does) and, per step, "STEP NN name:
ok" or "STEP NN name: FAILED: why". The flow's steps depend on each other:
after the first that fails the rest are listed as not reached.

What the service did is verified beside the page, through the service
(`shenli case show --json` and the like in the auditor's session: the
environment gives SHENLI, SHENLI_SOCKET and XDG_RUNTIME_DIR).
"""
import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

PORT = int(sys.argv[1])
PW = sys.argv[2]
DOSSIER = sys.argv[3]
SHOTS = sys.argv[4]
BASE = "http://127.0.0.1:%d" % PORT
WAIT = float(os.environ.get("BROWSER_WAIT", "60"))  # sanitizer builds are slow
NOSUCH = "ZXX-0000-0000"
WORK = tempfile.mkdtemp(prefix="shenli-browser.")
failed = 0
shot_no = 0


class StepFailed(Exception):
    pass


def ok(cond, desc):
    global failed
    print(("PASS " if cond else "FAIL ") + desc, flush=True)
    if not cond:
        failed += 1
    return cond


def must(cond, desc):
    """A check the rest of the flow depends on: the step stops here."""
    if not ok(cond, desc):
        raise StepFailed(desc)


# ---- the service's own view ---------------------------------------------------

def cli(*args):
    """(exit code, stdout) of `shenli ARGS` through the service."""
    p = subprocess.run([os.environ["SHENLI"], *args], stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def cli_json(*args):
    rc, out = cli(*args, "--json")
    if rc not in (0, 1):
        raise StepFailed("shenli %s: exit %d" % (" ".join(args), rc))
    return json.loads(out)


def show(case):
    return cli_json("case", "show", case)


# ---- the browser ---------------------------------------------------------------

def browser():
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000",
              "--disable-dev-shm-usage", "--lang=zh-CN", "--user-data-dir=" + WORK + "/profile"):
        o.add_argument(a)
    svc = Service("/usr/bin/chromedriver", log_path=WORK + "/chromedriver.log")
    d = webdriver.Chrome(service=svc, options=o)
    d.set_page_load_timeout(WAIT)
    return d


D = None


def wait(cond, what):
    try:
        return WebDriverWait(D, WAIT).until(cond)
    except TimeoutException:
        raise StepFailed("timed out waiting for " + what + " on " + D.current_url)


def loaded():
    wait(lambda d: d.execute_script("return document.readyState") == "complete", "the page to load")


def status():
    """The HTTP status of the page shown, as the browser saw it."""
    return D.execute_script(
        "const e = performance.getEntriesByType('navigation')[0];"
        "return e ? e.responseStatus : null;")


def path():
    return "/" + D.current_url.split("/", 3)[3] if D.current_url.count("/") >= 3 else D.current_url


def go(p):
    D.get(BASE + p)
    loaded()


def click_and_load(el):
    """Click el (a link or a submit button) and wait for the next page: a
    new document (the old one's mark gone), loaded."""
    D.execute_script("window.shenliOld = true")
    el.click()

    def next_page(d):
        try:
            return d.execute_script("return !window.shenliOld && document.readyState === 'complete'")
        except WebDriverException:  # between the two documents
            return False
    wait(next_page, "the next page after a click")


def has(css):
    return len(D.find_elements(By.CSS_SELECTOR, css)) > 0


def find(css, what=None):
    try:
        return D.find_element(By.CSS_SELECTOR, css)
    except NoSuchElementException:
        raise StepFailed("no %s (%s) on %s" % (what or css, css, path()))


def link(text):
    try:
        return D.find_element(By.LINK_TEXT, text)
    except NoSuchElementException:
        raise StepFailed("no link %s on %s" % (text, path()))


def link_to(p, what):
    """The link to the page p (its href), named what in a failure."""
    return find('a[href="%s"]' % p, "the link " + what)


def submit_of(form):
    """A form's submit button (<button> without a type is one)."""
    try:
        return form.find_element(By.XPATH, ".//button[not(@type) or @type='submit']")
    except NoSuchElementException:
        raise StepFailed("no submit button in the form on " + path())


def pick(select, v):
    """Choose the option of a <select> whose value, or else text, is v."""
    s = Select(select)
    try:
        s.select_by_value(v)
    except NoSuchElementException:
        s.select_by_visible_text(v)


def title():
    return D.find_element(By.TAG_NAME, "h1").text if has("h1") else ""


def main_text():
    return D.find_element(By.TAG_NAME, "main").text if has("main") else D.page_source


def shot(name):
    """SHOTS/NN-name.png of the whole page (the window grown to fit it)."""
    global shot_no
    shot_no += 1
    h, chrome = D.execute_script(
        "return [Math.max(document.body ? document.body.scrollHeight : 0,"
        " document.documentElement.scrollHeight), window.outerHeight - window.innerHeight]")
    D.set_window_size(1280, min(max(1000, (h or 0) + (chrome or 0) + 20), 8000))
    f = os.path.join(SHOTS, "%02d-%s.png" % (shot_no, name))
    D.save_screenshot(f)
    D.set_window_size(1280, 1000)
    print("  screenshot %s (%s)" % (f, path()), flush=True)


def not_an_error_page(what):
    must(status() == 200 and title() not in ("未找到", "请求无效", "操作失败"),
         "%s: a page, not an error (%s, %s: %s)" % (what, status(), path(), title()))


def sign_in(user):
    go("/")
    must(path() == "/login", "signed out, / leads to the sign-in page (%s)" % path())
    find('input[name="user"]').send_keys(user)
    find('input[name="passphrase"]').send_keys(open(os.path.join(PW, user)).read().rstrip("\n"))
    if shot_no == 0:
        shot("login")
    click_and_load(find('form.login button[type="submit"]'))
    must(path() == "/" and "我的待办" in title() and ("当前用户：" + user) in D.page_source,
         "%s signs in through the form: the queue (%s)" % (user, title()))


def sign_out():
    click_and_load(find('form[action="/logout"] button'))
    must(path() == "/login", "sign-out through the header's button: the sign-in page")


def case_page(case):
    if path() != "/case/" + case:
        go("/case/" + case)
    not_an_error_page("the case page")


# ---- the steps -----------------------------------------------------------------

class Flow:
    def __init__(self):
        d = json.load(open(DOSSIER))
        self.case = d["case_id"]
        self.agency = d["agency"]
        self.finding = None  # CODE@REF of the blocker the return cites

    # 1. the leader signs in and sees their queue
    def step_login(self):
        sign_in("lead")
        shot("queue")
        ok(has('header a[href="/intake"]'), "the leader's header links to 受理")

    # 2. 受理: the dossier uploaded, accepted
    def step_intake(self):
        click_and_load(link("受理"))
        not_an_error_page("受理")
        f = find('input[type="file"][name="dossier"]', "the upload field")
        f.send_keys(os.path.abspath(DOSSIER))
        shot("intake")
        click_and_load(find('form[action="/intake"] button[type="submit"]'))
        must("受理结果" in title(), "the upload is decided: 受理结果 (%s)" % title())
        row = [r.text for r in D.find_elements(By.CSS_SELECTOR, "main tr") if self.case in r.text]
        shot("intake-result")
        must(row and " 受理" in " " + row[0] and "不予受理" not in row[0] and "暂缓受理" not in row[0],
             "the case is accepted (受理): %s" % (row[0] if row else "no row"))
        must(show(self.case)["state"] == "accepted", "the service has the case accepted")

    # 3. 组成审理组 on the case page: the recused member disabled, two picked
    def step_assign(self):
        click_and_load(link(self.case))
        must(path() == "/case/" + self.case, "the result links to the case page")
        not_an_error_page("the case page")
        must("案件阅卷" in title() and "已受理" in main_text(), "案件阅卷, 已受理")
        box = lambda u: find('input[type="checkbox"][name="reviewer"][value="%s"]' % u, "the checkbox of " + u)
        row = lambda u: box(u).find_element(By.XPATH, "./ancestor::tr").text
        must(not box("m1").is_enabled() and "回避" in row("m1") and self.agency in row("m1"),
             "m1 (home agency %s, which transferred the case) is disabled: %s" % (self.agency, row("m1")))
        must(not box("m9").is_enabled() and "非本片区" in row("m9"),
             "m9 (zone Z2) is disabled: %s" % row("m9"))
        try:
            box("m1").click()  # a click on a disabled box does nothing
        except Exception:
            pass
        ok(not box("m1").is_selected(), "clicking the recused member's box does not pick them")
        for u in ("m2", "m3"):
            must(box(u).is_enabled(), u + " may be picked")
            box(u).click()
            must(box(u).is_selected(), u + " is picked")
        shot("team-picked")
        click_and_load(find('form[action$="/assign"] button[type="submit"]'))
        must(path() == "/case/" + self.case, "assigned: back to the case page (%s)" % path())
        team = D.find_element(By.XPATH, "//th[text()='审理组']/following-sibling::td").text
        shot("assigned")
        must("审理中" in main_text() and "尚未组成" not in team, "the page: 审理中, the team %s" % team)
        s = show(self.case)
        must(s["state"] == "in_review" and sorted(m["id"] for m in s["team"]) == ["m2", "m3"],
             "the service: in_review, team m2 and m3 (%s, %s)" % (s["state"], [m["id"] for m in s["team"]]))
        sign_out()

    # 4. refusals: the recused member and the other zone's member
    def step_refusals(self):
        for user, why in (("m1", "recused"), ("m9", "other-zone")):
            sign_in(user)
            go("/case/" + self.case)
            st, t, body = status(), title(), main_text()
            shot("%s-%s-case" % (why, user))
            go("/case/" + NOSUCH)
            st2, body2 = status(), main_text()
            shot("%s-%s-nosuch" % (why, user))
            must(st == 404 and t == "未找到" and self.case not in body,
                 "%s (%s) is refused the case: 404 未找到 (%s, %s)" % (user, why, st, t))
            must(st2 == 404 and body == body2, "%s: the same 404 page as for a case that does not exist" % user)
            go("/")
            ok(self.case not in main_text(), "%s's queue does not list the case" % user)
            sign_out()
        sign_in("m2")
        ok(self.case in main_text(), "m2, on the team, has the case in their queue")
        click_and_load(link(self.case))
        not_an_error_page("m2's case page")
        ok("组成审理组" not in main_text(), "m2 is offered no 组成审理组")
        shot("member-m2-case")
        sign_out()

    # 5. the checks run from the case page (运行审查)
    def step_run_checks(self):
        sign_in("lead")
        case_page(self.case)
        click_and_load(find('form[action="/case/%s/run"] button[name="run"]' % self.case, "运行审查"))
        case_page(self.case)
        shot("checks-run")
        fs = cli_json("review", "findings", self.case)
        blockers = [f for f in fs if f["severity"] == "blocker"]
        must(blockers, "the service ran the checks: a blocker (%s)" % [f["code"] for f in fs])
        b = blockers[0]
        self.finding = b["code"] + ("@" + b["refs"][0] if b.get("refs") else "")
        must("阻断" in main_text(), "the page shows the blocker (阻断)")

    # 6. 退回补查: the outline composed, previewed, confirmed
    def step_return(self):
        click_and_load(link_to("/case/%s/return" % self.case, "退回补查"))
        must(path() == "/case/%s/return" % self.case, "退回补查 opens the return page (%s)" % path())
        not_an_error_page("the return page")
        form = find("form#return-form")
        Select(form.find_element(By.NAME, "kind")).select_by_value("supplement")
        boxes = form.find_elements(By.CSS_SELECTOR, 'input[type="checkbox"][name="finding"]')
        vals = [b.get_attribute("value") for b in boxes]
        code = self.finding.split("@")[0]
        mine = [b for b in boxes if b.get_attribute("value") in (self.finding, code)]
        must(mine, "the blocker %s is offered as a suggestion (%s)" % (self.finding, vals))
        for b in boxes:  # that one alone
            if b.is_selected() != (b == mine[0]):
                b.click()
        texts = form.find_elements(By.NAME, "item_text")
        refs = form.find_elements(By.NAME, "item_refs")
        must(len(texts) >= 3 and len(refs) >= 3, "3 empty rows for items of the leader's own (%d)" % len(texts))
        texts[0].send_keys("查明资金最终去向")
        refs[0].send_keys("F1,E1")
        shot("return-form")
        click_and_load(form.find_element(By.CSS_SELECTOR, 'button[name="action"][value="preview"]'))
        not_an_error_page("the outline's preview")
        items = [li.text for li in D.find_elements(By.CSS_SELECTOR, "ol#outline-preview > li")]
        shot("outline-preview")
        must(len(items) == 2 and "查明资金最终去向" in items[1],
             "the preview numbers 2 items, the leader's second: %s" % items)
        must(show(self.case)["state"] == "in_review", "a preview changes nothing: still in_review")
        confirm = find('form#confirm-form button[name="action"][value="confirm"]', "确认退回")
        click_and_load(confirm)
        must(path() == "/case/" + self.case, "confirmed: back to the case page (%s)" % path())
        shot("returned")
        must("已退回" in main_text() and "查明资金最终去向" in main_text(),
             "the page: 已退回, the outline shown")
        s = show(self.case)
        must(s["state"] == "returned", "the service: returned (%s)" % s["state"])
        o = cli_json("review", "outline", self.case)
        must(o["kind"] == "supplement" and [i["no"] for i in o["items"]] == [1, 2]
             and o["items"][0]["source"].endswith("/" + code) and o["items"][1]["refs"] == ["F1", "E1"]
             and o["items"][1]["text"] == "查明资金最终去向",
             "the outline as composed: supplement, item 1 from %s, item 2 the leader's on F1, E1" % code)

    # 7. the agency's answer uploaded (上传补充材料)
    def step_resubmit(self):
        d = show(self.case)["dossier"]
        d["evidence"].append({"id": "E99", "kind": "documentary", "title": "银行转账记录",
                              "obtained_on": d["transferred_on"], "tags": ["bank_record"]})
        d["facts"][0].setdefault("evidence", []).append("E99")
        d["supplement"] = [{"item": "1", "evidence": ["E99"], "note": "已补充银行流水"},
                           {"item": "2", "evidence": ["E99"], "note": "资金去向见银行流水"}]
        f = os.path.join(WORK, "resubmitted.json")
        json.dump(d, open(f, "w"), ensure_ascii=False)
        case_page(self.case)
        form = find("form#resubmit-form", "上传补充材料")
        must(form.get_attribute("enctype") == "multipart/form-data", "the resubmission is a multipart upload")
        ok(len(D.find_elements(By.CSS_SELECTOR, "form.withdraw-form")) == 2,
           "each open item has its 撤回此项 form")
        form.find_element(By.CSS_SELECTOR, 'input[type="file"][name="dossier"]').send_keys(f)
        click_and_load(submit_of(form))
        case_page(self.case)
        shot("resubmitted")
        s = show(self.case)
        must(s["state"] == "in_review" and s["returns"] == 1 and s["dossier_rev"] == 2,
             "the service: back in review, revision 2 (%s, rev %s)" % (s["state"], s.get("dossier_rev")))
        must(main_text().count("已答复") >= 2 and "已补充银行流水" in main_text(),
             "the page: both items 已答复, with the agency's note")
        click_and_load(find('form[action="/case/%s/run"] button[name="run"]' % self.case, "运行审查"))
        case_page(self.case)
        fs = cli_json("review", "findings", self.case)
        must(not [f for f in fs if f["severity"] == "blocker"], "the checks on the answer: no blocker")
        shot("checks-rerun")
        sign_out()

    def opinion(self, user, form, party="", reason="", panel=None):
        """Fill in and submit the opinion page as user."""
        case_page(self.case)
        click_and_load(link_to("/case/%s/opinion" % self.case, "审理意见"))
        must(path() == "/case/%s/opinion" % self.case, "审理意见 opens the opinion page (%s)" % path())
        not_an_error_page("the opinion page")
        if not panel:
            ok(not has("table#opinions"), "%s sees no one's opinion before recording their own" % user)
        f = find("form#opinion-form")
        f.find_element(By.CSS_SELECTOR, 'input[name="discipline"][value="organizational"]').click()
        f.find_element(By.CSS_SELECTOR, 'input[name="form"][value="%d"]' % form).click()
        if party:
            pick(f.find_element(By.NAME, "party_sanction"), party)
        f.find_element(By.NAME, "reason").send_keys(reason)
        if panel:
            box = f.find_element(By.CSS_SELECTOR, 'input[name="panel"][value="1"]')
            if not box.is_selected():  # the leader's form offers it ticked
                box.click()
            pick(f.find_elements(By.NAME, "dissent_member")[0], panel["dissent"][0])
            f.find_elements(By.NAME, "dissent_text")[0].send_keys(panel["dissent"][1])
            f.find_element(By.NAME, "property").send_keys(panel["property"])
        shot("opinion-form-" + user)
        click_and_load(submit_of(f))
        not_an_error_page("after %s's opinion" % user)
        wait(EC.presence_of_element_located((By.CSS_SELECTOR, "table#opinions")), "table#opinions")
        shot("opinions-" + user)
        return find("table#opinions").text

    # 8. the two members' opinions, each then sees the team's side by side
    def step_opinions(self):
        sign_in("m2")
        t = self.opinion("m2", 1, reason="事实清楚，证据确实充分，建议批评教育。")
        must("m2" in t or "批评教育" in t, "m2's opinion is in the table")
        sign_out()
        sign_in("m3")
        t = self.opinion("m3", 2, party="警告", reason="情节较重，应给予党内警告处分。")
        must("警告" in t and "批评教育" in t, "m3 sees both opinions side by side")
        sign_out()
        ops = cli_json("review", "opinions", self.case)
        got = sorted((o["author"], o["form"], o.get("party_sanction") or None) for o in ops if not o.get("panel"))
        must(got == [("m2", 1, None), ("m3", 2, "警告")], "the service has both opinions: %s" % got)

    # 9. the panel's opinion, with m3's dissent
    def step_panel(self):
        sign_in("lead")
        dissent = "主张给予党内警告处分"
        t = self.opinion("lead", 1, reason="经集体审议，事实清楚，证据确实充分，给予批评教育。",
                         panel={"dissent": ("m3", dissent), "property": "无涉案财物"})
        ok(dissent in t or "集体" in t, "the table shows the panel's opinion")
        ops = cli_json("review", "opinions", self.case)
        p = [o for o in ops if o.get("panel")]
        must(p, "the service has the panel's opinion")
        must(p[0]["author"] == "lead" and p[0]["form"] == 1
             and p[0].get("dissent") == [{"member": "m3", "text": dissent}]
             and p[0].get("property") == "无涉案财物",
             "the panel's opinion records m3's dissent and the property: %s"
             % json.dumps({k: p[0].get(k) for k in ("author", "form", "dissent", "property")}, ensure_ascii=False))

    # 10. sign-off (签发): the gates, then the signature and the report
    def step_signoff(self):
        case_page(self.case)
        click_and_load(link_to("/case/%s/signoff" % self.case, "签发"))
        must(path() == "/case/%s/signoff" % self.case, "签发 opens the sign-off page (%s)" % path())
        not_an_error_page("the sign-off page")
        rows = [r.text for r in D.find_elements(By.CSS_SELECTOR, "table#gates tr") if r.find_elements(By.TAG_NAME, "td")]
        shot("signoff-gates")
        must(len(rows) == 5 and all("通过" in r and "未通过" not in r for r in rows),
             "the 5 gate scripts each 通过: %s" % rows)
        click_and_load(submit_of(find("form#signoff-form", "签发")))
        must(path() == "/case/%s/signoff" % self.case, "signed: the sign-off page (%s)" % path())
        shot("signed-off")
        must("已签发" in main_text() or "已审结签署" in main_text(), "the page: signed off")
        s = show(self.case)
        must(s["state"] == "signed_off", "the service: signed_off (%s)" % s["state"])
        a = find("a#report-link", "the report link")
        must(a.get_attribute("href").endswith("/case/%s/report.pdf" % self.case), "the report's link")
        r = D.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch(arguments[0], {credentials: 'same-origin'}).then(async r => {"
            " const b = new Uint8Array(await r.arrayBuffer()); let s = '';"
            " for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);"
            " done([r.status, r.headers.get('content-type'), btoa(s)]); })"
            ".catch(e => done([0, String(e), '']));", a.get_attribute("href"))
        pdf = base64.b64decode(r[2])
        must(r[0] == 200 and (r[1] or "").startswith("application/pdf") and pdf.startswith(b"%PDF-"),
             "the report: a PDF (%s, %s, %d bytes)" % (r[0], r[1], len(pdf)))
        fn = os.path.join(SHOTS, "report.pdf")
        open(fn, "wb").write(pdf)
        try:
            info = subprocess.run(["pdfinfo", fn], capture_output=True, timeout=60).stdout.decode()
            ok("(A4)" in info, "the report is A4 (%s)" % re.sub(r"\s+", " ", info.split("Page size:")[-1].split("\n")[0]))
        except FileNotFoundError:
            ok(b"/MediaBox [0 0 595.27" in pdf, "the report is A4 (MediaBox)")
        go("/")
        shot("queue-after")
        # 统计: the leader's page, linked from the header, its charts SVG
        click_and_load(link_to("/stats", "统计"))
        not_an_error_page("统计")
        must(D.find_elements(By.TAG_NAME, "svg"), "统计 draws its charts as SVG")
        ok("签发" in main_text() or "已签发" in main_text(), "统计 counts the signed-off case")
        shot("stats")
        sign_out()


STEPS = ["login", "intake", "assign", "refusals", "run_checks", "return", "resubmit",
         "opinions", "panel", "signoff"]


def main():
    global D
    os.makedirs(SHOTS, exist_ok=True)
    print("  screenshots: " + SHOTS, flush=True)
    t0 = time.monotonic()
    try:
        D = browser()
    except WebDriverException as e:
        log = WORK + "/chromedriver.log"
        tail = open(log, errors="replace").read()[-2000:] if os.path.exists(log) else ""
        ok(False, "headless Chromium starts: %s" % str(e).strip().splitlines()[0])
        print(tail)
        sys.exit(1)
    print("  %s %s, chromedriver %s" % (D.capabilities.get("browserName"), D.capabilities.get("browserVersion"),
                                       D.capabilities.get("chrome", {}).get("chromedriverVersion", "?").split()[0]))
    flow = Flow()
    broken = None
    try:
        for i, name in enumerate(STEPS, 1):
            if broken:
                print("STEP %02d %s: not reached (step %s failed)" % (i, name, broken), flush=True)
                continue
            t = time.monotonic()
            try:
                getattr(flow, "step_" + name)()
                print("STEP %02d %s: ok (%.1f s)" % (i, name, time.monotonic() - t), flush=True)
            except Exception as e:  # StepFailed, or a driver error
                broken = name
                why = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
                if not isinstance(e, StepFailed):
                    why = "%s: %s" % (type(e).__name__, why.replace("Message: ", ""))
                    ok(False, "step %s: %s" % (name, why))
                    traceback.print_exc(limit=4)
                try:
                    shot("FAILED-" + name)
                except Exception:
                    pass
                print("STEP %02d %s: FAILED: %s (at %s)" % (i, name, why, D.current_url), flush=True)
    finally:
        D.quit()
    print("  the flow took %.1f s" % (time.monotonic() - t0))
    ok(failed == 0 and not broken, "the whole flow ran through the browser")


main()
