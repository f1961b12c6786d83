/*
 * sort: the qsort(3) comparisons and small order statistics the suite
 * shares, so that no tool writes its own.
 *
 * The comparisons order numbers; a NaN compares equal to everything, as
 * in the copies they replace (callers keep NaN out of what they sort).
 * sort_median sorts its array in place.  Nothing here allocates.
 */
#ifndef REEL_SORT_H
#define REEL_SORT_H

#include <stddef.h>

int	 sort_cmp_double(const void *a, const void *b);	/* ascending */
int	 sort_cmp_double_desc(const void *a, const void *b);
int	 sort_cmp_float_desc(const void *a, const void *b);

/*
 * Sorts v (n values) ascending and returns its median, the mean of the
 * two middle values when n is even, or 0 when n is 0 (v may then be
 * NULL: qsort is not called with a null array).
 */
double	 sort_median(double *v, size_t n);

#endif /* REEL_SORT_H */
