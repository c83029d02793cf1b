#include "patch/x86.h"
#include "patch/refuse.h"

#include <capstone/capstone.h>
#include <pthread.h>
#include <stdlib.h>

/* How far the covered prologue is searched for its stack-growth branches:
 * the longest Go prologue (frames > StackBig) is MOVQ SP,R12; SUBQ $n,R12;
 * JCS stub; CMPQ R12,16(R14); JLS stub. */
#define PROLOGUE_INSNS 6
#define STUB_INSNS (GL_X86_MAX_SPILL * 2 + 4)

typedef struct dec {
	csh cs;
	cs_insn *ci;
	bool shared; /* cs and ci are the shared decoder's, locked */
	gl_span fn;
	uint64_t entry;
	const char *name;
	const gl_x86_mem *mem;
	uint64_t morestack;
} dec;

/* One decoder kept open for the process, taken by whoever finds it free:
 * a Capstone handle builds its instruction-id table at its first
 * instruction (about 11 us), which every plan paid again with a handle of
 * its own. gl_x86_warm builds it, with the tables' first page faults, on
 * the binding's warm-up goroutine. */
static pthread_mutex_t shared_mu = PTHREAD_MUTEX_INITIALIZER;
static csh shared_cs;
static cs_insn *shared_ci;

static int dec_open(dec *d, gl_span fn, uint64_t entry, const char *name, const gl_x86_mem *mem,
		    goload_err *err)
{
	d->mem = mem;
	d->fn = fn;
	d->entry = entry;
	d->name = name;
	d->shared = false;
	if (pthread_mutex_trylock(&shared_mu) == 0) {
		if (!shared_ci && cs_open(CS_ARCH_X86, CS_MODE_64, &shared_cs) == CS_ERR_OK) {
			cs_option(shared_cs, CS_OPT_DETAIL, CS_OPT_ON);
			if (!(shared_ci = cs_malloc(shared_cs)))
				cs_close(&shared_cs);
		}
		if (shared_ci) {
			d->cs = shared_cs;
			d->ci = shared_ci;
			d->shared = true;
			return 0;
		}
		pthread_mutex_unlock(&shared_mu);
	}
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &d->cs) != CS_ERR_OK)
		return gl_err(err, GOLOAD_E_INTERNAL, "%s: capstone: cannot open an x86-64 decoder", name);
	cs_option(d->cs, CS_OPT_DETAIL, CS_OPT_ON);
	d->ci = cs_malloc(d->cs);
	if (!d->ci) {
		cs_close(&d->cs);
		return gl_err(err, GOLOAD_E_NOMEM, "%s: capstone: out of memory", name);
	}
	return 0;
}

static void dec_close(dec *d)
{
	if (d->shared) {
		pthread_mutex_unlock(&shared_mu);
		return;
	}
	cs_free(d->ci, 1);
	cs_close(&d->cs);
}

void gl_x86_warm(gl_span sample)
{
	dec d;
	goload_err err;
	if (dec_open(&d, sample, 0, "warm", NULL, &err) < 0)
		return;
	const uint8_t *code = sample.p;
	size_t left = sample.n;
	uint64_t a = 0;
	while (left > 0) {
		if (!cs_disasm_iter(d.cs, &code, &left, &a, d.ci)) {
			code++; /* not an instruction: on from the next byte */
			left--;
			a++;
		}
	}
	dec_close(&d);
}

static bool has_group(const cs_insn *ci, uint8_t grp)
{
	for (uint8_t i = 0; i < ci->detail->groups_count; i++)
		if (ci->detail->groups[i] == grp)
			return true;
	return false;
}

/* Decode and classify the instruction at addr (inside fn). A CALL comes
 * back as GL_X86_PLAIN with *is_call set, since only the caller knows
 * whether it is allowed. false when the bytes do not decode. */
static bool dec_at(dec *d, uint64_t addr, gl_x86_insn *in, bool *is_call)
{
	*is_call = false;
	if (addr < d->entry || addr - d->entry >= d->fn.n)
		return false;
	const uint8_t *code = d->fn.p + (addr - d->entry);
	size_t left = d->fn.n - (addr - d->entry);
	uint64_t a = addr;
	if (!cs_disasm_iter(d->cs, &code, &left, &a, d->ci))
		return false;
	const cs_insn *ci = d->ci;
	const cs_x86 *x = &ci->detail->x86;
	memset(in, 0, sizeof *in);
	in->addr = addr;
	in->len = (uint8_t)ci->size;
	memcpy(in->bytes, ci->bytes, ci->size);
	in->kind = GL_X86_PLAIN;
	bool rel = has_group(ci, CS_GRP_BRANCH_RELATIVE);
	if (has_group(ci, CS_GRP_CALL)) {
		*is_call = true;
		if (rel && x->op_count == 1 && x->operands[0].type == X86_OP_IMM)
			in->target = (uint64_t)x->operands[0].imm;
		return true;
	}
	if (has_group(ci, CS_GRP_RET)) {
		in->kind = GL_X86_RET;
		return true;
	}
	if (rel) {
		if (x->op_count != 1 || x->operands[0].type != X86_OP_IMM)
			return false;
		in->target = (uint64_t)x->operands[0].imm;
		uint8_t op0 = ci->bytes[x->rex ? 1 : 0];
		if (ci->id == X86_INS_JMP) {
			in->kind = GL_X86_JMP;
		} else if (op0 >= 0x70 && op0 <= 0x7f) {
			in->kind = GL_X86_JCC;
			in->cc = op0 & 0xf;
		} else if (op0 == 0x0f && ci->size >= 2 && (ci->bytes[1] & 0xf0) == 0x80) {
			in->kind = GL_X86_JCC;
			in->cc = ci->bytes[1] & 0xf;
		} else {
			return false; /* JRCXZ, LOOP, XBEGIN: no rel32 form to move them with */
		}
		return true;
	}
	for (uint8_t i = 0; i < x->op_count; i++) {
		const cs_x86_op *op = &x->operands[i];
		if (op->type == X86_OP_MEM && op->mem.base == X86_REG_RIP) {
			if (x->encoding.disp_offset == 0 || x->encoding.disp_size != 4)
				return false;
			in->kind = GL_X86_RIPREL;
			in->disp_off = x->encoding.disp_offset;
			in->target = addr + ci->size + (uint64_t)(int64_t)op->mem.disp;
		}
	}
	return true;
}

static bool is_int3_pad(const dec *d, uint64_t from, uint64_t to)
{
	if (to - d->entry > d->fn.n)
		return false;
	for (uint64_t a = from; a < to; a++)
		if (d->fn.p[a - d->entry] != 0xcc)
			return false;
	return true;
}

/* runtime.morestack_noctxt is `MOVL $0, DX; JMP runtime.morestack` in
 * every supported version: follow it to the variant that keeps DX. */
static bool follow_noctxt(gl_span p, uint64_t at, uint64_t *morestack)
{
	if (p.n < 10)
		return false;
	if (p.p[0] == 0xba && p.p[1] == 0 && p.p[2] == 0 && p.p[3] == 0 && p.p[4] == 0 && p.p[5] == 0xe9) {
		int32_t rel;
		memcpy(&rel, p.p + 6, 4);
		*morestack = at + 10 + (uint64_t)(int64_t)rel;
		return true;
	}
	return false;
}

/* Is the code at t the function's stack-growth stub (spills, CALL
 * runtime.morestack*, reloads, JMP entry)? Fills the plan's stub fields. */
static bool match_stub(dec *d, uint64_t t, gl_x86_plan *p)
{
	gl_x86_insn in;
	bool call;
	uint64_t a = t;
	size_t nspill = 0;
	for (int i = 0; i < STUB_INSNS; i++) {
		if (!dec_at(d, a, &in, &call))
			return false;
		a += in.len;
		if (call) {
			if (in.target == 0)
				return false;
			p->morestack_ret = a;
			/* Other callees (runtime.morestackc: "system stack code on
			 * user stack") make no growth path. */
			uint64_t ms = 0;
			if (in.target == d->morestack) {
				p->ctxt = true;
				ms = in.target;
			} else {
				gl_span callee = d->mem ? d->mem->at(d->mem->ctx, in.target, 10)
							: gl_span_make((const void *)(uintptr_t)in.target, 10);
				if (!follow_noctxt(callee, in.target, &ms) || (d->morestack && ms != d->morestack))
					return false;
			}
			p->morestack = ms;
			break;
		}
		if (in.kind == GL_X86_JMP || in.kind == GL_X86_JCC || in.kind == GL_X86_RET ||
		    nspill == GL_X86_MAX_SPILL)
			return false;
		p->spill[nspill++] = in;
	}
	if (!p->morestack_ret)
		return false;
	for (int i = 0; i < STUB_INSNS; i++) {
		if (!dec_at(d, a, &in, &call) || call)
			return false;
		if (in.kind == GL_X86_JMP) {
			if (in.target != d->entry)
				return false;
			p->nspill = nspill;
			p->stub = t;
			p->has_stub = true;
			return true;
		}
		if (in.kind != GL_X86_PLAIN)
			return false;
		a += in.len;
	}
	return false;
}

int gl_x86_plan_make(gl_span fn, uint64_t entry, const char *name, const gl_x86_mem *mem, uint64_t morestack,
		     gl_x86_plan *p, int *reason, goload_err *err)
{
	*reason = 0;
	memset(p, 0, sizeof *p);
	p->entry = entry;
	dec d;
	int rc = dec_open(&d, fn, entry, name, mem, err);
	if (rc < 0)
		return rc;
	d.morestack = morestack;

	/* 1. Whole instructions until the jump fits; a function that ends
	 * (RET/JMP) earlier may lend the INT3 padding after it. */
	uint64_t a = entry;
	bool call;
	while (a - entry < GL_X86_JMP_LEN) {
		gl_x86_insn *in = &p->insn[p->ninsn];
		if (a - entry >= fn.n) {
			rc = gl_patch_refuse(reason, GOLOAD_PATCH_R_TOO_SHORT, err, GOLOAD_E_UNSUPPORTED,
				    "%s: only %zu bytes of code at 0x%llx, a jump needs %d", name, fn.n,
				    (unsigned long long)entry, GL_X86_JMP_LEN);
			goto out;
		}
		if (!dec_at(&d, a, in, &call)) {
			rc = gl_patch_refuse(reason, GOLOAD_PATCH_R_UNRELOCATABLE, err, GOLOAD_E_UNSUPPORTED,
				    "%s: instruction at 0x%llx (entry+%llu) cannot be decoded or moved", name,
				    (unsigned long long)a, (unsigned long long)(a - entry));
			goto out;
		}
		if (call) {
			rc = gl_patch_refuse(reason, GOLOAD_PATCH_R_CALL, err, GOLOAD_E_UNSUPPORTED,
				    "%s: CALL at entry+%llu lies under the entry jump", name,
				    (unsigned long long)(a - entry));
			goto out;
		}
		p->ninsn++;
		a += in->len;
		/* Code after a RET/JMP is reached only by branches, which step 3
		 * checks; INT3 padding is never reached. */
		if ((in->kind == GL_X86_RET || in->kind == GL_X86_JMP) && a - entry < GL_X86_JMP_LEN &&
		    is_int3_pad(&d, a, entry + GL_X86_JMP_LEN))
			a = entry + GL_X86_JMP_LEN;
	}

	/* 2. Extend through the prologue's last branch to the stack-growth stub,
	 * so that the trampoline owns every such branch. */
	{
		gl_x86_insn look[PROLOGUE_INSNS];
		size_t nlook = 0, last_stub = 0;
		bool found = false;
		uint64_t b = entry;
		while (nlook < PROLOGUE_INSNS && dec_at(&d, b, &look[nlook], &call) && !call) {
			gl_x86_insn *in = &look[nlook++];
			b += in->len;
			if (in->kind == GL_X86_JCC && in->target > b && in->target < entry + fn.n &&
			    (p->has_stub ? in->target == p->stub : match_stub(&d, in->target, p))) {
				found = true;
				last_stub = nlook;
			}
			if (in->kind == GL_X86_RET || in->kind == GL_X86_JMP)
				break;
		}
		if (found && last_stub > p->ninsn) {
			if (last_stub > GL_X86_MAX_COVER) {
				rc = gl_patch_refuse(reason, GOLOAD_PATCH_R_UNRELOCATABLE, err, GOLOAD_E_UNSUPPORTED,
					    "%s: prologue of %zu instructions is longer than expected", name,
					    last_stub);
				goto out;
			}
			memcpy(p->insn, look, last_stub * sizeof look[0]);
			p->ninsn = last_stub;
			a = look[last_stub - 1].addr + look[last_stub - 1].len;
		}
	}
	p->cover = a - entry;
	if (p->cover > GOLOAD_PATCH_COVER_MAX) {
		rc = gl_patch_refuse(reason, GOLOAD_PATCH_R_UNRELOCATABLE, err, GOLOAD_E_UNSUPPORTED,
			    "%s: the prologue spans %zu bytes, more than the %d an entry jump may cover", name, p->cover,
			    GOLOAD_PATCH_COVER_MAX);
		goto out;
	}
	{
		const gl_x86_insn *last = &p->insn[p->ninsn - 1];
		p->falls_through = last->kind != GL_X86_RET && last->kind != GL_X86_JMP;
	}

	/* 3. Nothing else in the function may branch into the overwritten bytes
	 * (their first byte, the entry, is fine). */
	{
		const uint8_t *code = fn.p;
		size_t left = fn.n;
		uint64_t pc = entry;
		while (left > 0) {
			if (!cs_disasm_iter(d.cs, &code, &left, &pc, d.ci)) {
				code++; /* data or padding that does not decode */
				left--;
				pc++;
				continue;
			}
			const cs_insn *ci = d.ci;
			if (ci->address < entry + p->cover || !has_group(ci, CS_GRP_BRANCH_RELATIVE))
				continue;
			const cs_x86 *x = &ci->detail->x86;
			if (x->op_count == 1 && x->operands[0].type == X86_OP_IMM) {
				uint64_t t = (uint64_t)x->operands[0].imm;
				if (t > entry && t < entry + p->cover) {
					rc = gl_patch_refuse(reason, GOLOAD_PATCH_R_BACK_JUMP, err, GOLOAD_E_UNSUPPORTED,
						    "%s: %s at 0x%llx jumps to entry+%llu, inside the %zu bytes the entry jump overwrites",
						    name, ci->mnemonic, (unsigned long long)ci->address,
						    (unsigned long long)(t - entry), p->cover);
					goto out;
				}
			}
		}
	}
	rc = 0;
out:
	dec_close(&d);
	return rc;
}

/* Size of one instruction once moved: rel8 branches grow to rel32. */
static size_t moved_len(const gl_x86_insn *in)
{
	switch (in->kind) {
	case GL_X86_JMP:
		return 5;
	case GL_X86_JCC:
		return 6;
	default:
		return in->len;
	}
}

/* Spill instructions plus LEAQ, LEAQ, PUSHQ, JMP. */
#define SLOW_TAIL (7 + 7 + 2 + 5)

int gl_x86_resume(gl_span fn, uint64_t entry, const gl_x86_mem *mem, uint64_t morestack, uint64_t *resume,
		  goload_err *err)
{
	*resume = 0;
	dec d;
	int rc = dec_open(&d, fn, entry, "resume", mem, err);
	if (rc < 0)
		return rc;
	d.morestack = morestack;
	gl_x86_plan p;
	memset(&p, 0, sizeof p);
	gl_x86_insn in;
	bool call;
	uint64_t b = entry;
	for (int n = 0; n < PROLOGUE_INSNS && b < entry + fn.n && dec_at(&d, b, &in, &call) && !call; n++) {
		b += in.len;
		if (in.kind == GL_X86_JCC && in.target > b && in.target < entry + fn.n && match_stub(&d, in.target, &p)) {
			*resume = p.morestack_ret;
			break;
		}
		if (in.kind == GL_X86_RET || in.kind == GL_X86_JMP)
			break;
	}
	dec_close(&d);
	return 0;
}

size_t gl_x86_tramp_size(const gl_x86_plan *p)
{
	size_t n = 0;
	for (size_t i = 0; i < p->ninsn; i++)
		n += moved_len(&p->insn[i]);
	if (p->falls_through)
		n += 5;
	if (p->has_stub) {
		for (size_t i = 0; i < p->nspill; i++)
			n += moved_len(&p->spill[i]);
		n += SLOW_TAIL;
	}
	return n;
}

static bool rel32(uint64_t from_end, uint64_t to, int32_t *out)
{
	int64_t d = (int64_t)(to - from_end);
	if (d < INT32_MIN || d > INT32_MAX)
		return false;
	*out = (int32_t)d;
	return true;
}

/* Append the bytes of op (1-3 bytes) followed by rel32 to `to`. */
static bool put_rel(gl_buf *b, uint64_t at, const uint8_t *op, size_t nop, uint64_t to)
{
	int32_t r;
	if (!rel32(at + b->len + nop + 4, to, &r))
		return false;
	gl_buf_append(b, op, nop);
	gl_buf_append(b, &r, 4);
	return true;
}

/* Move one instruction to at+b->len; branches into the covered range go to
 * their moved copies (map), branches to the stub go to `slow`. */
static bool put_moved(gl_buf *b, uint64_t at, const gl_x86_insn *in, const gl_x86_plan *p, const size_t *map,
		      uint64_t slow)
{
	uint64_t to = in->target;
	if (in->kind == GL_X86_JMP || in->kind == GL_X86_JCC) {
		if (p->has_stub && to == p->stub && slow)
			to = slow;
		for (size_t i = 0; map && i < p->ninsn; i++)
			if (to == p->insn[i].addr)
				to = at + map[i];
		if (in->kind == GL_X86_JMP)
			return put_rel(b, at, (const uint8_t[]){0xe9}, 1, to);
		return put_rel(b, at, (const uint8_t[]){0x0f, (uint8_t)(0x80 | in->cc)}, 2, to);
	}
	if (in->kind == GL_X86_RIPREL) {
		uint8_t tmp[16];
		memcpy(tmp, in->bytes, in->len);
		int32_t r;
		if (!rel32(at + b->len + in->len, in->target, &r))
			return false;
		memcpy(tmp + in->disp_off, &r, 4);
		return gl_buf_append(b, tmp, in->len);
	}
	return gl_buf_append(b, in->bytes, in->len);
}

int gl_x86_tramp_emit(const gl_x86_plan *p, uint64_t at, gl_buf *out, int *reason, goload_err *err)
{
	*reason = 0;
	size_t map[GL_X86_MAX_COVER], off = 0;
	for (size_t i = 0; i < p->ninsn; i++) {
		map[i] = off;
		off += moved_len(&p->insn[i]);
	}
	uint64_t slow = p->has_stub ? at + off + (p->falls_through ? 5 : 0) : 0;
	gl_buf b = {0};
	bool ok = true;
	for (size_t i = 0; ok && i < p->ninsn; i++)
		ok = put_moved(&b, at, &p->insn[i], p, map, slow);
	if (ok && p->falls_through)
		ok = put_rel(&b, at, (const uint8_t[]){0xe9}, 1, p->entry + p->cover);
	if (ok && p->has_stub) {
		for (size_t i = 0; ok && i < p->nspill; i++)
			ok = put_moved(&b, at, &p->spill[i], p, NULL, 0);
		ok = ok && put_rel(&b, at, (const uint8_t[]){0x48, 0x8d, 0x15}, 3, at) &&  /* LEAQ at(IP), DX */
		     put_rel(&b, at, (const uint8_t[]){0x4c, 0x8d, 0x25}, 3, p->morestack_ret) && /* LEAQ (IP), R12 */
		     gl_buf_append(&b, (const uint8_t[]){0x41, 0x54}, 2) &&                /* PUSHQ R12 */
		     put_rel(&b, at, (const uint8_t[]){0xe9}, 1, p->morestack);
	}
	if (!ok || b.oom) {
		gl_buf_free(&b);
		*reason = GOLOAD_PATCH_R_UNRELOCATABLE;
		return gl_err(err, b.oom ? GOLOAD_E_NOMEM : GOLOAD_E_UNSUPPORTED,
			      "trampoline at 0x%llx for 0x%llx: a moved reference is out of +-2 GiB reach",
			      (unsigned long long)at, (unsigned long long)p->entry);
	}
	gl_buf_append(out, b.p, b.len);
	gl_buf_free(&b);
	return out->oom ? gl_err(err, GOLOAD_E_NOMEM, "trampoline: out of memory") : 0;
}

int gl_x86_stub_emit(uint64_t at, uint64_t tramp, uint64_t slot, gl_buf *out, goload_err *err)
{
	gl_buf b = {0};
	bool ok = put_rel(&b, at, (const uint8_t[]){0x4c, 0x8d, 0x25}, 3, tramp) && /* LEAQ tramp(IP), R12 */
		  gl_buf_append(&b, (const uint8_t[]){0x4c, 0x39, 0xe2, 0x74, 0x09}, 5) && /* CMPQ DX, R12; JEQ +9 */
		  put_rel(&b, at, (const uint8_t[]){0x48, 0x8b, 0x15}, 3, slot) &&      /* MOVQ slot(IP), DX */
		  gl_buf_append(&b, (const uint8_t[]){0xff, 0x22, 0x31, 0xd2}, 4) &&     /* JMP (DX); XORL DX, DX */
		  put_rel(&b, at, (const uint8_t[]){0xe9}, 1, tramp);
	if (!ok || b.oom || b.len != GL_X86_STUB_LEN) {
		gl_buf_free(&b);
		return gl_err(err, ok ? GOLOAD_E_NOMEM : GOLOAD_E_UNSUPPORTED,
			      "entry stub at 0x%llx: trampoline 0x%llx or slot 0x%llx out of +-2 GiB reach",
			      (unsigned long long)at, (unsigned long long)tramp, (unsigned long long)slot);
	}
	gl_buf_append(out, b.p, b.len);
	gl_buf_free(&b);
	return out->oom ? gl_err(err, GOLOAD_E_NOMEM, "entry stub: out of memory") : 0;
}

int gl_x86_jmp_bytes(uint64_t from, uint64_t to, uint8_t *out, size_t len, goload_err *err)
{
	int32_t r;
	if (len < GL_X86_JMP_LEN || !rel32(from + GL_X86_JMP_LEN, to, &r))
		return gl_err(err, GOLOAD_E_UNSUPPORTED, "jump from 0x%llx to 0x%llx: out of +-2 GiB reach",
			      (unsigned long long)from, (unsigned long long)to);
	out[0] = 0xe9;
	memcpy(out + 1, &r, 4);
	memset(out + GL_X86_JMP_LEN, 0xcc, len - GL_X86_JMP_LEN);
	return 0;
}
