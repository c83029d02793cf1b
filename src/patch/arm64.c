#include "patch/arm64.h"
#include "patch/refuse.h"

#include <capstone/capstone.h>
#include <stdlib.h>

/* How far the prologue is searched for its stack-growth branches: the
 * longest Go arm64 prologue (frames > StackBig) is MOVD 16(g), R16;
 * MOVD $n, R27; SUBS R27, RSP, R17; BCC stub; CMP R16, R17; BLS stub. */
#define A64_PROLOGUE_INSNS 8
#define A64_STUB_INSNS (GL_A64_MAX_SPILL * 2 + 4)

#define A64_NOP 0xd503201fu
#define A64_MOV_X3_X30 0xaa1e03e3u /* MOVD R30, R3: the stub's "caller's LR" */

typedef struct a64_dec {
	csh cs;
	cs_insn *ci;
	gl_span fn;
	uint64_t entry;
	const gl_a64_mem *mem;
	uint64_t morestack;
} a64_dec;

static int a64_dec_open(a64_dec *d, gl_span fn, uint64_t entry, const char *name, const gl_a64_mem *mem,
			goload_err *err)
{
	d->mem = mem;
	d->fn = fn;
	d->entry = entry;
	if (cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &d->cs) != CS_ERR_OK)
		return gl_err(err, GOLOAD_E_INTERNAL, "%s: capstone: cannot open an AArch64 decoder", name);
	d->ci = cs_malloc(d->cs);
	if (!d->ci) {
		cs_close(&d->cs);
		return gl_err(err, GOLOAD_E_NOMEM, "%s: capstone: out of memory", name);
	}
	return 0;
}

static void a64_dec_close(a64_dec *d)
{
	cs_free(d->ci, 1);
	cs_close(&d->cs);
}

static int64_t a64_sext(uint64_t v, unsigned bits) { return (int64_t)(v << (64 - bits)) >> (64 - bits); }

static bool a64_is_bl(uint32_t w) { return (w & 0xfc000000u) == 0x94000000u; }
static bool a64_is_blr(uint32_t w) { return (w & 0xfffffc1fu) == 0xd63f0000u; }
static bool a64_is_b(uint32_t w) { return (w & 0xfc000000u) == 0x14000000u; }
static bool a64_is_bcond(uint32_t w) { return (w & 0xff000010u) == 0x54000000u; }
static bool a64_is_cb(uint32_t w) { return (w & 0x7e000000u) == 0x34000000u; }
static bool a64_is_tb(uint32_t w) { return (w & 0x7e000000u) == 0x36000000u; }
static bool a64_is_adr(uint32_t w) { return (w & 0x1f000000u) == 0x10000000u; } /* ADR and ADRP */
static bool a64_is_ldr_lit(uint32_t w) { return (w & 0x3b000000u) == 0x18000000u; }
static bool a64_is_ret_br(uint32_t w)
{
	uint32_t m = w & 0xfffffc1fu;
	return m == 0xd65f0000u || m == 0xd61f0000u; /* RET, BR */
}

/* The target of a direct branch (B, BL, B.cond, CB(N)Z, TB(N)Z) at pc. */
static bool a64_branch_target(uint32_t w, uint64_t pc, uint64_t *t)
{
	if (a64_is_b(w) || a64_is_bl(w))
		*t = pc + (uint64_t)(a64_sext(w & 0x03ffffffu, 26) * 4);
	else if (a64_is_bcond(w) || a64_is_cb(w))
		*t = pc + (uint64_t)(a64_sext((w >> 5) & 0x7ffffu, 19) * 4);
	else if (a64_is_tb(w))
		*t = pc + (uint64_t)(a64_sext((w >> 5) & 0x3fffu, 14) * 4);
	else
		return false;
	return true;
}

static int64_t a64_adr_imm(uint32_t w) { return a64_sext(((w >> 5) & 0x7ffffu) << 2 | ((w >> 29) & 3), 21); }

static uint32_t a64_word_at(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

/* Decode and classify the instruction at addr (inside fn); a BL/BLR comes
 * back with *is_call set. false when it does not decode or cannot be moved
 * (LDR literal: its +-1 MiB reach and its data would both move). */
static bool a64_dec_at(a64_dec *d, uint64_t addr, gl_a64_insn *in, bool *is_call)
{
	*is_call = false;
	if (addr < d->entry || addr - d->entry + 4 > d->fn.n || (addr & 3))
		return false;
	const uint8_t *code = d->fn.p + (addr - d->entry);
	size_t left = 4;
	uint64_t a = addr;
	if (!cs_disasm_iter(d->cs, &code, &left, &a, d->ci))
		return false;
	uint32_t w = a64_word_at(d->fn.p + (addr - d->entry));
	memset(in, 0, sizeof *in);
	in->addr = addr;
	in->word = w;
	in->kind = GL_A64_PLAIN;
	if (a64_is_bl(w) || a64_is_blr(w)) {
		*is_call = true;
		if (a64_is_bl(w))
			a64_branch_target(w, addr, &in->target);
		return true;
	}
	if (a64_is_ret_br(w)) {
		in->kind = GL_A64_RET;
		return true;
	}
	if (a64_is_b(w)) {
		in->kind = GL_A64_B;
		a64_branch_target(w, addr, &in->target);
		return true;
	}
	if (a64_is_bcond(w) || a64_is_cb(w) || a64_is_tb(w)) {
		if (a64_is_bcond(w) && (w & 0xf) >= 14)
			return false; /* B.AL/B.NV: no inverse */
		in->kind = GL_A64_BCOND;
		a64_branch_target(w, addr, &in->target);
		return true;
	}
	if (a64_is_adr(w)) {
		in->kind = GL_A64_ADR;
		int64_t imm = a64_adr_imm(w);
		in->target = (w & 0x80000000u) ? (addr & ~(uint64_t)0xfff) + (uint64_t)(imm * 4096) : addr + (uint64_t)imm;
		return true;
	}
	if (a64_is_ldr_lit(w))
		return false;
	/* Every other PC-relative form (LDR literal above) is a branch; what is
	 * left computes from registers only. */
	return true;
}

/* runtime.morestack_noctxt is `[MOVD RSP, RSP;] MOVW ZR, R26; B
 * runtime.morestack`: follow it to the variant that keeps R26. */
static bool a64_follow_noctxt(gl_span p, uint64_t at, uint64_t *morestack)
{
	for (size_t i = 0; i + 8 <= p.n && i <= 4; i += 4) {
		uint32_t w = a64_word_at(p.p + i);
		if (w == 0x910003ffu) /* MOVD RSP, RSP (Go 1.24+: marks SP as not written) */
			continue;
		if (w != 0x2a1f03fau) /* MOVW ZR, R26 */
			return false;
		uint32_t b = a64_word_at(p.p + i + 4);
		return a64_is_b(b) && a64_branch_target(b, at + i + 4, morestack);
	}
	return false;
}

/* Is the code at t the function's stack-growth stub (spills, MOVD R30, R3,
 * BL runtime.morestack*, reloads, B entry)? Fills the plan's stub fields. */
static bool a64_match_stub(a64_dec *d, uint64_t t, gl_a64_plan *p)
{
	gl_a64_insn in;
	bool call;
	uint64_t a = t;
	size_t nspill = 0;
	for (int i = 0; i < A64_STUB_INSNS; i++) {
		if (!a64_dec_at(d, a, &in, &call))
			return false;
		a += 4;
		if (call) {
			if (!a64_is_bl(in.word) || !nspill || p->spill[nspill - 1].word != A64_MOV_X3_X30)
				return false;
			p->morestack_ret = a;
			uint64_t ms = 0;
			if (d->morestack && in.target == d->morestack) {
				p->ctxt = true;
				ms = in.target;
			} else {
				gl_span callee = d->mem ? d->mem->at(d->mem->ctx, in.target, 12)
							: gl_span_make((const void *)(uintptr_t)in.target, 12);
				if (!a64_follow_noctxt(callee, in.target, &ms) || (d->morestack && ms != d->morestack))
					return false;
			}
			p->morestack = ms;
			break;
		}
		if (in.kind != GL_A64_PLAIN || nspill == GL_A64_MAX_SPILL)
			return false;
		p->spill[nspill++] = in;
	}
	if (!p->morestack_ret)
		return false;
	for (int i = 0; i < A64_STUB_INSNS; i++) {
		if (!a64_dec_at(d, a, &in, &call) || call)
			return false;
		if (in.kind == GL_A64_B) {
			if (in.target != d->entry)
				return false;
			p->nspill = nspill;
			p->stub = t;
			p->has_stub = true;
			return true;
		}
		if (in.kind != GL_A64_PLAIN)
			return false;
		a += 4;
	}
	return false;
}

int gl_a64_resume(gl_span fn, uint64_t entry, const gl_a64_mem *mem, uint64_t morestack, uint64_t *resume,
		  goload_err *err)
{
	*resume = 0;
	if (entry & 3)
		return 0;
	a64_dec d;
	int rc = a64_dec_open(&d, fn, entry, "resume", mem, err);
	if (rc < 0)
		return rc;
	d.morestack = morestack;
	gl_a64_plan p;
	memset(&p, 0, sizeof p);
	gl_a64_insn in;
	bool call;
	uint64_t b = entry;
	for (int n = 0; n < A64_PROLOGUE_INSNS && b + 4 <= entry + fn.n && a64_dec_at(&d, b, &in, &call) && !call; n++) {
		b += 4;
		if (in.kind == GL_A64_BCOND && in.target > b && in.target < entry + fn.n && a64_match_stub(&d, in.target, &p)) {
			*resume = p.morestack_ret;
			break;
		}
		if (in.kind == GL_A64_RET || in.kind == GL_A64_B)
			break;
	}
	a64_dec_close(&d);
	return 0;
}

int gl_a64_plan_make(gl_span fn, uint64_t entry, const char *name, const gl_a64_mem *mem, uint64_t morestack,
		     gl_a64_plan *p, int *reason, goload_err *err)
{
	*reason = 0;
	memset(p, 0, sizeof *p);
	p->entry = entry;
	if (entry & 3)
		return gl_patch_refuse(reason, GOLOAD_PATCH_R_UNRELOCATABLE, err, GOLOAD_E_UNSUPPORTED,
				  "%s: entry 0x%llx is not 4-byte aligned", name, (unsigned long long)entry);
	a64_dec d;
	int rc = a64_dec_open(&d, fn, entry, name, mem, err);
	if (rc < 0)
		return rc;
	d.morestack = morestack;
	bool call;

	/* 1. The jump is one instruction. */
	if (fn.n < GL_A64_JMP_LEN) {
		rc = gl_patch_refuse(reason, GOLOAD_PATCH_R_TOO_SHORT, err, GOLOAD_E_UNSUPPORTED,
				"%s: only %zu bytes of code at 0x%llx, a jump needs %d", name, fn.n,
				(unsigned long long)entry, GL_A64_JMP_LEN);
		goto out;
	}
	if (!a64_dec_at(&d, entry, &p->insn[0], &call)) {
		rc = gl_patch_refuse(reason, GOLOAD_PATCH_R_UNRELOCATABLE, err, GOLOAD_E_UNSUPPORTED,
				"%s: instruction at 0x%llx (entry+0) cannot be decoded or moved", name,
				(unsigned long long)entry);
		goto out;
	}
	if (call) {
		rc = gl_patch_refuse(reason, GOLOAD_PATCH_R_CALL, err, GOLOAD_E_UNSUPPORTED,
				"%s: BL at entry+0 lies under the entry jump", name);
		goto out;
	}
	p->ninsn = 1;

	/* 2. Extend through the prologue's last branch to the stack-growth
	 * stub, so that the trampoline owns every such branch. */
	{
		gl_a64_insn look[A64_PROLOGUE_INSNS];
		size_t nlook = 0, last_stub = 0;
		uint64_t b = entry;
		while (nlook < A64_PROLOGUE_INSNS && a64_dec_at(&d, b, &look[nlook], &call) && !call) {
			gl_a64_insn *in = &look[nlook++];
			b += 4;
			if (in->kind == GL_A64_BCOND && in->target > b && in->target < entry + fn.n &&
			    (p->has_stub ? in->target == p->stub : a64_match_stub(&d, in->target, p)))
				last_stub = nlook;
			if (in->kind == GL_A64_RET || in->kind == GL_A64_B)
				break;
		}
		if (last_stub > p->ninsn) {
			if (last_stub > GL_A64_MAX_COVER) {
				rc = gl_patch_refuse(reason, GOLOAD_PATCH_R_UNRELOCATABLE, err, GOLOAD_E_UNSUPPORTED,
						"%s: prologue of %zu instructions is longer than expected", name,
						last_stub);
				goto out;
			}
			memcpy(p->insn, look, last_stub * sizeof look[0]);
			p->ninsn = last_stub;
		}
	}
	p->cover = p->ninsn * 4;
	{
		const gl_a64_insn *last = &p->insn[p->ninsn - 1];
		p->falls_through = last->kind != GL_A64_RET && last->kind != GL_A64_B;
	}

	/* 3. Nothing else in the function may branch into the overwritten
	 * instructions (the entry itself is fine). */
	for (uint64_t off = 0; off + 4 <= fn.n; off += 4) {
		uint64_t pc = entry + off, t;
		if (pc < entry + p->cover)
			continue;
		uint32_t w = a64_word_at(fn.p + off);
		if (a64_branch_target(w, pc, &t) && t > entry && t < entry + p->cover) {
			rc = gl_patch_refuse(reason, GOLOAD_PATCH_R_BACK_JUMP, err, GOLOAD_E_UNSUPPORTED,
					"%s: branch at 0x%llx jumps to entry+%llu, inside the %zu bytes the entry jump overwrites",
					name, (unsigned long long)pc, (unsigned long long)(t - entry), p->cover);
			goto out;
		}
	}
	rc = 0;
out:
	a64_dec_close(&d);
	return rc;
}

static size_t a64_moved_len(const gl_a64_insn *in)
{
	switch (in->kind) {
	case GL_A64_BCOND: /* inverted over a B, unless it stays in the trampoline */
		return 8;
	case GL_A64_ADR: /* ADR becomes ADRP+ADD */
		return (in->word & 0x80000000u) ? 4 : 8;
	default:
		return 4;
	}
}

/* ADR, ADR, LDR, LDR, BR, alignment NOP, two 8-byte literals. */
#define A64_SLOW_TAIL (5 * 4 + 4 + 16)

size_t gl_a64_tramp_size(const gl_a64_plan *p)
{
	size_t n = 0;
	for (size_t i = 0; i < p->ninsn; i++)
		n += a64_moved_len(&p->insn[i]);
	if (p->falls_through)
		n += 4;
	if (p->has_stub)
		n += p->nspill * 4 + A64_SLOW_TAIL;
	return n;
}

typedef struct a64_out {
	gl_buf *b;
	uint64_t at; /* address of b's first byte */
	bool ok;
} a64_out;

static uint64_t a64_pc(const a64_out *o) { return o->at + o->b->len; }

static void a64_put(a64_out *o, uint32_t w)
{
	if (o->ok)
		o->ok = gl_buf_append(o->b, &w, 4);
}

/* word with its branch offset field set for a branch from pc to to. */
static bool a64_retarget(uint32_t w, uint64_t pc, uint64_t to, uint32_t *out)
{
	int64_t off = (int64_t)(to - pc);
	if (off & 3)
		return false;
	off >>= 2;
	if (a64_is_b(w) || a64_is_bl(w)) {
		if (off < -(1 << 25) || off >= (1 << 25))
			return false;
		*out = (w & 0xfc000000u) | ((uint32_t)off & 0x03ffffffu);
	} else if (a64_is_bcond(w) || a64_is_cb(w)) {
		if (off < -(1 << 18) || off >= (1 << 18))
			return false;
		*out = (w & ~(0x7ffffu << 5)) | (((uint32_t)off & 0x7ffffu) << 5);
	} else if (a64_is_tb(w)) {
		if (off < -(1 << 13) || off >= (1 << 13))
			return false;
		*out = (w & ~(0x3fffu << 5)) | (((uint32_t)off & 0x3fffu) << 5);
	} else {
		return false;
	}
	return true;
}

static void a64_put_branch(a64_out *o, uint32_t w, uint64_t to)
{
	uint32_t nw = 0;
	if (!a64_retarget(w, a64_pc(o), to, &nw))
		o->ok = false;
	a64_put(o, nw);
}

static uint32_t a64_adr_word(bool page, unsigned rd, int64_t imm)
{
	uint32_t u = (uint32_t)imm;
	return (page ? 0x90000000u : 0x10000000u) | (u & 3) << 29 | ((u >> 2) & 0x7ffffu) << 5 | rd;
}

/* ADRP rd, page(to) */
static void a64_put_adrp(a64_out *o, unsigned rd, uint64_t to)
{
	int64_t pages = (int64_t)((to & ~(uint64_t)0xfff) - (a64_pc(o) & ~(uint64_t)0xfff)) / 4096;
	if (pages < -(1 << 20) || pages >= (1 << 20))
		o->ok = false;
	a64_put(o, a64_adr_word(true, rd, pages));
}

/* ADR rd, to (+-1 MiB) */
static void a64_put_adr(a64_out *o, unsigned rd, uint64_t to)
{
	int64_t d = (int64_t)(to - a64_pc(o));
	if (d < -(1 << 20) || d >= (1 << 20))
		o->ok = false;
	a64_put(o, a64_adr_word(false, rd, d));
}

/* LDR rt, lit (64-bit literal, +-1 MiB) */
static void a64_put_ldr_lit(a64_out *o, unsigned rt, uint64_t lit)
{
	int64_t d = (int64_t)(lit - a64_pc(o)) / 4;
	if (d < -(1 << 18) || d >= (1 << 18))
		o->ok = false;
	a64_put(o, 0x58000000u | ((uint32_t)d & 0x7ffffu) << 5 | rt);
}

/* Move one instruction; branches into the covered range go to their moved
 * copies (map), branches to the stub go to `slow`. */
static void a64_put_moved(a64_out *o, const gl_a64_insn *in, const gl_a64_plan *p, const size_t *map,
			  uint64_t slow)
{
	uint64_t to = in->target;
	bool inside = false;
	if (in->kind == GL_A64_B || in->kind == GL_A64_BCOND) {
		if (p->has_stub && to == p->stub && slow) {
			to = slow;
			inside = true;
		}
		for (size_t i = 0; map && i < p->ninsn; i++)
			if (to == p->insn[i].addr) {
				to = o->at + map[i];
				inside = true;
			}
	}
	switch (in->kind) {
	case GL_A64_B:
		a64_put_branch(o, in->word, to);
		return;
	case GL_A64_BCOND:
		if (inside) {
			a64_put_branch(o, in->word, to);
			a64_put(o, A64_NOP);
		} else {
			/* B.!cond +8; B to */
			uint32_t inv = a64_is_bcond(in->word) ? in->word ^ 1u : in->word ^ (1u << 24);
			a64_put_branch(o, inv, a64_pc(o) + 8);
			a64_put_branch(o, 0x14000000u, to);
		}
		return;
	case GL_A64_ADR: {
		unsigned rd = in->word & 31;
		a64_put_adrp(o, rd, in->target);
		if (!(in->word & 0x80000000u)) /* ADD rd, rd, #lo12 */
			a64_put(o, 0x91000000u | (uint32_t)(in->target & 0xfff) << 10 | rd << 5 | rd);
		return;
	}
	default:
		a64_put(o, in->word);
	}
}

int gl_a64_tramp_emit(const gl_a64_plan *p, uint64_t at, gl_buf *out, int *reason, goload_err *err)
{
	*reason = 0;
	size_t map[GL_A64_MAX_COVER], off = 0;
	for (size_t i = 0; i < p->ninsn; i++) {
		map[i] = off;
		off += a64_moved_len(&p->insn[i]);
	}
	uint64_t slow = p->has_stub ? at + off + (p->falls_through ? 4 : 0) : 0;
	gl_buf b = {0};
	a64_out o = {&b, at, (at & 3) == 0};
	for (size_t i = 0; o.ok && i < p->ninsn; i++)
		a64_put_moved(&o, &p->insn[i], p, map, slow);
	if (p->falls_through)
		a64_put_branch(&o, 0x14000000u, p->entry + p->cover);
	if (p->has_stub && o.ok) {
		for (size_t i = 0; i < p->nspill; i++)
			a64_put(&o, p->spill[i].word); /* PLAIN by a64_match_stub */
		/* literals after ADR, LDR, LDR, BR and an alignment NOP if needed */
		uint64_t lits = a64_pc(&o) + 16;
		bool pad = lits & 7;
		if (pad)
			lits += 4;
		a64_put_adr(&o, 26, at);                /* ADR at, R26: the marker */
		a64_put_ldr_lit(&o, 30, lits);          /* LR = the instruction after the stub's BL */
		a64_put_ldr_lit(&o, 17, lits + 8);      /* R17 = runtime.morestack */
		a64_put(&o, 0xd61f0220u);               /* BR R17 */
		if (pad)
			a64_put(&o, A64_NOP);
		if (o.ok)
			o.ok = gl_buf_append(&b, &p->morestack_ret, 8) && gl_buf_append(&b, &p->morestack, 8);
	}
	if (!o.ok || b.oom || b.len > gl_a64_tramp_size(p)) {
		gl_buf_free(&b);
		*reason = GOLOAD_PATCH_R_UNRELOCATABLE;
		return gl_err(err, b.oom ? GOLOAD_E_NOMEM : GOLOAD_E_UNSUPPORTED,
			      "trampoline at 0x%llx for 0x%llx: a moved reference is out of reach",
			      (unsigned long long)at, (unsigned long long)p->entry);
	}
	gl_buf_append(out, b.p, b.len);
	gl_buf_free(&b);
	return out->oom ? gl_err(err, GOLOAD_E_NOMEM, "trampoline: out of memory") : 0;
}

int gl_a64_stub_emit(uint64_t at, uint64_t tramp, uint64_t slot, gl_buf *out, goload_err *err)
{
	gl_buf b = {0};
	a64_out o = {&b, at, (at & 3) == 0 && (slot & 7) == 0};
	a64_put_adr(&o, 17, tramp);                    /* ADR tramp, R17 */
	a64_put(&o, 0xeb11035fu);                      /* CMP R17, R26 */
	a64_put_branch(&o, 0x54000000u, at + 28);      /* BEQ back */
	a64_put_adrp(&o, 26, slot);                    /* ADRP slot, R26 */
	a64_put(&o, 0xf9400000u | (uint32_t)((slot & 0xfff) / 8) << 10 | 26u << 5 | 26u); /* MOVD lo12(R26), R26 */
	a64_put(&o, 0xf9400351u);                      /* MOVD (R26), R17 */
	a64_put(&o, 0xd61f0220u);                      /* B (R17) */
	a64_put(&o, 0xaa1f03fau);                      /* back: MOVD ZR, R26 */
	a64_put_branch(&o, 0x14000000u, tramp);        /* B tramp */
	if (!o.ok || b.oom || b.len != GL_A64_STUB_LEN) {
		gl_buf_free(&b);
		return gl_err(err, o.ok ? GOLOAD_E_NOMEM : GOLOAD_E_UNSUPPORTED,
			      "entry stub at 0x%llx: trampoline 0x%llx or slot 0x%llx out of reach",
			      (unsigned long long)at, (unsigned long long)tramp, (unsigned long long)slot);
	}
	gl_buf_append(out, b.p, b.len);
	gl_buf_free(&b);
	return out->oom ? gl_err(err, GOLOAD_E_NOMEM, "entry stub: out of memory") : 0;
}

int gl_a64_jmp_bytes(uint64_t from, uint64_t to, uint8_t *out, size_t len, goload_err *err)
{
	uint32_t w;
	if (len < GL_A64_JMP_LEN || (len & 3) || !a64_retarget(0x14000000u, from, to, &w))
		return gl_err(err, GOLOAD_E_UNSUPPORTED, "jump from 0x%llx to 0x%llx: out of +-128 MiB reach",
			      (unsigned long long)from, (unsigned long long)to);
	memcpy(out, &w, 4);
	return 0;
}

#if defined(__aarch64__)
#include <sys/mman.h>
#include <unistd.h>

/* Does a write through /proc/self/mem reach the instructions the CPU runs
 * next? Run `MOVW $1, R0; RET`, rewrite the 1 into 2 through memfd, flush
 * the instruction cache and run it again. An emulator that translates code
 * (qemu-user) does not see such a write and keeps running the old
 * translation: then code must be written by dropping X instead, which it
 * does see. */
bool gl_a64_memfd_coherent(int memfd)
{
	uint8_t *m = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return false;
	uint32_t code[2] = {0x52800020u /* MOVW $1, R0 */, 0xd65f03c0u /* RET */};
	bool ok = false;
	int (*fn)(void) = (int (*)(void))(uintptr_t)m;
	if (pwrite(memfd, code, sizeof code, (off_t)(uintptr_t)m) == (ssize_t)sizeof code) {
		__builtin___clear_cache((char *)m, (char *)m + sizeof code);
		if (fn() == 1) {
			code[0] = 0x52800040u; /* MOVW $2, R0 */
			if (pwrite(memfd, code, 4, (off_t)(uintptr_t)m) == 4) {
				__builtin___clear_cache((char *)m, (char *)m + 4);
				ok = fn() == 2;
			}
		}
	}
	munmap(m, 4096);
	return ok;
}
#endif
