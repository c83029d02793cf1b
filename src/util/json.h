/*
 * A small streaming JSON writer. It tracks nesting so callers never write
 * commas by hand, escapes strings per RFC 8259, and writes one document per
 * gl_json (pretty-printed with two-space indentation when `pretty`).
 */
#ifndef GL_JSON_H
#define GL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define GL_JSON_MAX_DEPTH 64

typedef struct gl_json {
	FILE *out;
	bool pretty;
	int depth;
	bool first[GL_JSON_MAX_DEPTH]; /* no element written yet at this depth */
	bool after_key;
} gl_json;

void gl_json_init(gl_json *j, FILE *out, bool pretty);
void gl_json_obj_begin(gl_json *j);
void gl_json_obj_end(gl_json *j);
void gl_json_arr_begin(gl_json *j);
void gl_json_arr_end(gl_json *j);
void gl_json_key(gl_json *j, const char *k);
void gl_json_str(gl_json *j, const char *s);
void gl_json_strn(gl_json *j, const char *s, size_t n);
void gl_json_u64(gl_json *j, uint64_t v);
void gl_json_i64(gl_json *j, int64_t v);
void gl_json_hex(gl_json *j, uint64_t v); /* as a string "0x..." */
void gl_json_bool(gl_json *j, bool v);
void gl_json_null(gl_json *j);
/* Ends the document with a newline. */
void gl_json_finish(gl_json *j);

/* Key/value shorthands. */
void gl_json_kstr(gl_json *j, const char *k, const char *s);
void gl_json_ku64(gl_json *j, const char *k, uint64_t v);
void gl_json_ki64(gl_json *j, const char *k, int64_t v);
void gl_json_khex(gl_json *j, const char *k, uint64_t v);
void gl_json_kbool(gl_json *j, const char *k, bool v);

#endif
