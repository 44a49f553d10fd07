// SPDX-License-Identifier: MIT
// The assembler: a line lexer shared by both syntaxes, one parser per syntax (the conformance
// suite's mnemonic syntax and llvm-objdump's C-like syntax), label fixups, and a final validate().
#include "compiler/asm.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string_view>
#include <tuple>

#include "compiler/error.h"

namespace bpfnic {
namespace {

// ---------------------------------------------------------------------------------------------
// Lexer

enum class Tok : uint8_t { Ident, Num, Punct };

struct Token {
    Tok kind;
    std::string text;
};

// Multi-character punctuation, longest first so that "s>>=" wins over "s>" and ">>=" over ">".
constexpr std::string_view kPuncts[] = {"s>>=", "<<=", ">>=", "s/=", "s%=", "s<=", "s>=", "+=", "-=", "*=", "/=",
                                        "%=",   "|=",  "&=",  "^=",  "==",  "!=",  "<=",  ">=", "s<", "s>"};

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '.'; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; }

// Splits one line (comments and annotations already removed). Returns nullopt and the offending
// character on a character no syntax uses.
std::optional<std::vector<Token>> lex(std::string_view s, char* bad) {
    std::vector<Token> out;
    size_t i = 0;
    while (i < s.size()) {
        const char c = s[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
            continue;
        }
        bool matched = false;
        for (std::string_view p : kPuncts) {
            if (s.substr(i, p.size()) == p) {
                out.push_back({Tok::Punct, std::string(p)});
                i += p.size();
                matched = true;
                break;
            }
        }
        if (matched) continue;
        if (ident_start(c)) {
            size_t j = i;
            while (j < s.size() && ident_char(s[j])) ++j;
            out.push_back({Tok::Ident, std::string(s.substr(i, j - i))});
            i = j;
        } else if (std::isdigit(static_cast<unsigned char>(c))) {
            size_t j = i;
            while (j < s.size() && std::isalnum(static_cast<unsigned char>(s[j]))) ++j;
            out.push_back({Tok::Num, std::string(s.substr(i, j - i))});
            i = j;
        } else if (std::string_view("()[],+-*%&=<>:").find(c) != std::string_view::npos) {
            out.push_back({Tok::Punct, std::string(1, c)});
            ++i;
        } else {
            *bad = c;
            return std::nullopt;
        }
    }
    return out;
}

// A literal as written: sign, magnitude and base (the range rules of the conformance syntax depend
// on the base).
struct Literal {
    bool neg = false;
    bool hex = false;
    uint64_t mag = 0;
    std::string text;
};

std::optional<uint64_t> parse_magnitude(const std::string& t, bool* hex) {
    std::string_view s = t;
    int base = 10;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s.remove_prefix(2);
    }
    *hex = base == 16;
    if (s.empty()) return std::nullopt;
    uint64_t v = 0;
    for (char c : s) {
        int d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (base == 16 && c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (base == 16 && c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else return std::nullopt;
        if (v > (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) return std::nullopt;
        v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
    }
    return v;
}

// ---------------------------------------------------------------------------------------------
// Assembler state shared by both syntaxes

struct Fixup {
    size_t slot;
    std::string label;
    bool in_imm;  ///< ja32/gotol and local calls keep the offset in imm, other jumps in off
    size_t line;
};

class Assembler {
public:
    std::vector<RawInsn> run(const std::string& text);

private:
    // Errors.
    [[noreturn]] void fail(const std::string& msg) const {
        throw Error(ErrorKind::BadInput, "line " + std::to_string(line_) + ": " + msg);
    }

    // Token cursor over the current line.
    const Token* peek(size_t ahead = 0) const { return pos_ + ahead < toks_.size() ? &toks_[pos_ + ahead] : nullptr; }
    bool at_end() const { return pos_ >= toks_.size(); }
    bool is(std::string_view text, size_t ahead = 0) const {
        const Token* t = peek(ahead);
        return t && t->kind != Tok::Num && t->text == text;
    }
    bool accept(std::string_view text) {
        if (!is(text)) return false;
        ++pos_;
        return true;
    }
    std::string near() const { return at_end() ? std::string("end of line") : "'" + toks_[pos_].text + "'"; }
    void expect(std::string_view text) {
        if (!accept(text)) fail("Invalid instruction: expected '" + std::string(text) + "' at " + near());
    }
    void expect_end() {
        if (!at_end()) fail("Invalid instruction: unexpected " + near());
    }

    // Operand pieces.
    Literal literal();
    int32_t imm32(const Literal& l, bool conformance) const;
    int16_t off16(const Literal& l) const;
    int64_t imm64(const Literal& l) const;
    bool reg_token(const Token* t, char* width, uint8_t* num) const;
    uint8_t llvm_reg(char* width);
    uint8_t conf_reg();
    void target(RawInsn& insn, bool in_imm);

    // Emission.
    void emit(const RawInsn& insn) {
        out_.push_back(insn);
        line_of_slot_.push_back(line_);
    }
    void emit_lddw(uint8_t dst, uint8_t pseudo, int32_t lo, int32_t hi);
    void lddw_operand(uint8_t dst, bool conformance);

    // Syntaxes.
    void line(std::string_view text);
    void call();
    void conformance();
    void conformance_lock(const std::vector<std::vector<Token>>& ops);
    void llvm();
    void llvm_assign(uint8_t dst, char width);
    void llvm_mem(uint8_t* base, int16_t* off);
    uint8_t llvm_size(bool* sign);

    std::vector<RawInsn> out_;
    std::vector<size_t> line_of_slot_;
    std::map<std::string, size_t> labels_;
    std::optional<size_t> first_exit_;
    std::vector<Fixup> fixups_;
    size_t line_ = 0;
    std::vector<Token> toks_;
    size_t pos_ = 0;
};

Literal Assembler::literal() {
    Literal l;
    if (accept("-")) l.neg = true;
    else accept("+");
    const Token* t = peek();
    if (!t || t->kind != Tok::Num) fail("Invalid instruction: expected a number at " + near());
    auto v = parse_magnitude(t->text, &l.hex);
    if (!v) fail("Invalid number: " + t->text);
    l.mag = *v;
    l.text = (l.neg ? "-" : "") + t->text;
    ++pos_;
    return l;
}

// The conformance syntax takes decimal immediates as signed 32-bit values and hex ones as 32-bit
// patterns; llvm's takes either up to the unsigned 32-bit maximum.
int32_t Assembler::imm32(const Literal& l, bool conformance) const {
    const uint64_t max_pos = (conformance && !l.hex) ? 0x7fffffffULL : 0xffffffffULL;
    if (l.neg ? l.mag > 0x80000000ULL : l.mag > max_pos) fail("Immediate out of 32-bit range: " + l.text);
    const uint64_t v = l.neg ? (0 - l.mag) : l.mag;
    return static_cast<int32_t>(static_cast<uint32_t>(v));
}

int16_t Assembler::off16(const Literal& l) const {
    const uint64_t max_pos = l.hex ? 0xffffULL : 0x7fffULL;
    if (l.neg ? l.mag > 0x8000ULL : l.mag > max_pos) fail("Offset out of 16-bit range: " + l.text);
    const uint64_t v = l.neg ? (0 - l.mag) : l.mag;
    return static_cast<int16_t>(static_cast<uint16_t>(v));
}

int64_t Assembler::imm64(const Literal& l) const {
    if (l.neg && l.mag > 0x8000000000000000ULL) fail("Immediate out of 64-bit range: " + l.text);
    return static_cast<int64_t>(l.neg ? (0 - l.mag) : l.mag);
}

// "r7" / "w7": width letter and number; numbers above 10 are reported as invalid registers.
bool Assembler::reg_token(const Token* t, char* width, uint8_t* num) const {
    if (!t || t->kind != Tok::Ident || t->text.size() < 2) return false;
    const char w = t->text[0];
    if (w != 'r' && w != 'w') return false;
    unsigned v = 0;
    for (size_t i = 1; i < t->text.size(); ++i) {
        if (!std::isdigit(static_cast<unsigned char>(t->text[i]))) return false;
        v = v * 10 + static_cast<unsigned>(t->text[i] - '0');
        if (v > 1000) break;
    }
    if (v > 10) fail("Invalid register: " + t->text);
    *width = w;
    *num = static_cast<uint8_t>(v);
    return true;
}

uint8_t Assembler::llvm_reg(char* width) {
    uint8_t n = 0;
    char w = 0;
    if (!reg_token(peek(), &w, &n)) fail("Invalid instruction: expected a register at " + near());
    ++pos_;
    if (width) *width = w;
    return n;
}

uint8_t Assembler::conf_reg() {
    if (!is("%")) fail("Invalid register: " + (at_end() ? std::string("(missing)") : toks_[pos_].text));
    ++pos_;
    const Token* t = peek();
    char w = 0;
    uint8_t n = 0;
    const std::string name = "%" + (t ? t->text : std::string());
    if (!t || t->kind != Tok::Ident || t->text[0] != 'r') fail("Invalid register: " + name);
    bool ok = false;
    try {
        ok = reg_token(t, &w, &n);
    } catch (const Error&) {
        ok = false;
    }
    if (!ok) fail("Invalid register: " + name);
    ++pos_;
    return n;
}

// A jump or local call target: a signed slot offset or a label (resolved at the end).
void Assembler::target(RawInsn& insn, bool in_imm) {
    const Token* t = peek();
    if (!t) fail("Invalid instruction: expected a jump target at end of line");
    if (t->kind == Tok::Ident) {
        fixups_.push_back({out_.size(), t->text, in_imm, line_});
        ++pos_;
        return;
    }
    const Literal l = literal();
    if (in_imm) insn.imm = imm32(l, false);
    else insn.off = off16(l);
}

RawInsn make(uint8_t opcode, uint8_t dst = 0, uint8_t src = 0, int16_t off = 0, int32_t imm = 0) {
    RawInsn r;
    r.opcode = opcode;
    r.dst = dst;
    r.src = src;
    r.off = off;
    r.imm = imm;
    return r;
}

void Assembler::emit_lddw(uint8_t dst, uint8_t pseudo, int32_t lo, int32_t hi) {
    emit(make(op::kClsLd | op::kModeImm | op::kSizeDW, dst, pseudo, 0, lo));
    emit(make(0, 0, 0, 0, hi));
}

// Pseudo-source names of lddw, as the disassembler prints them: `map[3]`, `map_value[3]+8`.
constexpr std::pair<std::string_view, uint8_t> kPseudoNames[] = {
    {"map_fd", op::kPseudoMapFd}, {"map_fd_value", op::kPseudoMapValue}, {"btf_id", op::kPseudoBtfId},
    {"func", op::kPseudoFunc},    {"map", op::kPseudoMapIdx},            {"map_value", op::kPseudoMapIdxValue},
};

// The value of an lddw: a 64-bit literal or a pseudo reference.
void Assembler::lddw_operand(uint8_t dst, bool conformance) {
    const Token* t = peek();
    if (t && t->kind == Tok::Ident) {
        for (auto [name, pseudo] : kPseudoNames) {
            if (t->text != name) continue;
            ++pos_;
            expect("[");
            const int32_t lo = imm32(literal(), false);
            expect("]");
            int32_t hi = 0;
            if (is("+") || is("-")) hi = imm32(literal(), false);
            if (!conformance) expect("ll");
            emit_lddw(dst, pseudo, lo, hi);
            return;
        }
        fail("Invalid instruction: unknown lddw operand '" + t->text + "'");
    }
    const uint64_t v = static_cast<uint64_t>(imm64(literal()));
    if (!conformance) expect("ll");
    emit_lddw(dst, op::kPseudoImm64, static_cast<int32_t>(static_cast<uint32_t>(v)),
              static_cast<int32_t>(static_cast<uint32_t>(v >> 32)));
}

// `call N` (helper), `call helper N`, `call local T` / `call pc+N` / `call label` (bpf-to-bpf),
// `call runtime N` / `call kfunc N` (kernel function), `call %rN` (callx). Same in both syntaxes.
void Assembler::call() {
    RawInsn insn = make(op::kClsJmp | op::kCall);
    const Token* t = peek();
    if (!t) fail("Invalid number of operands for mnemonic: call");
    if (is("%")) {
        insn = make(op::kClsJmp | op::kCall | op::kSrcX, conf_reg());
    } else if (accept("helper")) {
        insn.imm = imm32(literal(), true);
    } else if (accept("runtime") || accept("kfunc")) {
        insn.src = op::kCallKfunc;
        insn.imm = imm32(literal(), true);
    } else if (accept("local")) {
        insn.src = op::kCallLocal;
        target(insn, true);
    } else if (is("pc") && (is("+", 1) || is("-", 1))) {
        ++pos_;
        insn.src = op::kCallLocal;
        insn.imm = imm32(literal(), false);
    } else if (t->kind == Tok::Ident) {
        insn.src = op::kCallLocal;
        target(insn, true);
    } else {
        insn.imm = imm32(literal(), true);
    }
    expect_end();
    emit(insn);
}

// ---------------------------------------------------------------------------------------------
// Conformance syntax

struct Mnemonics {
    std::map<std::string, std::vector<const InsnSpec*>, std::less<>> forms;
    std::map<std::string, std::string, std::less<>> aliases;
};

const Mnemonics& mnemonics() {
    static const Mnemonics m = [] {
        Mnemonics r;
        for (const InsnSpec& s : isa_table()) r.forms[s.mnemonic].push_back(&s);
        // 64-bit ALU forms may carry an explicit "64" suffix; swapN is the suite's older bswapN.
        for (const InsnSpec& s : isa_table()) {
            const uint8_t c = op::cls(s.opcode);
            const std::string name = s.mnemonic;
            if (c == op::kClsAlu64 && name.rfind("movsx", 0) != 0 && name.rfind("bswap", 0) != 0)
                r.aliases[name + "64"] = name;
            if (c == op::kClsStx && op::mem_mode(s.opcode) == op::kModeAtomic && op::mem_size(s.opcode) == op::kSizeDW)
                r.aliases[name + "64"] = name;
        }
        for (const char* bits : {"16", "32", "64"}) r.aliases[std::string("swap") + bits] = std::string("bswap") + bits;
        for (const char* bits : {"8", "16", "32"})
            r.aliases[std::string("movsx") + bits] = std::string("movsx") + bits + "64";
        return r;
    }();
    return m;
}

const std::vector<const InsnSpec*>* find_mnemonic(const std::string& name) {
    const Mnemonics& m = mnemonics();
    auto a = m.aliases.find(name);
    auto f = m.forms.find(a != m.aliases.end() ? a->second : name);
    return f == m.forms.end() ? nullptr : &f->second;
}

bool is_conformance_mnemonic(const std::string& name) { return find_mnemonic(name) != nullptr; }

// Splits the tokens after the mnemonic at top-level commas.
std::vector<std::vector<Token>> split_operands(const std::vector<Token>& toks, size_t from) {
    std::vector<std::vector<Token>> ops;
    if (from >= toks.size()) return ops;
    ops.emplace_back();
    int depth = 0;
    for (size_t i = from; i < toks.size(); ++i) {
        const Token& t = toks[i];
        if (t.kind == Tok::Punct && (t.text == "[" || t.text == "(")) ++depth;
        if (t.kind == Tok::Punct && (t.text == "]" || t.text == ")")) --depth;
        if (depth == 0 && t.kind == Tok::Punct && t.text == ",") {
            ops.emplace_back();
            continue;
        }
        ops.back().push_back(t);
    }
    return ops;
}

std::string join(const std::vector<Token>& toks) {
    std::string s;
    for (const Token& t : toks) s += t.text;
    return s;
}

void Assembler::conformance() {
    const std::string mnem = toks_[0].text;
    std::vector<std::vector<Token>> ops = split_operands(toks_, 1);
    if (mnem == "lock") {
        conformance_lock(ops);
        return;
    }
    const auto* forms = find_mnemonic(mnem);
    if (!forms) fail("Invalid mnemonic: " + mnem);
    const InsnSpec& first = *forms->front();
    const uint8_t cls = op::cls(first.opcode);
    const uint8_t code = op::alu_op(first.opcode);

    // Expected operand count of the form.
    size_t want = 0;
    if (cls == op::kClsAlu || cls == op::kClsAlu64) want = (code == op::kNeg || code == op::kEnd) ? 1 : 2;
    else if (cls == op::kClsJmp || cls == op::kClsJmp32)
        want = code == op::kExit ? 0 : (code == op::kJa || code == op::kCall) ? 1 : 3;
    else if (cls == op::kClsLd) want = op::mem_mode(first.opcode) == op::kModeAbs ? 1 : 2;
    else want = 2;
    if (ops.size() != want) fail("Invalid number of operands for mnemonic: " + mnem);

    // Parse operand i with the cursor confined to it.
    std::vector<Token> line = std::move(toks_);
    auto with = [&](size_t i, auto&& f) {
        toks_ = ops[i];
        pos_ = 0;
        f();
        expect_end();
    };
    auto is_reg = [&](size_t i) { return !ops[i].empty() && ops[i][0].kind == Tok::Punct && ops[i][0].text == "%"; };
    auto pick = [&](bool reg_src) -> const InsnSpec& {
        for (const InsnSpec* s : *forms)
            if ((op::src_bit(s->opcode) == op::kSrcX) == reg_src) return *s;
        fail(std::string("Invalid operand for mnemonic ") + mnem + ": expected " +
             (reg_src ? "an immediate" : "a register"));
    };
    auto mem = [&](uint8_t* reg, int16_t* off) {
        if (!accept("[") || !is("%")) fail("Failed to decode register and offset: " + join(toks_));
        *reg = conf_reg();
        *off = 0;
        if (is("+") || is("-")) *off = off16(literal());
        if (!accept("]")) fail("Failed to decode register and offset: " + join(toks_));
    };
    auto selector = [](const InsnSpec& s, RawInsn& r) {
        if (s.off == Field::Selector) r.off = static_cast<int16_t>(s.selector_value);
        if (s.imm == Field::Selector) r.imm = s.selector_value;
    };

    RawInsn r = make(first.opcode);
    switch (cls) {
        case op::kClsAlu:
        case op::kClsAlu64: {
            if (want == 1) {
                with(0, [&] { r.dst = conf_reg(); });
                selector(first, r);
                break;
            }
            const InsnSpec& s = pick(is_reg(1));
            r.opcode = s.opcode;
            selector(s, r);
            with(0, [&] { r.dst = conf_reg(); });
            with(1, [&] {
                if (is("%")) r.src = conf_reg();
                else r.imm = imm32(literal(), true);
            });
            break;
        }
        case op::kClsJmp:
        case op::kClsJmp32: {
            if (code == op::kExit) {
                if (!first_exit_) first_exit_ = out_.size();
                break;
            }
            if (code == op::kJa) {
                with(0, [&] { target(r, cls == op::kClsJmp32); });
                break;
            }
            if (code == op::kCall) {  // callx %rN (the call of a register is usually written `call %rN`)
                with(0, [&] { r.dst = conf_reg(); });
                break;
            }
            const InsnSpec& s = pick(is_reg(1));
            r.opcode = s.opcode;
            with(0, [&] { r.dst = conf_reg(); });
            with(1, [&] {
                if (is("%")) r.src = conf_reg();
                else r.imm = imm32(literal(), true);
            });
            with(2, [&] { target(r, false); });
            break;
        }
        case op::kClsLd: {
            const uint8_t mode = op::mem_mode(first.opcode);
            if (mode == op::kModeImm) {
                uint8_t dst = 0;
                with(0, [&] { dst = conf_reg(); });
                with(1, [&] { lddw_operand(dst, true); });
                toks_ = std::move(line);
                return;
            }
            if (mode == op::kModeInd) with(0, [&] { r.src = conf_reg(); });
            with(want - 1, [&] { r.imm = imm32(literal(), true); });
            break;
        }
        case op::kClsLdx:
            with(0, [&] { r.dst = conf_reg(); });
            with(1, [&] {
                uint8_t base = 0;
                mem(&base, &r.off);
                r.src = base;
            });
            break;
        case op::kClsSt:
        case op::kClsStx:
            with(0, [&] {
                uint8_t base = 0;
                mem(&base, &r.off);
                r.dst = base;
            });
            with(1, [&] {
                if (cls == op::kClsSt) r.imm = imm32(literal(), true);
                else r.src = conf_reg();
            });
            break;
    }
    toks_ = std::move(line);
    emit(r);
}

// `lock [fetch] OP[32|64] [%rD+off], %rS`
void Assembler::conformance_lock(const std::vector<std::vector<Token>>& ops) {
    if (ops.size() != 2 || ops[0].empty()) fail("Invalid number of operands for lock");
    // The first operand holds the operation words before the memory operand.
    std::string name = "lock";
    size_t i = 0;
    for (; i < ops[0].size() && ops[0][i].kind == Tok::Ident; ++i) name += " " + ops[0][i].text;
    if (i == 0) fail("Invalid number of operands for lock");
    const auto* forms = find_mnemonic(name);
    if (!forms) fail("Invalid mnemonic: " + name);
    const InsnSpec& s = *forms->front();
    RawInsn r = make(s.opcode);
    r.imm = s.selector_value;
    std::vector<Token> line = std::move(toks_);
    toks_.assign(ops[0].begin() + static_cast<std::ptrdiff_t>(i), ops[0].end());
    pos_ = 0;
    if (!accept("[") || !is("%")) fail("Failed to decode register and offset: " + join(toks_));
    r.dst = conf_reg();
    if (is("+") || is("-")) r.off = off16(literal());
    if (!accept("]")) fail("Failed to decode register and offset: " + join(toks_));
    expect_end();
    toks_ = ops[1];
    pos_ = 0;
    r.src = conf_reg();
    expect_end();
    toks_ = std::move(line);
    emit(r);
}

// ---------------------------------------------------------------------------------------------
// llvm-objdump syntax

// `(u8 *)` .. `(u64 *)`, `(s8 *)` .. `(s32 *)` after the opening parenthesis: returns the size field.
uint8_t Assembler::llvm_size(bool* sign) {
    const Token* t = peek();
    static const std::pair<std::string_view, uint8_t> kTypes[] = {
        {"u8", op::kSizeB}, {"u16", op::kSizeH}, {"u32", op::kSizeW}, {"u64", op::kSizeDW},
        {"s8", op::kSizeB}, {"s16", op::kSizeH}, {"s32", op::kSizeW}};
    if (t && t->kind == Tok::Ident) {
        for (auto [name, size] : kTypes) {
            if (t->text != name) continue;
            ++pos_;
            *sign = name[0] == 's';
            expect("*");
            expect(")");
            return size;
        }
    }
    fail("Invalid instruction: expected a type (u8, u16, u32, u64, s8, s16, s32) at " + near());
}

// `rN + off` / `rN - off` / `rN` (inside parentheses already opened by the caller).
void Assembler::llvm_mem(uint8_t* base, int16_t* off) {
    char w = 0;
    *base = llvm_reg(&w);
    if (w != 'r') fail("Invalid instruction: the address register must be an r register");
    *off = 0;
    if (is("+") || is("-")) *off = off16(literal());
}

struct AluSym {
    std::string_view sym;
    uint8_t code;
    int16_t off;
};
constexpr AluSym kAluSyms[] = {
    {"+=", op::kAdd, 0},   {"-=", op::kSub, 0},  {"*=", op::kMul, 0},  {"/=", op::kDiv, 0},   {"s/=", op::kDiv, 1},
    {"|=", op::kOr, 0},    {"&=", op::kAnd, 0},  {"<<=", op::kLsh, 0}, {">>=", op::kRsh, 0},  {"%=", op::kMod, 0},
    {"s%=", op::kMod, 1},  {"^=", op::kXor, 0},  {"s>>=", op::kArsh, 0},
};

struct CondSym {
    std::string_view sym;
    uint8_t code;
};
constexpr CondSym kCondSyms[] = {
    {"==", op::kJeq}, {"!=", op::kJne},  {">", op::kJgt},   {">=", op::kJge},  {"<", op::kJlt},  {"<=", op::kJle},
    {"s>", op::kJsgt}, {"s>=", op::kJsge}, {"s<", op::kJslt}, {"s<=", op::kJsle}, {"&", op::kJset},
};

void Assembler::llvm() {
    if (accept("if")) {
        char w = 0;
        RawInsn r;
        r.dst = llvm_reg(&w);
        const uint8_t cls = w == 'w' ? op::kClsJmp32 : op::kClsJmp;
        const Token* t = peek();
        const CondSym* c = nullptr;
        for (const CondSym& s : kCondSyms)
            if (t && t->kind == Tok::Punct && t->text == s.sym) c = &s;
        if (!c) fail("Invalid instruction: expected a comparison at " + near());
        ++pos_;
        char w2 = 0;
        uint8_t n = 0;
        if (reg_token(peek(), &w2, &n)) {
            ++pos_;
            if (w2 != w) fail("Invalid instruction: both operands of a comparison must be r or w registers");
            r.opcode = cls | c->code | op::kSrcX;
            r.src = n;
        } else {
            r.opcode = cls | c->code | op::kSrcK;
            r.imm = imm32(literal(), false);
        }
        expect("goto");
        target(r, false);
        expect_end();
        emit(r);
        return;
    }
    if (accept("goto")) {
        RawInsn r = make(op::kClsJmp | op::kJa);
        target(r, false);
        expect_end();
        emit(r);
        return;
    }
    if (accept("gotol")) {
        RawInsn r = make(op::kClsJmp32 | op::kJa);
        target(r, true);
        expect_end();
        emit(r);
        return;
    }
    if (accept("callx")) {
        char w = 0;
        const uint8_t reg = llvm_reg(&w);
        expect_end();
        emit(make(op::kClsJmp | op::kCall | op::kSrcX, reg));
        return;
    }
    if (accept("ld_pseudo")) {  // llvm's text for an lddw with a pseudo source: ld_pseudo rD, SRC, IMM
        char w = 0;
        const uint8_t dst = llvm_reg(&w);
        expect(",");
        const Literal src = literal();
        if (src.neg || src.mag > 15) fail("Invalid instruction: ld_pseudo source " + src.text + " out of range");
        expect(",");
        const int32_t imm = imm32(literal(), false);
        expect_end();
        emit_lddw(dst, static_cast<uint8_t>(src.mag), imm, 0);
        return;
    }
    if (accept("lock")) {  // lock *(u64 *)(rD + off) OP= rS
        expect("*");
        expect("(");
        bool sign = false;
        const uint8_t size = llvm_size(&sign);
        if (sign || (size != op::kSizeW && size != op::kSizeDW)) fail("Invalid instruction: lock needs u32 or u64");
        RawInsn r = make(op::kClsStx | op::kModeAtomic | size);
        expect("(");
        uint8_t base = 0;
        llvm_mem(&base, &r.off);
        r.dst = base;
        expect(")");
        const Token* t = peek();
        static const std::pair<std::string_view, int32_t> kOps[] = {
            {"+=", op::kAdd}, {"|=", op::kOr}, {"&=", op::kAnd}, {"^=", op::kXor}};
        bool found = false;
        for (auto [sym, imm] : kOps) {
            if (t && t->kind == Tok::Punct && t->text == sym) {
                r.imm = imm;
                found = true;
            }
        }
        if (!found) fail("Invalid instruction: expected +=, |=, &= or ^= at " + near());
        ++pos_;
        r.src = llvm_reg(nullptr);
        expect_end();
        emit(r);
        return;
    }
    if (accept("*")) {  // *(uN *)(rD + off) = rS | imm
        expect("(");
        bool sign = false;
        const uint8_t size = llvm_size(&sign);
        if (sign) fail("Invalid instruction: stores take unsigned types");
        RawInsn r;
        expect("(");
        uint8_t base = 0;
        llvm_mem(&base, &r.off);
        r.dst = base;
        expect(")");
        expect("=");
        char w = 0;
        uint8_t n = 0;
        if (reg_token(peek(), &w, &n)) {
            ++pos_;
            if (w == 'w' && size == op::kSizeDW) fail("Invalid instruction: a 64-bit store needs an r register");
            r.opcode = op::kClsStx | op::kModeMem | size;
            r.src = n;
        } else {
            r.opcode = op::kClsSt | op::kModeMem | size;
            r.imm = imm32(literal(), false);
        }
        expect_end();
        emit(r);
        return;
    }
    char w = 0;
    uint8_t n = 0;
    if (!reg_token(peek(), &w, &n)) fail("Invalid mnemonic: " + toks_[0].text);
    ++pos_;
    llvm_assign(n, w);
}

// Everything that starts with a destination register.
void Assembler::llvm_assign(uint8_t dst, char width) {
    const bool is64 = width == 'r';
    const uint8_t alu = is64 ? op::kClsAlu64 : op::kClsAlu;
    const Token* t = peek();
    if (!t) fail("Invalid instruction: expected an operator after the register");

    // Compound assignment: rD OP= rS | imm
    for (const AluSym& a : kAluSyms) {
        if (t->kind != Tok::Punct || t->text != a.sym) continue;
        ++pos_;
        RawInsn r = make(alu | a.code, dst, 0, a.off);
        char w2 = 0;
        uint8_t n = 0;
        if (reg_token(peek(), &w2, &n)) {
            ++pos_;
            if (w2 != width) fail("Invalid instruction: mixed r and w registers");
            r.opcode |= op::kSrcX;
            r.src = n;
        } else {
            r.imm = imm32(literal(), false);
        }
        expect_end();
        emit(r);
        return;
    }
    expect("=");
    t = peek();
    if (!t) fail("Invalid instruction: expected a value after '='");

    char w2 = 0;
    uint8_t n = 0;
    if (reg_token(t, &w2, &n)) {  // mov
        ++pos_;
        if (w2 != width) fail("Invalid instruction: mixed r and w registers");
        expect_end();
        emit(make(alu | op::kMov | op::kSrcX, dst, n));
        return;
    }
    if (is("-") && reg_token(peek(1), &w2, &n)) {  // neg
        pos_ += 2;
        if (w2 != width || n != dst) fail("Invalid instruction: negation must read and write the same register");
        expect_end();
        emit(make(alu | op::kNeg, dst));
        return;
    }
    if (is("(")) {  // movsx: rD = (s8)rS
        ++pos_;
        const Token* ty = peek();
        int bits = 0;
        if (ty && ty->text == "s8") bits = 8;
        else if (ty && ty->text == "s16") bits = 16;
        else if (ty && ty->text == "s32") bits = 32;
        if (!bits) fail("Invalid instruction: expected s8, s16 or s32 at " + near());
        ++pos_;
        expect(")");
        const uint8_t src = llvm_reg(&w2);
        if (w2 != width) fail("Invalid instruction: mixed r and w registers");
        expect_end();
        emit(make(alu | op::kMov | op::kSrcX, dst, src, static_cast<int16_t>(bits)));
        return;
    }
    if (accept("*")) {  // loads: rD = *(uN *)(rS + off) | r0 = *(uN *)skb[...]
        expect("(");
        bool sign = false;
        const uint8_t size = llvm_size(&sign);
        if (accept("skb")) {
            if (dst != 0 || sign || size == op::kSizeDW)
                fail("Invalid instruction: packet loads are r0 = *(u8|u16|u32 *)skb[...]");
            expect("[");
            RawInsn r = make(op::kClsLd | op::kModeAbs | size);
            if (reg_token(peek(), &w2, &n)) {
                ++pos_;
                r.opcode = op::kClsLd | op::kModeInd | size;
                r.src = n;
                if (is("+") || is("-")) r.imm = imm32(literal(), false);
            } else {
                r.imm = imm32(literal(), false);
            }
            expect("]");
            expect_end();
            emit(r);
            return;
        }
        if (width == 'w' && size == op::kSizeDW) fail("Invalid instruction: a 64-bit load needs an r register");
        if (sign && size == op::kSizeDW) fail("Invalid instruction: no sign-extending 64-bit load");
        RawInsn r = make(op::kClsLdx | (sign ? op::kModeMemSx : op::kModeMem) | size, dst);
        expect("(");
        uint8_t base = 0;
        llvm_mem(&base, &r.off);
        r.src = base;
        expect(")");
        expect_end();
        emit(r);
        return;
    }
    if (t->kind == Tok::Ident) {
        const std::string name = t->text;
        // Byte swaps: rD = be16 rD
        static const std::tuple<std::string_view, uint8_t, int32_t> kSwaps[] = {
            {"be16", op::kClsAlu | op::kEnd | op::kSrcX, 16},   {"be32", op::kClsAlu | op::kEnd | op::kSrcX, 32},
            {"be64", op::kClsAlu | op::kEnd | op::kSrcX, 64},   {"le16", op::kClsAlu | op::kEnd | op::kSrcK, 16},
            {"le32", op::kClsAlu | op::kEnd | op::kSrcK, 32},   {"le64", op::kClsAlu | op::kEnd | op::kSrcK, 64},
            {"bswap16", op::kClsAlu64 | op::kEnd | op::kSrcK, 16}, {"bswap32", op::kClsAlu64 | op::kEnd | op::kSrcK, 32},
            {"bswap64", op::kClsAlu64 | op::kEnd | op::kSrcK, 64}};
        for (auto [sw, opcode, bits] : kSwaps) {
            if (name != sw) continue;
            ++pos_;
            const uint8_t src = llvm_reg(nullptr);
            if (src != dst) fail("Invalid instruction: " + name + " must read and write the same register");
            expect_end();
            emit(make(opcode, dst, 0, 0, bits));
            return;
        }
        // Atomics with a result: rS = atomic_fetch_OP((uN *)(rD + off), rS), xchg, cmpxchg.
        static const std::pair<std::string_view, int32_t> kFetch[] = {
            {"atomic_fetch_add", op::kAdd | op::kAtomicFetch},
            {"atomic_fetch_or", op::kOr | op::kAtomicFetch},
            {"atomic_fetch_and", op::kAnd | op::kAtomicFetch},
            {"atomic_fetch_xor", op::kXor | op::kAtomicFetch}};
        for (auto [fn, imm] : kFetch) {
            if (name != fn) continue;
            ++pos_;
            expect("(");
            expect("(");
            bool sign = false;
            const uint8_t size = llvm_size(&sign);
            if (sign || (size != op::kSizeW && size != op::kSizeDW))
                fail("Invalid instruction: atomics take u32 or u64");
            if ((size == op::kSizeDW) != is64) fail("Invalid instruction: register width does not match the access");
            RawInsn r = make(op::kClsStx | op::kModeAtomic | size, 0, 0, 0, imm);
            expect("(");
            uint8_t base = 0;
            llvm_mem(&base, &r.off);
            r.dst = base;
            expect(")");
            expect(",");
            const uint8_t src = llvm_reg(nullptr);
            expect(")");
            expect_end();
            if (src != dst) fail("Invalid instruction: " + name + " returns the old value in its source register");
            r.src = src;
            emit(r);
            return;
        }
        const bool xchg64 = name == "xchg_64", xchg32 = name == "xchg32_32";
        const bool cmp64 = name == "cmpxchg_64", cmp32 = name == "cmpxchg32_32";
        if (xchg64 || xchg32 || cmp64 || cmp32) {
            ++pos_;
            const bool wide = xchg64 || cmp64;
            if (wide != is64) fail("Invalid instruction: register width does not match " + name);
            RawInsn r = make(op::kClsStx | op::kModeAtomic | (wide ? op::kSizeDW : op::kSizeW), 0, 0, 0,
                             (xchg64 || xchg32) ? op::kAtomicXchg : op::kAtomicCmpXchg);
            expect("(");
            uint8_t base = 0;
            llvm_mem(&base, &r.off);
            r.dst = base;
            expect(",");
            if (cmp64 || cmp32) {
                const uint8_t cmp = llvm_reg(nullptr);
                if (cmp != 0 || dst != 0) fail("Invalid instruction: " + name + " compares with and returns in r0");
                expect(",");
            }
            r.src = llvm_reg(nullptr);
            expect(")");
            expect_end();
            if (xchg64 || xchg32) {
                if (r.src != dst) fail("Invalid instruction: " + name + " returns the old value in its source register");
            }
            emit(r);
            return;
        }
        // Pseudo lddw: rD = map[3] ll
        for (auto [pn, pseudo] : kPseudoNames) {
            (void)pseudo;
            if (name == pn) {
                if (!is64) fail("Invalid instruction: lddw needs an r register");
                lddw_operand(dst, false);
                expect_end();
                return;
            }
        }
        fail("Invalid instruction: unexpected '" + name + "'");
    }
    // Immediates: rD = imm (mov) | rD = imm ll (lddw)
    const Literal l = literal();
    if (accept("ll")) {
        if (!is64) fail("Invalid instruction: lddw needs an r register");
        const uint64_t v = static_cast<uint64_t>(imm64(l));
        expect_end();
        emit_lddw(dst, op::kPseudoImm64, static_cast<int32_t>(static_cast<uint32_t>(v)),
                  static_cast<int32_t>(static_cast<uint32_t>(v >> 32)));
        return;
    }
    expect_end();
    emit(make(alu | op::kMov | op::kSrcK, dst, 0, 0, imm32(l, false)));
}

// ---------------------------------------------------------------------------------------------
// Lines, labels, fixups

// Removes a comment, a trailing `<symbol>` annotation of llvm-objdump and surrounding blanks.
std::string_view clean(std::string_view s) {
    size_t cut = s.size();
    for (std::string_view c : {"#", ";", "//"}) cut = std::min(cut, s.find(c));
    s = s.substr(0, cut);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    if (!s.empty() && s.back() == '>') {
        const size_t lt = s.rfind('<');
        if (lt != std::string_view::npos && lt > 0 && s[lt - 1] == ' ') {
            bool symbol = true;
            for (char c : s.substr(lt + 1, s.size() - lt - 2))
                if (!ident_char(c) && c != '+' && c != '-') symbol = false;
            if (symbol) s = s.substr(0, lt - 1);
        }
        while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    }
    return s;
}

void Assembler::line(std::string_view raw) {
    std::string_view s = clean(raw);
    if (s.empty()) return;
    // llvm-objdump's symbol line: "0000000000000000 <name>:" defines a label.
    {
        const size_t sp = s.find(" <");
        if (sp != std::string_view::npos && s.size() > sp + 4 && s.substr(s.size() - 2) == ">:") {
            bool hex = sp > 0;
            for (char c : s.substr(0, sp)) hex = hex && std::isxdigit(static_cast<unsigned char>(c));
            if (hex) {
                std::string name(s.substr(sp + 2, s.size() - sp - 4));
                if (labels_.count(name)) fail("Duplicate label: " + name);
                labels_[name] = out_.size();
                return;
            }
        }
    }
    char bad = 0;
    auto toks = lex(s, &bad);
    if (!toks) fail(std::string("Invalid character '") + bad + "'");
    toks_ = std::move(*toks);
    pos_ = 0;
    // An address prefix "12:" as llvm-objdump prints it.
    if (toks_.size() >= 2 && toks_[0].kind == Tok::Num && toks_[1].text == ":") {
        bool digits = true;
        for (char c : toks_[0].text) digits = digits && std::isdigit(static_cast<unsigned char>(c));
        if (!digits) fail("Invalid label: " + toks_[0].text);
        pos_ = 2;
    }
    // Labels.
    while (pos_ + 1 < toks_.size() && toks_[pos_].kind == Tok::Ident && toks_[pos_ + 1].text == ":") {
        const std::string& name = toks_[pos_].text;
        if (labels_.count(name)) fail("Duplicate label: " + name);
        labels_[name] = out_.size();
        pos_ += 2;
    }
    if (at_end()) return;
    toks_.erase(toks_.begin(), toks_.begin() + static_cast<std::ptrdiff_t>(pos_));
    pos_ = 0;
    const Token& first = toks_[0];
    if (first.kind != Tok::Ident && first.text != "*") fail("Invalid mnemonic: " + first.text);
    if (first.text == "exit" && toks_.size() == 1) {
        if (!first_exit_) first_exit_ = out_.size();
        emit(make(op::kClsJmp | op::kExit));
        return;
    }
    if (first.text == "call") {
        ++pos_;
        call();
        return;
    }
    bool conf = false;
    for (const Token& t : toks_) conf = conf || (t.kind == Tok::Punct && t.text == "%");
    if (first.text == "lock") conf = !(toks_.size() > 1 && toks_[1].text == "*");
    else if (first.text != "callx" && is_conformance_mnemonic(first.text)) conf = true;
    if (conf) conformance();
    else llvm();
}

std::vector<RawInsn> Assembler::run(const std::string& text) {
    size_t start = 0;
    line_ = 0;
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        ++line_;
        std::string_view l(text.data() + start, end - start);
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        line(l);
        start = end + 1;
    }
    for (const Fixup& f : fixups_) {
        line_ = f.line;
        size_t target = 0;
        auto it = labels_.find(f.label);
        if (it != labels_.end()) target = it->second;
        else if (f.label == "exit" && first_exit_) target = *first_exit_;
        else fail("Invalid label: " + f.label);
        const int64_t rel = static_cast<int64_t>(target) - static_cast<int64_t>(f.slot) - 1;
        if (f.in_imm) {
            out_[f.slot].imm = static_cast<int32_t>(rel);
        } else {
            if (rel < INT16_MIN || rel > INT16_MAX)
                fail("Jump offset out of range: " + f.label + " is " + std::to_string(rel) + " instructions away");
            out_[f.slot].off = static_cast<int16_t>(rel);
        }
    }
    const auto errors = validate(out_);
    if (!errors.empty()) {
        const std::string& e = errors.front();
        // "instruction N: ..." names a slot: report the source line that produced it.
        size_t slot = 0;
        if (std::sscanf(e.c_str(), "instruction %zu:", &slot) == 1 && slot < line_of_slot_.size())
            line_ = line_of_slot_[slot];
        throw Error(ErrorKind::BadInput, "line " + std::to_string(line_) + ": " + e);
    }
    return out_;
}

}  // namespace

std::vector<RawInsn> assemble(const std::string& text) { return Assembler().run(text); }

}  // namespace bpfnic
