// SPDX-License-Identifier: MIT
// libFuzzer target for the assembler and disassembler. Any text either assembles or throws
// bpfnic::Error; what assembles must disassemble (both syntaxes) and reassemble to the same
// instructions. The input bytes read as raw instructions must format without crashing.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "compiler/asm.h"
#include "compiler/disasm.h"
#include "compiler/error.h"

namespace {

[[noreturn]] void die(const char* what, const std::string& text) {
    std::fprintf(stderr, "asm_fuzz: %s\n--- text:\n%s\n", what, text.c_str());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace bpfnic;
    const std::string text(reinterpret_cast<const char*>(data), size);

    // Raw view: every 8 bytes an instruction, printed in both syntaxes.
    const std::vector<RawInsn> raw = insns_from_bytes(std::span(data, size));
    (void)disassemble(raw, Syntax::Llvm);
    (void)disassemble(raw, Syntax::Conformance);

    std::vector<RawInsn> insns;
    try {
        insns = assemble(text);
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::BadInput) die("assembler error of a kind other than BadInput", text);
        return 0;
    }
    if (!validate(insns).empty()) die("assembled program fails validate()", text);
    for (Syntax syntax : {Syntax::Llvm, Syntax::Conformance}) {
        const std::string back = disassemble(insns, syntax);
        try {
            if (assemble(back) != insns) die("disassembly does not reassemble to the same instructions", back);
        } catch (const Error& e) {
            die(e.what(), back);
        }
    }
    return 0;
}
