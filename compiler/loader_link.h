// SPDX-License-Identifier: MIT
// Relocation and linking for the ELF loader. Reads every code section's instructions, resolves
// the relocations of each (lddw of a map, of global data or of a function; bpf-to-bpf calls) and
// builds one linked Program per function symbol of a program section: the program's own code
// first, then every subprogram it reaches, each once, with call and function-address immediates
// recomputed for the linked layout.
#pragma once

#include <vector>

#include "compiler/loader_elf.h"
#include "compiler/loader_maps.h"
#include "compiler/program.h"

namespace bpfnic {

/// All programs of the object, in section then offset order. Throws Error(BadInput) for bad
/// relocations, Error(Unsupported) for extern symbols and kfunc calls.
std::vector<Program> link_programs(const ElfFile& elf, const ObjectMaps& maps);

}  // namespace bpfnic
