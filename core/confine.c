/* confine.c - a worker shuts itself in. See confine.h. */
#define _GNU_SOURCE
#include "confine.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define CF_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CF_ASAN 1
#endif
#endif
#ifndef CF_ASAN
#define CF_ASAN 0
#endif

int sl_confine_enforced(void)
{
	return !CF_ASAN;
}

size_t sl_confine_vm_size(void)
{
	unsigned long pages = 0;
	FILE *f = fopen("/proc/self/statm", "re");
	if (f) {
		if (fscanf(f, "%lu", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	return (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
}

/* v, or the hard limit of res the process already has if that is lower:
 * a user's own ulimit is tighter still, and asking for more than it
 * (EPERM) would leave a worker that cannot confine itself. */
static rlim_t within_hard(int res, rlim_t v)
{
	struct rlimit now;
	if (getrlimit(res, &now) == 0 && now.rlim_max != RLIM_INFINITY &&
	    now.rlim_max < v)
		return now.rlim_max;
	return v;
}

/* Soft and hard limit v, within the hard limit already set. */
static int set_limit(int res, rlim_t v)
{
	v = within_hard(res, v);
	struct rlimit r = {v, v};
	return setrlimit(res, &r);
}

int sl_confine_limits(const sl_confine_spec *spec)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0 ||
	    set_limit(RLIMIT_CORE, 0) != 0 ||
	    set_limit(RLIMIT_NOFILE, (rlim_t)spec->nofile) != 0)
		return -1;
	/* in sanitizer builds a report must reach stderr, which may be a
	 * file: no FSIZE limit there (and no filter, below) */
	if (!CF_ASAN && set_limit(RLIMIT_FSIZE, 0) != 0)
		return -1;
	if (spec->cpu_s) {
		/* the soft limit's SIGXCPU says why; the hard one a second
		 * later ends a worker that ignores it */
		rlim_t hard = within_hard(RLIMIT_CPU, spec->cpu_s + 1);
		struct rlimit r = {hard > spec->cpu_s ? spec->cpu_s : hard,
		                   hard};
		if (setrlimit(RLIMIT_CPU, &r) != 0)
			return -1;
	}
	if (!CF_ASAN && spec->as_bytes &&
	    set_limit(RLIMIT_AS, (rlim_t)spec->as_bytes) != 0)
		return -1;
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

#if !CF_ASAN
/* libseccomp's SCMP_An() macros leave datum_b out, which clang's
 * -Wmissing-field-initializers refuses */
static struct scmp_arg_cmp arg_cmp(unsigned arg, enum scmp_compare op,
                                   scmp_datum_t a, scmp_datum_t b)
{
	struct scmp_arg_cmp c = {arg, op, a, b};
	return c;
}

/* Add one rule; a system call this architecture does not have (libseccomp
 * resolves it to a negative pseudo number) is simply absent. */
static int rule(scmp_filter_ctx ctx, uint32_t act, int nr, unsigned n,
                const struct scmp_arg_cmp *cmp)
{
	if (nr < 0)
		return 0;
	return seccomp_rule_add_array(ctx, act, nr, n, cmp) == 0 ? 0 : -1;
}

static int allow(scmp_filter_ctx ctx, int nr)
{
	return rule(ctx, SCMP_ACT_ALLOW, nr, 0, NULL);
}

static int deny(scmp_filter_ctx ctx, int nr)
{
	return rule(ctx, SCMP_ACT_KILL_PROCESS, nr, 0, NULL);
}

/* nr allowed only without PROT_EXEC in argument 2 (mmap, mprotect) */
static int allow_noexec(scmp_filter_ctx ctx, int nr)
{
	struct scmp_arg_cmp c = arg_cmp(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
	return rule(ctx, SCMP_ACT_ALLOW, nr, 1, &c);
}

static int load(scmp_filter_ctx ctx, int bad)
{
	/* no_new_privs is sl_confine_limits()'s to set, and it has */
	if (!bad && seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) != 0)
		bad = 1;
	if (!bad && seccomp_load(ctx) != 0)
		bad = 1;
	seccomp_release(ctx);
	if (bad)
		errno = EPERM;
	return bad ? -1 : 0;
}
#endif

int sl_confine_preload_filter(void)
{
#if CF_ASAN
	return 0;
#else
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return -1;
	static const int never[] = {
	    SCMP_SYS(socket),
	    SCMP_SYS(socketpair),
	    SCMP_SYS(connect),
	    SCMP_SYS(bind),
	    SCMP_SYS(listen),
	    SCMP_SYS(accept),
	    SCMP_SYS(accept4),
	    SCMP_SYS(sendto),
	    SCMP_SYS(sendmsg),
	    SCMP_SYS(sendmmsg),
	    SCMP_SYS(execve),
	    SCMP_SYS(execveat),
	    SCMP_SYS(fork),
	    SCMP_SYS(vfork),
	    SCMP_SYS(clone),
	    SCMP_SYS(clone3),
	    SCMP_SYS(ptrace),
	    SCMP_SYS(process_vm_readv),
	    SCMP_SYS(process_vm_writev),
	    SCMP_SYS(kill),
	    SCMP_SYS(tkill),
	    SCMP_SYS(pidfd_open),
	    SCMP_SYS(pidfd_send_signal),
	    SCMP_SYS(unlink),
	    SCMP_SYS(unlinkat),
	    SCMP_SYS(rename),
	    SCMP_SYS(renameat),
	    SCMP_SYS(renameat2),
	    SCMP_SYS(mkdir),
	    SCMP_SYS(mkdirat),
	    SCMP_SYS(rmdir),
	    SCMP_SYS(link),
	    SCMP_SYS(linkat),
	    SCMP_SYS(symlink),
	    SCMP_SYS(symlinkat),
	    SCMP_SYS(chmod),
	    SCMP_SYS(fchmod),
	    SCMP_SYS(fchmodat),
	    SCMP_SYS(chown),
	    SCMP_SYS(fchown),
	    SCMP_SYS(fchownat),
	    SCMP_SYS(lchown),
	    SCMP_SYS(truncate),
	    SCMP_SYS(ftruncate),
	    SCMP_SYS(mknod),
	    SCMP_SYS(mknodat),
	    SCMP_SYS(mount),
	    SCMP_SYS(umount2),
	    SCMP_SYS(unshare),
	    SCMP_SYS(setns),
	    SCMP_SYS(openat2),
	    SCMP_SYS(io_uring_setup),
	    SCMP_SYS(bpf),
	    SCMP_SYS(perf_event_open),
	    SCMP_SYS(userfaultfd),
	    SCMP_SYS(keyctl),
	    SCMP_SYS(add_key),
	    SCMP_SYS(request_key),
	    SCMP_SYS(personality),
	    SCMP_SYS(setuid),
	    SCMP_SYS(setgid),
	    SCMP_SYS(setreuid),
	    SCMP_SYS(setregid),
	    SCMP_SYS(setresuid),
	    SCMP_SYS(setresgid),
	    SCMP_SYS(name_to_handle_at),
	    SCMP_SYS(open_by_handle_at),
	};
	int bad = 0;
	for (size_t i = 0; !bad && i < sizeof never / sizeof *never; i++)
		bad = deny(ctx, never[i]);
	/* signals to itself only (abort() is tgkill(own pid, ...)) */
	struct scmp_arg_cmp other =
	    arg_cmp(0, SCMP_CMP_NE, (scmp_datum_t)getpid(), 0);
	bad = bad ||
	      rule(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(tgkill), 1, &other);
	/* files may be opened to read (the loader does), never to write or
	 * create */
	static const int wflags[] = {O_WRONLY, O_RDWR, O_CREAT, O_TRUNC,
	                             O_APPEND};
	for (size_t i = 0; !bad && i < sizeof wflags / sizeof *wflags; i++) {
		struct scmp_arg_cmp o =
		    arg_cmp(1, SCMP_CMP_MASKED_EQ, (scmp_datum_t)wflags[i],
		            (scmp_datum_t)wflags[i]);
		struct scmp_arg_cmp at =
		    arg_cmp(2, SCMP_CMP_MASKED_EQ, (scmp_datum_t)wflags[i],
		            (scmp_datum_t)wflags[i]);
		bad =
		    rule(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(open), 1, &o) ||
		    rule(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(openat), 1, &at);
	}
	return load(ctx, bad);
#endif
}

int sl_confine_filter(const sl_confine_spec *spec)
{
#if CF_ASAN
	(void)spec;
	return 0;
#else
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		return -1;
	static const int ok[] = {
	    SCMP_SYS(brk),
	    SCMP_SYS(munmap),
	    SCMP_SYS(mremap),
	    SCMP_SYS(madvise),
	    SCMP_SYS(clock_gettime),
	    SCMP_SYS(gettimeofday),
	    SCMP_SYS(time),
	    SCMP_SYS(nanosleep),
	    SCMP_SYS(clock_nanosleep),
	    SCMP_SYS(futex),
	    SCMP_SYS(getrandom),
	    SCMP_SYS(rt_sigreturn),
	    SCMP_SYS(rt_sigprocmask),
	    SCMP_SYS(sched_yield),
	    SCMP_SYS(close),
	    SCMP_SYS(exit),
	    SCMP_SYS(exit_group),
	    /* glibc's qsort of more than 1 KiB asks sysconf(_SC_PHYS_PAGES)
	     * (how much it may allocate): a plugin sorting 64 items of 16
	     * bytes was killed for it. It reads memory and load figures. */
	    SCMP_SYS(sysinfo),
	};
	int bad = 0;
	for (size_t i = 0; !bad && i < sizeof ok / sizeof *ok; i++)
		bad = allow(ctx, ok[i]);
	bad = bad || allow_noexec(ctx, SCMP_SYS(mmap)) ||
	      allow_noexec(ctx, SCMP_SYS(mprotect));
	for (size_t i = 0; !bad && i < spec->n_write_fds; i++) {
		struct scmp_arg_cmp fd = arg_cmp(
		    0, SCMP_CMP_EQ, (scmp_datum_t)spec->write_fds[i], 0);
		bad = rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 1, &fd);
	}
	if (!bad && spec->read_fd >= 0) {
		struct scmp_arg_cmp fd =
		    arg_cmp(0, SCMP_CMP_EQ, (scmp_datum_t)spec->read_fd, 0);
		bad = rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(read), 1, &fd);
	}
	/* no getpid, no signals: abort() ends in SIGSYS instead of SIGABRT,
	 * a crash all the same */
	return load(ctx, bad);
#endif
}
