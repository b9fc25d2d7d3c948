#!/usr/bin/env bash
# The passphrase prompt on a terminal (a pty made by python3's pty module,
# standard library only): echo is off while it waits; Ctrl-C and SIGTERM
# put the terminal back (echo on) and end shenli with the signal's own
# status; Ctrl-Z puts it back while stopped and asks again after SIGCONT;
# a mistyped passphrase may be typed again, three tries in all; a new
# passphrase that does not match is asked again; the prompt speaks the
# user's language.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import pty, termios' 2>/dev/null || {
	pass "skipped: python3 has no pty module here"
	finish
}
pwfile root 'passphrase of root' >/dev/null
sl --passphrase-file "$T/pw/root" init --admin root >/dev/null || fail "init"

cat >"$T/onpty.py" <<'PY'
# onpty.py SCENARIO SHENLI ARGS...: run shenli on a new pty as its controlling
# terminal and play SCENARIO; print "key=value" lines of what was seen.
import os, pty, select, signal, subprocess, sys, termios, fcntl, time

scenario, cmd = sys.argv[1], sys.argv[2:]
master, slave = pty.openpty()

# As under a shell with job control: a session leader (this helper, in the
# child) owns the terminal and runs shenli in a process group of its own in
# the foreground. (A process group whose leader leads the session too is
# orphaned, and the kernel does not stop those on Ctrl-Z.) The helper ends
# as shenli did, by the same signal or with the same code.
HELPER = r"""
import os, signal, sys
signal.signal(signal.SIGTTOU, signal.SIG_IGN)
pid = os.fork()
if pid == 0:
    os.setpgid(0, 0)
    os.tcsetpgrp(0, os.getpgrp())
    signal.signal(signal.SIGTTOU, signal.SIG_DFL)
    os.execv(sys.argv[1], sys.argv[1:])
while True:
    _, st = os.waitpid(pid, 0)
    if os.WIFEXITED(st):
        sys.exit(os.WEXITSTATUS(st))
    if os.WIFSIGNALED(st):
        signal.signal(os.WTERMSIG(st), signal.SIG_DFL)
        os.kill(os.getpid(), os.WTERMSIG(st))
"""

def controlling():
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)

p = subprocess.Popen([sys.executable, "-c", HELPER] + cmd, stdin=slave,
                     stdout=slave, stderr=slave, preexec_fn=controlling,
                     close_fds=True)

def shenli_pid(secs=20):
    end = time.time() + secs
    while time.time() < end:
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open(f"/proc/{d}/stat") as f:
                        if int(f.read().rsplit(")", 1)[1].split()[1]) == p.pid:
                            return int(d)
                except (OSError, ValueError, IndexError):
                    pass
        time.sleep(0.05)
    return None

seen = b""

def until(pat, secs=60):
    """Read the terminal until pat has been seen since the last call."""
    global seen
    end = time.time() + secs
    while time.time() < end:
        at = seen.find(pat)
        if at >= 0:
            seen = seen[at + len(pat):]
            return True
        r, _, _ = select.select([master], [], [], 0.1)
        if r:
            try:
                seen += os.read(master, 4096)
            except OSError:
                return False
    return False

def echo():
    return 1 if termios.tcgetattr(slave)[3] & termios.ECHO else 0

def state():
    with open(f"/proc/{child}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0]

def say(k, v):
    print(f"{k}={v}", flush=True)

prompt = os.environ.get("PROMPT", "Passphrase for root: ").encode()
say("prompt", int(until(prompt)))
child = shenli_pid()
say("echo_at_prompt", echo())
if scenario == "ctrl-c":
    os.write(master, b"half a pass")
    time.sleep(0.2)
    os.write(master, b"\x03")
elif scenario == "term":
    os.kill(child, signal.SIGTERM)
elif scenario == "ctrl-z":
    os.write(master, b"\x1a")
    end = time.time() + 20
    while time.time() < end and state() != "T":
        time.sleep(0.05)
    say("stopped", int(state() == "T"))
    say("echo_while_stopped", echo())
    os.kill(child, signal.SIGCONT)
    say("prompt_again", int(until(prompt)))
    say("echo_at_prompt_again", echo())
    os.write(master, b"passphrase of root\n")
elif scenario == "tries":
    for word in (b"wrong one\n", b"wrong two\n"):
        os.write(master, word)
        say("try_again", int(until(os.environ.get("AGAIN", "try again").encode())))
        say("prompt_again", int(until(prompt)))
    os.write(master, b"passphrase of root\n")
elif scenario == "three-wrong":
    for i, word in enumerate((b"wrong one\n", b"wrong two\n", b"wrong three\n")):
        if i:
            say("prompt_again", int(until(prompt)))
        os.write(master, word)
elif scenario == "ctrl-d":
    os.write(master, b"\x04")
elif scenario == "empty-then-right":
    os.write(master, b"\n")
    say("try_again", int(until(b"no passphrase was given; try again.")))
    say("prompt_again", int(until(prompt)))
    os.write(master, b"passphrase of root\n")
elif scenario == "new-mismatch":
    os.write(master, b"a new passphrase 1\n")
    until(b"Repeat passphrase for carol: ")
    os.write(master, b"a different one 22\n")
    say("try_again", int(until(b"do not match; try again.")))
    say("prompt_again", int(until(prompt)))
    os.write(master, b"a new passphrase 1\n")
    until(b"Repeat passphrase for carol: ")
    os.write(master, b"a new passphrase 1\n")
try:
    rc = p.wait(120)
except subprocess.TimeoutExpired:
    p.kill()
    rc = "timeout"
until(b"\0", 0.3)  # drain
say("rc", rc)
say("echo_after", echo())
PY

# play SCENARIO ARGS...: the result lines in $T/play
play() {
	local s=$1
	shift
	timeout -k 5 200 python3 "$T/onpty.py" "$s" "$SHENLI" --store "$STORE" "$@" >"$T/play" 2>&1
}
got() { grep -qx "$1" "$T/play"; }

play ctrl-c --user root audit head
check "the prompt is asked on the terminal" got prompt=1
check "echo is off at the prompt" got echo_at_prompt=0
check "Ctrl-C ends shenli by SIGINT (the shell's 130)" got rc=-2
check "Ctrl-C at the prompt: echo is back on" got echo_after=1

play term --user root audit head
check "SIGTERM ends shenli by SIGTERM" got rc=-15
check "SIGTERM at the prompt: echo is back on" got echo_after=1

play ctrl-z --user root audit head
check "Ctrl-Z stops shenli" got stopped=1
check "while it is stopped, echo is on" got echo_while_stopped=1
check "after SIGCONT the passphrase is asked again" got prompt_again=1
check "with echo off again" got echo_at_prompt_again=0
check "and the command then runs" got rc=0

play tries --user root audit head
check "a wrong passphrase: told, asked again (1)" bash -c "grep -c '^try_again=1$' '$T/play' | grep -qx 2"
check "three tries: the third, right, unlocks" got rc=0
check "echo is on afterwards" got echo_after=1

play three-wrong --user root audit head
check "three wrong passphrases: asked three times" bash -c "grep -c '^prompt_again=1$' '$T/play' | grep -qx 2"
check "then authentication fails (exit 3)" got rc=3
check "echo is on afterwards" got echo_after=1

# Ctrl-D or an empty line gives no passphrase: nothing is tried (no unlock
# spent, nothing said to be wrong); Ctrl-D ends it, an empty line asks again
play ctrl-d --user root audit head
check "Ctrl-D at the prompt: authentication not done (exit 3) at once" got rc=3
check "Ctrl-D: echo is on afterwards" got echo_after=1
play empty-then-right --user root audit head
check "an empty line: told no passphrase was given, asked again" got try_again=1
check "and the next, right one unlocks" got rc=0
expect_rc 3 sl --user root --passphrase-fd 0 audit head
check "an empty passphrase on a descriptor: said as none given" grep -q "no passphrase was given" "$ERR"

# the same through the service: 'shenli login' sends no empty passphrase
# (it would cost the service an unlock and count as a failed login)
SHENLID=$(dirname "$SHENLI")/shenlid
mkdir -m 700 "$T/run" "$T/xdg"
"$SHENLID" --store "$STORE" --socket "$T/run/s.sock" 2>"$T/shenlid.log" &
DPID=$!
for _ in $(seq 200); do [ -S "$T/run/s.sock" ] && break; sleep 0.05; done
export SHENLI_SOCKET=$T/run/s.sock XDG_RUNTIME_DIR=$T/xdg
timeout -k 5 200 python3 "$T/onpty.py" empty-then-right "$SHENLI" --user root login >"$T/play" 2>&1
check "login through the service: an empty line is asked again" got try_again=1
check "... and the next, right one logs in" got rc=0
check "... the service saw one login, and no failed one" \
	test "$(grep -c "login uid=" "$T/shenlid.log")" = 1 -a "$(grep -c "refused" "$T/shenlid.log")" = 0
expect_rc 3 "$SHENLI" --user root --passphrase-fd 0 login
check "an empty passphrase on a descriptor: none given, none sent" \
	eval 'grep -q "no passphrase was given" "$ERR" && [ "$(grep -c "login" "$T/shenlid.log")" = 1 ]'
kill "$DPID"
wait "$DPID" 2>/dev/null
unset SHENLI_SOCKET XDG_RUNTIME_DIR

PROMPT='New passphrase for carol: ' play new-mismatch --user root --passphrase-file "$T/pw/root" \
	user add carol --role member
check "a new passphrase that does not match is asked again" got try_again=1
check "and the second, matching one is taken" got rc=0
expect_rc 0 sl --user root --passphrase-file "$T/pw/root" user list --json
check "carol was added" pyjson 'any(u["id"] == "carol" for u in d)' "$OUT"

# the prompt in the user's language (C.UTF-8 with LANGUAGE: the catalog is
# chosen whatever locales are generated here)
PROMPT='请输入 root 的口令：' AGAIN='请重试' LANGUAGE=zh_CN play tries --user root audit head
check "the prompt speaks Chinese" got prompt=1
check "so does 'try again'" bash -c "grep -c '^try_again=1$' '$T/play' | grep -qx 2"
check "and the third try unlocks" got rc=0
PROMPT='请输入 root 的口令：' LANGUAGE=zh_CN play ctrl-c --user root audit head
check "Ctrl-C at the Chinese prompt: echo is back on" got echo_after=1
finish
