/* Minimal assertion helpers for the C test programs. Each CHECK counts; the
 * program ends with CHECK_DONE(), which prints "N passed, M failed" and
 * returns non-zero when anything failed. */
#ifndef GOLOAD_TEST_CHECK_H
#define GOLOAD_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed_, check_failed_;

#define CHECK(cond)                                                                       \
	do {                                                                              \
		if (cond) {                                                               \
			check_passed_++;                                                  \
		} else {                                                                  \
			check_failed_++;                                                  \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                         \
	} while (0)

#define CHECK_MSG(cond, ...)                                                  \
	do {                                                                  \
		if (cond) {                                                   \
			check_passed_++;                                      \
		} else {                                                      \
			check_failed_++;                                      \
			fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                         \
			fputc('\n', stderr);                                  \
		}                                                             \
	} while (0)

#define CHECK_STR(a, b) CHECK_MSG(strcmp((a), (b)) == 0, "\"%s\" != \"%s\"", (a), (b))

#define CHECK_DONE()                                                          \
	(printf("%d passed, %d failed\n", check_passed_, check_failed_), check_failed_ ? 1 : 0)

#endif
