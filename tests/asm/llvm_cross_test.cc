// SPDX-License-Identifier: MIT
// Cross-checks against the installed LLVM (skipped when llvm-mc is absent): our disassembly text
// equals llvm-objdump's for every form LLVM 14 decodes, and llvm-mc assembles our llvm-syntax text
// to the same bytes as our assembler.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "compiler/asm.h"
#include "compiler/disasm.h"
#include "compiler/error.h"
#include "tests/isa/isa_samples.h"

namespace bpfnic {
namespace {

namespace fs = std::filesystem;
using testing::Sample;

bool have_llvm() {
    return std::system("command -v llvm-mc >/dev/null 2>&1 && command -v llvm-objdump >/dev/null 2>&1 && "
                       "command -v llvm-objcopy >/dev/null 2>&1") == 0;
}

class LlvmCross : public ::testing::Test {
protected:
    void SetUp() override {
        if (!have_llvm()) GTEST_SKIP() << "llvm-mc, llvm-objdump or llvm-objcopy not installed";
        dir_ = fs::temp_directory_path() / ("bpfnic_llvm_cross_" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override {
        if (!dir_.empty()) fs::remove_all(dir_);
    }

    static std::string slurp(const fs::path& p) {
        std::ifstream f(p, std::ios::binary);
        std::stringstream ss;
        ss << f.rdbuf();
        return ss.str();
    }

    // Runs a command; returns its exit status (stderr goes to dir_/err).
    int run(const std::string& cmd) { return std::system((cmd + " 2>" + (dir_ / "err").string()).c_str()); }

    // llvm-mc on the text; returns the .text bytes as instructions.
    std::vector<RawInsn> llvm_mc(const std::string& text) {
        const fs::path s = dir_ / "in.s", o = dir_ / "in.o", b = dir_ / "in.bin";
        std::ofstream(s) << text;
        if (run("llvm-mc -triple bpf -mattr=+alu32 -filetype=obj " + s.string() + " -o " + o.string()) != 0) {
            ADD_FAILURE() << "llvm-mc failed: " << slurp(dir_ / "err");
            return {};
        }
        if (run("llvm-objcopy -O binary --only-section=.text " + o.string() + " " + b.string()) != 0) {
            ADD_FAILURE() << "llvm-objcopy failed: " << slurp(dir_ / "err");
            return {};
        }
        const std::string bytes = slurp(b);
        return insns_from_bytes(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
    }

    // llvm-objdump's text for raw instructions, by slot index (annotations like " <foo+0x8>" removed).
    std::map<size_t, std::string> llvm_objdump(const std::vector<RawInsn>& insns, bool alu32) {
        std::string s;
        for (uint8_t byte : insns_to_bytes(insns)) s += ".byte " + std::to_string(byte) + "\n";
        const fs::path src = dir_ / "raw.s", o = dir_ / "raw.o", out = dir_ / "raw.txt";
        std::ofstream(src) << s;
        std::map<size_t, std::string> texts;
        if (run("llvm-mc -triple bpf -filetype=obj " + src.string() + " -o " + o.string()) != 0 ||
            run(std::string("llvm-objdump -d --no-show-raw-insn ") + (alu32 ? "--mattr=+alu32 " : "") + o.string() +
                " > " + out.string()) != 0) {
            ADD_FAILURE() << "llvm tools failed: " << slurp(dir_ / "err");
            return texts;
        }
        std::ifstream f(out);
        std::string line;
        static const std::regex kLine(R"(^\s*(\d+):\s+(.*?)(\s+<[^<>]*>)?\s*$)");
        std::smatch m;
        while (std::getline(f, line))
            if (std::regex_match(line, m, kLine)) texts[std::stoul(m[1])] = m[2];
        return texts;
    }

    fs::path dir_;
};

// Forms whose LLVM 14 text is missing (<unknown>), wrong (ignores a selector or field), or
// ambiguous, and which the disassembler therefore prints in later LLVM's or its own syntax.
bool llvm14_decodes(const Sample& s) {
    const RawInsn& i = s.insn();
    const uint8_t cls = op::cls(i.opcode), code = op::alu_op(i.opcode);
    const bool alu = cls == op::kClsAlu || cls == op::kClsAlu64;
    const bool jmp = cls == op::kClsJmp || cls == op::kClsJmp32;
    if (alu && code == op::kMod) return false;                                 // <unknown>
    if (alu && (code == op::kDiv || code == op::kMov) && i.off != 0) return false;  // sdiv, movsx: off ignored
    if (cls == op::kClsAlu64 && code == op::kEnd) return false;                // bswap: <unknown>
    if (cls == op::kClsSt) return false;                                       // store immediate: <unknown>
    if (cls == op::kClsLdx && op::mem_mode(i.opcode) == op::kModeMemSx) return false;  // <unknown>
    if (jmp && code == op::kJset) return false;                                // <unknown>
    if (cls == op::kClsJmp32 && code == op::kJa) return false;                 // gotol: <unknown>
    if (jmp && code == op::kCall && (i.src != 0 || op::src_bit(i.opcode) == op::kSrcX)) return false;  // ambiguous
    if (s.spec->wide && i.src != 0) return false;                             // ld_pseudo: no imm_hi
    if (cls == op::kClsLd && op::mem_mode(i.opcode) == op::kModeInd && i.imm != 0) return false;  // imm ignored
    return true;
}

bool is_atomic32(const RawInsn& i) {
    return op::cls(i.opcode) == op::kClsStx && op::mem_mode(i.opcode) == op::kModeAtomic &&
           op::mem_size(i.opcode) == op::kSizeW;
}

// llvm-mc 14's parser takes no commas (fetch/xchg/cmpxchg atomics, ld_pseudo) and none of the
// forms its disassembler lacks.
bool llvm_mc14_parses(const Sample& s) {
    const RawInsn& i = s.insn();
    if (!llvm14_decodes(s)) return false;
    if (op::cls(i.opcode) == op::kClsStx && op::mem_mode(i.opcode) == op::kModeAtomic && (i.imm & op::kAtomicFetch))
        return false;
    return true;
}

TEST_F(LlvmCross, DisassemblyTextMatchesLlvmObjdump) {
    std::vector<RawInsn> all;
    std::vector<std::pair<size_t, const Sample*>> at;
    const auto samples = testing::isa_samples();
    for (const Sample& s : samples) {
        if (!llvm14_decodes(s)) continue;
        at.emplace_back(all.size(), &s);
        all.insert(all.begin() + static_cast<std::ptrdiff_t>(all.size()), s.program.begin() + Sample::kPc,
                   s.program.begin() + static_cast<std::ptrdiff_t>(Sample::kPc + s.slots()));
    }
    ASSERT_GT(at.size(), 300u);
    const auto plain = llvm_objdump(all, false);
    const auto alu32 = llvm_objdump(all, true);
    size_t compared = 0;
    for (auto [pc, s] : at) {
        const auto& texts = is_atomic32(s->insn()) ? alu32 : plain;
        auto it = texts.find(pc);
        ASSERT_NE(it, texts.end()) << "no llvm-objdump line for slot " << pc;
        EXPECT_EQ(format_insn(&all[pc], pc, Syntax::Llvm), it->second)
            << s->spec->mnemonic << " variant " << s->variant;
        ++compared;
    }
    EXPECT_EQ(compared, at.size());
}

TEST_F(LlvmCross, LlvmMcAssemblesOurTextToOurBytes) {
    std::string text;
    std::vector<RawInsn> ours;
    for (const Sample& s : testing::isa_samples()) {
        if (!llvm_mc14_parses(s)) continue;
        text += disassemble(s.program, Syntax::Llvm);
        ours.insert(ours.end(), s.program.begin(), s.program.end());
    }
    ASSERT_GT(ours.size(), 1000u);
    EXPECT_EQ(assemble(text), ours);
    EXPECT_EQ(llvm_mc(text), ours);
}

TEST_F(LlvmCross, HandWrittenProgramWithLabels) {
    const std::string text =
        "LBB0_1:\n"
        "r0 = 1\n"
        "w0 = -1\n"
        "r0 = 0xffffffff\n"
        "if r1 > 0x5 goto LBB0_2\n"
        "if w1 s< w2 goto LBB0_1\n"
        "if r3 != -7 goto +1\n"
        "w0 += w1\n"
        "r2 <<= 63\n"
        "w2 s>>= w3\n"
        "r0 = *(u32 *)(r1 + 8)\n"
        "r0 = *(u16 *)(r1 - 32768)\n"
        "*(u64 *)(r10 - 8) = r1\n"
        "*(u8 *)(r10 + 32767) = r9\n"
        "goto LBB0_2\n"
        "call 1\n"
        "r1 = 0x1122334455667788 ll\n"
        "r9 = -1 ll\n"
        "r1 = be16 r1\n"
        "r1 = le64 r1\n"
        "r0 = -r0\n"
        "w5 = -w5\n"
        "r0 = *(u8 *)skb[12]\n"
        "r0 = *(u32 *)skb[-4]\n"
        "r0 = *(u16 *)skb[r7]\n"
        "lock *(u64 *)(r1 + 0) += r2\n"
        "lock *(u32 *)(r1 - 4) &= w2\n"
        "LBB0_2:\n"
        "exit\n";
    EXPECT_EQ(assemble(text), llvm_mc(text));
}

}  // namespace
}  // namespace bpfnic
