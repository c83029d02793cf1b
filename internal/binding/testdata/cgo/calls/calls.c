// The C half of package calls (definitions: the preamble of a file
// with //export may only declare).
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "_cgo_export.h"

static int ctor_value;
__attribute__((constructor)) static void set_ctor(void) { ctor_value = 42; }
int ctor_ran(void) { return ctor_value; }

static const char *names[] = {"zero", "one", "two", "three"};
const char *name_of(int i) { return names[i & 3]; }

int counter;
int bump(int by) { counter += by; return counter; }

int call_go(int x) { return goTwice(x) + 1; }

static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
void sort_ints(int *v, int n) { qsort(v, (size_t)n, sizeof *v, cmp); }

char *fmt_pair(int a, double b) {
	char *s = malloc(64);
	snprintf(s, 64, "%d:%.3f", a, b);
	return s;
}
