/* text.h - text checks and the one rule for what text may show as itself;
 * public in <shenli/base.h>. */
#ifndef SHENLI_TEXT_H
#define SHENLI_TEXT_H

#include <shenli/base.h>

#endif
