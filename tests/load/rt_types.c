/* Prints the abi type layout of the runtime table for Go 1.<argv[1]> as
 * go_asm.h spells it ("#define ArrayType_Elem 48" -> "ArrayType_Elem 48";
 * "!NAME" for a constant the version must not have), for rt_types.sh to
 * compare with the go_asm.h each toolchain writes for internal/abi; with
 * --runtime, the layouts declared in runtime (the itab table, runtime.itab
 * before 1.23, and the heap's specials when the table has them), for the
 * go_asm.h of runtime. */
#include "versions/rt_tables.h"
#include "versions/versions.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define P(name, v) printf("%s %u\n", name, (unsigned)(v))

static void heap_facts(const struct gl_rttab *t, int minor)
{
	const struct gl_rtheap *h = &t->heap;
	/* The itab hash table (gl_host_itab_slots), and the itab itself where
	 * runtime still declares it (internal/abi.ITab from 1.23). */
	P("itabTableType_size", t->itabtable_off_size);
	P("itabTableType_entries", t->itabtable_off_entries);
	if (minor < 23) {
		P("itab_inter", t->itab_off_inter);
		P("itab__type", t->itab_off_type);
		P("itab_hash", t->itab_off_hash);
		P("itab_fun", t->itab_off_fun);
	}
	if (!h->mheap_off_allspans)
		return;
	P("mheap_allspans", h->mheap_off_allspans);
	P("mspan_startAddr", h->mspan_off_startaddr);
	P("mspan_npages", h->mspan_off_npages);
	P("const__PageSize", h->page_size);
	P("mspan_specials", h->mspan_off_specials);
	P("special_next", 0);
	P("special_offset", h->special_off_offset);
	P("special_kind", h->special_off_kind);
	P("special__size", h->special_size);
	P("mspan_elemsize", h->mspan_off_elemsize);
	P("mspan_freeindex", h->mspan_off_freeindex);
	P("mspan_allocBits", h->mspan_off_allocbits);
	const struct gl_rtwalk *w = &t->walk;
	if (w->mspan_off_state) {
		const char *fb = minor >= 25 ? "finBlock" : "finblock";
		char name[64];
		P("mspan_state", w->mspan_off_state);
		P("mspan_spanclass", w->mspan_off_spanclass);
		P("const_mSpanInUse", w->span_inuse);
		if (w->mspan_off_largetype)
			P("mspan_largeType", w->mspan_off_largetype);
		else
			puts("!mspan_largeType");
		P("const__KindSpecialFinalizer", w->finalizer_kind);
		P("specialfinalizer__size", w->specialfinalizer_size);
		P("specialfinalizer_fn", h->special_size); /* fn, nret, fint, ot follow the header */
		snprintf(name, sizeof name, "%s_alllink", fb);
		P(name, 0);
		snprintf(name, sizeof name, "%s_cnt", fb);
		P(name, w->finblock_off_cnt);
		snprintf(name, sizeof name, "%s_fin", fb);
		P(name, w->finblock_off_fin);
		P("finalizer__size", w->finalizer_size);
		P("g_gopc", w->g_off_gopc);
		P("g_startpc", w->g_off_startpc);
	}
	if (!h->cleanup_kind) {
		puts("!const__KindSpecialCleanup");
		return;
	}
	P("const__KindSpecialCleanup", h->cleanup_kind);
	P("specialCleanup__size", h->special_size + 8u * h->cleanup_words + 8u); /* + id */
	if (!h->cleanupq_off_queued) {
		puts("!cleanupQueue_queued");
		return;
	}
	P("cleanupQueue_queued", h->cleanupq_off_queued);
	P("cleanupQueue_executed", h->cleanupq_off_executed);
	P("p_cleanupsQueued", h->p_off_cleanups_queued);
}

int main(int argc, char **argv)
{
	bool heap = argc == 3 && strcmp(argv[1], "--runtime") == 0;
	const struct gl_rttab *t = argc == 2 || heap ? gl_rttab_for(atoi(argv[argc - 1])) : NULL;
	if (!t) {
		fprintf(stderr, "usage: rt_types [--runtime] MINOR (a minor with a runtime table)\n");
		return 2;
	}
	if (heap) {
		heap_facts(t, atoi(argv[2]));
		return 0;
	}
	P("Type__size", t->type_size);
	P("Type_PtrBytes", t->type_off_ptrdata);
	P("Type_Hash", t->type_off_hash);
	P("Type_TFlag", t->type_off_tflag);
	P("Type_Align_", t->type_off_align);
	P("Type_FieldAlign_", t->type_off_fieldalign);
	P("Type_Kind_", t->type_off_kind);
	P("Type_Equal", t->type_off_equal);
	P("Type_GCData", t->type_off_gcdata);
	P("Type_Str", t->type_off_str);
	P("Type_PtrToThis", t->type_off_ptrtothis);
	P("ArrayType__size", t->type_size + t->kind_extra[GL_KIND_ARRAY]);
	P("ArrayType_Elem", t->array_off_elem);
	P("ArrayType_Slice", t->array_off_slice);
	P("ArrayType_Len", t->array_off_len);
	P("ChanType__size", t->type_size + t->kind_extra[GL_KIND_CHAN]);
	P("ChanType_Elem", t->chan_off_elem);
	P("ChanType_Dir", t->chan_off_dir);
	P("FuncType__size", t->type_size + t->kind_extra[GL_KIND_FUNC]);
	P("FuncType_InCount", t->func_off_incount);
	P("FuncType_OutCount", t->func_off_outcount);
	P("InterfaceType__size", t->type_size + t->kind_extra[GL_KIND_INTERFACE]);
	P("InterfaceType_PkgPath", t->iface_off_pkgpath);
	P("InterfaceType_Methods", t->iface_off_methods);
	P("MapType__size", t->type_size + t->kind_extra[GL_KIND_MAP]);
	P("MapType_Key", t->map_off_key);
	P("MapType_Elem", t->map_off_elem);
	P("PtrType__size", t->type_size + t->kind_extra[GL_KIND_POINTER]);
	P("PtrType_Elem", t->ptr_off_elem);
	P("SliceType__size", t->type_size + t->kind_extra[GL_KIND_SLICE]);
	P("SliceType_Elem", t->slice_off_elem);
	P("StructType__size", t->type_size + t->kind_extra[GL_KIND_STRUCT]);
	P("StructType_PkgPath", t->struct_off_pkgpath);
	P("StructType_Fields", t->struct_off_fields);
	P("StructField__size", t->field_size);
	P("StructField_Name", t->field_off_name);
	P("StructField_Typ", t->field_off_typ);
	P("StructField_Offset", t->field_off_offset);
	P("UncommonType__size", t->uncommon_size);
	P("UncommonType_PkgPath", t->uncommon_off_pkgpath);
	P("UncommonType_Mcount", t->uncommon_off_mcount);
	P("UncommonType_Xcount", t->uncommon_off_xcount);
	P("UncommonType_Moff", t->uncommon_off_moff);
	P("Method__size", t->method_size);
	P("Method_Name", t->method_off_name);
	P("Method_Mtyp", t->method_off_mtyp);
	P("Method_Ifn", t->method_off_ifn);
	P("Method_Tfn", t->method_off_tfn);
	P("Imethod__size", t->imethod_size);
	P("Imethod_Name", t->imethod_off_name);
	P("Imethod_Typ", t->imethod_off_typ);
	if (atoi(argv[argc - 1]) >= 23) {
		P("ITab_Inter", t->itab_off_inter);
		P("ITab_Type", t->itab_off_type);
		P("ITab_Hash", t->itab_off_hash);
		P("ITab_Fun", t->itab_off_fun);
	}
	P("const_TFlagUncommon", t->tflag_uncommon);
	P("const_TFlagExtraStar", t->tflag_extrastar);
	P("const_TFlagNamed", t->tflag_named);
	if (t->kind_gcprog)
		P("const_KindGCProg", t->kind_gcprog);
	else
		puts("!const_KindGCProg");
	if (t->tflag_gcmask_ondemand)
		P("const_TFlagGCMaskOnDemand", t->tflag_gcmask_ondemand);
	else
		puts("!const_TFlagGCMaskOnDemand");
	return 0;
}
