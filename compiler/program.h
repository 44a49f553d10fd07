// SPDX-License-Identifier: MIT
// What the ELF loader produces: an object's programs (subprograms linked in, map references
// resolved to map indices) and its maps (BTF-defined, legacy SEC("maps"), and global data).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/isa.h"

namespace bpfnic {

enum class ProgType : uint8_t { Xdp, SchedCls, SocketFilter, Unspec };
const char* prog_type_name(ProgType t);
/// Program type from an ELF section name ("xdp", "xdp/foo", "xdp.frags", "tc", "classifier", ...).
ProgType prog_type_from_section(const std::string& section);

/// A map as declared by the object. Types are the kernel's enum bpf_map_type values.
struct MapDef {
    std::string name;
    uint32_t type = 0;
    uint32_t key_size = 0;
    uint32_t value_size = 0;
    uint32_t max_entries = 0;
    uint32_t map_flags = 0;
    int32_t inner_map = -1;             ///< for map-in-map types: index of the inner map template
    std::vector<uint8_t> initial_data;  ///< global data (.rodata/.data/.bss): the single value's bytes
    bool read_only = false;             ///< .rodata (frozen: the program may not write it)
};

/// One program, ready to run: instructions are linked (bpf-to-bpf calls point inside insns) and
/// every lddw map reference is src=kPseudoMapIdx (imm = map index) or src=kPseudoMapIdxValue
/// (imm = map index, second imm = offset into the value).
struct Program {
    std::string name;
    std::string section;
    ProgType type = ProgType::Unspec;
    std::vector<RawInsn> insns;
};

struct Object {
    std::string path;
    std::string license;
    std::vector<Program> programs;
    std::vector<MapDef> maps;

    /// The program of that name (function name or section name); nullptr if none.
    const Program* find_program(const std::string& name) const;
    int find_map(const std::string& name) const;  ///< index or -1
};

// Kernel map type numbers (enum bpf_map_type) used across the project.
namespace map_type {
inline constexpr uint32_t kHash = 1, kArray = 2, kProgArray = 3, kPerfEventArray = 4, kPercpuHash = 5,
                          kPercpuArray = 6, kLruHash = 9, kLruPercpuHash = 10, kLpmTrie = 11, kArrayOfMaps = 12,
                          kHashOfMaps = 13, kDevmap = 14, kCpumap = 16, kXskmap = 17, kDevmapHash = 25;
}
const char* map_type_name(uint32_t type);

}  // namespace bpfnic
