/* Port of Go's sort/zsortfunc.go (pdqsort_func and helpers); keep the
 * structure identical to the Go source so the two can be compared. */
#include "goobj/gosort.h"

typedef struct {
	uint32_t *v;
	gl_gosort_less less;
	void *ctx;
	const uint8_t *xs;
} sortdata;

enum { UNKNOWN_HINT, INCREASING_HINT, DECREASING_HINT };

static inline bool less(const sortdata *d, long i, long j) { return d->less(d->v[i], d->v[j], d->ctx); }

static inline void swap(const sortdata *d, long i, long j)
{
	uint32_t t = d->v[i];
	d->v[i] = d->v[j];
	d->v[j] = t;
}

static int bits_len(uint64_t x)
{
	int n = 0;
	while (x) {
		n++;
		x >>= 1;
	}
	return n;
}

static void insertion_sort(const sortdata *d, long a, long b)
{
	for (long i = a + 1; i < b; i++)
		for (long j = i; j > a && less(d, j, j - 1); j--)
			swap(d, j, j - 1);
}

static void sift_down(const sortdata *d, long lo, long hi, long first)
{
	long root = lo;
	for (;;) {
		long child = 2 * root + 1;
		if (child >= hi)
			break;
		if (child + 1 < hi && less(d, first + child, first + child + 1))
			child++;
		if (!less(d, first + root, first + child))
			return;
		swap(d, first + root, first + child);
		root = child;
	}
}

static void heap_sort(const sortdata *d, long a, long b)
{
	long first = a, lo = 0, hi = b - a;
	for (long i = (hi - 1) / 2; i >= 0; i--)
		sift_down(d, i, hi, first);
	for (long i = hi - 1; i >= 0; i--) {
		swap(d, first, first + i);
		sift_down(d, lo, i, first);
	}
}

static long partition(const sortdata *d, long a, long b, long pivot, bool *already)
{
	swap(d, a, pivot);
	long i = a + 1, j = b - 1;
	while (i <= j && less(d, i, a))
		i++;
	while (i <= j && !less(d, j, a))
		j--;
	if (i > j) {
		swap(d, j, a);
		*already = true;
		return j;
	}
	swap(d, i, j);
	i++;
	j--;
	for (;;) {
		while (i <= j && less(d, i, a))
			i++;
		while (i <= j && !less(d, j, a))
			j--;
		if (i > j)
			break;
		swap(d, i, j);
		i++;
		j--;
	}
	swap(d, j, a);
	*already = false;
	return j;
}

static long partition_equal(const sortdata *d, long a, long b, long pivot)
{
	swap(d, a, pivot);
	long i = a + 1, j = b - 1;
	for (;;) {
		while (i <= j && !less(d, a, i))
			i++;
		while (i <= j && less(d, a, j))
			j--;
		if (i > j)
			break;
		swap(d, i, j);
		i++;
		j--;
	}
	return i;
}

static bool partial_insertion_sort(const sortdata *d, long a, long b)
{
	const int max_steps = 5, shortest_shifting = 50;
	long i = a + 1;
	for (int step = 0; step < max_steps; step++) {
		while (i < b && !less(d, i, i - 1))
			i++;
		if (i == b)
			return true;
		if (b - a < shortest_shifting)
			return false;
		swap(d, i, i - 1);
		if (i - a >= 2) {
			for (long j = i - 1; j >= 1; j--) {
				if (!less(d, j, j - 1))
					break;
				swap(d, j, j - 1);
			}
		}
		if (b - i >= 2) {
			for (long j = i + 1; j < b; j++) {
				if (!less(d, j, j - 1))
					break;
				swap(d, j, j - 1);
			}
		}
	}
	return false;
}

static void break_patterns(const sortdata *d, long a, long b)
{
	long length = b - a;
	if (length >= 8) {
		uint64_t random = (uint64_t)length;
		uint64_t modulus = (uint64_t)1 << bits_len((uint64_t)length);
		for (long idx = a + (length / 4) * 2 - 1; idx <= a + (length / 4) * 2 + 1; idx++) {
			random ^= random << d->xs[0];
			random ^= random >> d->xs[1];
			random ^= random << d->xs[2];
			long other = (long)(random & (modulus - 1));
			if (other >= length)
				other -= length;
			swap(d, idx, a + other);
		}
	}
}

static long order2(const sortdata *d, long a, long b, int *swaps, long *hi)
{
	if (less(d, b, a)) {
		(*swaps)++;
		*hi = a;
		return b;
	}
	*hi = b;
	return a;
}

static long median(const sortdata *d, long a, long b, long c, int *swaps)
{
	a = order2(d, a, b, swaps, &b);
	b = order2(d, b, c, swaps, &c);
	a = order2(d, a, b, swaps, &b);
	(void)a;
	(void)c;
	return b;
}

static long median_adjacent(const sortdata *d, long a, int *swaps) { return median(d, a - 1, a, a + 1, swaps); }

static long choose_pivot(const sortdata *d, long a, long b, int *hint)
{
	const long shortest_ninther = 50;
	const int max_swaps = 4 * 3;
	long l = b - a;
	int swaps = 0;
	long i = a + l / 4 * 1, j = a + l / 4 * 2, k = a + l / 4 * 3;
	if (l >= 8) {
		if (l >= shortest_ninther) {
			i = median_adjacent(d, i, &swaps);
			j = median_adjacent(d, j, &swaps);
			k = median_adjacent(d, k, &swaps);
		}
		j = median(d, i, j, k, &swaps);
	}
	*hint = swaps == 0 ? INCREASING_HINT : swaps == max_swaps ? DECREASING_HINT : UNKNOWN_HINT;
	return j;
}

static void reverse_range(const sortdata *d, long a, long b)
{
	for (long i = a, j = b - 1; i < j; i++, j--)
		swap(d, i, j);
}

static void pdqsort(const sortdata *d, long a, long b, int limit)
{
	const long max_insertion = 12;
	bool was_balanced = true, was_partitioned = true;
	for (;;) {
		long length = b - a;
		if (length <= max_insertion) {
			insertion_sort(d, a, b);
			return;
		}
		if (limit == 0) {
			heap_sort(d, a, b);
			return;
		}
		if (!was_balanced) {
			break_patterns(d, a, b);
			limit--;
		}
		int hint;
		long pivot = choose_pivot(d, a, b, &hint);
		if (hint == DECREASING_HINT) {
			reverse_range(d, a, b);
			pivot = (b - 1) - (pivot - a);
			hint = INCREASING_HINT;
		}
		if (was_balanced && was_partitioned && hint == INCREASING_HINT)
			if (partial_insertion_sort(d, a, b))
				return;
		if (a > 0 && !less(d, a - 1, pivot)) {
			a = partition_equal(d, a, b, pivot);
			continue;
		}
		bool already;
		long mid = partition(d, a, b, pivot, &already);
		was_partitioned = already;
		long left = mid - a, right = b - mid, balance = length / 8;
		if (left < right) {
			was_balanced = left >= balance;
			pdqsort(d, a, mid, limit);
			a = mid + 1;
		} else {
			was_balanced = right >= balance;
			pdqsort(d, mid + 1, b, limit);
			b = mid;
		}
	}
}

void gl_gosort(uint32_t *idx, size_t n, const uint8_t xorshift[3], gl_gosort_less lessfn, void *ctx)
{
	sortdata d = {idx, lessfn, ctx, xorshift};
	pdqsort(&d, 0, (long)n, bits_len(n));
}
