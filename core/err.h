/*
 * err.h - the core's error type; public in <shenli/base.h>, where the
 * mapping of sl_rc to exit codes lives.
 */
#ifndef SHENLI_ERR_H
#define SHENLI_ERR_H

#include <shenli/base.h>

#endif
