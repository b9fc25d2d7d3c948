/*
 * shenli/ops_review.h - the operations of the review itself: the checks
 * and their findings, returns with their outlines, withdrawn items,
 * resubmissions, opinions, sign-off, script dry runs and the documents.
 * See <shenli/ops.h> for the shape every operation has.
 */
#ifndef SHENLI_OPS_REVIEW_H
#define SHENLI_OPS_REVIEW_H

#include <jansson.h>

#include <shenli/base.h>

#endif
