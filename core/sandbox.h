/*
 * sandbox.h - the sandbox for consistency scripts, as its users see it:
 * the Lua host that runs one script on one case (luahost.h: a fresh
 * lua_State, memory, instruction and time limits, read-only views, the
 * finding{} API) and the confined worker process that sign-off runs it in
 * (worker.h: fork and exec, rlimits, seccomp, a bounded pipe protocol,
 * killed at the deadline). Two layers, because neither is enough alone:
 * the hooks cannot reach inside one C call, and a process boundary alone
 * would let a script use all it is given.
 */
#ifndef SHENLI_SANDBOX_H
#define SHENLI_SANDBOX_H

#include "luahost.h"
#include "worker.h"

#endif
