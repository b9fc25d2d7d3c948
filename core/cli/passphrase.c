/* passphrase.c - reading passphrases without echo, never from argv or the
 * environment, into locked memory that is wiped after use. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

#define CAP (SL_PASS_MAX + 2)

void cli_pass_free(cli_pass *p)
{
	if (p->buf)
		sl_secure_free(p->buf, p->cap);
	p->buf = NULL;
	p->len = p->cap = 0;
}

/* Read one line (without its newline) from fd, byte by byte so that
 * nothing after the line is consumed. */
static sl_rc read_line(int fd, const char *name, cli_pass *out)
{
	out->cap = CAP;
	out->buf = sl_secure_alloc(CAP);
	out->len = 0;
	if (!out->buf)
		return sl_error(SL_ESYS, _("out of memory"));
	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			cli_pass_free(out);
			return sl_error(SL_EINPUT,
			                _("%s: cannot read passphrase: %s"),
			                name, strerror(e));
		}
		if (r == 0 || c == '\n')
			break;
		if (out->len + 1 >= CAP) {
			cli_pass_free(out);
			return sl_error(
			    SL_EINPUT, _("%s: passphrase longer than %d bytes"),
			    name, SL_PASS_MAX);
		}
		out->buf[out->len++] = c;
	}
	if (out->len && out->buf[out->len - 1] == '\r')
		out->buf[--out->len] = 0;
	out->buf[out->len] = 0;
	/* CAP leaves room for a '\r'; without one, a byte too many is read */
	if (out->len > SL_PASS_MAX) {
		cli_pass_free(out);
		return sl_error(SL_EINPUT,
		                _("%s: passphrase longer than %d bytes"), name,
		                SL_PASS_MAX);
	}
	return SL_OK;
}

/* A passphrase file, opened: a private regular file, or refused. Opened
 * without blocking: the open of a FIFO would wait for a writer (for ever,
 * if none comes) before the check below could refuse it. Blocking again
 * once it is known to be a regular file. */
static sl_rc open_private(const char *path, int *fd_out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return sl_error(SL_EINPUT, _("%s: %s"), path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return sl_error(SL_EINPUT, _("%s: not a regular file"), path);
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		int e = errno;
		close(fd);
		return sl_error(SL_EINPUT, _("%s: %s"), path, strerror(e));
	}
	if (st.st_mode & 077) {
		close(fd);
		return sl_error(
		    SL_EINPUT,
		    _("%s: readable by group or others; a passphrase "
		      "file must be private (chmod 600)"),
		    path);
	}
	*fd_out = fd;
	return SL_OK;
}

static sl_rc read_file(const char *path, cli_pass *out)
{
	int fd;
	sl_rc rc = open_private(path, &fd);
	if (rc)
		return rc;
	rc = read_line(fd, path, out);
	close(fd);
	return rc;
}

sl_rc cli_pass_file_read(const char *path, size_t max, char **buf, size_t *len)
{
	int fd;
	sl_rc rc = open_private(path, &fd);
	if (rc)
		return rc;
	/* its bytes as they are: what is in them (one line, its length) is
	 * for the reader of the bytes to judge, as in embedded mode */
	rc = sl_fd_read(fd, path, max, buf, len);
	close(fd);
	return rc;
}

/* ---- the terminal -------------------------------------------------------
 * Echo is off while the passphrase is typed. A signal must not leave the
 * terminal that way (the shell would not show what is typed next), so the
 * signals that end or stop a process are caught while the prompt is up:
 * the handler only notes which one came (OpenBSD's readpassphrase does the
 * same); the reader then puts the terminal back, restores the handlers the
 * process had, and sends itself the signal again. A fatal one then ends
 * the process with its usual status (130 for Ctrl-C in the shell); after a
 * stop (Ctrl-Z) and 'fg' the prompt is asked again. A signal that was
 * ignored stays ignored. */

static volatile sig_atomic_t got_sig;

static void note_sig(int sig)
{
	got_sig = sig;
}

static const int tty_sigs[] = {SIGINT,  SIGTERM, SIGHUP, SIGQUIT,
                               SIGTSTP, SIGTTIN, SIGTTOU};
#define NSIG_TTY (sizeof tty_sigs / sizeof tty_sigs[0])

/* Read a line from the terminal fd into out, as read_line does, but wait
 * with the signals above blocked except inside ppoll, so that one that
 * comes before the wait is not lost in a read that blocks on. 0 if a
 * signal came (got_sig says which). */
static sl_rc read_tty_line(int fd, const sigset_t *wait_mask, cli_pass *out)
{
	out->len = 0;
	for (;;) {
		if (got_sig)
			return SL_OK;
		struct pollfd pf = {fd, POLLIN, 0};
		int r = ppoll(&pf, 1, NULL, wait_mask);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return sl_error(
			    SL_EINPUT,
			    _("terminal: cannot read passphrase: %s"),
			    strerror(errno));
		char c;
		ssize_t n = read(fd, &c, 1);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return sl_error(
			    SL_EINPUT,
			    _("terminal: cannot read passphrase: %s"),
			    strerror(errno));
		/* end of input before anything was typed (Ctrl-D): no
		 * passphrase, and no try of one, which costs an unlock and
		 * would be said as a wrong one */
		if (n == 0 && out->len == 0)
			return sl_error(SL_EAUTH,
			                _("no passphrase was given (end of "
			                  "input); nothing was done"));
		if (n == 0 || c == '\n')
			break;
		if (out->len + 1 >= CAP)
			return sl_error(SL_EINPUT,
			                _("terminal: passphrase longer than %d "
			                  "bytes"),
			                SL_PASS_MAX);
		out->buf[out->len++] = c;
	}
	if (out->len && out->buf[out->len - 1] == '\r')
		out->len--;
	out->buf[out->len] = 0;
	if (out->len > SL_PASS_MAX)
		return sl_error(SL_EINPUT,
		                _("terminal: passphrase longer than %d bytes"),
		                SL_PASS_MAX);
	return SL_OK;
}

static void say_tty(int fd, const char *text)
{
	size_t n = strlen(text);
	while (n) { /* best effort: the prompt is not worth failing over */
		ssize_t w = write(fd, text, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		text += w;
		n -= (size_t)w;
	}
}

static sl_rc read_tty(const char *prompt, cli_pass *out)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return sl_error(SL_EUSAGE,
		                _("no terminal to ask for the passphrase: use "
		                  "--passphrase-file or --passphrase-fd"));
	out->cap = CAP;
	out->buf = sl_secure_alloc(CAP);
	out->len = 0;
	if (!out->buf) {
		close(fd);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	sl_rc rc;
	for (;;) {
		struct sigaction sa, old[NSIG_TTY];
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = note_sig; /* no SA_RESTART: ppoll returns */
		sigemptyset(&sa.sa_mask);
		sigset_t block, saved;
		sigemptyset(&block);
		got_sig = 0;
		for (size_t i = 0; i < NSIG_TTY; i++) {
			sigaction(tty_sigs[i], NULL, &old[i]);
			if (old[i].sa_handler == SIG_IGN)
				continue;
			sigaction(tty_sigs[i], &sa, NULL);
			sigaddset(&block, tty_sigs[i]);
		}
		sigprocmask(SIG_BLOCK, &block, &saved);
		struct termios old_tc, noecho;
		int have_tc = tcgetattr(fd, &old_tc) == 0;
		if (have_tc) {
			noecho = old_tc;
			noecho.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
			noecho.c_lflag |= ICANON;
			tcsetattr(fd, TCSAFLUSH, &noecho);
		}
		say_tty(fd, prompt);
		rc = read_tty_line(fd, &saved, out);
		if (have_tc)
			tcsetattr(fd, TCSAFLUSH, &old_tc);
		say_tty(fd, "\n");
		for (size_t i = 0; i < NSIG_TTY; i++)
			sigaction(tty_sigs[i], &old[i], NULL);
		int sig = got_sig;
		if (sig) {
			sl_wipe(out->buf, out->cap);
			out->len = 0;
			/* pending: delivered, with the old disposition, once
			 * unblocked */
			kill(getpid(), sig);
		}
		sigprocmask(SIG_SETMASK, &saved, NULL);
		if (!sig)
			break;
		if (sig != SIGTSTP && sig != SIGTTIN && sig != SIGTTOU) {
			/* a handler of the process's own took it and returned
			 */
			rc = sl_error(SL_EAUTH, _("interrupted"));
			break;
		}
		/* continued after a stop: ask again */
	}
	close(fd);
	if (rc)
		cli_pass_free(out);
	return rc;
}

sl_rc cli_read_passphrase(const sl_cli *g, const char *prompt, cli_pass *out)
{
	if (g->pass_file)
		return read_file(g->pass_file, out);
	if (g->pass_fd >= 0) {
		char name[32];
		snprintf(name, sizeof name, "fd %d", g->pass_fd);
		return read_line(g->pass_fd, name, out);
	}
	return read_tty(prompt, out);
}

/* Tries on the terminal: a mistyped passphrase should not cost the
 * whole command, and three is what sudo and ssh allow. */
#define TRIES 3

sl_rc cli_read_new_passphrase(const char *file, const char *opt,
                              const char *who, cli_pass *out)
{
	sl_rc rc;
	if (file) {
		rc = read_file(file, out);
		if (!rc)
			rc = sl_passphrase_acceptable(out->buf, out->len);
		if (rc)
			cli_pass_free(out);
		return rc;
	}
	/* the option that would have given it, not the acting user's */
	int tty = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (tty < 0)
		return sl_error(SL_EUSAGE,
		                _("no terminal to ask for the new passphrase "
		                  "of %s: use %s"),
		                cli_txt(who), opt);
	close(tty);
	char why[512] = "";
	for (int attempt = 1;; attempt++) {
		char prompt[768];
		cli_pass again = {0};
		/* TRANSLATORS: the first %s is empty, or why the last try
		 * failed ("...; try again.\n"); the second is a user id */
		snprintf(prompt, sizeof prompt, _("%sNew passphrase for %s: "),
		         why, cli_txt(who));
		if ((rc = read_tty(prompt, out)))
			return rc;
		snprintf(prompt, sizeof prompt, _("Repeat passphrase for %s: "),
		         cli_txt(who));
		if ((rc = read_tty(prompt, &again))) {
			cli_pass_free(out);
			return rc;
		}
		if (again.len != out->len ||
		    sl_memeq_ct(again.buf, out->buf, out->len) != 0)
			rc = sl_error(SL_EINPUT,
			              _("the passphrases do not match"));
		cli_pass_free(&again);
		if (!rc)
			rc = sl_passphrase_acceptable(out->buf, out->len);
		if (!rc)
			return SL_OK;
		cli_pass_free(out);
		if (attempt == TRIES)
			return rc;
		snprintf(why, sizeof why, _("%s; try again.\n"),
		         cli_txt(sl_errmsg()));
	}
}

sl_rc cli_unlock(const sl_cli *g, sl_store **out)
{
	return cli_unlock_as(g, 0, out);
}

sl_rc cli_unlock_as(const sl_cli *g, unsigned flags, sl_store **out)
{
	if (g->open)
		return g->open(g, flags, out);
	if (!g->user)
		return sl_error(
		    SL_EUSAGE,
		    _("who is acting? give --user ID or set SHENLI_USER"));
	int tty = !g->pass_file && g->pass_fd < 0;
	char why[512] = "";
	for (int attempt = 1;; attempt++) {
		char prompt[768];
		/* TRANSLATORS: the first %s is empty, or why the last try
		 * failed ("...; try again.\n"); the second is a user id */
		snprintf(prompt, sizeof prompt, _("%sPassphrase for %s: "), why,
		         cli_txt(g->user));
		cli_pass p = {0};
		sl_rc rc = cli_read_passphrase(g, prompt, &p);
		if (rc)
			return rc;
		/* nothing typed (or an empty first line in the file): no
		 * passphrase is empty, so no unlock is tried, and none is
		 * said to be wrong */
		if (!p.len) {
			cli_pass_free(&p);
			rc = sl_error(SL_EAUTH, _("no passphrase was given"));
			if (!tty || attempt == TRIES)
				return rc;
			snprintf(why, sizeof why, _("%s; try again.\n"),
			         cli_txt(sl_errmsg()));
			continue;
		}
		rc = sl_store_open(g->store, g->user, p.buf, p.len, flags, out);
		cli_pass_free(&p);
		if (rc != SL_EAUTH || !tty || attempt == TRIES)
			return rc;
		snprintf(why, sizeof why, _("%s; try again.\n"),
		         cli_txt(sl_errmsg()));
	}
}
