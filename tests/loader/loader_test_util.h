// SPDX-License-Identifier: MIT
// Paths and small queries shared by the loader tests.
#pragma once

#include <cstdint>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "compiler/isa.h"
#include "compiler/program.h"

namespace bpfnic::test {

/// A compiled example object of the build tree.
inline std::string example(const std::string& name) { return std::string(BPFNIC_BINARY_DIR) + "/examples/" + name; }

/// A file of the malformed-ELF corpus.
inline std::string elf_case(const std::string& name) { return std::string(BPFNIC_SOURCE_DIR) + "/tests/elf/" + name; }

inline std::vector<uint8_t> read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

constexpr uint8_t kLddw = 0x18, kCall = 0x85;

/// Indices of the lddw instructions of a program with the given pseudo source.
inline std::vector<size_t> lddw_with_src(const Program& p, uint8_t src) {
    std::vector<size_t> out;
    for (size_t i = 0; i < p.insns.size(); ++i)
        if (p.insns[i].opcode == kLddw && p.insns[i].src == src) out.push_back(i);
    return out;
}

/// The maps an lddw of the program refers to (by index).
inline std::set<int32_t> referenced_maps(const Program& p) {
    std::set<int32_t> out;
    for (size_t i = 0; i < p.insns.size(); ++i)
        if (p.insns[i].opcode == kLddw && (p.insns[i].src == op::kPseudoMapIdx || p.insns[i].src == op::kPseudoMapIdxValue))
            out.insert(p.insns[i].imm);
    return out;
}

/// Absolute targets of the program's local calls, in instruction order.
inline std::vector<size_t> local_call_targets(const Program& p) {
    std::vector<size_t> out;
    for (size_t i = 0; i < p.insns.size(); ++i)
        if (p.insns[i].opcode == kCall && p.insns[i].src == op::kCallLocal)
            out.push_back(static_cast<size_t>(static_cast<int64_t>(i) + 1 + p.insns[i].imm));
    return out;
}

/// Helper ids the program calls.
inline std::vector<int32_t> helper_calls(const Program& p) {
    std::vector<int32_t> out;
    for (const RawInsn& insn : p.insns)
        if (insn.opcode == kCall && insn.src == op::kCallHelper) out.push_back(insn.imm);
    return out;
}

}  // namespace bpfnic::test
