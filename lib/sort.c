/*
 * sort: comparisons for qsort(3) and the median.  See sort.h.
 */
#include <stdlib.h>

#include "sort.h"

int
sort_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
sort_cmp_double_desc(const void *a, const void *b)
{
	return sort_cmp_double(b, a);
}

int
sort_cmp_float_desc(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x < y) - (x > y);
}

double
sort_median(double *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), sort_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
