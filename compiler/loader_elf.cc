// SPDX-License-Identifier: MIT
// Bounds-checked ELF64 reader for eBPF objects (see loader_elf.h).
#include "compiler/loader_elf.h"

#include <elf.h>

#include <cstring>
#include <string_view>

#include "compiler/error.h"

namespace bpfnic {

namespace {

template <typename T>
T read_struct(std::span<const uint8_t> bytes, uint64_t offset) {
    T value;
    std::memcpy(&value, bytes.data() + offset, sizeof(T));
    return value;
}

std::string hex(uint64_t v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

// True when [offset, offset + size) lies inside a buffer of length total (overflow-safe).
bool in_range(uint64_t offset, uint64_t size, uint64_t total) { return offset <= total && size <= total - offset; }

}  // namespace

bool ElfSection::executable() const { return type == SHT_PROGBITS && (flags & SHF_EXECINSTR) != 0; }

void ElfFile::fail(const std::string& what) const { throw Error(ErrorKind::BadInput, name_ + ": " + what); }

ElfFile::ElfFile(std::span<const uint8_t> bytes, std::string name) : bytes_(bytes), name_(std::move(name)) {
    if (bytes.size() < SELFMAG || std::memcmp(bytes.data(), ELFMAG, SELFMAG) != 0) fail("not an ELF file");
    if (bytes.size() < sizeof(Elf64_Ehdr))
        fail("truncated: the ELF header needs " + std::to_string(sizeof(Elf64_Ehdr)) + " bytes, the file has " +
             std::to_string(bytes.size()));
    if (bytes[EI_CLASS] != ELFCLASS64) fail("not a 64-bit ELF file (EI_CLASS " + std::to_string(bytes[EI_CLASS]) + ")");
    if (bytes[EI_DATA] != ELFDATA2LSB)
        fail("not a little-endian ELF file (EI_DATA " + std::to_string(bytes[EI_DATA]) + ")");
    const auto eh = read_struct<Elf64_Ehdr>(bytes, 0);
    if (eh.e_machine != EM_BPF)
        fail("wrong machine: e_machine " + std::to_string(eh.e_machine) + ", expected " + std::to_string(EM_BPF) +
             " (EM_BPF)");
    if (eh.e_type != ET_REL) fail("not a relocatable object: e_type " + std::to_string(eh.e_type) + ", expected 1 (ET_REL)");
    if (eh.e_shnum == 0) fail("no section header table");
    if (eh.e_shentsize != sizeof(Elf64_Shdr))
        fail("bad section header size " + std::to_string(eh.e_shentsize) + ", expected " +
             std::to_string(sizeof(Elf64_Shdr)));
    if (!in_range(eh.e_shoff, uint64_t{eh.e_shnum} * sizeof(Elf64_Shdr), bytes.size()))
        fail("truncated: the section header table (offset " + hex(eh.e_shoff) + ", " + std::to_string(eh.e_shnum) +
             " entries) ends beyond the file size " + hex(bytes.size()));
    if (eh.e_shstrndx >= eh.e_shnum)
        fail("section name table index " + std::to_string(eh.e_shstrndx) + " out of range (" +
             std::to_string(eh.e_shnum) + " sections)");

    std::vector<Elf64_Shdr> headers(eh.e_shnum);
    for (size_t i = 0; i < headers.size(); ++i) headers[i] = read_struct<Elf64_Shdr>(bytes, eh.e_shoff + i * sizeof(Elf64_Shdr));

    // The section name table first, so that later messages can name sections.
    auto place = [&](size_t i, const std::string& label) {
        const Elf64_Shdr& sh = headers[i];
        ElfSection& s = sections_[i];
        s.type = sh.sh_type;
        s.flags = sh.sh_flags;
        s.size = sh.sh_size;
        s.link = sh.sh_link;
        s.info = sh.sh_info;
        if (sh.sh_type == SHT_NOBITS || sh.sh_type == SHT_NULL) return;
        if (!in_range(sh.sh_offset, sh.sh_size, bytes.size()))
            fail("truncated: section " + label + " (offset " + hex(sh.sh_offset) + ", size " + hex(sh.sh_size) +
                 ") ends beyond the file size " + hex(bytes.size()));
        s.data = bytes.subspan(sh.sh_offset, sh.sh_size);
    };
    sections_.resize(headers.size());
    place(eh.e_shstrndx, "name table " + std::to_string(eh.e_shstrndx));
    if (sections_[eh.e_shstrndx].type != SHT_STRTAB) fail("section name table is not a string table");
    for (size_t i = 1; i < headers.size(); ++i) sections_[i].name = read_string(eh.e_shstrndx, headers[i].sh_name, "section name");
    for (size_t i = 1; i < headers.size(); ++i)
        if (i != eh.e_shstrndx) place(i, sections_[i].name);
    read_symbols();
}

std::string ElfFile::read_string(size_t strtab_section, uint32_t offset, const char* what) const {
    const std::span<const uint8_t> data = sections_[strtab_section].data;
    if (offset >= data.size())
        fail(std::string(what) + " offset " + hex(offset) + " beyond the string table (size " + hex(data.size()) + ")");
    const auto* begin = reinterpret_cast<const char*>(data.data()) + offset;
    const void* nul = std::memchr(begin, 0, data.size() - offset);
    if (!nul) fail(std::string(what) + " at offset " + hex(offset) + " is not NUL-terminated");
    return std::string(begin, static_cast<const char*>(nul));
}

void ElfFile::read_symbols() {
    for (size_t i = 0; i < sections_.size(); ++i) {
        if (sections_[i].type != SHT_SYMTAB) continue;
        if (symtab_ >= 0) fail("more than one symbol table");
        symtab_ = static_cast<int>(i);
    }
    if (symtab_ < 0) return;
    const ElfSection& st = sections_[symtab_];
    if (st.link == 0 || st.link >= sections_.size() || sections_[st.link].type != SHT_STRTAB)
        fail("section " + st.name + ": sh_link " + std::to_string(st.link) + " is not a string table");
    if (st.data.size() % sizeof(Elf64_Sym) != 0)
        fail("section " + st.name + ": size " + hex(st.data.size()) + " is not a multiple of the symbol size " +
             std::to_string(sizeof(Elf64_Sym)));
    const size_t count = st.data.size() / sizeof(Elf64_Sym);
    symbols_.resize(count);
    for (size_t i = 0; i < count; ++i) {
        const auto sym = read_struct<Elf64_Sym>(st.data, i * sizeof(Elf64_Sym));
        ElfSymbol& s = symbols_[i];
        s.name = sym.st_name ? read_string(st.link, sym.st_name, "symbol name") : std::string();
        s.type = ELF64_ST_TYPE(sym.st_info);
        s.bind = ELF64_ST_BIND(sym.st_info);
        s.shndx = sym.st_shndx;
        s.value = sym.st_value;
        s.size = sym.st_size;
        if (s.type == STT_SECTION && s.shndx < sections_.size()) s.name = sections_[s.shndx].name;
    }
}

std::vector<ElfRel> ElfFile::relocations(size_t rel_section) const {
    const ElfSection& rs = sections_.at(rel_section);
    if (symtab_ < 0 || rs.link != static_cast<uint32_t>(symtab_))
        fail("section " + rs.name + ": sh_link " + std::to_string(rs.link) + " is not the symbol table");
    if (rs.data.size() % sizeof(Elf64_Rel) != 0)
        fail("section " + rs.name + ": size " + hex(rs.data.size()) + " is not a multiple of the relocation size " +
             std::to_string(sizeof(Elf64_Rel)));
    std::vector<ElfRel> rels(rs.data.size() / sizeof(Elf64_Rel));
    for (size_t i = 0; i < rels.size(); ++i) {
        const auto r = read_struct<Elf64_Rel>(rs.data, i * sizeof(Elf64_Rel));
        rels[i].offset = r.r_offset;
        rels[i].sym = static_cast<uint32_t>(ELF64_R_SYM(r.r_info));
        rels[i].type = static_cast<uint32_t>(ELF64_R_TYPE(r.r_info));
        if (rels[i].sym >= symbols_.size())
            fail("section " + rs.name + ": relocation " + std::to_string(i) + ": symbol index " +
                 std::to_string(rels[i].sym) + " out of range (" + std::to_string(symbols_.size()) + " symbols)");
    }
    return rels;
}

int ElfFile::find_section(const std::string& name) const {
    for (size_t i = 1; i < sections_.size(); ++i)
        if (sections_[i].name == name) return static_cast<int>(i);
    return -1;
}

}  // namespace bpfnic
