// SPDX-License-Identifier: MIT
// The state search of the verifier and the ALU, lddw and jump instructions.
#include "compiler/verifier/analyzer.h"

#include <cstdio>

namespace bpfnic::verifier {
namespace {

constexpr size_t kMaxCheckpointsPerInsn = 64;
constexpr int64_t kMaxPtrOff = 1 << 29;
constexpr uint64_t kMaxPacketOff = 0xffff;

std::string fmt(const char* f, auto... args) {
    char buf[320];
    std::snprintf(buf, sizeof buf, f, args...);
    return buf;
}

bool is_mov(Bin::Op op) {
    return op == Bin::Op::Mov || op == Bin::Op::MovSx8 || op == Bin::Op::MovSx16 || op == Bin::Op::MovSx32;
}

template <typename F>
void for_each_reg(State& s, F&& f) {
    for (Frame& fr : s.frames) {
        for (RegState& r : fr.regs) f(r);
        for (auto& [slot, r] : fr.spills)
            if (fr.bytes[slot * 8] == Slot::Spill) f(r);
    }
}

}  // namespace

Analyzer::Analyzer(const Program& prog, const IrProgram& ir, const Cfg& cfg, const std::vector<MapDef>& maps,
                   const Platform& platform, const VerifierOptions& opts, VerifierResult& result)
    : prog_(prog), ir_(ir), cfg_(cfg), maps_(maps), platform_(platform), opts_(opts), result_(result) {
    print_.maps = &maps_;
    checkpoints_.resize(prog_.insns.size());
    stored_at_.assign(prog_.insns.size(), 0);
    if (opts_.collect_facts) result_.facts.insns.assign(prog_.insns.size(), InsnFacts{});
}

Analyzer::~Analyzer() = default;

State Analyzer::initial_state() const {
    State s;
    s.frames.emplace_back(platform_.stack_size);
    Frame& f = s.frames.back();
    f.regs[10] = RegState::pointer(RegType::Stack);
    if (platform_.prog_type == ProgType::Unspec) {
        f.regs[1] = RegState::pointer(RegType::Mem);
        f.regs[1].range = opts_.mem_size ? static_cast<int32_t>(*opts_.mem_size) : -1;
        f.regs[2] = RegState::scalar(opts_.mem_size ? Scalar::constant(*opts_.mem_size) : Scalar::unknown());
    } else {
        f.regs[1] = RegState::pointer(RegType::Ctx);
    }
    return s;
}

void Analyzer::log_line(const std::string& line) {
    if (log_full_) return;
    if (result_.log.size() + line.size() + 1 > opts_.max_log_bytes) {
        result_.log += "... log truncated\n";
        log_full_ = true;
        return;
    }
    result_.log += line;
    result_.log += '\n';
}

std::string Analyzer::describe(const RegState& r) const { return reg_str(r, print_); }

void Analyzer::reject(const std::string& reason, std::initializer_list<int> regs) {
    Reject r{reason, {}};
    if (cur_) {
        for (int n : regs) {
            if (n < 0 || n > 10) continue;
            if (!r.regs.empty()) r.regs += ' ';
            r.regs += "R" + std::to_string(n) + "=" + describe(cur_->cur().regs[n]);
        }
    }
    throw r;
}

const RegState& Analyzer::read(const State& s, int regno) {
    const RegState& r = s.cur().regs[regno];
    if (r.type == RegType::NotInit && r.off == kStalePacketPointer)
        reject(fmt("R%d !read_ok: packet pointer invalidated by a helper that moves the packet, reload it from the context",
                   regno));
    if (r.type == RegType::NotInit) reject(fmt("R%d !read_ok", regno), {regno});
    return r;
}

void Analyzer::check_writable(int regno) {
    if (regno == 10) reject("frame pointer is read only");
}

void Analyzer::path_done(Checkpoint* parent) {
    for (Checkpoint* c = parent; c; c = c->parent)
        if (--c->branches > 0) break;
}

bool Analyzer::prune_or_store(State& s, Checkpoint*& parent) {
    auto& list = checkpoints_[s.pc];
    const uint16_t live = cfg_.live_in[s.pc];
    std::vector<uint16_t> caller_live;
    for (size_t f = 0; f + 1 < s.frames.size(); ++f)
        caller_live.push_back(cfg_.live_in[static_cast<size_t>(s.frames[f + 1].callsite) + 1]);
    for (size_t i = 0; i < list.size(); ++i) {
        Checkpoint* c = list[i];
        if (c->branches == 0) {
            if (state_covers(c->st, s, live, caller_live, false)) {
                ++c->hits;
                ++result_.stats.states_pruned;
                if (opts_.log_level >= 1) log_line(std::to_string(s.pc) + ": safe");
                return true;
            }
            // Complete states that rarely cover anything cost more to compare than they save.
            if (++c->misses > c->hits * 3 + 3) {
                list[i] = list.back();
                list.pop_back();
                --i;
            }
        } else if (state_covers(c->st, s, live, caller_live, true)) {
            for (Checkpoint* a = parent; a; a = a->parent)
                if (a == c) reject("infinite loop detected at insn " + std::to_string(s.pc));
        }
    }
    if (stored_at_[s.pc] < kMaxCheckpointsPerInsn) {
        ++stored_at_[s.pc];
        arena_.push_back(std::make_unique<Checkpoint>(Checkpoint{s, parent, 1}));
        parent = arena_.back().get();
        list.push_back(parent);
        ++result_.stats.states_stored;
    }
    return false;
}

void Analyzer::record_facts(const State& s) {
    InsnFacts& f = result_.facts.insns[s.pc];
    const Frame& fr = s.cur();
    if (f.visits++ == 0) {
        f.reached = true;
        for (int r = 0; r < 11; ++r) {
            const RegState& rs = fr.regs[r];
            RegFact& rf = f.regs[r];
            rf.type = rs.type;
            rf.off = rs.off;
            rf.map = rs.map;
            rf.range = rs.range;
            rf.value = rs.s;
        }
        return;
    }
    for (int r = 0; r < 11; ++r) {
        const RegState& rs = fr.regs[r];
        RegFact& rf = f.regs[r];
        if (rf.mixed) continue;
        if (rf.type != rs.type) {
            rf.mixed = true;
            continue;
        }
        if (rf.off != rs.off) rf.off_varies = true;
        if (rf.map != rs.map) rf.map = -1;
        rf.range = std::min(rf.range, rs.range);
        rf.value = join(rf.value, rs.s);
    }
}

void Analyzer::run() {
    pending_.push_back({initial_state(), nullptr, UINT32_MAX});
    while (!pending_.empty()) {
        Pending p = std::move(pending_.back());
        pending_.pop_back();
        State s = std::move(p.st);
        Checkpoint* parent = p.parent;
        cur_ = &s;
        if (opts_.log_level >= 1 && p.from != UINT32_MAX)
            log_line("from " + std::to_string(p.from) + " to " + std::to_string(s.pc) + ": " + state_str(s, print_));
        while (true) {
            pc_ = s.pc;
            if (cfg_.prune_point[s.pc] && prune_or_store(s, parent)) break;
            if (++result_.stats.insns_processed > opts_.insn_budget)
                reject(fmt("complexity budget exceeded: more than %llu instructions processed",
                           static_cast<unsigned long long>(opts_.insn_budget)));
            result_.stats.max_call_depth = std::max<uint64_t>(result_.stats.max_call_depth, s.frames.size());
            if (opts_.collect_facts) record_facts(s);
            if (opts_.log_level >= 2) log_line(std::to_string(s.pc) + ": " + state_str(s, print_));
            if (!step(s, parent)) break;
        }
        path_done(parent);
    }
    cur_ = nullptr;
}

bool Analyzer::step(State& s, Checkpoint* parent) {
    const Instruction& ins = ir_.insns[static_cast<size_t>(ir_.index_of_pc[s.pc])].ins;
    if (const auto* b = std::get_if<Bin>(&ins)) {
        do_bin(s, *b);
    } else if (const auto* u = std::get_if<Un>(&ins)) {
        do_un(s, *u);
    } else if (const auto* l = std::get_if<LoadImm64>(&ins)) {
        do_lddw(s, *l);
        s.pc += 2;
        return true;
    } else if (const auto* ld = std::get_if<Load>(&ins)) {
        do_load(s, *ld);
    } else if (const auto* st = std::get_if<Store>(&ins)) {
        do_store(s, *st);
    } else if (const auto* a = std::get_if<Atomic>(&ins)) {
        do_atomic(s, *a);
    } else if (std::holds_alternative<PacketLoad>(ins)) {
        reject("BPF_LD_[ABS|IND] instructions not allowed for this program type");
    } else if (const auto* j = std::get_if<Jmp>(&ins)) {
        return do_jmp(s, *j, parent);
    } else if (const auto* c = std::get_if<Call>(&ins)) {
        do_call(s, *c);
    } else if (const auto* cl = std::get_if<CallLocal>(&ins)) {
        do_call_local(s, *cl);
        return true;
    } else if (std::holds_alternative<CallKfunc>(ins)) {
        reject("kernel function calls are not supported");
    } else if (std::holds_alternative<Callx>(ins)) {
        reject("callx (indirect helper call) is not supported by the verifier");
    } else if (std::holds_alternative<Exit>(ins)) {
        return do_exit(s);
    }
    s.pc += 1;
    return true;
}

void Analyzer::do_bin(State& s, const Bin& b) {
    Frame& f = s.cur();
    const int d = b.dst.v;
    check_writable(d);
    RegState src;
    int src_reg = -1;
    if (const auto* r = std::get_if<Reg>(&b.v)) {
        src_reg = r->v;
        src = read(s, src_reg);
    } else {
        src = RegState::scalar(Scalar::constant(static_cast<uint64_t>(std::get<Imm>(b.v).v)));
    }
    if (is_mov(b.op)) {
        if (b.op == Bin::Op::Mov && b.is64) {
            if (src_reg >= 0 && src.type == RegType::Scalar && !src.s.is_const()) {
                RegState& sr = f.regs[src_reg];
                if (sr.id == 0) sr.id = new_id();
                f.regs[d] = sr;
            } else {
                f.regs[d] = src;
                if (src.type == RegType::Scalar) f.regs[d].id = 0;
            }
        } else if (src.type == RegType::Scalar) {
            f.regs[d] = RegState::scalar(alu(b.op, Scalar::unknown(), src.s, b.is64));
        } else {
            // A pointer truncated or sign-extended is no pointer any more: an unknown scalar.
            f.regs[d] = RegState::scalar(b.is64 ? Scalar::unknown() : Scalar::of_width(4));
        }
        return;
    }
    RegState dst = read(s, d);
    if (dst.type == RegType::Scalar && src.type == RegType::Scalar) {
        f.regs[d] = RegState::scalar(alu(b.op, dst.s, src.s, b.is64));
        return;
    }
    const char* op = op_name(b.op);
    if (!b.is64) reject(fmt("R%d 32-bit pointer arithmetic prohibited", is_pointer(dst.type) ? d : src_reg), {d, src_reg});
    if (is_pointer(dst.type) && is_pointer(src.type)) {
        if (b.op != Bin::Op::Sub)
            reject(fmt("R%d pointer %s pointer prohibited", d, b.op == Bin::Op::Add ? "+=" : op), {d, src_reg});
        auto pkt_family = [](RegType t) {
            return t == RegType::Packet || t == RegType::PacketMeta || t == RegType::PacketEnd;
        };
        const bool same_kind = dst.type == src.type && dst.map == src.map && dst.frame == src.frame;
        if (!same_kind && !(pkt_family(dst.type) && pkt_family(src.type)))
            reject(fmt("R%d subtraction of pointers of different kinds prohibited", d), {d, src_reg});
        Scalar diff = Scalar::unknown();
        if (same_kind && dst.id == src.id && dst.s.is_const() && src.s.is_const()) {
            diff = Scalar::constant(static_cast<uint64_t>(int64_t{dst.off} - src.off +
                                                          static_cast<int64_t>(dst.s.value() - src.s.value())));
        } else if (dst.type == RegType::PacketEnd && src.type == RegType::Packet && src.off >= 0 &&
                   src.off <= src.range && src.s.smin >= 0) {
            // data_end - (data + var + off): at least the proven bytes beyond the pointer.
            diff = Scalar::urange(static_cast<uint64_t>(src.range - src.off), kMaxPacketOff);
        }
        f.regs[d] = RegState::scalar(diff);
        return;
    }
    if (b.op != Bin::Op::Add && b.op != Bin::Op::Sub)
        reject(fmt("R%d pointer arithmetic with %s operator prohibited", is_pointer(dst.type) ? d : src_reg, op),
               {d, src_reg});
    RegState ptr = dst;
    Scalar k = src.s;
    int preg = d;
    if (!is_pointer(dst.type)) {
        if (b.op == Bin::Op::Sub) reject(fmt("R%d tried to subtract pointer from scalar", d), {d, src_reg});
        ptr = src;
        k = dst.s;
        preg = src_reg;
    }
    switch (ptr.type) {
        case RegType::MapValueOrNull:
        case RegType::MapPtrOrNull:
            reject(fmt("R%d pointer arithmetic on %s prohibited, null-check it first", preg, reg_type_name(ptr.type)),
                   {preg});
        case RegType::PacketEnd:
        case RegType::MapPtr:
            reject(fmt("R%d pointer arithmetic on %s prohibited", preg, reg_type_name(ptr.type)), {preg});
        default: break;
    }
    if (k.is_const()) {
        const int64_t c = static_cast<int64_t>(k.value());
        const int64_t off = b.op == Bin::Op::Add ? int64_t{ptr.off} + c : int64_t{ptr.off} - c;
        if (c > kMaxPtrOff || c < -kMaxPtrOff || off > kMaxPtrOff || off < -kMaxPtrOff)
            reject(fmt("R%d value %lld makes %s pointer be out of bounds", preg, static_cast<long long>(c),
                       reg_type_name(ptr.type)),
                   {preg});
        ptr.off = static_cast<int32_t>(off);
    } else {
        ptr.s = alu(b.op, ptr.s, k, true);
        if (ptr.type == RegType::Packet || ptr.type == RegType::PacketMeta) {
            ptr.id = new_id();
            ptr.range = 0;
        }
    }
    f.regs[d] = ptr;
}

void Analyzer::do_un(State& s, const Un& u) {
    check_writable(u.dst.v);
    const RegState& r = read(s, u.dst.v);
    if (r.type != RegType::Scalar) reject(fmt("R%d pointer arithmetic prohibited", u.dst.v), {u.dst.v});
    s.cur().regs[u.dst.v] = RegState::scalar(alu_unary(u.op, r.s, u.is64));
}

void Analyzer::do_lddw(State& s, const LoadImm64& l) {
    check_writable(l.dst.v);
    RegState& d = s.cur().regs[l.dst.v];
    switch (l.pseudo) {
        case op::kPseudoImm64: d = RegState::scalar(Scalar::constant(l.value())); return;
        case op::kPseudoMapFd:
        case op::kPseudoMapIdx:
        case op::kPseudoMapValue:
        case op::kPseudoMapIdxValue: {
            if (l.imm_lo < 0 || static_cast<size_t>(l.imm_lo) >= maps_.size())
                reject(fmt("map index %d out of range (the object has %zu maps)", l.imm_lo, maps_.size()));
            const MapDef& m = maps_[l.imm_lo];
            if (!platform_.map_types.empty() && !platform_.supports_map_type(m.type))
                reject(fmt("map '%s' of type %s is not supported by platform %s", m.name.c_str(),
                           map_type_name(m.type), platform_.name.c_str()));
            if (l.pseudo == op::kPseudoMapFd || l.pseudo == op::kPseudoMapIdx) {
                d = RegState::pointer(RegType::MapPtr);
            } else {
                if (l.imm_hi < 0 || static_cast<uint32_t>(l.imm_hi) >= m.value_size)
                    reject(fmt("invalid access to map value pointer, value_size=%u off=%d", m.value_size, l.imm_hi));
                d = RegState::pointer(RegType::MapValue, l.imm_hi);
            }
            d.map = l.imm_lo;
            return;
        }
        default: reject(fmt("unsupported ld_imm64 source %u", l.pseudo));
    }
}

// --- Jumps -------------------------------------------------------------------------------------

void Analyzer::check_cmp_operands(const State& s, const Jmp& j) {
    const RegState& l = read(s, j.left.v);
    if (const auto* r = std::get_if<Reg>(&j.right)) {
        const RegState& rr = read(s, r->v);
        if (j.is32 && (is_pointer(l.type) || is_pointer(rr.type)))
            reject(fmt("R%d 32-bit pointer comparison prohibited", is_pointer(l.type) ? j.left.v : r->v),
                   {j.left.v, r->v});
    } else if (j.is32 && is_pointer(l.type)) {
        reject(fmt("R%d 32-bit pointer comparison prohibited", j.left.v), {j.left.v});
    }
}

void Analyzer::propagate_scalar(State& s, const RegState& r) {
    if (r.id == 0) return;
    for_each_reg(s, [&](RegState& x) {
        if (x.type == RegType::Scalar && x.id == r.id) x.s = r.s;
    });
}

void Analyzer::mark_null(State& s, uint32_t id, bool is_null) {
    for_each_reg(s, [&](RegState& x) {
        if ((x.type != RegType::MapValueOrNull && x.type != RegType::MapPtrOrNull) || x.id != id) return;
        if (is_null) {
            x = RegState::scalar(Scalar::constant(0));
        } else {
            x.type = x.type == RegType::MapValueOrNull ? RegType::MapValue : RegType::MapPtr;
            x.id = 0;
        }
    });
}

// preg: the packet (or meta) pointer; ereg: its end (pkt_end, or data for meta). c relates them
// as "preg c ereg".
bool Analyzer::assume_packet(State& s, int preg, int ereg, Jmp::Cond c, bool holds) {
    using C = Jmp::Cond;
    (void)ereg;
    RegState& p = s.cur().regs[preg];
    // What holds between p and its end: le (p <= end), lt (p < end), gt, ge.
    enum { kNone, kLe, kLt, kGt, kGe } rel = kNone;
    switch (c) {
        case C::Gt: rel = holds ? kGt : kLe; break;
        case C::Ge: rel = holds ? kGe : kLt; break;
        case C::Lt: rel = holds ? kLt : kGe; break;
        case C::Le: rel = holds ? kLe : kGt; break;
        default: return true;
    }
    // Outcomes already decided by a proven range.
    const bool range_ok = p.off >= 0 && p.s.umax <= kMaxPacketOff;
    if (range_ok && rel == kGt && p.off <= p.range) return false;
    if (range_ok && rel == kGe && p.off + 1 <= p.range) return false;
    if (!range_ok || (rel != kLe && rel != kLt)) return true;
    if (p.s.umax + static_cast<uint64_t>(p.off) > kMaxPacketOff) return true;
    const int32_t new_range = rel == kLt ? p.off + 1 : p.off;
    const RegType t = p.type;
    const uint32_t id = p.id;
    for_each_reg(s, [&](RegState& x) {
        if (x.type == t && x.id == id) x.range = std::max(x.range, new_range);
    });
    return true;
}

bool Analyzer::assume(State& s, const Jmp& j, bool holds) {
    using C = Jmp::Cond;
    Frame& f = s.cur();
    RegState& l = f.regs[j.left.v];
    const int rreg = std::holds_alternative<Reg>(j.right) ? std::get<Reg>(j.right).v : -1;
    RegState rimm;
    if (rreg < 0) {
        const int64_t imm = std::get<Imm>(j.right).v;
        rimm = RegState::scalar(Scalar::constant(j.is32 ? static_cast<uint32_t>(imm) : static_cast<uint64_t>(imm)));
    }
    RegState& r = rreg >= 0 ? f.regs[rreg] : rimm;
    if (l.type == RegType::Scalar && r.type == RegType::Scalar) {
        Scalar a = l.s, b = r.s;
        if (!refine(j.cond, !holds, j.is32, a, b)) return false;
        l.s = a;
        propagate_scalar(s, l);
        if (rreg >= 0) {
            r.s = b;
            propagate_scalar(s, r);
        }
        return true;
    }
    auto is_null_const = [](const RegState& x) { return x.type == RegType::Scalar && x.s.is_const() && x.s.value() == 0; };
    auto nullable = [](const RegState& x) {
        return x.type == RegType::MapValueOrNull || x.type == RegType::MapPtrOrNull;
    };
    if (j.cond == C::Eq || j.cond == C::Ne) {
        const RegState* ptr = nullptr;
        if (is_pointer(l.type) && is_null_const(r)) ptr = &l;
        if (is_pointer(r.type) && is_null_const(l)) ptr = &r;
        if (ptr) {
            const bool equal = (j.cond == C::Eq) == holds;  // "ptr == NULL" on this branch
            if (nullable(*ptr)) {
                mark_null(s, ptr->id, equal);
                return true;
            }
            return !equal;  // other pointers are never NULL
        }
        return true;
    }
    // Packet pointers against their end.
    auto swapped = [](C c) {
        switch (c) {
            case C::Gt: return C::Lt;
            case C::Ge: return C::Le;
            case C::Lt: return C::Gt;
            case C::Le: return C::Ge;
            default: return c;
        }
    };
    auto is_data = [](const RegState& x) {
        return x.type == RegType::Packet && x.id == 0 && x.off <= 0 && x.s.is_const() && x.s.value() == 0;
    };
    if (rreg >= 0) {
        if (l.type == RegType::Packet && r.type == RegType::PacketEnd) return assume_packet(s, j.left.v, rreg, j.cond, holds);
        if (l.type == RegType::PacketEnd && r.type == RegType::Packet) return assume_packet(s, rreg, j.left.v, swapped(j.cond), holds);
        if (l.type == RegType::PacketMeta && is_data(r)) return assume_packet(s, j.left.v, rreg, j.cond, holds);
        if (is_data(l) && r.type == RegType::PacketMeta) return assume_packet(s, rreg, j.left.v, swapped(j.cond), holds);
    }
    return true;
}

bool Analyzer::do_jmp(State& s, const Jmp& j, Checkpoint* parent) {
    if (j.cond == Jmp::Cond::Always) {
        s.pc = static_cast<uint32_t>(j.target);
        return true;
    }
    check_cmp_operands(s, j);
    const uint32_t pc = s.pc;
    if (opts_.collect_facts) {
        const RegState& l = s.cur().regs[j.left.v];
        if (const auto* r = std::get_if<Reg>(&j.right)) {
            const RegState& rr = s.cur().regs[r->v];
            const bool pkt = (l.type == RegType::Packet && rr.type == RegType::PacketEnd) ||
                             (l.type == RegType::PacketEnd && rr.type == RegType::Packet) ||
                             l.type == RegType::PacketMeta || rr.type == RegType::PacketMeta;
            if (pkt) result_.facts.insns[pc].is_packet_check = true;
        }
    }
    State taken = s;
    const bool can_take = assume(taken, j, true);
    const bool can_fall = assume(s, j, false);
    if (opts_.collect_facts) {
        result_.facts.insns[pc].branch_taken |= can_take;
        result_.facts.insns[pc].branch_fallthrough |= can_fall;
    }
    if (can_take && can_fall) {
        taken.pc = static_cast<uint32_t>(j.target);
        pending_.push_back({std::move(taken), parent, pc});
        if (parent) ++parent->branches;
        result_.stats.peak_states = std::max<uint64_t>(result_.stats.peak_states, pending_.size());
        s.pc = pc + 1;
        return true;
    }
    if (can_take) {
        s = std::move(taken);
        s.pc = static_cast<uint32_t>(j.target);
        return true;
    }
    if (can_fall) {
        s.pc = pc + 1;
        return true;
    }
    return false;  // no state reaches either side: the path is dead
}

}  // namespace bpfnic::verifier
