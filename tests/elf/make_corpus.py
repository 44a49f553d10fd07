#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generates the malformed-ELF corpus of tests/elf from the compiled examples.

Usage: tests/elf/make_corpus.py <build>/examples tests/elf

Each output file is a real example object with one targeted corruption (or a small object
compiled from tests/elf/src/). The loader tests (tests/loader/loader_errors_test.cc) check the
exact message each one produces; README.md lists them. Re-running the script rewrites the files;
since they derive from compiled objects, offsets in the expected messages can change with the
clang version, so regenerate and update the tests together.
"""
import os
import struct
import subprocess
import sys

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
SHDR = struct.Struct("<IIQQQQIIQQ")
SYM = struct.Struct("<IBBHQQ")
REL = struct.Struct("<QQ")


class Elf:
    def __init__(self, data):
        self.data = bytearray(data)
        (_, _, _, _, _, _, self.shoff, _, _, _, _, _, self.shnum, self.shstrndx) = EHDR.unpack_from(self.data, 0)
        self.sections = [list(SHDR.unpack_from(self.data, self.shoff + i * SHDR.size)) for i in range(self.shnum)]
        strtab = self.sections[self.shstrndx]
        self.names = [self._str(strtab, s[0]) for s in self.sections]

    def _str(self, sec, off):
        base = sec[4] + off
        end = self.data.index(0, base)
        return self.data[base:end].decode()

    def index(self, name):
        return self.names.index(name)

    def header_offset(self, idx):
        return self.shoff + idx * SHDR.size

    def set_field(self, idx, field, value):
        """field: 0 name, 1 type, 2 flags, 4 offset, 5 size, 6 link, 7 info."""
        self.sections[idx][field] = value
        SHDR.pack_into(self.data, self.header_offset(idx), *self.sections[idx])

    def rel_offset(self, rel_name, n):
        return self.sections[self.index(rel_name)][4] + n * REL.size

    def set_rel(self, rel_name, n, offset=None, sym=None, rtype=None):
        pos = self.rel_offset(rel_name, n)
        r_offset, r_info = REL.unpack_from(self.data, pos)
        if offset is not None:
            r_offset = offset
        s = r_info >> 32 if sym is None else sym
        t = r_info & 0xFFFFFFFF if rtype is None else rtype
        REL.pack_into(self.data, pos, r_offset, (s << 32) | t)

    def symbol_index(self, name):
        sec = self.sections[self.index(".symtab")]
        strtab = self.sections[sec[6]]
        for i in range(sec[5] // SYM.size):
            st_name = SYM.unpack_from(self.data, sec[4] + i * SYM.size)[0]
            if st_name and self._str(strtab, st_name) == name:
                return i
        raise KeyError(name)

    def insn_offset(self, sec_name, n):
        return self.sections[self.index(sec_name)][4] + 8 * n


def main():
    examples, out = sys.argv[1], sys.argv[2]

    def load(name):
        with open(os.path.join(examples, name), "rb") as f:
            return f.read()

    def write(name, data):
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes(data))

    drop = load("xdp_drop.o")
    write("empty.o", b"")
    write("not_elf.o", b"This is a text file, not an eBPF object.\n")
    write("truncated_header.o", drop[:40])
    write("truncated_sections.o", drop[: len(drop) // 2])

    e = Elf(drop)
    e.set_field(e.index("xdp"), 4, 0x100000)
    write("section_beyond_file.o", e.data)

    for name, patch in [("wrong_machine.o", (18, struct.pack("<H", 62))),
                        ("elf32.o", (4, b"\x01")),
                        ("big_endian.o", (5, b"\x02")),
                        ("not_relocatable.o", (16, struct.pack("<H", 2))),
                        ("bad_shstrndx.o", (62, struct.pack("<H", 999)))]:
        d = bytearray(drop)
        d[patch[0]:patch[0] + len(patch[1])] = patch[1]
        write(name, d)

    e = Elf(drop)
    e.set_field(e.index("xdp"), 2, 0x2)  # SHF_ALLOC only: no executable section remains
    write("no_programs.o", e.data)

    e = Elf(drop)
    e.set_field(e.index("xdp"), 5, 17)
    write("code_size_odd.o", e.data)

    e = Elf(drop)
    e.data[e.insn_offset("xdp", 0)] = 0xFF  # an opcode no instruction form has
    write("invalid_opcode.o", e.data)

    glob = load("globals.o")
    e = Elf(glob)
    e.set_rel(".relxdp", 0, sym=9999)
    write("reloc_symbol_out_of_range.o", e.data)

    e = Elf(glob)
    e.set_rel(".relxdp", 0, offset=0x10000)
    write("reloc_offset_out_of_range.o", e.data)

    e = Elf(glob)
    e.set_rel(".relxdp", 0, offset=0x14)
    write("reloc_misaligned.o", e.data)

    e = Elf(glob)
    e.set_rel(".relxdp", 0, offset=0x0)  # instruction 0 is a ldxw
    write("reloc_not_lddw.o", e.data)

    e = Elf(glob)
    e.set_rel(".relxdp", 0, sym=e.symbol_index("_license"))
    write("reloc_to_license.o", e.data)

    e = Elf(glob)
    e.set_rel(".relxdp", 0, rtype=3)
    write("reloc_bad_type.o", e.data)

    e = Elf(glob)
    e.set_rel(".relxdp", 2, offset=0x10)  # the call relocation moved onto an lddw... of a data symbol
    e.set_rel(".relxdp", 2, offset=0x50, sym=e.symbol_index("seen_packets"))
    write("reloc_call_to_data.o", e.data)

    sub = load("subprog.o")
    e = Elf(sub)
    e.data[e.insn_offset("xdp", 0) + 4:e.insn_offset("xdp", 0) + 8] = struct.pack("<i", 3)  # call .text+32
    write("call_into_function_body.o", e.data)

    leg = load("legacy_maps_nobtf.o")
    e = Elf(leg)
    e.set_field(e.index("maps"), 5, 41)
    write("legacy_maps_bad_size.o", e.data)

    xdp1 = load("xdp1.o")
    e = Elf(xdp1)
    e.set_field(e.index(".BTF"), 0, e.sections[e.index("license")][0])  # .BTF now named "license"
    write("maps_without_btf.o", e.data)

    e = Elf(xdp1)
    pos = e.sections[e.index(".BTF")][4]
    e.data[pos:pos + 2] = b"\x00\x00"  # BTF magic 0xeb9f destroyed
    write("bad_btf_magic.o", e.data)

    here = os.path.dirname(os.path.abspath(__file__))
    for src in ("extern_kfunc", "extern_kconfig", "map_in_map"):
        subprocess.check_call(["clang", "-O2", "-g", "-target", "bpf", "-I/usr/include/x86_64-linux-gnu", "-c",
                               os.path.join(here, "src", src + ".c"), "-o", os.path.join(out, src + ".o")])


if __name__ == "__main__":
    main()
