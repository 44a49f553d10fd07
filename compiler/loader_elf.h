// SPDX-License-Identifier: MIT
// A bounds-checked reader of 64-bit little-endian ELF relocatable objects, the part of the ELF
// format an eBPF object uses: section headers, the symbol table and SHT_REL relocations. Every
// offset and size is checked against the input before it is read, so malformed files end in a
// bpfnic::Error ("<file>: <what is wrong>"), never in an out-of-bounds read.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace bpfnic {

struct ElfSection {
    std::string name;
    uint32_t type = 0;
    uint64_t flags = 0;
    uint64_t size = 0;
    uint32_t link = 0;
    uint32_t info = 0;
    std::span<const uint8_t> data;  ///< the section's bytes; empty for SHT_NOBITS

    bool executable() const;
};

struct ElfSymbol {
    std::string name;
    uint8_t type = 0;   ///< STT_*
    uint8_t bind = 0;   ///< STB_*
    uint16_t shndx = 0;
    uint64_t value = 0;
    uint64_t size = 0;
};

struct ElfRel {
    uint64_t offset = 0;  ///< byte offset inside the target section
    uint32_t sym = 0;     ///< symbol index, already checked to be inside the symbol table
    uint32_t type = 0;    ///< R_BPF_*
};

// eBPF relocation types (the LLVM BPF backend's ELF relocations).
inline constexpr uint32_t kRelBpfNone = 0, kRelBpf64_64 = 1, kRelBpf64Abs64 = 2, kRelBpf64Abs32 = 3,
                          kRelBpf64NoDyld32 = 4, kRelBpf64_32 = 10;

class ElfFile {
public:
    /// Parse the headers, section names and symbol table. Throws Error(BadInput).
    ElfFile(std::span<const uint8_t> bytes, std::string name);

    const std::string& name() const { return name_; }
    const std::vector<ElfSection>& sections() const { return sections_; }
    const std::vector<ElfSymbol>& symbols() const { return symbols_; }

    /// The relocations of an SHT_REL section, each with a valid symbol index. Throws on a bad
    /// entry size or symbol index.
    std::vector<ElfRel> relocations(size_t rel_section) const;

    /// Index of the section of that name, or -1.
    int find_section(const std::string& name) const;

    /// Throw Error(BadInput, "<file>: <what>").
    [[noreturn]] void fail(const std::string& what) const;

private:
    std::string read_string(size_t strtab_section, uint32_t offset, const char* what) const;
    void read_symbols();

    std::span<const uint8_t> bytes_;
    std::string name_;
    std::vector<ElfSection> sections_;
    std::vector<ElfSymbol> symbols_;
    int symtab_ = -1;
};

}  // namespace bpfnic
