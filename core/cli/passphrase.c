/* passphrase.c - reading passphrases without echo, never from argv or the
 * environment, into locked memory that is wiped after use. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "../crypto.h"
#include "../users.h"
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
	return SL_OK;
}

static sl_rc read_file(const char *path, cli_pass *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return sl_error(SL_EINPUT, _("%s: %s"), path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return sl_error(SL_EINPUT, _("%s: not a regular file"), path);
	}
	if (st.st_mode & 077) {
		close(fd);
		return sl_error(
		    SL_EINPUT,
		    _("%s: readable by group or others; a passphrase "
		      "file must be private (chmod 600)"),
		    path);
	}
	sl_rc rc = read_line(fd, path, out);
	close(fd);
	return rc;
}

static sl_rc read_tty(const char *prompt, cli_pass *out)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return sl_error(SL_EUSAGE,
		                _("no terminal to ask for the passphrase: use "
		                  "--passphrase-file or --passphrase-fd"));
	struct termios old, noecho;
	int have_tc = tcgetattr(fd, &old) == 0;
	if (have_tc) {
		noecho = old;
		noecho.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		noecho.c_lflag |= ICANON;
		tcsetattr(fd, TCSAFLUSH, &noecho);
	}
	if (write(fd, prompt, strlen(prompt)) < 0) { /* best effort */
	}
	sl_rc rc = read_line(fd, "terminal", out);
	if (have_tc)
		tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0) {
	}
	close(fd);
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

sl_rc cli_read_new_passphrase(const char *file, const char *who, cli_pass *out)
{
	sl_rc rc;
	if (file) {
		rc = read_file(file, out);
	} else {
		char prompt[128];
		cli_pass again = {0};
		snprintf(prompt, sizeof prompt, _("New passphrase for %s: "),
		         who);
		if ((rc = read_tty(prompt, out)))
			return rc;
		snprintf(prompt, sizeof prompt, _("Repeat passphrase for %s: "),
		         who);
		if ((rc = read_tty(prompt, &again))) {
			cli_pass_free(out);
			return rc;
		}
		if (again.len != out->len ||
		    sl_memeq_ct(again.buf, out->buf, out->len) != 0)
			rc = sl_error(SL_EINPUT,
			              _("the passphrases do not match"));
		cli_pass_free(&again);
	}
	if (!rc)
		rc = sl_passphrase_acceptable(out->buf, out->len);
	if (rc)
		cli_pass_free(out);
	return rc;
}

sl_rc cli_unlock(const sl_cli *g, sl_store **out)
{
	return cli_unlock_as(g, 0, out);
}

sl_rc cli_unlock_as(const sl_cli *g, unsigned flags, sl_store **out)
{
	if (!g->user)
		return sl_error(
		    SL_EUSAGE,
		    _("who is acting? give --user ID or set SHENLI_USER"));
	char prompt[96];
	snprintf(prompt, sizeof prompt, _("Passphrase for %s: "), g->user);
	cli_pass p = {0};
	sl_rc rc = cli_read_passphrase(g, prompt, &p);
	if (rc)
		return rc;
	rc = sl_store_open(g->store, g->user, p.buf, p.len, flags, out);
	cli_pass_free(&p);
	return rc;
}
