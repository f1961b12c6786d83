/*
 * A tiny unit test harness.  Each test file defines its cases with TEST()
 * and lists them in main with RUN(); the program ends by printing
 * "N passed, N failed" and exits non-zero if any case failed.  A case
 * fails at its first failed CHECK, which prints file:line and the
 * expression.
 */
#ifndef REEL_HARNESS_H
#define REEL_HARNESS_H

#include <math.h>
#include <stdio.h>
#include <string.h>

struct harness {
	int	 passed, failed;
	int	 cur_failed;
	const char *cur;
};

#define TEST(name)	static void name(struct harness *h_)

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: %s: check failed: %s\n",	\
		    __FILE__, __LINE__, h_->cur, #cond);		\
		h_->cur_failed = 1;					\
		return;							\
	}								\
} while (0)

#define CHECK_STR(a, b) do {						\
	const char *a_ = (a), *b_ = (b);				\
	if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0) {		\
		fprintf(stderr, "%s:%d: %s: \"%s\" != \"%s\"\n",	\
		    __FILE__, __LINE__, h_->cur, a_ ? a_ : "(null)",	\
		    b_ ? b_ : "(null)");				\
		h_->cur_failed = 1;					\
		return;							\
	}								\
} while (0)

#define CHECK_INT(a, b) do {						\
	long long a_ = (a), b_ = (b);					\
	if (a_ != b_) {							\
		fprintf(stderr, "%s:%d: %s: %s == %lld, want %lld\n",	\
		    __FILE__, __LINE__, h_->cur, #a, a_, b_);		\
		h_->cur_failed = 1;					\
		return;							\
	}								\
} while (0)

#define CHECK_NEAR(a, b, tol) do {					\
	double a_ = (a), b_ = (b);					\
	if (!(fabs(a_ - b_) <= (tol))) {				\
		fprintf(stderr, "%s:%d: %s: %s == %.17g, want %.17g\n",	\
		    __FILE__, __LINE__, h_->cur, #a, a_, b_);		\
		h_->cur_failed = 1;					\
		return;							\
	}								\
} while (0)

#define RUN(h, name) do {						\
	(h)->cur = #name;						\
	(h)->cur_failed = 0;						\
	name(h);							\
	if ((h)->cur_failed)						\
		(h)->failed++;						\
	else								\
		(h)->passed++;						\
} while (0)

#define HARNESS_END(h)							\
	(printf("%d passed, %d failed\n", (h)->passed, (h)->failed),	\
	 (h)->failed ? 1 : 0)

#endif /* REEL_HARNESS_H */
