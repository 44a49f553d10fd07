// SPDX-License-Identifier: MIT
// Text to eBPF instructions. Two syntaxes, detected line by line: the bpf_conformance suite's
// (`mov %r0, 1`, `ldxdw %r0, [%r1+8]`, `jeq %r1, 5, label`) and llvm-objdump's
// (`r0 = 1`, `r0 = *(u64 *)(r1 + 8)`, `if r1 == 5 goto +3`).
#pragma once

#include <string>
#include <vector>

#include "compiler/isa.h"

namespace bpfnic {

/// Assembles a whole program. Labels (`name:`) may stand alone or before an instruction; jump and
/// local call targets are labels or signed slot offsets (`+3`, `-1`); `#`, `;` and `//` start
/// comments; a leading `N:` address (as llvm-objdump prints) and a trailing `<symbol>` annotation
/// are ignored. As in the conformance suite, the label `exit` means the first exit instruction
/// unless a label of that name is defined. The result passed validate().
/// Throws Error(BadInput) with a message "line N: ..." on any error.
std::vector<RawInsn> assemble(const std::string& text);

}  // namespace bpfnic
