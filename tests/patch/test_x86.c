/* Plans the patch of every function of a Go binary and checks the plan and
 * the emitted trampoline against `go tool objdump` of the same binary:
 *   test_x86 BINARY OBJDUMP_LISTING
 * (run_x86.sh builds the fixture with each toolchain and runs this). */
#include "check.h"
#include "elf/elf.h"
#include "patch/x86.h"

#include <capstone/capstone.h>
#include <stdlib.h>

typedef struct oinsn {
	uint64_t addr;
	uint32_t len;
	char *asm_; /* Go syntax, e.g. "JBE 0x49e19f", "MOVQ main.global(SB), AX" */
} oinsn;

typedef struct ofunc {
	char *name;
	size_t first, n; /* into insns */
} ofunc;

static GL_VEC(oinsn) insns;
static GL_VEC(ofunc) funcs;
static gl_elf *elf;

static void parse_listing(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		exit(2);
	}
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "TEXT ", 5)) {
			char *e = strstr(line, "(SB)");
			if (!e)
				continue;
			ofunc fn = {strndup(line + 5, (size_t)(e - line - 5)), insns.len, 0};
			GL_VEC_PUSH(&funcs, fn);
			continue;
		}
		if (!funcs.len || line[0] != ' ')
			continue;
		char *fld[4];
		int nf = 0;
		for (char *tok = strtok(line, "\t"); tok && nf < 4; tok = strtok(NULL, "\t"))
			fld[nf++] = tok;
		if (nf < 4 || strncmp(fld[1], "0x", 2))
			continue;
		oinsn in = {strtoull(fld[1], NULL, 16), (uint32_t)(strlen(fld[2]) / 2), strdup(fld[3])};
		char *end = in.asm_ + strlen(in.asm_);
		while (end > in.asm_ && end[-1] == ' ')
			*--end = 0;
		GL_VEC_PUSH(&insns, in);
		funcs.v[funcs.len - 1].n++;
	}
	free(line);
	fclose(f);
}

/* The absolute address an objdump operand names: "0x49e19f",
 * "main.f(SB)", "main.g+0x10(SB)", "0x265ff(IP)" (relative to next). 0 if
 * the operand names none. */
static uint64_t operand_addr(const char *op, uint64_t next)
{
	const char *ip = strstr(op, "(IP)");
	if (ip) {
		const char *s = ip;
		while (s > op && s[-1] != ' ' && s[-1] != ',' && s[-1] != '$')
			s--;
		return next + (uint64_t)strtoll(s, NULL, 0);
	}
	const char *sb = strstr(op, "(SB)");
	if (sb) {
		const char *s = sb;
		while (s > op && s[-1] != ' ' && s[-1] != ',' && s[-1] != '$')
			s--;
		char name[512];
		size_t n = (size_t)(sb - s);
		if (n >= sizeof name)
			return 0;
		memcpy(name, s, n);
		name[n] = 0;
		int64_t add = 0;
		char *plus = strrchr(name, '+');
		if (plus && plus[1] == '0' && plus[2] == 'x') {
			add = strtoll(plus + 1, NULL, 0);
			*plus = 0;
		}
		const gl_elf_sym *sym = gl_elf_sym_find(elf, name);
		return sym ? sym->value + (uint64_t)add : 0;
	}
	const char *sp = strchr(op, ' ');
	if (op[0] == 'J' && sp && !strncmp(sp + 1, "0x", 2))
		return strtoull(sp + 1, NULL, 16);
	return 0;
}

static bool is_branch(const char *a) { return a[0] == 'J' || !strncmp(a, "CALL ", 5); }

static bool is_jcc(const char *a) { return a[0] == 'J' && strncmp(a, "JMP ", 4) != 0; }

static gl_span mem_at(void *ctx, uint64_t va, size_t n)
{
	GL_UNUSED(ctx);
	const uint8_t *p = gl_elf_va(elf, va, n);
	return gl_span_make(p, p ? n : 0);
}

static csh cs;

/* The absolute target of the instruction Capstone decodes at addr: a branch
 * target or the address of a RIP-relative operand; 0 for neither. */
static uint64_t cs_target(const uint8_t *p, size_t n, uint64_t addr, size_t *len, char *mnem, size_t mcap)
{
	cs_insn *ci;
	*len = 0;
	if (cs_disasm(cs, p, n, addr, 1, &ci) != 1)
		return 0;
	*len = ci->size;
	snprintf(mnem, mcap, "%.31s %.120s", ci->mnemonic, ci->op_str);
	uint64_t t = 0;
	const cs_x86 *x = &ci->detail->x86;
	for (int i = 0; i < x->op_count; i++) {
		if (x->operands[i].type == X86_OP_IMM && (ci->id == X86_INS_JMP || ci->id == X86_INS_CALL ||
							   (ci->id >= X86_INS_JAE && ci->id <= X86_INS_JS)))
			t = (uint64_t)x->operands[i].imm;
		if (x->operands[i].type == X86_OP_MEM && x->operands[i].mem.base == X86_REG_RIP)
			t = addr + ci->size + (uint64_t)x->operands[i].mem.disp;
	}
	cs_free(ci, 1);
	return t;
}

typedef struct named {
	const char *name;
	int rc, reason;
	gl_x86_plan p;
	bool seen;
} named;
/* Fixture functions whose shape is known from tests/patch/fixture/main.go. */
static named fixture[] = {
	{.name = "main.small"}, {.name = "main.leaf"}, {.name = "main.loadGlobal"}, {.name = "main.spin"},
	{.name = "main.large"}, {.name = "main.huge"}, {.name = "main.main.func1"}, {.name = "main.T.Value"},
	{.name = "main.(*T).Pointer"}, {.name = "main.floats"},
};

static uint64_t morestack_addr;
static int nunknown, nplanned, nstub, nctxt, nback, nrefused, nlong, ntramp_insns;

static void check_func(const ofunc *fn, uint64_t end)
{
	const oinsn *ins = &insns.v[fn->first];
	uint64_t entry = ins[0].addr;
	gl_span code = gl_span_make(gl_elf_va(elf, entry, end - entry), end - entry);
	if (!code.p)
		return;
	gl_x86_plan p;
	int reason;
	goload_err err = {0};
	gl_x86_mem mem = {mem_at, NULL};
	int rc = gl_x86_plan_make(code, entry, fn->name, &mem, morestack_addr, &p, &reason, &err);
	for (size_t i = 0; i < GL_ARRAY_LEN(fixture); i++) {
		if (!strcmp(fixture[i].name, fn->name)) {
			fixture[i] = (named){fixture[i].name, rc, reason, p, true};
		}
	}

	/* Ground truth: a branch outside the covered bytes into them. */
	bool any_back = false;
	uint64_t cover = rc == 0 ? p.cover : 0;
	if (rc == 0 || reason == GOLOAD_PATCH_R_BACK_JUMP) {
		for (size_t i = 0; i < fn->n; i++) {
			uint64_t t = is_branch(ins[i].asm_) ? operand_addr(ins[i].asm_, ins[i].addr + ins[i].len) : 0;
			if (rc == 0 && ins[i].addr >= entry + cover && t > entry && t < entry + cover)
				any_back = true;
			if (rc < 0 && t > entry && t < entry + 32 && ins[i].addr > entry + 4)
				any_back = true; /* refused: some later branch lands early in the function */
		}
	}
	if (rc < 0) {
		nrefused++;
		if (reason == GOLOAD_PATCH_R_BACK_JUMP) {
			nback++;
			CHECK_MSG(any_back, "%s refused as back-jump but objdump shows no branch into its entry: %s",
				  fn->name, err.msg);
		}
		CHECK_MSG(reason != 0, "%s: refused without a reason: %s", fn->name, err.msg);
		return;
	}
	nplanned++;
	CHECK_MSG(!any_back, "%s: objdump shows a branch into the %zu covered bytes, plan accepted", fn->name, p.cover);
	CHECK_MSG(p.cover >= GL_X86_JMP_LEN, "%s: cover %zu", fn->name, p.cover);

	/* Instruction boundaries agree with objdump. */
	uint64_t a = entry;
	for (size_t i = 0; i < p.ninsn; i++) {
		CHECK_MSG(i < fn->n && ins[i].addr == p.insn[i].addr && ins[i].len == p.insn[i].len,
			  "%s: covered insn %zu at 0x%llx len %u, objdump says 0x%llx len %u", fn->name, i,
			  (unsigned long long)p.insn[i].addr, p.insn[i].len,
			  (unsigned long long)(i < fn->n ? ins[i].addr : 0), i < fn->n ? ins[i].len : 0);
		a += p.insn[i].len;
	}
	if (a != entry + p.cover) /* borrowed INT3 padding after a final RET/JMP */
		CHECK_MSG(!p.falls_through && p.ninsn == fn->n, "%s: cover %zu beyond the code", fn->name, p.cover);

	/* The stack-growth stub agrees with objdump: a prologue Jcc to a block
	 * holding CALL runtime.morestack*. */
	size_t call_i = fn->n;
	for (size_t i = 0; i < fn->n; i++)
		if (!strncmp(ins[i].asm_, "CALL runtime.morestack(", 23) ||
		    !strncmp(ins[i].asm_, "CALL runtime.morestack.abi0(", 28) ||
		    !strncmp(ins[i].asm_, "CALL runtime.morestack_noctxt", 29))
			call_i = i;
	bool want_stub = false;
	uint64_t want_stub_addr = 0;
	for (size_t i = 0; i < fn->n && i < 6 && call_i < fn->n; i++) {
		uint64_t t = is_jcc(ins[i].asm_) ? operand_addr(ins[i].asm_, ins[i].addr + ins[i].len) : 0;
		if (t > ins[i].addr && t <= ins[call_i].addr) {
			want_stub = true;
			want_stub_addr = t;
			break;
		}
	}
	CHECK_MSG(p.has_stub == want_stub, "%s: has_stub %d, objdump %d", fn->name, p.has_stub, want_stub);
	if (p.has_stub && want_stub) {
		nstub++;
		nctxt += p.ctxt;
		const char *callee = ins[call_i].asm_ + 5;
		bool ctxt = strncmp(callee, "runtime.morestack_noctxt", 24) != 0;
		CHECK_MSG(p.stub == want_stub_addr, "%s: stub 0x%llx, objdump 0x%llx", fn->name,
			  (unsigned long long)p.stub, (unsigned long long)want_stub_addr);
		CHECK_MSG(p.morestack_ret == ins[call_i].addr + ins[call_i].len, "%s: morestack return 0x%llx", fn->name,
			  (unsigned long long)p.morestack_ret);
		CHECK_MSG(p.ctxt == ctxt, "%s: ctxt %d but it calls %s", fn->name, p.ctxt, callee);
		CHECK_MSG(p.morestack == morestack_addr, "%s: morestack 0x%llx, symbol 0x%llx", fn->name,
			  (unsigned long long)p.morestack, (unsigned long long)morestack_addr);
	}
	if (p.cover > 6)
		nlong++;

	/* Emit a trampoline 256 MiB away and decode it: every moved reference
	 * names the same absolute address as objdump's original. */
	uint64_t T = entry + 0x10000000;
	gl_buf b = {0};
	rc = gl_x86_tramp_emit(&p, T, &b, &reason, &err);
	CHECK_MSG(rc == 0 && b.len <= gl_x86_tramp_size(&p), "%s: emit: %s", fn->name, err.msg);
	if (rc < 0)
		return;
	size_t off = 0;
	uint64_t slow = 0;
	size_t n_slow_len = 0;
	for (size_t i = 0; i < p.nspill; i++)
		n_slow_len += p.spill[i].len;
	slow = T + b.len - (n_slow_len + 21);
	for (size_t i = 0; i < p.ninsn && i < fn->n; i++) {
		size_t len;
		char m[160];
		uint64_t got = cs_target(b.p + off, b.len - off, T + off, &len, m, sizeof m);
		uint64_t want = operand_addr(ins[i].asm_, ins[i].addr + ins[i].len);
		if (p.has_stub && want == p.stub)
			want = slow;
		if (want > entry && want < entry + p.cover)
			want = 0; /* a branch between covered instructions (none in Go prologues) */
		if (want)
			CHECK_MSG(got == want, "%s: moved \"%s\" (%s) names 0x%llx, want 0x%llx", fn->name, ins[i].asm_, m,
				  (unsigned long long)got, (unsigned long long)want);
		else if (p.insn[i].kind == GL_X86_PLAIN || p.insn[i].kind == GL_X86_RET)
			CHECK_MSG(len == ins[i].len && !memcmp(b.p + off, p.insn[i].bytes, len),
				  "%s: \"%s\" not copied as is", fn->name, ins[i].asm_);
		ntramp_insns++;
		off += len ? len : 1;
	}
	if (p.falls_through) {
		size_t len;
		char m[160];
		CHECK_MSG(cs_target(b.p + off, b.len - off, T + off, &len, m, sizeof m) == entry + p.cover &&
				  !strncmp(m, "jmp", 3),
			  "%s: trampoline does not continue at entry+%zu: %s", fn->name, p.cover, m);
		off += len ? len : 5;
	}
	if (p.has_stub) {
		CHECK_MSG(T + off == slow, "%s: slow path at +%zu", fn->name, off);
		/* The spills are the stub's own bytes, as objdump lists them. */
		size_t si = 0;
		while (si < fn->n && ins[si].addr != p.stub)
			si++;
		for (size_t k = 0; k < p.nspill; k++, si++) {
			CHECK_MSG(si < call_i && ins[si].len == p.spill[k].len &&
					  !memcmp(b.p + off, gl_elf_va(elf, ins[si].addr, ins[si].len), ins[si].len),
				  "%s: spill %zu differs from objdump's \"%s\"", fn->name, k, si < fn->n ? ins[si].asm_ : "");
			off += p.spill[k].len;
		}
		CHECK_MSG(si == call_i, "%s: %zu spills, objdump has %zu before the call", fn->name, p.nspill, call_i);
		static const char *const want_m[] = {"lea rdx", "lea r12", "push r12", "jmp"};
		const uint64_t want_t[] = {T, p.morestack_ret, 0, morestack_addr};
		for (int k = 0; k < 4; k++) {
			size_t len;
			char m[160];
			uint64_t got = cs_target(b.p + off, b.len - off, T + off, &len, m, sizeof m);
			CHECK_MSG(!strncmp(m, want_m[k], strlen(want_m[k])) && got == want_t[k],
				  "%s: slow path insn %d is \"%s\" -> 0x%llx", fn->name, k, m, (unsigned long long)got);
			off += len ? len : 1;
		}
	}
	CHECK_MSG(off == b.len, "%s: trampoline has %zu bytes, decoded %zu", fn->name, b.len, off);
	gl_buf_free(&b);
}

static void check_stub(uint64_t at)
{
	uint64_t T = at + 0x1000, slot = at + 0x2000;
	gl_buf b = {0};
	goload_err err = {0};
	CHECK(gl_x86_stub_emit(at, T, slot, &b, &err) == 0 && b.len == GL_X86_STUB_LEN);
	static const char *const want_m[] = {"lea r12, [rip", "cmp rdx, r12", "je", "mov rdx, qword ptr [rip",
					     "jmp qword ptr [rdx]", "xor edx, edx", "jmp"};
	const uint64_t want_t[] = {T, 0, at + 21, slot, 0, 0, T};
	size_t off = 0;
	for (int k = 0; k < 7 && off < b.len; k++) {
		size_t len;
		char m[160];
		uint64_t got = cs_target(b.p + off, b.len - off, at + off, &len, m, sizeof m);
		CHECK_MSG(!strncmp(m, want_m[k], strlen(want_m[k])) && got == want_t[k], "stub insn %d is \"%s\" -> 0x%llx",
			  k, m, (unsigned long long)got);
		off += len ? len : 1;
	}
	CHECK(off == GL_X86_STUB_LEN);
	gl_buf_free(&b);
	uint8_t j[8];
	CHECK(gl_x86_jmp_bytes(at, T, j, sizeof j, &err) == 0 && j[5] == 0xcc && j[7] == 0xcc);
	size_t len;
	char m[160];
	CHECK(cs_target(j, 5, at, &len, m, sizeof m) == T && len == 5);
	CHECK(gl_x86_jmp_bytes(at, at + ((uint64_t)3 << 30), j, sizeof j, &err) < 0);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: test_x86 BINARY OBJDUMP_LISTING\n");
		return 2;
	}
	gl_file *file;
	goload_err err = {0};
	if (gl_file_open(argv[1], &file, &err) < 0 || gl_elf_open(file->data, argv[1], &elf, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 2;
	}
	cs_open(CS_ARCH_X86, CS_MODE_64, &cs);
	cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
	const gl_elf_sym *ms = gl_elf_sym_find(elf, "runtime.morestack.abi0");
	if (!ms)
		ms = gl_elf_sym_find(elf, "runtime.morestack");
	CHECK(ms != NULL);
	morestack_addr = ms ? ms->value : 0;
	parse_listing(argv[2]);
	CHECK(funcs.len > 1000);
	for (size_t i = 0; i < funcs.len; i++) {
		const ofunc *fn = &funcs.v[i];
		if (!fn->n || !strncmp(fn->name, "go:", 3))
			continue; /* section markers (go:textfipsstart), not functions */
		bool unknown = false; /* objdump prints "?" for what it cannot decode (AVX-512) */
		for (size_t k = 0; k < fn->n; k++)
			unknown |= !strcmp(insns.v[fn->first + k].asm_, "?");
		if (unknown) {
			nunknown++;
			continue;
		}
		const oinsn *last = &insns.v[fn->first + fn->n - 1];
		uint64_t end = last->addr + last->len;
		/* The extent runs to the next function (pclntab's view): padding included. */
		if (i + 1 < funcs.len && funcs.v[i + 1].n && insns.v[funcs.v[i + 1].first].addr >= end &&
		    insns.v[funcs.v[i + 1].first].addr - end < 64)
			end = insns.v[funcs.v[i + 1].first].addr;
		check_func(fn, end);
	}
	check_stub(0x400000);
	for (size_t i = 0; i < GL_ARRAY_LEN(fixture); i++)
		CHECK_MSG(fixture[i].seen, "%s not in the listing", fixture[i].name);
	const named *f = fixture;
	/* CMPQ SP, 16(R14); JLS stub: 6 bytes, both under the jump. */
	CHECK(f[0].rc == 0 && f[0].p.ninsn == 2 && f[0].p.cover == 6 && f[0].p.has_stub && !f[0].p.ctxt);
	/* ADDQ BX, AX; RET: 4 bytes of code, the fifth is INT3 padding. */
	CHECK(f[1].rc == 0 && f[1].p.cover == 5 && !f[1].p.falls_through && !f[1].p.has_stub);
	CHECK(f[2].rc == 0 && f[2].p.insn[0].kind == GL_X86_RIPREL);
	/* JMP cond; body: ...; cond: JG body -- the loop jumps back to entry+2. */
	CHECK(f[3].rc < 0 && f[3].reason == GOLOAD_PATCH_R_BACK_JUMP);
	/* LEAQ -n(SP), R12; CMPQ R12, 16(R14); JLS */
	CHECK(f[4].rc == 0 && f[4].p.ninsn == 3 && f[4].p.has_stub);
	/* MOVQ SP, R12; SUBQ; JCS stub; CMPQ; JLS stub: both branches covered */
	CHECK(f[5].rc == 0 && f[5].p.ninsn == 5 && f[5].p.has_stub);
	CHECK(f[6].rc == 0 && f[6].p.has_stub && f[6].p.ctxt);
	for (size_t i = 7; i < GL_ARRAY_LEN(fixture); i++)
		CHECK_MSG(f[i].rc == 0 && f[i].p.has_stub && f[i].p.nspill > 0, "%s", f[i].name);
	/* The fixture's own shapes must all have been seen. */
	CHECK(nstub > 100 && nctxt > 0 && nback > 0 && nlong > 0);
	printf("%zu functions (%d skipped: objdump cannot decode them): %d planned (%d with a morestack stub, %d closures, %d covering > 6 bytes), %d refused (%d back-jump); %d moved insns checked\n",
	       funcs.len, nunknown, nplanned, nstub, nctxt, nlong, nrefused, nback, ntramp_insns);
	cs_close(&cs);
	gl_elf_close(elf);
	gl_file_close(file);
	return CHECK_DONE();
}
