// SPDX-License-Identifier: MIT
// The random valid-program generator. Programs are built as raw instructions, one function at a
// time, by statement "blocks" that keep a small abstract state: which scalar registers hold an
// initialised, pointer-free value. Registers with a fixed role are never touched by scalar code:
//   r10 frame pointer; r9 pointer to the memory window (raw memory, or the bounds-checked packet
//   window in XDP mode); r8 the xdp_md pointer in XDP mode (a scalar in raw mode).
// Stack layout of every function's frame: [r10-64, r10) data, written by the prologue;
// [r10-72, r10-64) map key slot; [r10-112, r10-72) map value buffer (written before each use).
#include "tests/support/random_program.h"

#include <cstring>
#include <iterator>
#include <random>

#include "compiler/platform.h"
#include "driver/xdp_buff.h"

namespace bpfnic::testing {

namespace {

using Mode = RandomProgramOptions::Mode;

constexpr uint8_t kFp = 10, kWin = 9, kCtx = 8;
constexpr int16_t kDataArea = 64, kKeySlot = -72, kValueBuf = -112;
constexpr int32_t kArrayMap = 0, kHashMap = 1, kProgArrayMap = 2, kPercpuMap = 3, kGlobalMap = 4;
constexpr uint32_t kArrayEntries = 8, kArrayValue = 24, kHashEntries = 8, kHashValue = 16, kProgSlots = 4,
                   kGlobalSize = 32;
constexpr int kSubprograms = 2;
constexpr int32_t kVerdictPass = 2;  // XDP_PASS

RawInsn make(uint8_t opcode, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
    RawInsn i;
    i.opcode = opcode;
    i.dst = dst & 0xf;
    i.src = src & 0xf;
    i.off = off;
    i.imm = imm;
    return i;
}

struct Region {  // memory a block may access: [base + lo, base + hi)
    uint8_t base;
    int32_t lo, hi;
};

// Where a block is generated, which decides what it may do.
struct Scope {
    int depth = 0;
    bool calls = true;          // helpers and calls allowed (not while r0 holds a map value pointer)
    bool packet_helpers = true; // main and tail program only
    int callee = -1;            // subprogram index a local call may target, or -1
    bool tail_call = false;
    int value_reg = -1;         // register holding a map value pointer, or -1
    uint32_t value_size = 0;
};

class Generator {
public:
    Generator(uint64_t seed, const RandomProgramOptions& o) : rng_(seed), o_(o), xdp_(o.mode == Mode::Xdp) {}

    RandomProgram build(uint64_t seed);

private:
    // Randomness.
    uint64_t u(uint64_t n) { return n ? rng_() % n : 0; }
    bool chance(int percent) { return static_cast<int>(u(100)) < percent; }
    int32_t imm32();
    uint64_t imm64();

    // Emission.
    void emit(RawInsn i) { code_->push_back(i); }
    void mov_imm(uint8_t dst, int32_t v) { emit(make(op::kClsAlu64 | op::kMov | op::kSrcK, dst, 0, 0, v)); }
    void mov_reg(uint8_t dst, uint8_t src) { emit(make(op::kClsAlu64 | op::kMov | op::kSrcX, dst, src, 0, 0)); }
    void lddw(uint8_t dst, uint8_t pseudo, int32_t lo, int32_t hi) {
        emit(make(op::kClsLd | op::kModeImm | op::kSizeDW, dst, pseudo, 0, lo));
        emit(make(0, 0, 0, 0, hi));
    }
    void call(int32_t id) { emit(make(op::kClsJmp | op::kCall, 0, op::kCallHelper, 0, id)); }
    void exit_insn() { emit(make(op::kClsJmp | op::kExit, 0, 0, 0, 0)); }
    size_t jump_placeholder(RawInsn j) {
        emit(j);
        return code_->size() - 1;
    }
    void patch_to_here(size_t at) {
        const int64_t off = static_cast<int64_t>(code_->size()) - static_cast<int64_t>(at) - 1;
        RawInsn& j = (*code_)[at];
        if (j.opcode == (op::kClsJmp32 | op::kJa))
            j.imm = static_cast<int32_t>(off);
        else
            j.off = static_cast<int16_t>(off);
    }

    // Abstract state: bit r set = scalar register r is initialised and pointer-free.
    bool is_scalar_reg(int r) const { return r >= 0 && r <= (xdp_ ? 7 : 8); }
    int any_scalar(const Scope& s) {
        for (;;) {
            const int r = static_cast<int>(u(xdp_ ? 8 : 9));
            if (r != s.value_reg) return r;
        }
    }
    int init_scalar(uint16_t st, const Scope& s) {
        int n = 0, pick = -1;
        for (int r = 0; r <= 8; ++r)
            if (is_scalar_reg(r) && r != s.value_reg && (st >> r & 1) && u(++n) == 0) pick = r;
        return pick;
    }
    void ensure(uint16_t& st, int r) {
        if (st >> r & 1) return;
        if (chance(30))
            lddw(static_cast<uint8_t>(r), op::kPseudoImm64, static_cast<int32_t>(imm64()), static_cast<int32_t>(imm64() >> 32));
        else
            mov_imm(static_cast<uint8_t>(r), imm32());
        st |= uint16_t(1u << r);
    }
    int source(uint16_t& st, const Scope& s) {  // an initialised scalar, made so if needed
        int r = init_scalar(st, s);
        if (r < 0) {
            r = any_scalar(s);
            ensure(st, r);
        }
        return r;
    }
    static void clobber_call(uint16_t& st) { st &= static_cast<uint16_t>(~0x3fu); }  // r0..r5

    Region pick_region(const Scope& s, int width);

    // Blocks.
    void prologue_stack();
    void block(uint16_t& st, const Scope& s);
    void blocks(uint16_t& st, const Scope& s, int n);
    void alu(uint16_t& st, const Scope& s);
    void load(uint16_t& st, const Scope& s);
    void store(uint16_t& st, const Scope& s);
    void atomic(uint16_t& st, const Scope& s);
    void jump_region(uint16_t& st, const Scope& s);
    void early_exit(uint16_t& st, const Scope& s);
    void map_key(uint16_t& st, const Scope& s, bool wide);
    void map_lookup(uint16_t& st, const Scope& s);
    void map_update(uint16_t& st, const Scope& s);
    void map_delete(uint16_t& st, const Scope& s);
    void global_data(uint16_t& st, const Scope& s);
    void plain_helper(uint16_t& st, const Scope& s);
    void callx(uint16_t& st, const Scope& s);
    void legacy_packet(uint16_t& st, const Scope& s);
    void packet_helper(uint16_t& st, const Scope& s);
    void local_call(uint16_t& st, const Scope& s);
    void tail_call(uint16_t& st);
    void derive_window(int32_t fail_verdict);
    void finish(uint16_t& st, const Scope& s);

    std::vector<RawInsn> function(bool main, int sub_index);

    std::mt19937_64 rng_;
    RandomProgramOptions o_;
    bool xdp_;
    uint32_t window_ = 64;
    std::vector<RawInsn>* code_ = nullptr;
    std::vector<std::pair<size_t, int>> call_fixups_;  // (index in code_, subprogram)
};

int32_t Generator::imm32() {
    static constexpr int32_t kInteresting[] = {0, 1, -1, 2, 3, 7, 8, 31, 32, 63, 64, 0x7f, 0x80, 0xff, 0xffff,
                                               0x7fffffff, INT32_MIN, -2, -8, 0x12345678};
    switch (u(3)) {
    case 0: return kInteresting[u(std::size(kInteresting))];
    case 1: return static_cast<int32_t>(u(64)) - 16;
    default: return static_cast<int32_t>(rng_());
    }
}

uint64_t Generator::imm64() {
    static constexpr uint64_t kInteresting[] = {0, 1, ~0ull, 0x8000000000000000ull, 0x7fffffffffffffffull,
                                                0xffffffffull, 0x100000000ull, 0x80000000ull, 0xffffffff80000000ull};
    return chance(40) ? kInteresting[u(std::size(kInteresting))] : rng_();
}

Region Generator::pick_region(const Scope& s, int width) {
    if (s.value_reg >= 0 && chance(60)) return {static_cast<uint8_t>(s.value_reg), 0, static_cast<int32_t>(s.value_size)};
    if (chance(50)) return {kFp, -kDataArea, 0};
    return {kWin, 0, static_cast<int32_t>(window_)};
    (void)width;
}

void Generator::prologue_stack() {
    for (int k = 1; k <= kDataArea / 8; ++k)
        emit(make(op::kClsSt | op::kModeMem | op::kSizeDW, kFp, 0, static_cast<int16_t>(-8 * k), imm32()));
}

void Generator::alu(uint16_t& st, const Scope& s) {
    static constexpr uint8_t kOps[] = {op::kAdd, op::kSub, op::kMul, op::kDiv, op::kOr,  op::kAnd, op::kLsh,
                                       op::kRsh, op::kNeg, op::kMod, op::kXor, op::kMov, op::kArsh, op::kEnd};
    const bool is64 = chance(55);
    const uint8_t cls = is64 ? op::kClsAlu64 : op::kClsAlu;
    const uint8_t aop = kOps[u(std::size(kOps))];
    const int dst = any_scalar(s);
    if (aop == op::kNeg) {
        ensure(st, dst);
        emit(make(cls | op::kNeg, static_cast<uint8_t>(dst), 0, 0, 0));
        return;
    }
    if (aop == op::kEnd) {
        ensure(st, dst);
        static constexpr int32_t kWidths[] = {16, 32, 64};
        const int32_t w = kWidths[u(3)];
        if (chance(33))
            emit(make(op::kClsAlu64 | op::kEnd | op::kSrcK, static_cast<uint8_t>(dst), 0, 0, w));  // bswap
        else
            emit(make(op::kClsAlu | op::kEnd | (chance(50) ? op::kSrcX : op::kSrcK), static_cast<uint8_t>(dst), 0, 0, w));
        return;
    }
    if (aop != op::kMov) ensure(st, dst);
    int16_t off = 0;
    if ((aop == op::kDiv || aop == op::kMod) && chance(50)) off = 1;  // sdiv / smod
    if (chance(45)) {
        emit(make(cls | aop | op::kSrcK, static_cast<uint8_t>(dst), 0, off, imm32()));
    } else {
        const int src = source(st, s);
        if (aop == op::kMov && chance(30)) {  // movsx
            static constexpr int16_t kSx64[] = {8, 16, 32}, kSx32[] = {8, 16};
            off = is64 ? kSx64[u(3)] : kSx32[u(2)];
        }
        emit(make(cls | aop | op::kSrcX, static_cast<uint8_t>(dst), static_cast<uint8_t>(src), off, 0));
    }
    st |= uint16_t(1u << dst);
}

void Generator::load(uint16_t& st, const Scope& s) {
    static constexpr uint8_t kSizes[] = {op::kSizeB, op::kSizeH, op::kSizeW, op::kSizeDW};
    const uint8_t size = kSizes[u(4)];
    const int w = op::size_bytes(size);
    const Region r = pick_region(s, w);
    const int32_t off = r.lo + static_cast<int32_t>(u(static_cast<uint64_t>(r.hi - r.lo - w + 1)));
    const bool sx = size != op::kSizeDW && chance(30);
    const int dst = any_scalar(s);
    emit(make(op::kClsLdx | (sx ? op::kModeMemSx : op::kModeMem) | size, static_cast<uint8_t>(dst), r.base,
              static_cast<int16_t>(off), 0));
    st |= uint16_t(1u << dst);
}

void Generator::store(uint16_t& st, const Scope& s) {
    static constexpr uint8_t kSizes[] = {op::kSizeB, op::kSizeH, op::kSizeW, op::kSizeDW};
    const uint8_t size = kSizes[u(4)];
    const int w = op::size_bytes(size);
    const Region r = pick_region(s, w);
    const int32_t off = r.lo + static_cast<int32_t>(u(static_cast<uint64_t>(r.hi - r.lo - w + 1)));
    if (chance(40)) {
        emit(make(op::kClsSt | op::kModeMem | size, r.base, 0, static_cast<int16_t>(off), imm32()));
    } else {
        const int src = source(st, s);
        emit(make(op::kClsStx | op::kModeMem | size, r.base, static_cast<uint8_t>(src), static_cast<int16_t>(off), 0));
    }
}

void Generator::atomic(uint16_t& st, const Scope& s) {
    static constexpr int32_t kOps[] = {0x00, 0x40, 0x50, 0xa0, 0x01, 0x41, 0x51, 0xa1, op::kAtomicXchg,
                                       op::kAtomicCmpXchg};
    const bool is64 = chance(50);
    const int w = is64 ? 8 : 4;
    const Region r = pick_region(s, w);
    const int32_t slots = (r.hi - r.lo) / w;
    const int32_t off = r.lo + w * static_cast<int32_t>(u(static_cast<uint64_t>(slots)));
    int32_t aop = kOps[u(std::size(kOps))];
    if (aop == op::kAtomicCmpXchg && s.value_reg == 0) aop = 0x01;  // r0 holds the value pointer
    const int src = source(st, s);
    if (aop == op::kAtomicCmpXchg) ensure(st, 0);
    emit(make(op::kClsStx | op::kModeAtomic | (is64 ? op::kSizeDW : op::kSizeW), r.base, static_cast<uint8_t>(src),
              static_cast<int16_t>(off), aop));
    if (aop == op::kAtomicCmpXchg) st |= 1u;
}

void Generator::jump_region(uint16_t& st, const Scope& s) {
    static constexpr uint8_t kConds[] = {op::kJeq, op::kJgt, op::kJge, op::kJset, op::kJne, op::kJsgt,
                                         op::kJsge, op::kJlt, op::kJle, op::kJslt, op::kJsle};
    size_t at;
    bool dead = false;
    if (chance(12)) {  // unconditional: the region is dead code
        dead = true;
        at = jump_placeholder(chance(50) ? make(op::kClsJmp | op::kJa, 0, 0, 0, 0) : make(op::kClsJmp32 | op::kJa, 0, 0, 0, 0));
    } else {
        const uint8_t cls = chance(40) ? op::kClsJmp32 : op::kClsJmp;
        const uint8_t cond = kConds[u(std::size(kConds))];
        const int left = source(st, s);
        if (chance(50))
            at = jump_placeholder(make(cls | cond | op::kSrcK, static_cast<uint8_t>(left), 0, 0, imm32()));
        else
            at = jump_placeholder(make(cls | cond | op::kSrcX, static_cast<uint8_t>(left), static_cast<uint8_t>(source(st, s)), 0, 0));
    }
    uint16_t inner = st;
    Scope sub = s;
    sub.depth = s.depth + 1;
    blocks(inner, sub, 1 + static_cast<int>(u(3)));
    patch_to_here(at);
    if (!dead) st &= inner;
}

void Generator::early_exit(uint16_t& st, const Scope& s) {
    // if (cond) { r0 = x; exit; }  written as: if !cond skip the two instructions.
    const int left = source(st, s);
    const size_t at = jump_placeholder(make(op::kClsJmp | op::kJne | op::kSrcK, static_cast<uint8_t>(left), 0, 0, imm32()));
    if (s.value_reg == 0) {
        mov_imm(0, imm32());
    } else {
        uint16_t inner = st;
        mov_reg(0, static_cast<uint8_t>(source(inner, s)));
    }
    exit_insn();
    patch_to_here(at);
}

void Generator::map_key(uint16_t& st, const Scope& s, bool wide) {
    const uint8_t size = wide ? op::kSizeDW : op::kSizeW;
    if (chance(50)) {
        emit(make(op::kClsSt | op::kModeMem | size, kFp, 0, kKeySlot, static_cast<int32_t>(u(kArrayEntries + 2))));
    } else {
        const int src = source(st, s);
        mov_reg(1, static_cast<uint8_t>(src));
        emit(make(op::kClsAlu64 | op::kAnd | op::kSrcK, 1, 0, 0, 15));
        emit(make(op::kClsStx | op::kModeMem | size, kFp, 1, kKeySlot, 0));
    }
}

void Generator::map_lookup(uint16_t& st, const Scope& s) {
    const bool hash = chance(40);
    map_key(st, s, hash);
    lddw(1, op::kPseudoMapIdx, hash ? kHashMap : chance(50) ? kArrayMap : kPercpuMap, 0);
    mov_reg(2, kFp);
    emit(make(op::kClsAlu64 | op::kAdd | op::kSrcK, 2, 0, 0, kKeySlot));
    call(helper_id::kMapLookupElem);
    clobber_call(st);
    const size_t at = jump_placeholder(make(op::kClsJmp | op::kJeq | op::kSrcK, 0, 0, 0, 0));
    Scope body = s;
    body.depth = s.depth + 1;
    body.calls = false;
    body.value_reg = 0;
    body.value_size = hash ? kHashValue : kArrayValue;
    uint16_t inner = st;
    blocks(inner, body, 1 + static_cast<int>(u(4)));
    patch_to_here(at);
    st &= inner;
    st &= static_cast<uint16_t>(~1u);  // r0 is a pointer on one path
}

void Generator::map_update(uint16_t& st, const Scope& s) {
    const bool hash = chance(50);
    const uint32_t vs = hash ? kHashValue : kArrayValue;
    map_key(st, s, hash);
    for (uint32_t i = 0; i < vs; i += 8) {
        if (chance(50))
            emit(make(op::kClsSt | op::kModeMem | op::kSizeDW, kFp, 0, static_cast<int16_t>(kValueBuf + i), imm32()));
        else
            emit(make(op::kClsStx | op::kModeMem | op::kSizeDW, kFp, static_cast<uint8_t>(source(st, s)),
                      static_cast<int16_t>(kValueBuf + i), 0));
    }
    lddw(1, op::kPseudoMapIdx, hash ? kHashMap : kArrayMap, 0);
    mov_reg(2, kFp);
    emit(make(op::kClsAlu64 | op::kAdd | op::kSrcK, 2, 0, 0, kKeySlot));
    mov_reg(3, kFp);
    emit(make(op::kClsAlu64 | op::kAdd | op::kSrcK, 3, 0, 0, kValueBuf));
    mov_imm(4, chance(75) ? 0 : static_cast<int32_t>(u(3)));
    call(helper_id::kMapUpdateElem);
    clobber_call(st);
    st |= 1u;
}

// Global data: a direct pointer into a one-entry array (lddw map_value), one load or store through
// it. The pointer register (r1..r5, never a map value pointer holder) ends uninitialised.
void Generator::global_data(uint16_t& st, const Scope& s) {
    static constexpr uint8_t kSizes[] = {op::kSizeB, op::kSizeH, op::kSizeW, op::kSizeDW};
    const uint8_t size = kSizes[u(4)];
    const int w = op::size_bytes(size);
    const bool is_store = chance(50);
    const int src = is_store ? source(st, s) : -1;  // before the pointer exists
    uint8_t ptr = static_cast<uint8_t>(1 + u(5));
    while (ptr == src) ptr = static_cast<uint8_t>(1 + u(5));
    const int32_t off = static_cast<int32_t>(u(kGlobalSize / 2));
    lddw(ptr, op::kPseudoMapIdxValue, kGlobalMap, off);
    const int16_t at = static_cast<int16_t>(u(static_cast<uint64_t>(kGlobalSize - off - w + 1)));
    st &= static_cast<uint16_t>(~(1u << ptr));
    if (is_store) {
        emit(make(op::kClsStx | op::kModeMem | size, ptr, static_cast<uint8_t>(src), at, 0));
    } else {
        const int dst = any_scalar(s);  // may be ptr itself: the load replaces the pointer
        emit(make(op::kClsLdx | op::kModeMem | size, static_cast<uint8_t>(dst), ptr, at, 0));
        st |= uint16_t(1u << dst);
    }
}

void Generator::map_delete(uint16_t& st, const Scope& s) {
    map_key(st, s, true);
    lddw(1, op::kPseudoMapIdx, kHashMap, 0);
    mov_reg(2, kFp);
    emit(make(op::kClsAlu64 | op::kAdd | op::kSrcK, 2, 0, 0, kKeySlot));
    call(helper_id::kMapDeleteElem);
    clobber_call(st);
    st |= 1u;
}

void Generator::plain_helper(uint16_t& st, const Scope& s) {
    switch (u(4)) {
    case 0: call(helper_id::kKtimeGetNs); break;
    case 1: call(helper_id::kGetPrandomU32); break;
    case 2: call(helper_id::kGetSmpProcessorId); break;
    default: {  // csum_diff(from = data area, from_size, to = data area + 32, to_size, seed)
        const int seed = source(st, s);
        mov_reg(5, static_cast<uint8_t>(seed));
        mov_reg(1, kFp);
        emit(make(op::kClsAlu64 | op::kAdd | op::kSrcK, 1, 0, 0, -kDataArea));
        mov_imm(2, 4 * static_cast<int32_t>(u(5)));
        mov_reg(3, kFp);
        emit(make(op::kClsAlu64 | op::kAdd | op::kSrcK, 3, 0, 0, -kDataArea / 2));
        mov_imm(4, 4 * static_cast<int32_t>(u(5)));
        call(helper_id::kCsumDiff);
        break;
    }
    }
    clobber_call(st);
    st |= 1u;
}

void Generator::callx(uint16_t& st, const Scope& s) {
    static constexpr int32_t kIds[] = {helper_id::kKtimeGetNs, helper_id::kGetPrandomU32, helper_id::kGetSmpProcessorId};
    const int r = any_scalar(s);
    mov_imm(static_cast<uint8_t>(r), kIds[u(3)]);
    emit(make(op::kClsJmp | op::kCall | op::kSrcX, static_cast<uint8_t>(r), 0, 0, 0));
    clobber_call(st);
    st |= 1u;
    if (r > 5) st |= uint16_t(1u << r);
}

void Generator::legacy_packet(uint16_t& st, const Scope& s) {
    static constexpr uint8_t kSizes[] = {op::kSizeB, op::kSizeH, op::kSizeW};
    const uint8_t size = kSizes[u(3)];
    // Mostly inside the window; sometimes past the end, which ends the program with r0 = 0.
    const int32_t limit = static_cast<int32_t>(window_) + (chance(10) ? 64 : 0);
    if (chance(50)) {
        emit(make(op::kClsLd | op::kModeAbs | size, 0, 0, 0, static_cast<int32_t>(u(static_cast<uint64_t>(limit)))));
    } else {
        const int r = any_scalar(s);
        mov_imm(static_cast<uint8_t>(r), static_cast<int32_t>(u(16)));
        st |= uint16_t(1u << r);
        emit(make(op::kClsLd | op::kModeInd | size, 0, static_cast<uint8_t>(r), 0,
                  static_cast<int32_t>(u(static_cast<uint64_t>(limit)))));
    }
    st |= 1u;
}

// r9 = data after checking data + window <= data_end; exits with fail_verdict otherwise. Leaves
// r2..r4 holding pointers (the caller marks them uninitialised).
void Generator::derive_window(int32_t fail_verdict) {
    emit(make(op::kClsLdx | op::kModeMem | op::kSizeW, 2, kCtx, 0, 0));  // data
    emit(make(op::kClsLdx | op::kModeMem | op::kSizeW, 3, kCtx, 4, 0));  // data_end
    mov_reg(4, 2);
    emit(make(op::kClsAlu64 | op::kAdd | op::kSrcK, 4, 0, 0, static_cast<int32_t>(window_)));
    emit(make(op::kClsJmp | op::kJle | op::kSrcX, 4, 3, 2, 0));
    mov_imm(0, fail_verdict);
    exit_insn();
    mov_reg(kWin, 2);
}

void Generator::packet_helper(uint16_t& st, const Scope& s) {
    (void)s;
    static constexpr int32_t kHeadDeltas[] = {-16, -8, 8, 16}, kTailDeltas[] = {-8, 8, 16};
    switch (u(4)) {
    case 0:
        mov_reg(1, kCtx);
        mov_imm(2, kHeadDeltas[u(4)]);
        call(helper_id::kXdpAdjustHead);
        break;
    case 1:
        mov_reg(1, kCtx);
        mov_imm(2, kTailDeltas[u(3)]);
        call(helper_id::kXdpAdjustTail);
        break;
    case 2:  // load_bytes(ctx, off, value buffer, len): the buffer is rewritten before any read
        mov_reg(1, kCtx);
        mov_imm(2, static_cast<int32_t>(u(24)));
        mov_reg(3, kFp);
        emit(make(op::kClsAlu64 | op::kAdd | op::kSrcK, 3, 0, 0, kValueBuf));
        mov_imm(4, 1 + static_cast<int32_t>(u(32)));
        call(helper_id::kXdpLoadBytes);
        clobber_call(st);
        st |= 1u;
        return;
    default:
        mov_imm(1, 1 + static_cast<int32_t>(u(4)));
        mov_imm(2, 0);
        call(helper_id::kRedirect);
        clobber_call(st);
        st |= 1u;
        return;
    }
    // Packet pointers are stale after adjust_head/tail: check the window again.
    mov_reg(6, 0);
    derive_window(kVerdictPass);
    clobber_call(st);
    st |= uint16_t(1u << 6);
}

void Generator::local_call(uint16_t& st, const Scope& s) {
    for (int r = 1; r <= 5; ++r) ensure(st, r);
    call_fixups_.push_back({code_->size(), s.callee});
    emit(make(op::kClsJmp | op::kCall, 0, op::kCallLocal, 0, 0));
    clobber_call(st);
    st |= 1u;
}

void Generator::tail_call(uint16_t& st) {
    mov_reg(1, xdp_ ? kCtx : kWin);
    lddw(2, op::kPseudoMapIdx, kProgArrayMap, 0);
    mov_imm(3, static_cast<int32_t>(u(kProgSlots + 1)));
    call(helper_id::kTailCall);
    clobber_call(st);
    st |= 1u;
}

void Generator::block(uint16_t& st, const Scope& s) {
    enum Kind { Alu, Lddw, Load, Store, Atomic, Jump, EarlyExit, Lookup, Update, Delete, Global, Helper, Callx,
                Legacy, PacketHelper, LocalCall, TailCall };
    struct Weighted {
        Kind k;
        int w;
    };
    const bool nest = s.depth < static_cast<int>(o_.max_nesting);
    const bool calls = s.calls;
    const Weighted table[] = {
        {Alu, 30},
        {Lddw, 3},
        {Load, 10},
        {Store, 10},
        {Atomic, 6},
        {Jump, nest ? 10 : 0},
        {EarlyExit, 2},
        {Lookup, calls && nest && o_.maps ? 6 : 0},
        {Update, calls && o_.maps ? 4 : 0},
        {Delete, calls && o_.maps ? 2 : 0},
        {Global, o_.maps ? 3 : 0},
        {Helper, calls && o_.helpers ? 3 : 0},
        {Callx, calls && o_.helpers ? 2 : 0},
        {Legacy, o_.legacy_packet && s.value_reg != 0 ? 3 : 0},  // writes r0
        {PacketHelper, calls && xdp_ && s.packet_helpers && o_.packet_helpers ? 3 : 0},
        {LocalCall, calls && s.callee >= 0 && o_.local_calls ? 3 : 0},
        {TailCall, calls && s.tail_call && o_.tail_calls ? 2 : 0},
    };
    int total = 0;
    for (const Weighted& w : table) total += w.w;
    int pick = static_cast<int>(u(static_cast<uint64_t>(total)));
    Kind k = Alu;
    for (const Weighted& w : table) {
        if (pick < w.w) {
            k = w.k;
            break;
        }
        pick -= w.w;
    }
    switch (k) {
    case Alu: alu(st, s); break;
    case Lddw: {
        const int dst = any_scalar(s);
        const uint64_t v = imm64();
        lddw(static_cast<uint8_t>(dst), op::kPseudoImm64, static_cast<int32_t>(v), static_cast<int32_t>(v >> 32));
        st |= uint16_t(1u << dst);
        break;
    }
    case Load: load(st, s); break;
    case Store: store(st, s); break;
    case Atomic: atomic(st, s); break;
    case Jump: jump_region(st, s); break;
    case EarlyExit: early_exit(st, s); break;
    case Lookup: map_lookup(st, s); break;
    case Update: map_update(st, s); break;
    case Delete: map_delete(st, s); break;
    case Global: global_data(st, s); break;
    case Helper: plain_helper(st, s); break;
    case Callx: callx(st, s); break;
    case Legacy: legacy_packet(st, s); break;
    case PacketHelper: packet_helper(st, s); break;
    case LocalCall: local_call(st, s); break;
    case TailCall: tail_call(st); break;
    }
}

void Generator::blocks(uint16_t& st, const Scope& s, int n) {
    for (int i = 0; i < n; ++i) block(st, s);
}

void Generator::finish(uint16_t& st, const Scope& s) {
    if (chance(30))
        mov_imm(0, imm32());
    else
        mov_reg(0, static_cast<uint8_t>(source(st, s)));
    exit_insn();
}

// main: the entry program (sub_index -1); sub_index >= 0: a subprogram; -2: the tail-call target.
std::vector<RawInsn> Generator::function(bool main, int sub_index) {
    std::vector<RawInsn> code;
    code_ = &code;
    uint16_t st = 0;
    Scope s;
    const bool entry_like = main || sub_index == -2;
    if (entry_like) {
        if (xdp_) {
            mov_reg(kCtx, 1);
            derive_window(kVerdictPass);
        } else {
            mov_reg(kWin, 1);
            if (main) st |= 1u << 2;  // r2 = memory length
        }
        s.packet_helpers = true;
    } else {
        st = 0x3e;  // r1..r5: arguments the caller initialised
        s.packet_helpers = false;
    }
    prologue_stack();
    s.tail_call = main;
    s.callee = main ? 0 : (sub_index >= 0 && sub_index + 1 < kSubprograms ? sub_index + 1 : -1);
    if (!o_.local_calls) s.callee = -1;
    const int n = main ? static_cast<int>(o_.blocks) : static_cast<int>(o_.blocks / 3 + 1);
    blocks(st, s, n);
    finish(st, s);
    return code;
}

}  // namespace

void RandomProgram::prepare_maps(MapSet& maps) const {
    // Prog array: slots 0 and 1 hold the tail program, 2 is empty, 3 names a missing program.
    const uint32_t slot_prog[][2] = {{0, 1}, {1, 1}, {3, 5}};
    for (const auto& sp : slot_prog) maps.at(kProgArrayMap).update(&sp[0], &sp[1], update_flag::kAny);
    std::mt19937_64 rng(seed ^ 0x5eedull);
    for (uint32_t i = 0; i < kArrayEntries; ++i) {
        uint8_t v[kArrayValue];
        for (uint8_t& b : v) b = static_cast<uint8_t>(rng());
        maps.at(kArrayMap).update(&i, v, update_flag::kAny);
    }
    for (uint64_t key : {1ull, 3ull, 6ull}) {
        uint8_t v[kHashValue];
        for (uint8_t& b : v) b = static_cast<uint8_t>(rng());
        maps.at(kHashMap).update(&key, v, update_flag::kAny);
    }
}

RandomProgram Generator::build(uint64_t seed) {
    RandomProgram out;
    out.seed = seed;
    out.mode = o_.mode;
    if (xdp_) {
        window_ = 32 + 8 * static_cast<uint32_t>(u(5));
        out.input.resize(64 + u(64));
    } else {
        window_ = 64;
        out.input.resize(window_);
    }
    for (uint8_t& b : out.input) b = static_cast<uint8_t>(rng_());

    Object& obj = out.object;
    obj.path = "random-" + std::to_string(seed);
    obj.license = "GPL";
    obj.maps = {
        MapDef{"array", map_type::kArray, 4, kArrayValue, kArrayEntries, 0, -1, {}, false},
        MapDef{"hash", map_type::kHash, 8, kHashValue, kHashEntries, 0, -1, {}, false},
        MapDef{"jmp_table", map_type::kProgArray, 4, 4, kProgSlots, 0, -1, {}, false},
        MapDef{"percpu", map_type::kPercpuArray, 4, kArrayValue, kArrayEntries, 0, -1, {}, false},
        MapDef{".data", map_type::kArray, 4, kGlobalSize, 1, 0, -1, std::vector<uint8_t>(kGlobalSize, 0x5a), false},
    };

    call_fixups_.clear();
    std::vector<RawInsn> main = function(true, -1);
    auto fixups = call_fixups_;
    // Subprograms follow main; subprogram k may call k + 1.
    std::vector<size_t> sub_start(kSubprograms);
    for (int k = 0; k < kSubprograms; ++k) {
        call_fixups_.clear();
        std::vector<RawInsn> sub = function(false, k);
        sub_start[static_cast<size_t>(k)] = main.size();
        for (auto [at, callee] : call_fixups_) fixups.push_back({main.size() + at, callee});
        main.insert(main.end(), sub.begin(), sub.end());
    }
    for (auto [at, callee] : fixups)
        main[at].imm = static_cast<int32_t>(static_cast<int64_t>(sub_start[static_cast<size_t>(callee)]) -
                                            static_cast<int64_t>(at) - 1);

    Program p;
    p.name = "main";
    p.section = xdp_ ? "xdp" : "raw";
    p.type = xdp_ ? ProgType::Xdp : ProgType::Unspec;
    p.insns = std::move(main);
    obj.programs.push_back(std::move(p));

    RandomProgramOptions tail_opts = o_;
    call_fixups_.clear();
    Program t;
    t.name = "tail";
    t.section = xdp_ ? "xdp/tail" : "raw/tail";
    t.type = p.type;
    {
        const bool saved_calls = o_.local_calls;
        o_.local_calls = false;
        t.insns = function(false, -2);
        o_.local_calls = saved_calls;
    }
    obj.programs.push_back(std::move(t));
    (void)tail_opts;
    return out;
}

RandomProgram generate_random_program(uint64_t seed, const RandomProgramOptions& opts) {
    Generator g(seed, opts);
    return g.build(seed);
}

}  // namespace bpfnic::testing
