// SPDX-License-Identifier: MIT
// Firmware image disassembly.
#include "compiler/image_disasm.h"

#include <sstream>

#include "compiler/disasm.h"
#include "compiler/isa.h"
#include "compiler/mir.h"
#include "compiler/program.h"

namespace bpfnic {

namespace {

const char* alu3_symbol(int code) {
    static const char* const names[] = {"+", "-", "*", "?", "|", "&", "<<", ">>", "?", "?", "^", "?", "s>>"};
    return code >= 0 && code < 13 ? names[code] : "?";
}

}  // namespace

std::string format_slot(uint64_t slot, uint32_t bundle, uint64_t next_lane0) {
    // Jump offsets print relative (`goto +N` bundles), as llvm-objdump prints instructions.
    if (slot == 0) return "nop";
    const RawInsn r = insn_from_word(slot);
    const uint8_t cls = op::cls(r.opcode);
    if ((cls == op::kClsAlu || cls == op::kClsAlu64) && op::alu_op(r.opcode) == 0xe0) {
        const char* w = cls == op::kClsAlu64 ? "r" : "w";
        const std::string b = op::src_bit(r.opcode) ? w + std::to_string(r.imm) : std::to_string(r.imm);
        return w + std::to_string(r.dst) + " = " + w + std::to_string(r.src) + " " + alu3_symbol(r.off) + " " + b;
    }
    if (r.opcode == (op::kClsAlu64 | 0xf0)) {
        const std::string name = r.imm >= 0 ? mir::ctx_field_name(static_cast<unsigned>(r.imm)) : "";
        return "r" + std::to_string(r.dst) + " = ctx." + (name.empty() ? std::to_string(r.imm) : name);
    }
    if (r.opcode == (op::kClsAlu | 0xf0)) {
        std::ostringstream v;
        v << "0x" << std::hex << ((uint64_t{static_cast<uint16_t>(r.off)} << 32) | static_cast<uint32_t>(r.imm));
        return "r" + std::to_string(r.dst) + " = " + v.str() + " wide";
    }
    if (r.opcode == (op::kClsJmp | 0xe0)) return "exit " + std::to_string(r.imm);
    if (r.opcode == (op::kClsJmp | 0xf0 | op::kSrcX))
        return "if r" + std::to_string(r.dst) + " + " + std::to_string(r.imm) + " > r" + std::to_string(r.src) +
               " goto " + (r.off >= 0 ? "+" : "") + std::to_string(r.off);
    const RawInsn pair[2] = {r, insn_from_word(next_lane0)};
    return format_insn(pair, bundle, Syntax::Llvm);
}

std::string disassemble_image(const Image& img) {
    std::ostringstream os;
    os << "image: version " << Image::kVersion << ", " << unsigned(img.lanes) << " lanes, " << img.bundles()
       << " bundles\n";
    for (size_t i = 0; i < img.maps.size(); ++i) {
        const ImageMap& m = img.maps[i];
        os << "map " << i << ": " << m.name << " (" << map_type_name(m.type) << ", key " << m.key_size << " B, value "
           << m.value_size << " B, max_entries " << m.max_entries << ")\n";
    }
    os << "helpers:";
    for (int32_t h : img.helpers) os << " " << h;
    os << "\n";
    for (const ImageEntry& e : img.entries) os << "entry " << e.name << " at bundle " << e.bundle << "\n";
    bool carry = false;
    for (uint32_t b = 0; b < img.bundles(); ++b) {
        std::string idx = std::to_string(b);
        if (idx.size() < 5) idx.insert(0, 5 - idx.size(), ' ');
        os << idx << ":";
        for (unsigned l = 0; l < img.lanes; ++l) {
            const uint64_t slot = img.slots[static_cast<size_t>(b) * img.lanes + l];
            const uint64_t next = b + 1 < img.bundles() ? img.slots[static_cast<size_t>(b + 1) * img.lanes] : 0;
            os << (l ? " | " : " ");
            if (l == 0 && carry)
                os << "(lddw upper half " << insn_from_word(slot).imm << ")";
            else
                os << format_slot(slot, b, next);
        }
        carry = insn_from_word(img.slots[static_cast<size_t>(b) * img.lanes]).opcode == (op::kClsLd | op::kSizeDW | op::kModeImm);
        os << "\n";
    }
    return os.str();
}

}  // namespace bpfnic
