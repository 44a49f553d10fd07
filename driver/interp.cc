// SPDX-License-Identifier: MIT
// The golden interpreter. Registers hold real host addresses; every memory access is checked
// against the regions a program may touch (its stack, the packet frame, the context, map values,
// and in raw mode the memory it was given) before it happens.
#include "driver/interp.h"

#include <bit>
#include <cinttypes>
#include <cstring>
#include <limits>

#include "compiler/error.h"

namespace bpfnic {
namespace {

constexpr uint64_t kXdpMdSize = sizeof(XdpMd);

uint64_t sext32(uint64_t v) { return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v))); }

uint64_t alu64(Bin::Op op, uint64_t a, uint64_t b) {
    switch (op) {
        case Bin::Op::Mov: return b;
        case Bin::Op::MovSx8: return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(b)));
        case Bin::Op::MovSx16: return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(b)));
        case Bin::Op::MovSx32: return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(b)));
        case Bin::Op::Add: return a + b;
        case Bin::Op::Sub: return a - b;
        case Bin::Op::Mul: return a * b;
        case Bin::Op::UDiv: return b ? a / b : 0;
        case Bin::Op::SDiv: {
            const auto sa = static_cast<int64_t>(a), sb = static_cast<int64_t>(b);
            if (sb == 0) return 0;
            if (sa == std::numeric_limits<int64_t>::min() && sb == -1) return a;  // INT_MIN / -1 = INT_MIN
            return static_cast<uint64_t>(sa / sb);
        }
        case Bin::Op::UMod: return b ? a % b : a;  // modulo by zero leaves dst unchanged
        case Bin::Op::SMod: {
            const auto sa = static_cast<int64_t>(a), sb = static_cast<int64_t>(b);
            if (sb == 0) return a;
            if (sb == -1) return 0;
            return static_cast<uint64_t>(sa % sb);
        }
        case Bin::Op::Or: return a | b;
        case Bin::Op::And: return a & b;
        case Bin::Op::Lsh: return a << (b & 63);
        case Bin::Op::Rsh: return a >> (b & 63);
        case Bin::Op::Arsh: return static_cast<uint64_t>(static_cast<int64_t>(a) >> (b & 63));
        case Bin::Op::Xor: return a ^ b;
    }
    return 0;
}

uint32_t alu32(Bin::Op op, uint32_t a, uint32_t b) {
    switch (op) {
        case Bin::Op::Mov: return b;
        case Bin::Op::MovSx8: return static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(b)));
        case Bin::Op::MovSx16: return static_cast<uint32_t>(static_cast<int32_t>(static_cast<int16_t>(b)));
        case Bin::Op::MovSx32: return b;  // not a valid 32-bit form; validate() rejects it
        case Bin::Op::Add: return a + b;
        case Bin::Op::Sub: return a - b;
        case Bin::Op::Mul: return a * b;
        case Bin::Op::UDiv: return b ? a / b : 0;
        case Bin::Op::SDiv: {
            const auto sa = static_cast<int32_t>(a), sb = static_cast<int32_t>(b);
            if (sb == 0) return 0;
            if (sa == std::numeric_limits<int32_t>::min() && sb == -1) return a;
            return static_cast<uint32_t>(sa / sb);
        }
        case Bin::Op::UMod: return b ? a % b : a;
        case Bin::Op::SMod: {
            const auto sa = static_cast<int32_t>(a), sb = static_cast<int32_t>(b);
            if (sb == 0) return a;
            if (sb == -1) return 0;
            return static_cast<uint32_t>(sa % sb);
        }
        case Bin::Op::Or: return a | b;
        case Bin::Op::And: return a & b;
        case Bin::Op::Lsh: return a << (b & 31);
        case Bin::Op::Rsh: return a >> (b & 31);
        case Bin::Op::Arsh: return static_cast<uint32_t>(static_cast<int32_t>(a) >> (b & 31));
        case Bin::Op::Xor: return a ^ b;
    }
    return 0;
}

uint64_t unary(Un::Op op, uint64_t v, bool is64) {
    switch (op) {
        case Un::Op::Neg: return is64 ? (0 - v) : static_cast<uint32_t>(0 - static_cast<uint32_t>(v));
        // The host is little-endian: "to little endian" truncates, "to big endian" swaps.
        case Un::Op::Le16: return static_cast<uint16_t>(v);
        case Un::Op::Le32: return static_cast<uint32_t>(v);
        case Un::Op::Le64: return v;
        case Un::Op::Be16:
        case Un::Op::Swap16: return __builtin_bswap16(static_cast<uint16_t>(v));
        case Un::Op::Be32:
        case Un::Op::Swap32: return __builtin_bswap32(static_cast<uint32_t>(v));
        case Un::Op::Be64:
        case Un::Op::Swap64: return __builtin_bswap64(v);
    }
    return 0;
}

bool compare(Jmp::Cond c, uint64_t a, uint64_t b, bool is32) {
    if (is32) {
        a = static_cast<uint32_t>(a);
        b = static_cast<uint32_t>(b);
    }
    const int64_t sa = is32 ? static_cast<int32_t>(a) : static_cast<int64_t>(a);
    const int64_t sb = is32 ? static_cast<int32_t>(b) : static_cast<int64_t>(b);
    switch (c) {
        case Jmp::Cond::Always: return true;
        case Jmp::Cond::Eq: return a == b;
        case Jmp::Cond::Gt: return a > b;
        case Jmp::Cond::Ge: return a >= b;
        case Jmp::Cond::Set: return (a & b) != 0;
        case Jmp::Cond::Ne: return a != b;
        case Jmp::Cond::Sgt: return sa > sb;
        case Jmp::Cond::Sge: return sa >= sb;
        case Jmp::Cond::Lt: return a < b;
        case Jmp::Cond::Le: return a <= b;
        case Jmp::Cond::Slt: return sa < sb;
        case Jmp::Cond::Sle: return sa <= sb;
    }
    return false;
}

uint64_t read_width(const void* p, int width) {
    switch (width) {
        case 1: return *static_cast<const uint8_t*>(p);
        case 2: { uint16_t v; std::memcpy(&v, p, 2); return v; }
        case 4: { uint32_t v; std::memcpy(&v, p, 4); return v; }
        default: { uint64_t v; std::memcpy(&v, p, 8); return v; }
    }
}

void write_width(void* p, int width, uint64_t v) {
    switch (width) {
        case 1: *static_cast<uint8_t*>(p) = static_cast<uint8_t>(v); break;
        case 2: { auto x = static_cast<uint16_t>(v); std::memcpy(p, &x, 2); break; }
        case 4: { auto x = static_cast<uint32_t>(v); std::memcpy(p, &x, 4); break; }
        default: std::memcpy(p, &v, 8); break;
    }
}

uint64_t sign_extend(uint64_t v, int width) {
    switch (width) {
        case 1: return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(v)));
        case 2: return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(v)));
        case 4: return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v)));
        default: return v;
    }
}

std::string hex(uint64_t v) {
    char b[24];
    std::snprintf(b, sizeof b, "0x%" PRIx64, v);
    return b;
}

}  // namespace

void Interpreter::load(const Object& obj, size_t entry, MapSet& maps, const Platform& platform) {
    if (entry >= obj.programs.size())
        throw Error(ErrorKind::NotFound, "program index " + std::to_string(entry) + " is not in " + obj.path);
    platform_ = &platform;
    helpers_ = platform.name == "conformance" ? &conformance_helper_table() : &xdp_helper_table();
    maps_ = &maps;
    entry_ = static_cast<uint32_t>(entry);
    progs_.clear();
    for (const Program& p : obj.programs) {
        auto errors = validate(p.insns);
        if (!errors.empty()) throw Error(ErrorKind::BadInput, p.name + ": " + errors.front());
        Loaded l{p.insns, decode(p.insns)};
        for (const IrInsn& i : l.ir.insns) {
            const std::string where = p.name + ": instruction " + std::to_string(i.pc) + ": ";
            if (auto c = std::get_if<Call>(&i.ins); c && !helpers_->get(c->helper))
                throw Error(ErrorKind::Unsupported, where + "unknown helper " + std::to_string(c->helper) +
                                                        " on platform '" + platform.name + "'");
            if (std::holds_alternative<CallKfunc>(i.ins))
                throw Error(ErrorKind::Unsupported, where + "kernel function calls are not supported");
            if (auto l64 = std::get_if<LoadImm64>(&i.ins)) {
                const bool map_ref = l64->pseudo == op::kPseudoMapIdx || l64->pseudo == op::kPseudoMapIdxValue;
                if (l64->pseudo != op::kPseudoImm64 && !map_ref)
                    throw Error(ErrorKind::Unsupported, where + "lddw pseudo source " + std::to_string(l64->pseudo) +
                                                            " is not resolved by the loader");
                if (map_ref && (l64->imm_lo < 0 || static_cast<size_t>(l64->imm_lo) >= maps.size()))
                    throw Error(ErrorKind::BadInput, where + "map index " + std::to_string(l64->imm_lo) +
                                                         " out of range (" + std::to_string(maps.size()) + " maps)");
                if (l64->pseudo == op::kPseudoMapIdxValue && !maps.at(l64->imm_lo).array_base())
                    throw Error(ErrorKind::BadInput, where + "direct value access into a map without array storage");
            }
        }
        progs_.push_back(std::move(l));
    }
    stack_.assign(static_cast<size_t>(platform.stack_size) * platform.max_call_depth, 0);
}

[[noreturn]] void Interpreter::fault(uint32_t pc, const std::string& why) const {
    throw Error(ErrorKind::Runtime, "instruction " + std::to_string(pc) + ": " + why);
}

void Interpreter::check_access(uint64_t addr, uint64_t n, bool write, uint32_t pc) const {
    if (!opts_.check_bounds) return;
    const uint64_t end = addr + n;
    auto inside = [&](uint64_t base, uint64_t len) { return addr >= base && end <= base + len && end >= addr; };
    // The stack: every frame up to the current one (callees may be handed a caller's stack slot).
    const uint64_t stack_top = stack_base() + stack_.size();
    if (addr >= stack_base() && end <= stack_top && end >= addr) return;
    if (raw_len_ && inside(raw_mem_, raw_len_)) return;
    if (env_->xdp) {
        if (env_->xdp->in_packet(addr, n)) return;
        if (inside(reinterpret_cast<uint64_t>(env_->xdp->md()), kXdpMdSize)) {
            if (!write) return;
            fault(pc, "write of " + std::to_string(n) + " bytes to the read-only context at " + hex(addr));
        }
    }
    if (maps_ && maps_->owns(addr, n)) return;
    fault(pc, std::string("out-of-bounds ") + (write ? "write" : "read") + " of " + std::to_string(n) + " bytes at " +
                  hex(addr) + ": not in the stack, packet, context or a map value");
}

uint64_t Interpreter::load_mem(uint64_t addr, int width, uint32_t pc, Retired& out) {
    check_access(addr, width, false, pc);
    const uint64_t v = read_width(reinterpret_cast<const void*>(addr), width);
    out.mem = true;
    out.mem_addr = addr;
    out.mem_value = v;
    out.mem_width = static_cast<uint8_t>(width);
    return v;
}

void Interpreter::store_mem(uint64_t addr, int width, uint64_t v, uint32_t pc, Retired& out) {
    check_access(addr, width, true, pc);
    write_width(reinterpret_cast<void*>(addr), width, v);
    out.mem = true;
    out.mem_write = true;
    out.mem_addr = addr;
    out.mem_value = width == 8 ? v : v & ((uint64_t{1} << (8 * width)) - 1);
    out.mem_width = static_cast<uint8_t>(width);
}

uint64_t Interpreter::val(const Value& v) const {
    if (auto r = std::get_if<Reg>(&v)) return regs_[r->v];
    return static_cast<uint64_t>(std::get<Imm>(v).v);
}

uint64_t Interpreter::lddw_value(const LoadImm64& l, uint32_t) const {
    switch (l.pseudo) {
        case op::kPseudoMapIdx: return reinterpret_cast<uint64_t>(&maps_->at(l.imm_lo));
        case op::kPseudoMapIdxValue:
            return reinterpret_cast<uint64_t>(maps_->at(l.imm_lo).array_base()) +
                   static_cast<uint64_t>(static_cast<uint32_t>(l.imm_hi));
        default: return l.value();
    }
}

void Interpreter::begin(ExecEnv& env, uint64_t r1, uint64_t r2) {
    if (progs_.empty()) throw Error(ErrorKind::Internal, "interpreter: run before load");
    env_ = &env;
    regs_.fill(0);
    std::fill(stack_.begin(), stack_.end(), 0);
    frames_.clear();
    regs_[1] = r1;
    regs_[2] = r2;
    // Frames grow downwards from the top of the stack memory: frame k's r10 is top - k * stack_size.
    regs_[10] = stack_base() + stack_.size();
    raw_mem_ = env.xdp ? 0 : r1;
    raw_len_ = env.xdp ? 0 : r2;
    cur_ = entry_;
    pc_ = 0;
    insns_ = 0;
    finished_ = false;
}

Retired Interpreter::step() {
    Retired out;
    if (finished_) throw Error(ErrorKind::Internal, "interpreter: step after the program finished");
    const Loaded& prog = progs_[cur_];
    const uint32_t pc = pc_;
    if (pc >= prog.raw.size()) fault(pc, "fell off the end of the program");
    const int32_t idx = prog.ir.index_of_pc[pc];
    if (idx < 0) fault(pc, "jump into the middle of an lddw");
    if (++insns_ > opts_.insn_budget)
        fault(pc, "instruction budget of " + std::to_string(opts_.insn_budget) + " exceeded");
    out.pc = pc;
    out.prog = cur_;
    out.insn = prog.raw[pc];
    uint32_t next = pc + 1;
    auto set = [&](Reg r, uint64_t v) {
        regs_[r.v] = v;
        out.dst_reg = r.v;
        out.dst_value = v;
    };

    std::visit(
        [&](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, Bin>) {
                if (x.is64) {
                    set(x.dst, alu64(x.op, regs_[x.dst.v], val(x.v)));
                } else {
                    set(x.dst, alu32(x.op, static_cast<uint32_t>(regs_[x.dst.v]), static_cast<uint32_t>(val(x.v))));
                }
            } else if constexpr (std::is_same_v<T, Un>) {
                set(x.dst, unary(x.op, regs_[x.dst.v], x.is64));
            } else if constexpr (std::is_same_v<T, LoadImm64>) {
                set(x.dst, lddw_value(x, pc));
                next = pc + 2;
            } else if constexpr (std::is_same_v<T, Load>) {
                const uint64_t addr = regs_[x.base.v] + static_cast<int64_t>(x.off);
                uint64_t v = load_mem(addr, x.width, pc, out);
                if (x.sign_ext) v = sign_extend(v, x.width);
                set(x.dst, v);
            } else if constexpr (std::is_same_v<T, Store>) {
                const uint64_t addr = regs_[x.base.v] + static_cast<int64_t>(x.off);
                store_mem(addr, x.width, val(x.v), pc, out);
            } else if constexpr (std::is_same_v<T, Atomic>) {
                const uint64_t addr = regs_[x.base.v] + static_cast<int64_t>(x.off);
                check_access(addr, x.width, true, pc);
                const bool w32 = x.width == 4;
                const uint64_t old = read_width(reinterpret_cast<void*>(addr), x.width);
                const uint64_t src = w32 ? static_cast<uint32_t>(regs_[x.src.v]) : regs_[x.src.v];
                uint64_t nv = old;
                switch (x.op) {
                    case Atomic::Op::Add: nv = old + src; break;
                    case Atomic::Op::Or: nv = old | src; break;
                    case Atomic::Op::And: nv = old & src; break;
                    case Atomic::Op::Xor: nv = old ^ src; break;
                    case Atomic::Op::Xchg: nv = src; break;
                    case Atomic::Op::CmpXchg: {
                        const uint64_t expect = w32 ? static_cast<uint32_t>(regs_[0]) : regs_[0];
                        nv = old == expect ? src : old;
                        break;
                    }
                }
                write_width(reinterpret_cast<void*>(addr), x.width, nv);
                out.mem = out.mem_write = true;
                out.mem_addr = addr;
                out.mem_value = w32 ? static_cast<uint32_t>(nv) : nv;
                out.mem_width = x.width;
                if (x.op == Atomic::Op::CmpXchg) set(Reg{0}, old);
                else if (x.fetch) set(x.src, old);
            } else if constexpr (std::is_same_v<T, PacketLoad>) {
                // Legacy packet access: r0 = big-endian load from the packet (raw mode: the memory).
                // As in Linux, the offset is a 32-bit signed int (src + imm truncated to 32 bits);
                // a negative offset or one past the end ends the program with r0 = 0.
                const int32_t soff = static_cast<int32_t>(
                    (x.indirect ? static_cast<uint32_t>(regs_[x.src.v]) : 0u) + static_cast<uint32_t>(x.imm));
                const uint64_t off = static_cast<uint64_t>(static_cast<int64_t>(soff));
                const uint64_t base = env_->xdp ? reinterpret_cast<uint64_t>(env_->xdp->data()) : raw_mem_;
                const uint64_t len = env_->xdp ? env_->xdp->len() : raw_len_;
                if (soff < 0 || off + x.width > len) {
                    set(Reg{0}, 0);
                    out.exited = true;
                    finished_ = true;
                    return;
                }
                uint64_t v = load_mem(base + off, x.width, pc, out);
                if (x.width == 2) v = __builtin_bswap16(static_cast<uint16_t>(v));
                else if (x.width == 4) v = __builtin_bswap32(static_cast<uint32_t>(v));
                set(Reg{0}, v);
            } else if constexpr (std::is_same_v<T, Jmp>) {
                if (compare(x.cond, regs_[x.left.v], val(x.right), x.is32)) next = static_cast<uint32_t>(x.target);
            } else if constexpr (std::is_same_v<T, Call> || std::is_same_v<T, Callx>) {
                int32_t id;
                if constexpr (std::is_same_v<T, Call>) id = x.helper;
                else id = static_cast<int32_t>(regs_[x.reg.v]);
                HelperFn fn = helpers_->get(id);
                if (!fn) fault(pc, "call to unknown helper " + std::to_string(id));
                env_->tail_call_target = -1;
                set(Reg{0}, fn(env_, regs_[1], regs_[2], regs_[3], regs_[4], regs_[5]));
                if (env_->unwind) {
                    regs_[0] = 0;
                    out.exited = true;
                    finished_ = true;
                    return;
                }
                if (env_->tail_call_target >= 0) {
                    if (static_cast<size_t>(env_->tail_call_target) >= progs_.size())
                        fault(pc, "tail call to program " + std::to_string(env_->tail_call_target) + " which is not loaded");
                    cur_ = static_cast<uint32_t>(env_->tail_call_target);
                    env_->tail_call_target = -1;
                    next = 0;
                }
            } else if constexpr (std::is_same_v<T, CallLocal>) {
                if (frames_.size() + 1 >= platform_->max_call_depth)
                    fault(pc, "call depth exceeds " + std::to_string(platform_->max_call_depth) + " frames");
                Frame f{cur_, pc + 1, {regs_[6], regs_[7], regs_[8], regs_[9]}};
                frames_.push_back(f);
                regs_[10] -= platform_->stack_size;
                next = static_cast<uint32_t>(x.target);
            } else if constexpr (std::is_same_v<T, CallKfunc>) {
                fault(pc, "kernel function calls are not supported");
            } else {
                static_assert(std::is_same_v<T, Exit>);
                if (frames_.empty()) {
                    out.exited = true;
                    finished_ = true;
                    return;
                }
                const Frame f = frames_.back();
                frames_.pop_back();
                for (int i = 0; i < 4; ++i) regs_[6 + i] = f.saved[i];
                regs_[10] += platform_->stack_size;
                cur_ = f.prog;
                next = f.return_pc;
            }
        },
        prog.ir.insns[idx].ins);
    pc_ = next;
    return out;
}

uint64_t Interpreter::run(ExecEnv& env, uint64_t r1, uint64_t r2) {
    begin(env, r1, r2);
    while (!step().exited) {
    }
    return regs_[0];
}

}  // namespace bpfnic
