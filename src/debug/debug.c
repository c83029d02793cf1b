/*
 * debug — loaded code as outside tools see it: perf's map file and GDB's
 * JIT interface.
 *
 * perf: every function of a module (and every patch trampoline) gets a
 * line "START SIZE name" (hex) in /tmp/perf-PID.map, the file perf report
 * reads for addresses outside any mapped file. One descriptor per process
 * (O_APPEND), one write per module, so lines of concurrent writers never
 * interleave; a map older than the process (a dead process's that had its
 * pid) is emptied first. perf has no way to remove a line: a closed module's lines
 * stay; its addresses are retired (never mapped again, gl_mem_retire), so
 * they name nothing else.
 *
 * gdb: the JIT interface (gdb/jit.h in GDB's sources, "JIT Interface" in
 * its manual). The library defines __jit_debug_register_code and
 * __jit_debug_descriptor; gdb puts a breakpoint on the first and, each
 * time it is called, reads the in-memory object file the descriptor's
 * relevant entry points to. Each registered range gets a small ELF
 * relocatable object: a .text section header (SHT_NOBITS) whose sh_addr is
 * the range's address, a symbol table with one STT_FUNC symbol per
 * function (st_value relative to .text), and a .debug_frame whose FDEs say
 * where each function keeps its return address, from the frame sizes the
 * module's pclntab records (pcsp), so that gdb unwinds through loaded
 * frames. Unregistering unlinks the entry and calls the hook again.
 */
#include "link/link.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ELF64 (the System V gABI); not <elf.h>: the unity build (libgoload.c)
 * also compiles src/elf, which defines some of its names itself. */
typedef struct {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
} gl_dbg_ehdr;

typedef struct {
	uint32_t name, type;
	uint64_t flags, addr, offset, size;
	uint32_t link, info;
	uint64_t addralign, entsize;
} gl_dbg_shdr;

typedef struct {
	uint32_t name;
	uint8_t info, other;
	uint16_t shndx;
	uint64_t value, size;
} gl_dbg_sym;

enum { GL_DBG_ET_REL = 1, GL_DBG_EM_X86_64 = 62, GL_DBG_SHT_PROGBITS = 1, GL_DBG_SHT_SYMTAB = 2,
       GL_DBG_SHT_STRTAB = 3, GL_DBG_SHT_NOBITS = 8, GL_DBG_SHF_ALLOC = 2, GL_DBG_SHF_EXEC = 4,
       GL_DBG_STT_FUNC_GLOBAL = 0x12 /* STB_GLOBAL << 4 | STT_FUNC */ };

/* GDB's JIT interface: these two names and layouts are the protocol. */
typedef enum { GL_JIT_NOACTION = 0, GL_JIT_REGISTER_FN, GL_JIT_UNREGISTER_FN } gl_jit_action;

struct jit_code_entry {
	struct jit_code_entry *next_entry;
	struct jit_code_entry *prev_entry;
	const char *symfile_addr;
	uint64_t symfile_size;
};

struct jit_descriptor {
	uint32_t version;
	uint32_t action_flag;
	struct jit_code_entry *relevant_entry;
	struct jit_code_entry *first_entry;
};

/* gdb breaks here; the asm keeps the call and the stores before it. */
__attribute__((noinline, used, visibility("default"))) void __jit_debug_register_code(void);
__attribute__((noinline, used, visibility("default"))) void __jit_debug_register_code(void)
{
	__asm__ volatile("" ::: "memory");
}

__attribute__((used, visibility("default"))) struct jit_descriptor __jit_debug_descriptor = {1, 0, NULL, NULL};

/* A registered range: its key (module or trampoline address) and its
 * JIT entry, if any. */
struct gl_dbg_reg {
	const void *key;
	struct jit_code_entry *entry;
	struct gl_dbg_reg *next;
};

static pthread_mutex_t dbg_mu = PTHREAD_MUTEX_INITIALIZER;
static struct gl_dbg_reg *dbg_regs;
static int perf_fd = -1;
static pid_t perf_pid;
static bool perf_writer_up(void);

/* ---- perf map ---- */

/* When this process started, in seconds since the epoch (the boot time
 * plus field 22 of /proc/self/stat, in clock ticks), rounded down; 0 when
 * it cannot be read. */
static time_t process_start(void)
{
	char buf[1024];
	unsigned long long ticks = 0, btime = 0;
	FILE *f = fopen("/proc/self/stat", "re");
	size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = 0;
	const char *p = strrchr(buf, ')'); /* the command name may hold spaces */
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, " %llu", &ticks) != 1)
		return 0;
	f = fopen("/proc/stat", "re");
	while (f && fgets(buf, sizeof buf, f))
		if (sscanf(buf, "btime %llu", &btime) == 1)
			break;
	if (f)
		fclose(f);
	long hz = sysconf(_SC_CLK_TCK);
	return btime && hz > 0 ? (time_t)(btime + ticks / (unsigned long long)hz) : 0;
}

/* A map written before this process started is a dead process's that had
 * our pid: its lines would name our addresses, so it is emptied. */
static void perf_drop_stale(int fd)
{
	struct stat st;
	if (fstat(fd, &st) != 0 || st.st_size == 0)
		return; /* new (the usual case): /proc/stat, slow to read, is not needed */
	time_t start = process_start();
	if (start && st.st_mtim.tv_sec < start)
		(void)ftruncate(fd, 0);
}

/* Opens (creates) this process's map; dbg_mu held. */
static int perf_open(goload_err *err)
{
	if (perf_fd >= 0 && perf_pid == getpid())
		return 0;
	char path[64];
	perf_pid = getpid();
	snprintf(path, sizeof path, "/tmp/perf-%d.map", (int)perf_pid);
	perf_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (perf_fd < 0)
		return gl_err(err, GOLOAD_E_IO, "perf map %s: %s", path, strerror(errno));
	perf_drop_stale(perf_fd);
	return 0;
}

bool goload_debug_prepare(unsigned flags)
{
	if (!(flags & GOLOAD_DEBUG_PERFMAP))
		return false;
	pthread_mutex_lock(&dbg_mu);
	bool ok = perf_open(NULL) == 0; /* a failure is reported by the first write */
	if (flags & GOLOAD_DEBUG_DEFER)
		(void)perf_writer_up();
	pthread_mutex_unlock(&dbg_mu);
	return ok;
}

static int perf_write_fd(int fd, const char *buf, size_t n, goload_err *err)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return gl_err(err, GOLOAD_E_IO, "perf map: write: %s", strerror(errno));
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

/* dbg_mu held. */
static int perf_write(const char *buf, size_t n, goload_err *err)
{
	int rc = perf_open(err);
	return rc ? rc : perf_write_fd(perf_fd, buf, n, err);
}

/* Deferred lines (GOLOAD_DEBUG_DEFER): queued under dbg_mu and written by
 * a thread of their own. A write to the map can wait for the file
 * system's journal (0.3 ms to 90 ms on this ext4 when it commits), which
 * must not be a NewPatch's; goload_debug_flush waits for them, and the Go
 * binding calls it before a patch's jump is written, so that a stub is
 * named before it can run. */
static gl_buf perf_q;             /* lines not yet written */
static bool perf_busy;            /* the writer holds lines it took from perf_q */
static pid_t perf_writer_pid;     /* the process the writer runs in (0: none) */
static pthread_cond_t perf_cv = PTHREAD_COND_INITIALIZER;      /* lines queued */
static pthread_cond_t perf_done_cv = PTHREAD_COND_INITIALIZER; /* queue written */

static void *perf_writer(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&dbg_mu);
	for (;;) {
		while (!perf_q.len)
			pthread_cond_wait(&perf_cv, &dbg_mu);
		gl_buf b = perf_q;
		perf_q = (gl_buf){0};
		perf_busy = true;
		int fd = perf_open(NULL) == 0 ? perf_fd : -1;
		pthread_mutex_unlock(&dbg_mu);
		if (fd >= 0)
			(void)perf_write_fd(fd, (const char *)b.p, b.len, NULL); /* best effort, as a patch's lines are */
		gl_buf_free(&b);
		pthread_mutex_lock(&dbg_mu);
		perf_busy = false;
		pthread_cond_broadcast(&perf_done_cv);
	}
	return NULL;
}

/* dbg_mu held. False when no writer can run: the caller writes itself. */
static bool perf_writer_up(void)
{
	if (perf_writer_pid == getpid())
		return true;
	pthread_t t;
	pthread_attr_t a;
	if (pthread_attr_init(&a) != 0)
		return false;
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	bool ok = pthread_create(&t, &a, perf_writer, NULL) == 0;
	pthread_attr_destroy(&a);
	if (ok) {
		perf_writer_pid = getpid();
		perf_q.len = 0;     /* a parent's lines, if forked: its writer writes them */
		perf_busy = false;  /* and the parent's writer's state */
	}
	return ok;
}

void goload_debug_flush(void)
{
	pthread_mutex_lock(&dbg_mu);
	while (perf_writer_pid == getpid() && (perf_q.len || perf_busy))
		pthread_cond_wait(&perf_done_cv, &dbg_mu);
	pthread_mutex_unlock(&dbg_mu);
}

/* ---- the in-memory ELF object ---- */

typedef struct gl_dbg_func {
	uint64_t addr, size;
	const char *name;
	gl_span pcsp;   /* the frame sizes (Go pc-value table); empty: none */
	gl_span pcfile; /* file index (into the object's files) by pc */
	gl_span pcline; /* line by pc */
	uint32_t file0; /* the object's first file in the line table, 1-based */
} gl_dbg_func;

/* The line table's files, in order (file i+1 of .debug_line). */
typedef GL_VEC(char *) strvec;

typedef GL_VEC(gl_dbg_func) funcvec;

/* One step of a Go pc-value table (runtime/symtab.go step, PC quantum 1
 * on amd64): *val then holds from the old *pc up to the new *pc. False
 * at the end of the table (or where it is truncated). */
static bool pcvalue_next(gl_span *t, bool first, uint64_t *pc, int32_t *val)
{
	uint64_t uv = 0, pd = 0;
	size_t n = t->n;
	const uint8_t *p = t->p;
	unsigned sh = 0;
	size_t i = 0;
	for (;; sh += 7) {
		if (i >= n || sh > 63)
			return false;
		uv |= (uint64_t)(p[i] & 0x7f) << sh;
		if (!(p[i++] & 0x80))
			break;
	}
	if (uv == 0 && !first)
		return false;
	for (sh = 0;; sh += 7) {
		if (i >= n || sh > 63)
			return false;
		pd |= (uint64_t)(p[i] & 0x7f) << sh;
		if (!(p[i++] & 0x80))
			break;
	}
	int32_t vd = (uv & 1) ? (int32_t) ~(uint32_t)(uv >> 1) : (int32_t)(uv >> 1);
	*val = (int32_t)((uint32_t)*val + (uint32_t)vd); /* wraps on bad input, never UB */
	*pc += pd;
	t->p += i;
	t->n -= i;
	return true;
}

static bool buf_uleb(gl_buf *b, uint64_t v)
{
	bool ok = true;
	do {
		uint8_t c = v & 0x7f;
		v >>= 7;
		ok &= gl_buf_u8(b, c | (v ? 0x80 : 0));
	} while (v);
	return ok;
}

static bool buf_sleb(gl_buf *b, int64_t v)
{
	for (;;) {
		uint8_t c = v & 0x7f;
		v >>= 7;
		bool done = (v == 0 && !(c & 0x40)) || (v == -1 && (c & 0x40));
		if (!gl_buf_u8(b, c | (done ? 0 : 0x80)))
			return false;
		if (done)
			return true;
	}
}

/* Closes a length-prefixed .debug_frame entry begun at `at`. */
static void frame_end(gl_buf *b, size_t at)
{
	gl_buf_align(b, 8);
	while (b->len % 8) /* DW_CFA_nop */
		gl_buf_u8(b, 0);
	if (!b->oom) {
		uint32_t len = (uint32_t)(b->len - at - 4);
		memcpy(b->p + at, &len, 4);
	}
}

/* .debug_frame: one CIE (at entry CFA = rsp+8, the return address at
 * CFA-8), then one FDE per function: where the function's frame size
 * (pcsp: what it has pushed below its return address) changes, the CFA
 * offset changes with it, as in the Go linker's own .debug_frame. FDE
 * addresses are .text-relative (the object is relocatable). */
static void frame_table(gl_buf *b, const funcvec *fs)
{
	size_t at = b->len;
	gl_buf_u32(b, 0);
	gl_buf_u32(b, 0xffffffff); /* CIE id */
	gl_buf_u8(b, 3);           /* version */
	gl_buf_u8(b, 0);           /* augmentation "" */
	buf_uleb(b, 1);            /* code alignment */
	buf_sleb(b, -8);           /* data alignment */
	buf_uleb(b, 16);           /* return address column: rip */
	gl_buf_u8(b, 0x0c);        /* DW_CFA_def_cfa rsp+8 */
	buf_uleb(b, 7);
	buf_uleb(b, 8);
	gl_buf_u8(b, 0x80 | 16);   /* DW_CFA_offset rip, CFA-8 */
	buf_uleb(b, 1);
	frame_end(b, at);
	for (size_t i = 0; i < fs->len; i++) {
		const gl_dbg_func *f = &fs->v[i];
		size_t fat = b->len;
		gl_buf_u32(b, 0);
		gl_buf_u32(b, 0); /* the CIE at offset 0 */
		gl_buf_u64(b, f->addr); /* absolute: gdb reads an ET_REL without relocations as is */
		gl_buf_u64(b, f->size);
		gl_span t = f->pcsp;
		uint64_t pc = f->addr, loc = f->addr;
		int32_t val = -1, cur = 0;
		for (bool first = true;; first = false) {
			uint64_t lo = pc;
			if (!pcvalue_next(&t, first, &pc, &val))
				break;
			/* val holds over [lo, pc) */
			if (val != cur && lo < f->addr + f->size && val >= 0) {
				if (lo > loc) {
					gl_buf_u8(b, 0x04); /* DW_CFA_advance_loc4 */
					gl_buf_u32(b, (uint32_t)(lo - loc));
					loc = lo;
				}
				gl_buf_u8(b, 0x0e); /* DW_CFA_def_cfa_offset */
				buf_uleb(b, (uint64_t)val + 8);
				cur = val;
			}
		}
		frame_end(b, fat);
	}
}

/* A run [lo, hi) of a pc-value table and its value. */
typedef struct gl_dbg_run {
	uint64_t lo, hi;
	int32_t val;
} gl_dbg_run;

typedef GL_VEC(gl_dbg_run) runvec;

static void runs_of(gl_span t, uint64_t entry, runvec *out)
{
	out->len = 0;
	uint64_t pc = entry;
	int32_t val = -1;
	for (bool first = true;; first = false) {
		uint64_t lo = pc;
		if (!pcvalue_next(&t, first, &pc, &val))
			break;
		if (pc > lo && !GL_VEC_PUSH(out, ((gl_dbg_run){lo, pc, val})))
			break;
	}
}

/* .debug_line (version 3): every function is one sequence; its rows are
 * where its file or line (pcfile, pcline) changes. */
static void line_table(gl_buf *b, const funcvec *fs, const strvec *files)
{
	size_t at = b->len;
	gl_buf_u32(b, 0);
	gl_buf_u8(b, 3);
	gl_buf_u8(b, 0); /* version 3 (two bytes) */
	size_t hat = b->len;
	gl_buf_u32(b, 0);   /* header_length */
	gl_buf_u8(b, 1);    /* minimum_instruction_length */
	gl_buf_u8(b, 1);    /* default_is_stmt */
	gl_buf_u8(b, 0xfb); /* line_base -5 */
	gl_buf_u8(b, 14);   /* line_range */
	gl_buf_u8(b, 13);   /* opcode_base */
	static const uint8_t lens[12] = {0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1};
	gl_buf_append(b, lens, sizeof lens);
	gl_buf_u8(b, 0); /* no include directories */
	for (size_t i = 0; i < files->len; i++) {
		gl_buf_append(b, files->v[i], strlen(files->v[i]) + 1);
		gl_buf_u8(b, 0);
		gl_buf_u8(b, 0);
		gl_buf_u8(b, 0);
	}
	gl_buf_u8(b, 0);
	if (!b->oom) {
		uint32_t hl = (uint32_t)(b->len - hat - 4);
		memcpy(b->p + hat, &hl, 4);
	}
	runvec fr = {0}, lr = {0};
	for (size_t i = 0; i < fs->len; i++) {
		const gl_dbg_func *f = &fs->v[i];
		if (!f->pcline.n || !f->pcfile.n)
			continue;
		runs_of(f->pcfile, f->addr, &fr);
		runs_of(f->pcline, f->addr, &lr);
		gl_buf_u8(b, 0); /* DW_LNE_set_address */
		buf_uleb(b, 9);
		gl_buf_u8(b, 2);
		gl_buf_u64(b, f->addr);
		uint64_t pc = f->addr, end = f->addr + f->size;
		int64_t line = 1, file = 1;
		size_t fi = 0;
		for (size_t li = 0; li < lr.len; li++) {
			uint64_t lo = lr.v[li].lo;
			if (lo >= end)
				break;
			/* split the line run where the file changes inside it */
			for (uint64_t p = lo; p < lr.v[li].hi && p < end;) {
				while (fi < fr.len && fr.v[fi].hi <= p)
					fi++;
				int64_t fv = fi < fr.len && fr.v[fi].lo <= p && fr.v[fi].val >= 0 ? fr.v[fi].val : -1;
				uint64_t q = lr.v[li].hi;
				if (fi < fr.len && fr.v[fi].hi < q)
					q = fr.v[fi].hi;
				if (fv >= 0 && lr.v[li].val > 0) {
					int64_t nf = (int64_t)f->file0 + fv;
					if (nf != file) {
						gl_buf_u8(b, 0x04); /* DW_LNS_set_file */
						buf_uleb(b, (uint64_t)nf);
						file = nf;
					}
					if (lr.v[li].val != line) {
						gl_buf_u8(b, 0x03); /* DW_LNS_advance_line */
						buf_sleb(b, lr.v[li].val - line);
						line = lr.v[li].val;
					}
					if (p > pc) {
						gl_buf_u8(b, 0x02); /* DW_LNS_advance_pc */
						buf_uleb(b, p - pc);
						pc = p;
					}
					gl_buf_u8(b, 0x01); /* DW_LNS_copy */
				}
				p = q;
			}
		}
		if (end > pc) {
			gl_buf_u8(b, 0x02);
			buf_uleb(b, end - pc);
		}
		gl_buf_u8(b, 0); /* DW_LNE_end_sequence */
		buf_uleb(b, 1);
		gl_buf_u8(b, 1);
	}
	GL_VEC_FREE(&fr);
	GL_VEC_FREE(&lr);
	if (!b->oom) {
		uint32_t len = (uint32_t)(b->len - at - 4);
		memcpy(b->p + at, &len, 4);
	}
}

/* .debug_abbrev and .debug_info: one Go compile unit over [lo, hi)
 * with a subprogram per function (so gdb reads the names as Go's, not
 * as mangled names of another language). */
static void info_table(gl_buf *ab, gl_buf *b, const funcvec *fs, uint64_t lo, uint64_t hi, bool lines)
{
	const uint8_t abbrev[] = {
		1, 0x11, 1,  /* compile_unit, children */
		0x03, 0x08,  /* name, string */
		0x13, 0x0b,  /* language, data1 */
		0x11, 0x01,  /* low_pc, addr */
		0x12, 0x01,  /* high_pc, addr */
		0x10, 0x06,  /* stmt_list, data4 */
		0, 0,
		2, 0x2e, 0,  /* subprogram, no children */
		0x03, 0x08,  /* name, string */
		0x11, 0x01,  /* low_pc, addr */
		0x12, 0x01,  /* high_pc, addr */
		0x3f, 0x0c,  /* external, flag */
		0, 0,
		3, 0x11, 1,  /* compile_unit without a line table */
		0x03, 0x08, 0x13, 0x0b, 0x11, 0x01, 0x12, 0x01, 0, 0,
		0,
	};
	gl_buf_append(ab, abbrev, sizeof abbrev);
	size_t at = b->len;
	gl_buf_u32(b, 0);
	gl_buf_u8(b, 3);
	gl_buf_u8(b, 0); /* version 3 */
	gl_buf_u32(b, 0); /* abbrev offset */
	gl_buf_u8(b, 8);  /* address size */
	buf_uleb(b, lines ? 1 : 3);
	gl_buf_str(b, "goload");
	gl_buf_u8(b, 0);
	gl_buf_u8(b, 0x16); /* DW_LANG_Go */
	gl_buf_u64(b, lo);
	gl_buf_u64(b, hi);
	if (lines)
		gl_buf_u32(b, 0);
	for (size_t i = 0; i < fs->len; i++) {
		buf_uleb(b, 2);
		gl_buf_append(b, fs->v[i].name, strlen(fs->v[i].name) + 1);
		gl_buf_u64(b, fs->v[i].addr);
		gl_buf_u64(b, fs->v[i].addr + fs->v[i].size);
		gl_buf_u8(b, 1);
	}
	gl_buf_u8(b, 0);
	if (!b->oom) {
		uint32_t len = (uint32_t)(b->len - at - 4);
		memcpy(b->p + at, &len, 4);
	}
}

/* The ELF relocatable object gdb reads: .text (NOBITS at [lo, hi)),
 * .symtab, .strtab, .debug_frame, .debug_abbrev, .debug_info, .debug_line
 * (when there are files), .shstrtab. Debug sections hold absolute
 * addresses: gdb reads an ET_REL object that has no relocations as is. */
static int build_elf(const funcvec *fs, const strvec *files, uint64_t lo, uint64_t hi, gl_buf *out)
{
	enum { S_NULL, S_TEXT, S_SYMTAB, S_STRTAB, S_FRAME, S_ABBREV, S_INFO, S_LINE, S_SHSTRTAB, S_N };
	static const char shstr[] =
		"\0.text\0.symtab\0.strtab\0.debug_frame\0.debug_abbrev\0.debug_info\0.debug_line\0.shstrtab";
	static const uint32_t shname[S_N] = {0, 1, 7, 15, 23, 36, 50, 62, 74};
	gl_buf sec[S_N] = {0};
	gl_dbg_sym null = {0};
	gl_buf_append(&sec[S_SYMTAB], &null, sizeof null);
	gl_buf_u8(&sec[S_STRTAB], 0);
	for (size_t i = 0; i < fs->len; i++) {
		const gl_dbg_func *f = &fs->v[i];
		gl_dbg_sym sy = {.name = (uint32_t)sec[S_STRTAB].len, .info = GL_DBG_STT_FUNC_GLOBAL,
				 .shndx = S_TEXT, .value = f->addr - lo, .size = f->size};
		gl_buf_append(&sec[S_SYMTAB], &sy, sizeof sy);
		gl_buf_append(&sec[S_STRTAB], f->name, strlen(f->name) + 1);
	}
	frame_table(&sec[S_FRAME], fs);
	bool lines = files->len > 0;
	info_table(&sec[S_ABBREV], &sec[S_INFO], fs, lo, hi, lines);
	if (lines)
		line_table(&sec[S_LINE], fs, files);
	gl_buf_append(&sec[S_SHSTRTAB], shstr, sizeof shstr);
	gl_dbg_ehdr eh = {.type = GL_DBG_ET_REL, .machine = GL_DBG_EM_X86_64, .version = 1,
			  .ehsize = sizeof(gl_dbg_ehdr), .shentsize = sizeof(gl_dbg_shdr), .shnum = S_N,
			  .shstrndx = S_SHSTRTAB};
	memcpy(eh.ident, "\177ELF\2\1\1", 7); /* ELFCLASS64, little-endian, version 1, System V */
	gl_dbg_shdr sh[S_N] = {0};
	sh[S_TEXT] = (gl_dbg_shdr){.type = GL_DBG_SHT_NOBITS, .flags = GL_DBG_SHF_ALLOC | GL_DBG_SHF_EXEC,
				   .addr = lo, .offset = sizeof eh, .size = hi - lo, .addralign = 16};
	sh[S_SYMTAB] = (gl_dbg_shdr){.type = GL_DBG_SHT_SYMTAB, .link = S_STRTAB, .info = 1, .addralign = 8,
				     .entsize = sizeof(gl_dbg_sym)};
	sh[S_STRTAB].type = sh[S_SHSTRTAB].type = GL_DBG_SHT_STRTAB;
	sh[S_FRAME].type = sh[S_ABBREV].type = sh[S_INFO].type = sh[S_LINE].type = GL_DBG_SHT_PROGBITS;
	gl_buf_append(out, &eh, sizeof eh);
	bool oom = false;
	for (int i = S_SYMTAB; i < S_N; i++) {
		gl_buf_align(out, 8);
		sh[i].offset = out->len;
		sh[i].size = sec[i].len;
		if (!sh[i].addralign)
			sh[i].addralign = 1;
		gl_buf_append(out, sec[i].p, sec[i].len);
		oom |= sec[i].oom;
	}
	for (int i = 0; i < S_N; i++) {
		sh[i].name = shname[i];
		gl_buf_free(&sec[i]);
	}
	gl_buf_align(out, 8);
	if (!out->oom) {
		uint64_t shoff = out->len;
		memcpy(out->p + offsetof(gl_dbg_ehdr, shoff), &shoff, 8);
	}
	gl_buf_append(out, sh, sizeof sh);
	return oom || out->oom ? -1 : 0;
}

/* ---- registration ---- */

static int jit_add(const void *key, gl_buf *elf)
{
	struct gl_dbg_reg *r = calloc(1, sizeof *r);
	struct jit_code_entry *e = calloc(1, sizeof *e);
	if (!r || !e) {
		free(r);
		free(e);
		return -1;
	}
	e->symfile_addr = (const char *)elf->p;
	e->symfile_size = elf->len;
	*elf = (gl_buf){0}; /* owned by the entry */
	e->next_entry = __jit_debug_descriptor.first_entry;
	if (e->next_entry)
		e->next_entry->prev_entry = e;
	__jit_debug_descriptor.first_entry = e;
	__jit_debug_descriptor.relevant_entry = e;
	__jit_debug_descriptor.action_flag = GL_JIT_REGISTER_FN;
	__jit_debug_register_code();
	__jit_debug_descriptor.action_flag = GL_JIT_NOACTION;
	r->key = key;
	r->entry = e;
	r->next = dbg_regs;
	dbg_regs = r;
	return 0;
}

static void jit_remove(const void *key)
{
	for (struct gl_dbg_reg **pp = &dbg_regs; *pp; pp = &(*pp)->next) {
		struct gl_dbg_reg *r = *pp;
		if (r->key != key)
			continue;
		struct jit_code_entry *e = r->entry;
		if (e->prev_entry)
			e->prev_entry->next_entry = e->next_entry;
		else
			__jit_debug_descriptor.first_entry = e->next_entry;
		if (e->next_entry)
			e->next_entry->prev_entry = e->prev_entry;
		__jit_debug_descriptor.relevant_entry = e;
		__jit_debug_descriptor.action_flag = GL_JIT_UNREGISTER_FN;
		__jit_debug_register_code();
		__jit_debug_descriptor.action_flag = GL_JIT_NOACTION;
		__jit_debug_descriptor.relevant_entry = NULL;
		free((void *)e->symfile_addr);
		free(e);
		*pp = r->next;
		free(r);
		return;
	}
}

/* GOLOAD_GDBJIT_DUMP=DIR: each object also goes to DIR/goload-jit-PID-ADDR.o
 * (for readelf; best effort). */
static void dump_elf(const char *dir, uint64_t lo, const gl_buf *elf)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/goload-jit-%d-%llx.o", dir, (int)getpid(), (unsigned long long)lo);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, elf->p, elf->len) < 0)
		(void)0;
	close(fd);
}

static int cmp_func(const void *a, const void *b)
{
	const gl_dbg_func *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Registers the functions fs (sorted here) in [lo, hi) under key. */
static int reg(const void *key, funcvec *fs, const strvec *files, uint64_t lo, uint64_t hi, unsigned flags,
	       goload_err *err)
{
	int rc = 0;
	qsort(fs->v, fs->len, sizeof *fs->v, cmp_func);
	pthread_mutex_lock(&dbg_mu);
	if (flags & GOLOAD_DEBUG_PERFMAP) {
		gl_buf b = {0};
		for (size_t i = 0; i < fs->len; i++)
			gl_buf_printf(&b, "%llx %llx %s\n", (unsigned long long)fs->v[i].addr,
				      (unsigned long long)fs->v[i].size, fs->v[i].name);
		if (b.oom)
			rc = gl_err(err, GOLOAD_E_NOMEM, "perf map: out of memory");
		else if (b.len && (flags & GOLOAD_DEBUG_DEFER) && perf_writer_up()) {
			if (!gl_buf_append(&perf_q, b.p, b.len))
				rc = gl_err(err, GOLOAD_E_NOMEM, "perf map: out of memory");
			pthread_cond_signal(&perf_cv);
		} else if (b.len)
			rc = perf_write((const char *)b.p, b.len, err);
		gl_buf_free(&b);
	}
	if (rc == 0 && (flags & GOLOAD_DEBUG_GDB) && fs->len) {
		gl_buf elf = {0};
		const char *dump = getenv("GOLOAD_GDBJIT_DUMP");
		if (build_elf(fs, files, lo, hi, &elf) == 0 && dump && *dump)
			dump_elf(dump, lo, &elf);
		if (elf.oom || jit_add(key, &elf) < 0)
			rc = gl_err(err, GOLOAD_E_NOMEM, "gdb JIT object: out of memory");
		gl_buf_free(&elf);
	}
	pthread_mutex_unlock(&dbg_mu);
	return rc;
}

/* The function's pc-value tables from its object (aux symbols). */
static void func_tables(const goload_module *m, const gl_lsym *s, gl_dbg_func *f)
{
	const gl_goobj *o = m->objs.v[s->obj].o;
	uint32_t first, na = gl_goobj_auxs(o, s->idx, &first);
	for (uint32_t j = 0; j < na; j++) {
		gl_goobj_aux a = gl_goobj_aux_at(o, first + j);
		uint32_t local;
		if (!gl_goobj_ref_local(o, a.sym, &local) || local >= gl_goobj_ndefs(o))
			continue;
		switch (a.type) {
		case GL_AUX_PCSP: f->pcsp = gl_goobj_data(o, local); break;
		case GL_AUX_PCFILE: f->pcfile = gl_goobj_data(o, local); break;
		case GL_AUX_PCLINE: f->pcline = gl_goobj_data(o, local); break;
		default: break;
		}
	}
}

/* The object's file names ("$GOROOT" expanded, Go 1.21's "gofile.."
 * prefix dropped, as in the pclntab) appended to files. */
static bool obj_files(const goload_module *m, const gl_goobj *o, strvec *files)
{
	static const char pre[] = "$GOROOT", gofile[] = "gofile..";
	const char *root = m->opts.goroot;
	for (uint32_t k = 0; k < gl_goobj_nfiles(o); k++) {
		gl_span f = gl_goobj_file_at(o, k);
		if (f.n >= sizeof gofile - 1 && !memcmp(f.p, gofile, sizeof gofile - 1)) {
			f.p += sizeof gofile - 1;
			f.n -= sizeof gofile - 1;
		}
		bool exp = root && f.n >= sizeof pre - 1 && !memcmp(f.p, pre, sizeof pre - 1);
		size_t rl = exp ? strlen(root) : 0, skip = exp ? sizeof pre - 1 : 0;
		char *c = malloc(rl + f.n - skip + 1);
		if (!c || !GL_VEC_PUSH(files, c)) {
			free(c);
			return false;
		}
		memcpy(c, root ? root : "", rl);
		memcpy(c + rl, f.p + skip, f.n - skip);
		c[rl + f.n - skip] = 0;
	}
	return true;
}

int goload_debug_register_module(const goload_module *m, unsigned flags, goload_err *err)
{
	if (!m || m->stub || !(flags & (GOLOAD_DEBUG_PERFMAP | GOLOAD_DEBUG_GDB)))
		return 0;
	funcvec fs = {0};
	strvec names = {0}, files = {0};
	uint32_t *file0 = calloc(m->objs.len ? m->objs.len : 1, sizeof *file0);
	int rc = file0 ? 0 : gl_err(err, GOLOAD_E_NOMEM, "debug: out of memory");
	for (size_t i = 0; i < m->syms.len && rc == 0; i++) {
		const gl_lsym *s = &m->syms.v[i];
		if (s->host || s->sect != SECT_TEXT || !s->size || !s->name[0])
			continue;
		gl_dbg_func f = {.addr = s->addr, .size = s->size, .name = s->name};
		if (s->target) {
			/* a jump to a host function: named after it */
			char *n = malloc(strlen(s->name) + sizeof "goload.jump:");
			if (!n || !GL_VEC_PUSH(&names, n)) {
				free(n);
				rc = gl_err(err, GOLOAD_E_NOMEM, "debug: out of memory");
				break;
			}
			strcpy(n, "goload.jump:");
			strcat(n, s->name);
			f.name = n;
		} else if (s->obj != UINT32_MAX) {
			func_tables(m, s, &f);
			if (!file0[s->obj] && (flags & GOLOAD_DEBUG_GDB)) {
				file0[s->obj] = (uint32_t)files.len + 1;
				if (!obj_files(m, m->objs.v[s->obj].o, &files))
					rc = gl_err(err, GOLOAD_E_NOMEM, "debug: out of memory");
			}
			f.file0 = file0[s->obj];
		}
		if (!GL_VEC_PUSH(&fs, f))
			rc = gl_err(err, GOLOAD_E_NOMEM, "debug: out of memory");
	}
	if (rc == 0)
		rc = reg(m, &fs, &files, m->sect_addr[SECT_TEXT], m->sect_addr[SECT_TEXT] + m->sect_size[SECT_TEXT],
			 flags, err);
	for (size_t i = 0; i < names.len; i++)
		free(names.v[i]);
	for (size_t i = 0; i < files.len; i++)
		free(files.v[i]);
	GL_VEC_FREE(&names);
	GL_VEC_FREE(&files);
	GL_VEC_FREE(&fs);
	free(file0);
	return rc;
}

void goload_debug_unregister(const void *key)
{
	pthread_mutex_lock(&dbg_mu);
	jit_remove(key);
	pthread_mutex_unlock(&dbg_mu);
}

int goload_debug_register_code(const void *key, uint64_t addr, uint64_t size, const char *name, unsigned flags,
			       goload_err *err)
{
	if (!(flags & (GOLOAD_DEBUG_PERFMAP | GOLOAD_DEBUG_GDB)) || !size)
		return 0;
	funcvec fs = {0};
	if (!GL_VEC_PUSH(&fs, ((gl_dbg_func){.addr = addr, .size = size, .name = name})))
		return gl_err(err, GOLOAD_E_NOMEM, "debug: out of memory");
	strvec files = {0};
	int rc = reg(key, &fs, &files, addr, addr + size, flags, err);
	GL_VEC_FREE(&fs);
	return rc;
}

bool goload_debug_registered(const void *key)
{
	pthread_mutex_lock(&dbg_mu);
	bool found = false;
	for (struct gl_dbg_reg *r = dbg_regs; r && !found; r = r->next)
		found = r->key == key;
	pthread_mutex_unlock(&dbg_mu);
	return found;
}

unsigned goload_debug_env_flags(void)
{
	unsigned f = GOLOAD_DEBUG_PERFMAP | GOLOAD_DEBUG_GDB;
	const char *v = getenv("GOLOAD_PERFMAP");
	if (v && !strcmp(v, "0"))
		f &= ~(unsigned)GOLOAD_DEBUG_PERFMAP;
	v = getenv("GOLOAD_GDBJIT");
	if (v && !strcmp(v, "0"))
		f &= ~(unsigned)GOLOAD_DEBUG_GDB;
	return f;
}
