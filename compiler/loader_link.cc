// SPDX-License-Identifier: MIT
// Relocation and linking for the ELF loader (see loader_link.h).
//
// Relocation rules (the LLVM BPF backend's conventions, as libbpf applies them):
//  - R_BPF_64_64 on an lddw: the symbol is a map (SEC("maps")/SEC(".maps"); offset = st_value +
//    imm), global data (map value offset = st_value + imm; imm carries the addend for section
//    symbols such as .rodata.str1.1) or a function (address = st_value + imm).
//  - R_BPF_64_32 on a call with src = 1: the callee starts at st_value + (imm + 1) * 8 of the
//    symbol's section (imm is -1 for a function symbol, the section-relative slot minus one for a
//    section symbol).
//  - A local call without a relocation is pc-relative inside its own section.
#include "compiler/loader_link.h"

#include <elf.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>

#include "compiler/error.h"
#include "compiler/isa.h"

namespace bpfnic {

namespace {

constexpr uint8_t kLddw = op::kClsLd | op::kSizeDW | op::kModeImm;  // 0x18
constexpr uint8_t kCall = op::kClsJmp | op::kCall;                  // 0x85

std::string hex(uint64_t v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

// A resolved relocation of one instruction.
struct Reloc {
    enum class Kind { Map, MapValue, Call, FuncAddr } kind;
    int map = -1;
    uint32_t value_offset = 0;
    uint16_t target_section = 0;
    size_t target_insn = 0;
};

// A function: a FUNC symbol's instructions [begin, end) in a code section.
struct Function {
    std::string name;
    size_t begin = 0, end = 0;
};

struct CodeSection {
    uint16_t index = 0;
    std::string name;
    std::vector<RawInsn> insns;
    std::map<size_t, Reloc> relocs;
    std::vector<Function> functions;  // sorted by begin

    const Function* function_at(size_t insn) const {
        for (const Function& f : functions)
            if (f.begin == insn) return &f;
        return nullptr;
    }
};

class Linker {
public:
    Linker(const ElfFile& elf, const ObjectMaps& maps) : elf_(elf), maps_(maps) {
        read_code();
        read_relocations();
    }

    std::vector<Program> link_all() const {
        std::vector<Program> programs;
        for (const auto& [index, code] : code_) {
            if (code.name == ".text" || code.name.rfind(".text.", 0) == 0) continue;
            if (code.functions.empty()) {
                programs.push_back(link(code, Function{code.name, 0, code.insns.size()}));
                continue;
            }
            for (const Function& f : code.functions) programs.push_back(link(code, f));
        }
        if (programs.empty()) elf_.fail("no program sections");
        return programs;
    }

private:
    [[noreturn]] void fail_at(const CodeSection& code, size_t insn, const std::string& what) const {
        elf_.fail("section " + code.name + ": instruction " + std::to_string(insn) + ": " + what);
    }

    void read_code() {
        const auto& secs = elf_.sections();
        for (size_t i = 1; i < secs.size(); ++i) {
            const ElfSection& s = secs[i];
            if (!s.executable() || s.data.empty()) continue;
            if (s.data.size() % sizeof(RawInsn) != 0)
                elf_.fail("section " + s.name + ": size " + hex(s.data.size()) +
                          " is not a multiple of the 8-byte instruction size");
            CodeSection code;
            code.index = static_cast<uint16_t>(i);
            code.name = s.name;
            code.insns = insns_from_bytes(s.data);
            read_functions(code);
            code_.emplace(code.index, std::move(code));
        }
    }

    void read_functions(CodeSection& code) const {
        std::vector<const ElfSymbol*> syms;
        for (const ElfSymbol& s : elf_.symbols())
            if (s.shndx == code.index && s.type == STT_FUNC) syms.push_back(&s);
        std::stable_sort(syms.begin(), syms.end(), [](const ElfSymbol* a, const ElfSymbol* b) { return a->value < b->value; });
        const uint64_t section_bytes = code.insns.size() * sizeof(RawInsn);
        for (size_t i = 0; i < syms.size(); ++i) {
            const ElfSymbol& s = *syms[i];
            if (s.value % sizeof(RawInsn) != 0 || s.value >= section_bytes)
                elf_.fail("section " + code.name + ": function " + s.name + " at offset " + hex(s.value) +
                          " is not an instruction of the section (size " + hex(section_bytes) + ")");
            uint64_t end = i + 1 < syms.size() ? syms[i + 1]->value : section_bytes;
            if (s.size != 0) {
                if (s.size % sizeof(RawInsn) != 0 || s.size > section_bytes - s.value)
                    elf_.fail("section " + code.name + ": function " + s.name + " (offset " + hex(s.value) +
                              ", size " + hex(s.size) + ") does not fit the section (size " + hex(section_bytes) + ")");
                end = s.value + s.size;
            }
            if (end <= s.value) continue;  // an alias of the next function
            if (!code.functions.empty() && code.functions.back().begin == s.value / sizeof(RawInsn)) continue;
            code.functions.push_back(Function{s.name, s.value / sizeof(RawInsn), end / sizeof(RawInsn)});
        }
    }

    void read_relocations() {
        const auto& secs = elf_.sections();
        for (size_t i = 1; i < secs.size(); ++i) {
            if (secs[i].type != SHT_REL) continue;
            const auto it = code_.find(static_cast<uint16_t>(secs[i].info));
            if (it == code_.end()) continue;  // relocations of data, BTF or debug sections
            CodeSection& code = it->second;
            const std::vector<ElfRel> rels = elf_.relocations(i);
            for (size_t r = 0; r < rels.size(); ++r) resolve(code, secs[i].name, r, rels[r]);
        }
        // Local calls the assembler resolved itself (no relocation): pc-relative in the section.
        for (auto& [index, code] : code_) {
            for (size_t pc = 0; pc < code.insns.size(); ++pc) {
                const RawInsn& insn = code.insns[pc];
                if (insn.opcode != kCall || insn.src != op::kCallLocal || code.relocs.count(pc)) continue;
                const int64_t target = static_cast<int64_t>(pc) + 1 + insn.imm;
                if (target < 0 || target >= static_cast<int64_t>(code.insns.size()))
                    fail_at(code, pc, "local call target " + std::to_string(target) + " is outside the section");
                code.relocs[pc] = Reloc{Reloc::Kind::Call, -1, 0, index, static_cast<size_t>(target)};
            }
        }
    }

    void resolve(CodeSection& code, const std::string& rel_name, size_t r, const ElfRel& rel) {
        const uint64_t section_bytes = code.insns.size() * sizeof(RawInsn);
        if (rel.offset >= section_bytes)
            elf_.fail("section " + rel_name + ": relocation " + std::to_string(r) + ": offset " + hex(rel.offset) +
                      " is outside section " + code.name + " (size " + hex(section_bytes) + ")");
        if (rel.offset % sizeof(RawInsn) != 0)
            elf_.fail("section " + rel_name + ": relocation " + std::to_string(r) + ": offset " + hex(rel.offset) +
                      " is not on an instruction boundary");
        const size_t pc = rel.offset / sizeof(RawInsn);
        const RawInsn& insn = code.insns[pc];
        const ElfSymbol& sym = elf_.symbols()[rel.sym];
        if (rel.type != kRelBpf64_64 && rel.type != kRelBpf64_32)
            fail_at(code, pc, "unsupported relocation type " + std::to_string(rel.type) + " against symbol " + sym.name);
        if (insn.opcode == kLddw) return resolve_lddw(code, pc, sym);
        if (insn.opcode == kCall) return resolve_call(code, pc, sym);
        char op_text[8];
        std::snprintf(op_text, sizeof op_text, "0x%02x", insn.opcode);
        fail_at(code, pc, "relocation against symbol " + sym.name + " on an instruction that is not an lddw or a call (opcode " +
                              op_text + ")");
    }

    void check_symbol_section(const CodeSection& code, size_t pc, const ElfSymbol& sym) const {
        if (sym.shndx == SHN_UNDEF)
            throw Error(ErrorKind::Unsupported, elf_.name() + ": section " + code.name + ": instruction " +
                                                    std::to_string(pc) + ": extern symbol " + sym.name +
                                                    " (kconfig, ksym or kfunc) is not supported");
        if (sym.shndx >= elf_.sections().size())
            fail_at(code, pc, "symbol " + sym.name + " is in no section (section index " + hex(sym.shndx) + ")");
    }

    void resolve_lddw(CodeSection& code, size_t pc, const ElfSymbol& sym) {
        if (pc + 1 >= code.insns.size()) fail_at(code, pc, "lddw is missing its second slot");
        check_symbol_section(code, pc, sym);
        const uint64_t offset = sym.value + static_cast<uint64_t>(static_cast<int64_t>(code.insns[pc].imm));
        const uint16_t sec = sym.shndx;
        const std::string& sec_name = elf_.sections()[sec].name;
        if (maps_.is_map_section(sec)) {
            const int map = maps_.map_at(sec, offset);
            if (map < 0)
                fail_at(code, pc, "symbol " + sym.name + " at offset " + hex(offset) + " of section " + sec_name +
                                      " is not a map definition");
            code.relocs[pc] = Reloc{Reloc::Kind::Map, map, 0, 0, 0};
            return;
        }
        if (const int map = maps_.data_map(sec); map >= 0) {
            const uint64_t size = elf_.sections()[sec].size;
            if (offset > size)
                fail_at(code, pc, "symbol " + sym.name + " offset " + hex(offset) + " is beyond section " + sec_name +
                                      " (size " + hex(size) + ")");
            code.relocs[pc] = Reloc{Reloc::Kind::MapValue, map, static_cast<uint32_t>(offset), 0, 0};
            return;
        }
        if (code_.count(sec)) {
            code.relocs[pc] = Reloc{Reloc::Kind::FuncAddr, -1, 0, sec, code_target(code, pc, sym, offset)};
            return;
        }
        fail_at(code, pc, "relocation against symbol " + sym.name + " in section " + sec_name +
                              ", which holds no map, global data or code");
    }

    void resolve_call(CodeSection& code, size_t pc, const ElfSymbol& sym) {
        const RawInsn& insn = code.insns[pc];
        if (sym.shndx == SHN_UNDEF)
            throw Error(ErrorKind::Unsupported, elf_.name() + ": section " + code.name + ": instruction " +
                                                    std::to_string(pc) + ": call to extern function " + sym.name +
                                                    " (kfunc) is not supported");
        check_symbol_section(code, pc, sym);
        if (insn.src != op::kCallLocal)
            fail_at(code, pc, "relocation against symbol " + sym.name + " on a call with src " +
                                  std::to_string(insn.src) + ", expected 1 (local call)");
        if (!code_.count(sym.shndx))
            fail_at(code, pc, "call to symbol " + sym.name + " in section " + elf_.sections()[sym.shndx].name +
                                  ", which holds no code");
        const uint64_t offset = sym.value + static_cast<uint64_t>((static_cast<int64_t>(insn.imm) + 1) * 8);
        code.relocs[pc] = Reloc{Reloc::Kind::Call, -1, 0, sym.shndx, code_target(code, pc, sym, offset)};
    }

    size_t code_target(const CodeSection& code, size_t pc, const ElfSymbol& sym, uint64_t offset) const {
        const CodeSection& target = code_.at(sym.shndx);
        if (offset % sizeof(RawInsn) != 0 || offset >= target.insns.size() * sizeof(RawInsn))
            fail_at(code, pc, "target offset " + hex(offset) + " of symbol " + sym.name +
                                  " is not an instruction of section " + target.name);
        return offset / sizeof(RawInsn);
    }

    static constexpr int kMaxLinkDepth = 256;

    struct Piece {
        uint16_t section;
        size_t begin, end, out_start;
    };
    struct Layout {
        std::string entry;
        std::vector<Piece> pieces;
        std::vector<RawInsn> out;
    };

    // Linked index of (section, insn); appends (and relocates) the function starting there.
    size_t locate(Layout& layout, uint16_t section, size_t insn, const CodeSection& from, size_t from_pc,
                  int depth) const {
        for (const Piece& p : layout.pieces)
            if (p.section == section && insn >= p.begin && insn < p.end) return p.out_start + (insn - p.begin);
        const CodeSection& target = code_.at(section);
        const Function* f = target.function_at(insn);
        const Function whole{target.name, insn, target.insns.size()};
        if (!f) {
            if (!target.functions.empty())
                fail_at(from, from_pc, "call target " + std::to_string(insn) + " in section " + target.name +
                                           " is not the start of a function");
            f = &whole;  // a section without symbols: the rest of it
        }
        if (depth >= kMaxLinkDepth)
            fail_at(from, from_pc, "subprogram calls nest deeper than " + std::to_string(kMaxLinkDepth) + " functions");
        const size_t start = layout.out.size();
        layout.pieces.push_back(Piece{section, f->begin, f->end, start});
        layout.out.insert(layout.out.end(), target.insns.begin() + f->begin, target.insns.begin() + f->end);
        relocate_piece(layout, layout.pieces.size() - 1, depth + 1);
        return start;
    }

    void relocate_piece(Layout& layout, size_t k, int depth = 0) const {
        const Piece piece = layout.pieces[k];
        const CodeSection& src = code_.at(piece.section);
        for (auto it = src.relocs.lower_bound(piece.begin); it != src.relocs.end() && it->first < piece.end; ++it) {
            const size_t pc = it->first;
            const Reloc& r = it->second;
            const size_t out_pc = piece.out_start + (pc - piece.begin);
            const bool is_lddw = r.kind != Reloc::Kind::Call;
            if (is_lddw && pc + 1 >= piece.end)
                fail_at(src, pc, "lddw's second slot lies outside function " + layout.entry);
            switch (r.kind) {
                case Reloc::Kind::Map:
                case Reloc::Kind::MapValue:
                    layout.out[out_pc].src = r.kind == Reloc::Kind::Map ? op::kPseudoMapIdx : op::kPseudoMapIdxValue;
                    layout.out[out_pc].imm = r.map;
                    layout.out[out_pc + 1].imm = static_cast<int32_t>(r.value_offset);
                    break;
                case Reloc::Kind::Call:
                case Reloc::Kind::FuncAddr: {
                    const size_t target = locate(layout, r.target_section, r.target_insn, src, pc, depth);
                    layout.out[out_pc].src = r.kind == Reloc::Kind::Call ? op::kCallLocal : op::kPseudoFunc;
                    layout.out[out_pc].imm =
                        static_cast<int32_t>(static_cast<int64_t>(target) - static_cast<int64_t>(out_pc) - 1);
                    if (r.kind == Reloc::Kind::FuncAddr) layout.out[out_pc + 1].imm = 0;
                    break;
                }
            }
        }
    }

    // One program: its own function, then each reachable subprogram once, appended depth-first
    // in the order the calls appear (libbpf's layout, so both loaders produce the same code).
    Program link(const CodeSection& code, const Function& entry) const {
        Layout layout{entry.name, {{code.index, entry.begin, entry.end, 0}}, {}};
        layout.out.assign(code.insns.begin() + entry.begin, code.insns.begin() + entry.end);
        relocate_piece(layout, 0);

        Program prog;
        prog.name = entry.name;
        prog.section = code.name;
        prog.type = prog_type_from_section(code.name);
        prog.insns = std::move(layout.out);
        return prog;
    }

    const ElfFile& elf_;
    const ObjectMaps& maps_;
    std::map<uint16_t, CodeSection> code_;
};

}  // namespace

std::vector<Program> link_programs(const ElfFile& elf, const ObjectMaps& maps) {
    return Linker(elf, maps).link_all();
}

}  // namespace bpfnic
