// SPDX-License-Identifier: MIT
// The ELF loader: reads an eBPF object file (as clang -target bpf writes it) into a bpfnic::Object
// without a kernel. Every program section becomes one Program per function symbol, with the
// bpf-to-bpf subprograms it calls linked in after its own code; maps come from BTF-defined
// SEC(".maps"), legacy SEC("maps") (struct bpf_map_def) and the global data sections; every
// relocated lddw refers to a map by index. Malformed input throws bpfnic::Error naming the file
// and what is wrong (section, relocation, instruction index).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "compiler/program.h"

namespace bpfnic {

/// Load an object file. Throws Error(BadInput) for unreadable or malformed files,
/// Error(Unsupported) for valid objects using features the project cannot run (extern kconfig/ksym
/// symbols, kfunc calls). Not read: .BTF.ext (CO-RE relocations, line info) and the initial
/// contents of PROG_ARRAY / map-in-map slots (".values = {...}", relocations of .maps).
///
/// What the returned Object holds:
///  - maps, in this order: legacy SEC("maps") definitions (by offset), BTF-defined SEC(".maps")
///    definitions (by offset), each immediately followed by its inner map template
///    ("<outer>.inner") for map-in-map types, then one single-element ARRAY per global data
///    section (".rodata", ".data", ".bss", ".rodata.str1.1", ...), named after the section, key
///    size 4, value size = section size, initial_data = the section bytes (zeros for .bss),
///    read_only for .rodata*.
///  - programs, in section order then offset order: name = function symbol (the section name for
///    a section without symbols), section, type from the section name, insns with:
///      * lddw of a map: src = kPseudoMapIdx, imm = map index, second imm = 0;
///      * lddw of global data: src = kPseudoMapIdxValue, imm = map index, second imm = offset;
///      * lddw of a function address (callbacks): src = kPseudoFunc, imm = target - (pc + 1);
///      * local calls (src = kCallLocal): imm = target - (pc + 1), target inside insns.
///    Each called subprogram is appended once after the program's own code.
///  - license: the "license" section up to its first NUL ("" when absent).
Object load_object(const std::string& path);

/// The same from bytes in memory; name is used for Object::path and in error messages.
Object load_object_from_memory(std::span<const uint8_t> bytes, const std::string& name);

}  // namespace bpfnic
