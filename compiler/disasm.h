// SPDX-License-Identifier: MIT
// eBPF instructions to text, in llvm-objdump's syntax or the bpf_conformance suite's. The output
// of both syntaxes assembles back to the same bytes (compiler/asm.h).
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "compiler/isa.h"

namespace bpfnic {

enum class Syntax : uint8_t {
    /// llvm-objdump -d --no-show-raw-insn (LLVM 14) text. Where LLVM 14 has no text or an ambiguous
    /// one, the later LLVM releases' text (`r0 s/= r1`, `r0 = (s8)r1`, `gotol +2`, `callx r2`,
    /// `*(u32 *)(r10 - 4) = 5`) or a readable extension (`call pc+3`, `call kfunc 12`,
    /// `r1 = map[3] ll`, `r1 = map_value[3]+8 ll`, `r0 = *(u8 *)skb[r1 + 4]`).
    Llvm,
    /// The conformance suite's `-- asm` syntax (`add32 %r1, %r2`, `lock fetch add [%r10-8], %r1`).
    Conformance,
};

/// One instruction at slot index pc (an lddw reads insn[1] as well). Invalid encodings print as
/// `<invalid: ...>` with their raw fields.
std::string format_insn(const RawInsn* insn, size_t pc, Syntax syntax);

/// A program, one instruction a line (an lddw is one line covering two slots), no addresses: the
/// text assembles back to the same instructions.
std::string disassemble(std::span<const RawInsn> insns, Syntax syntax);

}  // namespace bpfnic
