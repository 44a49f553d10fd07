// SPDX-License-Identifier: MIT
// libFuzzer target for the ELF loader. Any bytes either load or throw bpfnic::Error; what loads
// must be self-consistent: every program passes the ISA check, every map reference names a map of
// the object (global data offsets inside the value), every local call lands inside the program,
// and every inner map index is valid.
//
// Seed corpus tests/fuzz/corpus/loader/: the compiled examples with debug sections removed
// (`llvm-strip -g <build>/examples/X.o -o X.o`) and the malformed-ELF corpus of tests/elf (copied
// as elf_<name>.o), plus regression inputs found by fuzzing (crash_<what>.o).
#include <bpf/libbpf.h>

#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "compiler/error.h"
#include "compiler/isa.h"
#include "compiler/loader.h"

namespace {

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "loader_fuzz: %s\n", what.c_str());
    std::abort();
}

int silent(enum libbpf_print_level, const char*, va_list) { return 0; }

void check_object(const bpfnic::Object& obj) {
    using namespace bpfnic;
    if (obj.programs.empty()) die("an object without programs loaded");
    for (size_t m = 0; m < obj.maps.size(); ++m) {
        const MapDef& def = obj.maps[m];
        if (def.inner_map != -1 && (def.inner_map < 0 || static_cast<size_t>(def.inner_map) >= obj.maps.size()))
            die("map " + def.name + ": inner map index out of range");
        if (!def.initial_data.empty() && def.initial_data.size() != def.value_size)
            die("map " + def.name + ": initial data size differs from the value size");
    }
    for (const Program& p : obj.programs) {
        const auto problems = validate(p.insns);
        if (!problems.empty()) die("program " + p.name + " fails validate(): " + problems.front());
        for (size_t i = 0; i < p.insns.size(); ++i) {
            const RawInsn& insn = p.insns[i];
            if (insn.opcode == 0x18) {
                if (insn.src == op::kPseudoMapIdx || insn.src == op::kPseudoMapIdxValue) {
                    if (insn.imm < 0 || static_cast<size_t>(insn.imm) >= obj.maps.size())
                        die("program " + p.name + ": map index out of range at " + std::to_string(i));
                    if (insn.src == op::kPseudoMapIdxValue &&
                        static_cast<uint32_t>(p.insns[i + 1].imm) > obj.maps[insn.imm].value_size)
                        die("program " + p.name + ": value offset beyond the map value at " + std::to_string(i));
                }
                ++i;
            } else if (insn.opcode == 0x85 && insn.src == op::kCallLocal) {
                const int64_t target = static_cast<int64_t>(i) + 1 + insn.imm;
                if (target < 0 || target >= static_cast<int64_t>(p.insns.size()))
                    die("program " + p.name + ": local call outside the program at " + std::to_string(i));
            }
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const bool quiet = (libbpf_set_print(silent), true);
    (void)quiet;
    bpfnic::Object obj;
    try {
        obj = bpfnic::load_object_from_memory(std::span(data, size), "fuzz");
    } catch (const bpfnic::Error& e) {
        if (std::string(e.what()).rfind("fuzz: ", 0) != 0) die(std::string("message without the file name: ") + e.what());
        if (e.kind() != bpfnic::ErrorKind::BadInput && e.kind() != bpfnic::ErrorKind::Unsupported)
            die(std::string("unexpected error kind: ") + e.what());
        return 0;
    }
    check_object(obj);
    return 0;
}
