/*
 * Go's pattern-defeating quicksort (sort.Sort, sort.Slice, slices.SortFunc:
 * one algorithm generated from sort/gen_sort_variants.go), ported exactly.
 * It is not stable, so reproducing `go tool nm` byte for byte means
 * reproducing the very order it leaves equal elements in.
 */
#ifndef GL_GOSORT_H
#define GL_GOSORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* less(a, b, ctx) on the elements the indices name. Sorts idx[0..n).
 * `xorshift` are the shifts of the pattern breaker's generator, which Go
 * changed in 1.24 (gl_objtab.sort_xorshift). */
typedef bool (*gl_gosort_less)(uint32_t a, uint32_t b, void *ctx);
void gl_gosort(uint32_t *idx, size_t n, const uint8_t xorshift[3], gl_gosort_less less, void *ctx);

#endif
