#!/usr/bin/env python3
"""Writes small heap dumps in the runtime's format (runtime/heapdump.go,
"go1.7 heap dump") as fuzz seeds for tests/fuzz/fuzz_heapdump.c: every record
kind once, holders of each kind pointing into the harness's range."""
import os
import struct
import sys


def uv(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def s(b):
    return uv(len(b)) + b


def words(*ws):
    return b"".join(struct.pack("<Q", w) for w in ws)


def fields(*offs):
    return b"".join(uv(1) + uv(o) for o in offs) + uv(0)


MOD, TYPE, OBJ = 0x3000010, 0x3080000, 0xC000000000


def dump():
    d = bytearray(b"go1.7 heap dump\n")
    d += uv(6) + uv(0) + uv(8) + uv(0xC000000000) + uv(0xC004000000) + s(b"amd64") + s(b"go1.26") + uv(2)
    d += uv(3) + uv(TYPE) + uv(16) + s(b"example.com/p.T") + uv(1)
    d += uv(8) + uv(0x3080100) + uv(TYPE)
    # object: an eface {TYPE, data} and a pointer into the module
    d += uv(1) + uv(OBJ) + s(words(TYPE, OBJ + 0x40, MOD)) + fields(8, 16)
    d += uv(1) + uv(OBJ + 0x40) + s(words(0x3080100, 0)) + fields(8)
    d += uv(1) + uv(0xC000000100) + s(words(MOD)) + fields(0)
    # a 1.22+ malloc-header object: first word its type
    d += uv(1) + uv(OBJ + 0x1000) + s(words(TYPE) + bytes(1016)) + fields(16)
    d += uv(4) + uv(0xC000002000) + uv(0xC000100000) + uv(7) + uv(MOD) + uv(4) + uv(0) + uv(0) + uv(0)
    d += s(b"chan receive") + uv(OBJ) + uv(0) + uv(0xC000003000) + uv(0)
    d += uv(5) + uv(0xC000100000) + uv(0) + uv(0) + s(words(OBJ, MOD)) + uv(MOD) + uv(MOD + 4) + uv(0)
    d += s(b"example.com/p.F") + fields(0, 8)
    d += uv(14) + uv(0xC000003000) + uv(0xC000002000) + uv(0xC000100000) + uv(MOD) + uv(MOD) + uv(MOD) + uv(0)
    d += uv(15) + uv(0xC000004000) + uv(0xC000002000) + uv(TYPE) + uv(OBJ) + uv(0) + uv(0)
    d += uv(9) + uv(0xC000005000) + uv(1) + uv(1234)
    d += uv(12) + uv(0x600000) + s(words(OBJ, TYPE, OBJ + 0x40)) + fields(0, 16)
    d += uv(13) + uv(0x600100) + s(words(0xC000000100)) + fields(0)
    d += uv(7) + uv(OBJ) + uv(MOD) + uv(MOD) + uv(0) + uv(0)
    d += uv(11) + uv(OBJ) + uv(OBJ + 0x40) + uv(MOD) + uv(TYPE) + uv(0)
    d += uv(10) + b"".join(uv(i) for i in range(281))
    d += uv(16) + uv(0xB000) + uv(64) + uv(1) + s(b"example.com/p.F") + s(b"p.go") + uv(3) + uv(1) + uv(0)
    d += uv(17) + uv(OBJ) + uv(0xB000)
    d += uv(0)
    return bytes(d)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/fuzz/seeds/heapdump"
    os.makedirs(out, exist_ok=True)
    full = dump()
    with open(os.path.join(out, "all_records"), "wb") as f:
        f.write(full)
    with open(os.path.join(out, "truncated"), "wb") as f:
        f.write(full[: len(full) // 2])


if __name__ == "__main__":
    main()
