// SPDX-License-Identifier: MIT
// Map discovery for the ELF loader: legacy SEC("maps") definitions (struct bpf_map_def, read from
// the symbol table), BTF-defined SEC(".maps") definitions (read from .BTF through libbpf's BTF
// parser, inner map templates included) and global data sections (.rodata*, .data*, .bss*) as
// single-element arrays. Also answers which map a relocated lddw refers to.
#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "compiler/loader_elf.h"
#include "compiler/program.h"

namespace bpfnic {

class ObjectMaps {
public:
    /// Collect every map of the object. Throws Error(BadInput) on malformed definitions.
    explicit ObjectMaps(const ElfFile& elf);

    const std::vector<MapDef>& maps() const { return maps_; }
    std::vector<MapDef> take_maps() { return std::move(maps_); }

    /// Index of the map defined at (section, offset) in SEC("maps") or SEC(".maps"), or -1.
    int map_at(uint16_t section, uint64_t offset) const;
    /// Index of the global data map of a section, or -1.
    int data_map(uint16_t section) const;
    /// Whether the section holds map definitions (legacy or BTF).
    bool is_map_section(uint16_t section) const { return section == legacy_sec_ || section == btf_sec_; }

    /// Largest global data section accepted (the kernel's array value size limit is similar).
    static constexpr uint64_t kMaxDataSize = uint64_t{1} << 22;

private:
    void read_legacy(const ElfFile& elf);
    void read_btf(const ElfFile& elf);
    void read_data(const ElfFile& elf);

    std::vector<MapDef> maps_;
    std::map<std::pair<uint16_t, uint64_t>, int> by_location_;
    std::map<uint16_t, int> data_maps_;
    int legacy_sec_ = -1;
    int btf_sec_ = -1;
};

}  // namespace bpfnic
