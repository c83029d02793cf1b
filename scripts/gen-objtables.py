#!/usr/bin/env python3
"""Generates src/versions/obj_tables_gen.{h,c} from each installed Go
toolchain's own sources, so the object-file tables are never typed by hand:

  cmd/internal/objabi/symkind.go            symbol kinds (iota order)
  cmd/internal/objabi/reloctype_string.go   relocation names and values
  cmd/internal/objabi/reloctype.go          the R_WEAK bit
  cmd/internal/goobj/objfile.go             aux kinds, Sym.Flag/Flag2 bits, object flags
  cmd/internal/goobj/builtinlist.go         builtin symbols (PkgIdxBuiltin)
  internal/abi/symtab.go                    FuncIDs and FuncFlags
  sort/sort.go, cmd/internal/objfile/*.go   how that version's `go tool nm` orders
                                            and classifies (for byte-exact nm)

The .h holds version-independent enums (the union over all versions, in
first-seen order, so adding a version only appends); the .c holds one table
per Go minor mapping raw values to those enums.

usage: scripts/gen-objtables.py                 (uses scripts/gotoolchains.sh)
       scripts/gen-objtables.py --crosscheck DIR  (also compare with the shared
           notes DIR/builtins_1.N.txt, reloc_table.md, symkind_table.md; the
           sources stay the truth, a difference is reported, not adopted)
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def toolchains():
    out = subprocess.run(["bash", os.path.join(ROOT, "scripts/gotoolchains.sh")],
                         check=True, capture_output=True, text=True).stdout
    res = []
    for line in out.splitlines():
        minor, version, gobin = line.split()
        goroot = subprocess.run([gobin, "env", "GOROOT"], check=True, capture_output=True, text=True,
                                env=dict(os.environ, GOTOOLCHAIN="local")).stdout.strip()
        res.append((int(minor), version, os.path.join(goroot, "src")))
    return res


def read(src, rel):
    with open(os.path.join(src, rel)) as f:
        return f.read()


def iota_block(text, first):
    """Names of a `const ( First T = <expr> iota ... )` block, in order; blank
    identifiers are kept as None so later values stay right."""
    m = re.search(r"^\s*" + re.escape(first) + r"\b[^\n]*iota[^\n]*\n(.*?)^\)", text, re.M | re.S)
    if not m:
        sys.exit("gen-objtables: no iota block starting with %s" % first)
    names = [first]
    for line in m.group(1).splitlines():
        line = line.split("//")[0].strip()
        if not line:
            continue
        name = line.split()[0]
        if "=" in line:  # an explicit value ends the iota run
            break
        names.append(None if name == "_" else name)
    return names


def symkinds(src):
    return iota_block(read(src, "cmd/internal/objabi/symkind.go"), "Sxxx")


def relocs(src):
    text = read(src, "cmd/internal/objabi/reloctype_string.go")
    res = {}
    for name, val in re.findall(r"_ = x\[(R_\w+)-(\d+)\]", text):
        res[int(val)] = name
    weak = re.search(r"R_WEAK\s*=\s*-1\s*<<\s*(\d+)", read(src, "cmd/internal/objabi/reloctype.go"))
    return res, (1 << int(weak.group(1))) if weak else 0


def auxkinds(src):
    return iota_block(read(src, "cmd/internal/goobj/objfile.go"), "AuxGotype")


def flagbits(src, first):
    return iota_block(read(src, "cmd/internal/goobj/objfile.go"), first)


def funcids(src):
    return iota_block(read(src, "internal/abi/symtab.go"), "FuncIDNormal")


def funcflags(src):
    return iota_block(read(src, "internal/abi/symtab.go"), "FuncFlagTopFrame")


def builtins(src):
    text = read(src, "cmd/internal/goobj/builtinlist.go")
    body = text.split("var builtins")[1]
    return [(n, int(a)) for n, a in re.findall(r'\{"([^"]+)", (\d+)\}', body)]


def nm_tool(src):
    """What `go tool nm` of that version does that goload must mirror: the
    xorshift of its (unstable) pdqsort, ELF NOBITS as 'B', sentinel members."""
    m = re.search(r"func \(r \*xorshift\) Next\(\) uint64 \{\s*\*r \^= \*r << (\d+)\s*\*r \^= \*r >> (\d+)\s*\*r \^= \*r << (\d+)",
                  read(src, "sort/sort.go"))
    if not m:
        sys.exit("gen-objtables: no xorshift in %s/sort/sort.go" % src)
    return {
        "xs": [int(x) for x in m.groups()],
        "nobits": "SHT_NOBITS" in read(src, "cmd/internal/objfile/elf.go"),
        "sentinel": "EntrySentinelNonObj" in read(src, "cmd/internal/objfile/goobj.go"),
    }


class Union:
    """Version-independent enum: names in first-seen order."""

    def __init__(self, prefix, strip):
        self.prefix, self.strip, self.names = prefix, strip, []

    def ident(self, name):
        return self.prefix + name[len(self.strip):].upper() if name.startswith(self.strip) else self.prefix + name.upper()

    def add(self, name):
        if name is not None and name not in self.names:
            self.names.append(name)
        return self.ident(name) if name is not None else "0"


def md_columns(path):
    """A "| name | 1.21 | 1.22 |..." table as {version: {value: name}}."""
    cols, res = None, {}
    for line in open(path):
        f = [x.strip() for x in line.strip().strip("|").split("|")]
        if cols is None and f and f[0] == "name":
            cols = f[1:]
            continue
        if cols and len(f) == len(cols) + 1 and re.fullmatch(r"\w+", f[0]):
            for v, x in zip(cols, f[1:]):
                if re.fullmatch(r"\d+", x):
                    res.setdefault(v, {})[int(x)] = f[0]
    return res


def crosscheck(per, notes):
    relocs = md_columns(os.path.join(notes, "reloc_table.md"))
    kinds = md_columns(os.path.join(notes, "symkind_table.md"))
    diffs = 0
    for d in per:
        v = "1.%d" % d["minor"]
        path = os.path.join(notes, "builtins_%s.txt" % v)
        if os.path.exists(path):
            # "index name abi": names may contain spaces, the abi is the last field.
            note = [(l.split(" ", 1)[1].rsplit(" ", 1)[0], int(l.rsplit(" ", 1)[1]))
                    for l in open(path) if l[:1].isdigit()]
            if note != d["bi"]:
                diffs += 1
                print("crosscheck: %s builtins differ from %s" % (d["version"], path))
        for name, table, mine in (("reloc", relocs, d["rl"]), ("symkind", kinds, dict(enumerate(d["sk"])))):
            if v in table and table[v] != {k: n for k, n in mine.items() if n}:
                diffs += 1
                print("crosscheck: %s %s table differs from the notes" % (d["version"], name))
        print("crosscheck: %s %s" % (d["version"], "checked" if v in relocs else "not in the notes"))
    print("crosscheck: %d differences" % diffs)


def main():
    tcs = toolchains()
    if not tcs:
        sys.exit("gen-objtables: no Go toolchains found")
    sk = Union("GL_SK_", "S")
    rl = Union("GL_R_", "R_")
    ax = Union("GL_AUX_", "Aux")
    sf = Union("GL_SF_", "SymFlag")
    of = Union("GL_OF_", "ObjFlag")
    fid = Union("GL_FUNCID_", "FuncID")
    ff = Union("GL_FUNCFLAG_", "FuncFlag")
    for n in ["Sxxx"]:
        sk.add(n)
    rl.add("R_NONE")
    ax.add("AuxNone")
    sf.add("SymFlagNone")
    per = []
    for minor, version, src in tcs:
        d = {"minor": minor, "version": version}
        d["sk"] = symkinds(src)
        d["rl"], d["weak"] = relocs(src)
        d["ax"] = auxkinds(src)
        d["f1"] = flagbits(src, "SymFlagDupok")
        d["f2"] = flagbits(src, "SymFlagUsedInIface")
        d["of"] = flagbits(src, "ObjFlagShared")
        d["fid"] = funcids(src)
        d["ff"] = funcflags(src)
        d["bi"] = builtins(src)
        d["nm"] = nm_tool(src)
        per.append(d)
    # Enum members in first-seen order over ascending versions.
    for d in per:
        for n in d["sk"]:
            sk.add(n)
        for v in sorted(d["rl"]):
            rl.add(d["rl"][v])
        for n in d["ax"]:
            ax.add(n)
        for n in d["f1"] + d["f2"]:
            sf.add(n)
        for n in d["of"]:
            of.add(n)
        for n in d["fid"]:
            fid.add(n)
        for n in d["ff"]:
            ff.add(n)

    gen = "/* Code generated by scripts/gen-objtables.py from the Go toolchains' sources; DO NOT EDIT. */\n"
    h = [gen, "#ifndef GL_OBJ_TABLES_GEN_H", "#define GL_OBJ_TABLES_GEN_H", ""]

    def enum(name, u, comment, bits=False):
        h.append("/* %s */" % comment)
        h.append("enum %s {" % name)
        for i, n in enumerate(u.names):
            if bits:
                h.append("\t%s = %s," % (u.ident(n), "0" if i == 0 and n.endswith("None") else "1u << %d" % (i - (1 if u.names[0].endswith("None") else 0))))
            else:
                h.append("\t%s = %d, /* %s */" % (u.ident(n), i, n))
        h.append("\t%s_COUNT_ = %d" % (u.prefix + "K", len(u.names)) if not bits else "")
        h.append("};")
        h.append("")

    enum("gl_sk", sk, "Symbol kinds (objabi.SymKind), version-independent.")
    enum("gl_rtype", rl, "Relocation types (objabi.RelocType), version-independent.")
    enum("gl_aux", ax, "Aux symbol kinds (goobj.Aux*), version-independent.")
    enum("gl_sflag", sf, "Symbol flags (goobj.SymFlag*, Flag and Flag2 together), version-independent bits.", bits=True)
    enum("gl_oflag", of, "Object flags (goobj.ObjFlag*), version-independent bits.", bits=True)
    enum("gl_funcid", fid, "FuncIDs (internal/abi.FuncID), version-independent.")
    enum("gl_funcflag", ff, "FuncFlags (internal/abi.FuncFlag), version-independent bits.", bits=True)
    h.append("#define GL_OBJTAB_VERSIONS %d" % len(per))
    h.append("extern const struct gl_objtab gl_objtabs_gen[GL_OBJTAB_VERSIONS];")
    h.append("extern const char *const gl_sk_names[GL_SK_K_COUNT_];")
    h.append("extern const char *const gl_rtype_names[GL_R_K_COUNT_];")
    h.append("extern const char *const gl_aux_names[GL_AUX_K_COUNT_];")
    h.append("extern const char *const gl_funcid_names[GL_FUNCID_K_COUNT_];")
    h.append("/* Bit enums: name of bit i (gl_sflag, gl_oflag, gl_funcflag). */")
    h.append("extern const char *const gl_sflag_names[%d];" % (len(sf.names) - 1))
    h.append("extern const char *const gl_oflag_names[%d];" % len(of.names))
    h.append("extern const char *const gl_funcflag_names[%d];" % len(ff.names))
    h.append("")
    h.append("#endif")

    c = [gen, '#include "versions/obj_tables.h"', ""]

    def names(var, u):
        c.append("const char *const %s[] = {" % var)
        for n in u.names:
            c.append('\t"%s",' % n)
        c.append("};")
        c.append("")

    names("gl_sk_names", sk)
    names("gl_rtype_names", rl)
    names("gl_aux_names", ax)
    names("gl_funcid_names", fid)
    names("gl_sflag_names", type("U", (), {"names": sf.names[1:]}))
    names("gl_oflag_names", of)
    names("gl_funcflag_names", ff)
    for d in per:
        m = d["minor"]
        c.append("/* %s */" % d["version"])
        c.append("static const uint8_t sk_%d[] = {%s};" % (m, ", ".join(sk.ident(n) for n in d["sk"])))
        top = max(d["rl"])
        c.append("static const uint8_t rl_%d[] = {" % m)
        for v in range(top + 1):
            n = d["rl"].get(v)
            c.append("\t%s, /* %d */" % (rl.ident(n) if n else "GL_R_NONE", v))
        c.append("};")
        c.append("static const uint8_t ax_%d[] = {%s};" % (m, ", ".join(ax.ident(n) for n in d["ax"])))
        c.append("static const uint8_t fid_%d[] = {%s};" % (m, ", ".join(fid.ident(n) for n in d["fid"])))
        c.append("static const struct gl_builtin bi_%d[] = {" % m)
        for n, a in d["bi"]:
            c.append('\t{"%s", %d, %d},' % (n, len(n), a))
        c.append("};")
        c.append("")
    c.append("const struct gl_objtab gl_objtabs_gen[GL_OBJTAB_VERSIONS] = {")
    for d in per:
        m = d["minor"]

        def bitmap(lst):
            return "{%s}" % ", ".join(sf.ident(n) if n else "0" for n in (lst + [None] * 8)[:8])

        c.append("\t{")
        c.append('\t\t.minor = %d, .version = "%s",' % (m, d["version"]))
        c.append("\t\t.nsymkind = %d, .symkind = sk_%d," % (len(d["sk"]), m))
        c.append("\t\t.nreloc = %d, .reloc = rl_%d, .reloc_weak = 0x%x," % (max(d["rl"]) + 1, m, d["weak"]))
        c.append("\t\t.naux = %d, .aux = ax_%d," % (len(d["ax"]), m))
        c.append("\t\t.nfuncid = %d, .funcid = fid_%d," % (len(d["fid"]), m))
        c.append("\t\t.flag = %s," % bitmap(d["f1"]))
        c.append("\t\t.flag2 = %s," % bitmap(d["f2"]))
        c.append("\t\t.objflag = {%s}," % ", ".join(of.ident(n) if n else "0" for n in (d["of"] + [None] * 8)[:8]))
        c.append("\t\t.funcflag = {%s}," % ", ".join(ff.ident(n) if n else "0" for n in (d["ff"] + [None] * 8)[:8]))
        c.append("\t\t.nbuiltin = %d, .builtin = bi_%d," % (len(d["bi"]), m))
        c.append("\t\t.sort_xorshift = {%d, %d, %d}," % tuple(d["nm"]["xs"]))
        c.append("\t\t.nm_elf_nobits_bss = %s, .nm_skips_sentinel = %s," % (
            "true" if d["nm"]["nobits"] else "false", "true" if d["nm"]["sentinel"] else "false"))
        c.append("\t},")
    c.append("};")

    for path, lines in (("src/versions/obj_tables_gen.h", h), ("src/versions/obj_tables_gen.c", c)):
        with open(os.path.join(ROOT, path), "w") as f:
            f.write("\n".join(lines) + "\n")
    print("gen-objtables: %d versions: %s" % (len(per), " ".join(d["version"] for d in per)))
    if len(sys.argv) == 3 and sys.argv[1] == "--crosscheck":
        crosscheck(per, sys.argv[2])


if __name__ == "__main__":
    main()
