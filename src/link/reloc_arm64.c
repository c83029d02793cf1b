/*
 * Stage 5, relocate: the arm64 instruction relocations of Go objects, as
 * cmd/link/internal/arm64's archreloc applies them when linking
 * internally. relocate.c hands them here on an aarch64 host.
 */
#include "link/link_internal.h"

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static void wr32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

int gl_link_reloc_arm64(int type, uint32_t siz, uint64_t P, uint64_t S, int64_t addend, uint8_t *site, const char *sname,
			int32_t off, const char *tname, goload_err *err)
{
	switch (type) {
	case GL_R_ADDRARM64:
	case GL_R_ARM64_PCREL_LDST8:
	case GL_R_ARM64_PCREL_LDST16:
	case GL_R_ARM64_PCREL_LDST32:
	case GL_R_ARM64_PCREL_LDST64: {
		/* ADRP + ADD/LDR/STR: the page distance into the ADRP, the low 12
		 * bits (scaled for loads and stores) into the second word. */
		if (siz != 8)
			break;
		int64_t t = (int64_t)(S + (uint64_t)addend - (P & ~(uint64_t)0xfff));
		if (t >= (1ll << 32) || t < -(1ll << 32))
			return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s+%d: address of %s is %lld bytes away (more than ±4 GiB)",
				      sname, off, tname, (long long)t);
		unsigned shift = type == GL_R_ARM64_PCREL_LDST16   ? 1
				 : type == GL_R_ARM64_PCREL_LDST32 ? 2
				 : type == GL_R_ARM64_PCREL_LDST64 ? 3
								   : 0;
		if (t & ((1 << shift) - 1))
			return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s+%d: %s at an offset not aligned for a %u-byte access",
				      sname, off, tname, 1u << shift);
		uint32_t o0 = rd32(site), o1 = rd32(site + 4);
		o0 |= (uint32_t)((t >> 12) & 3) << 29 | (uint32_t)((t >> 14) & 0x7ffff) << 5;
		o1 |= ((uint32_t)(t & 0xfff) >> shift) << 10;
		wr32(site, o0);
		wr32(site + 4, o1);
		return 1;
	}
	case GL_R_CALLARM64: {
		if (siz != 4)
			break;
		int64_t t = (int64_t)(S + (uint64_t)addend - P);
		if (t >= (1ll << 27) || t < -(1ll << 27) || (t & 3))
			return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s+%d: call to %s is %lld bytes away (more than ±128 MiB)",
				      sname, off, tname, (long long)t);
		wr32(site, rd32(site) | (uint32_t)((t >> 2) & 0x03ffffff));
		return 1;
	}
	default:
		break;
	}
	return 0;
}
