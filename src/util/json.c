#include "util/json.h"

#include <inttypes.h>
#include <string.h>

void gl_json_init(gl_json *j, FILE *out, bool pretty)
{
	memset(j, 0, sizeof *j);
	j->out = out;
	j->pretty = pretty;
	j->first[0] = true;
}

static void newline(gl_json *j)
{
	if (!j->pretty)
		return;
	fputc('\n', j->out);
	for (int i = 0; i < j->depth; i++)
		fputs("  ", j->out);
}

/* Called before every value or key. */
static void pre(gl_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth > 0) {
		if (!j->first[j->depth])
			fputc(',', j->out);
		newline(j);
	}
	j->first[j->depth] = false;
}

static void json_open(gl_json *j, char c)
{
	pre(j);
	fputc(c, j->out);
	if (j->depth + 1 < GL_JSON_MAX_DEPTH)
		j->depth++;
	j->first[j->depth] = true;
}

static void close_(gl_json *j, char c)
{
	bool empty = j->first[j->depth];
	if (j->depth > 0)
		j->depth--;
	if (!empty)
		newline(j);
	fputc(c, j->out);
}

void gl_json_obj_begin(gl_json *j) { json_open(j, '{'); }
void gl_json_obj_end(gl_json *j) { close_(j, '}'); }
void gl_json_arr_begin(gl_json *j) { json_open(j, '['); }
void gl_json_arr_end(gl_json *j) { close_(j, ']'); }

static void write_str(FILE *o, const char *s, size_t n)
{
	fputc('"', o);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': fputs("\\\"", o); break;
		case '\\': fputs("\\\\", o); break;
		case '\n': fputs("\\n", o); break;
		case '\r': fputs("\\r", o); break;
		case '\t': fputs("\\t", o); break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(o, "\\u%04x", c);
			else
				fputc(c, o); /* UTF-8 passes through; Go names are UTF-8 */
		}
	}
	fputc('"', o);
}

void gl_json_key(gl_json *j, const char *k)
{
	pre(j);
	write_str(j->out, k, strlen(k));
	fputs(j->pretty ? ": " : ":", j->out);
	j->after_key = true;
}

void gl_json_strn(gl_json *j, const char *s, size_t n)
{
	pre(j);
	write_str(j->out, s, n);
}

void gl_json_str(gl_json *j, const char *s)
{
	if (!s) {
		gl_json_null(j);
		return;
	}
	gl_json_strn(j, s, strlen(s));
}

void gl_json_u64(gl_json *j, uint64_t v)
{
	pre(j);
	fprintf(j->out, "%" PRIu64, v);
}

void gl_json_i64(gl_json *j, int64_t v)
{
	pre(j);
	fprintf(j->out, "%" PRId64, v);
}

void gl_json_hex(gl_json *j, uint64_t v)
{
	pre(j);
	fprintf(j->out, "\"0x%" PRIx64 "\"", v);
}

void gl_json_bool(gl_json *j, bool v)
{
	pre(j);
	fputs(v ? "true" : "false", j->out);
}

void gl_json_null(gl_json *j)
{
	pre(j);
	fputs("null", j->out);
}

void gl_json_finish(gl_json *j) { fputc('\n', j->out); }

void gl_json_kstr(gl_json *j, const char *k, const char *s) { gl_json_key(j, k); gl_json_str(j, s); }
void gl_json_ku64(gl_json *j, const char *k, uint64_t v) { gl_json_key(j, k); gl_json_u64(j, v); }
void gl_json_ki64(gl_json *j, const char *k, int64_t v) { gl_json_key(j, k); gl_json_i64(j, v); }
void gl_json_khex(gl_json *j, const char *k, uint64_t v) { gl_json_key(j, k); gl_json_hex(j, v); }
void gl_json_kbool(gl_json *j, const char *k, bool v) { gl_json_key(j, k); gl_json_bool(j, v); }
