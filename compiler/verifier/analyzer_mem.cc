// SPDX-License-Identifier: MIT
// Memory accesses of the verifier: loads, stores and atomics through context, packet, stack, map
// value and raw memory pointers, and the memory arguments of helpers.
#include <cstdio>
#include <cstring>
#include <utility>

#include "compiler/verifier/analyzer.h"

namespace bpfnic::verifier {
namespace {

constexpr int64_t kMaxVarOff = 1 << 29;

std::string fmt(const char* f, auto... args) {
    char buf[320];
    std::snprintf(buf, sizeof buf, f, args...);
    return buf;
}

Scalar load_result(int size, bool sign_ext) { return Scalar::of_width(static_cast<unsigned>(size), sign_ext); }

uint64_t extend(uint64_t v, int size, bool sign_ext) {
    if (size >= 8) return v;
    const unsigned bits = static_cast<unsigned>(size) * 8;
    v &= (uint64_t{1} << bits) - 1;
    if (sign_ext && (v >> (bits - 1)) & 1) v |= ~((uint64_t{1} << bits) - 1);
    return v;
}

}  // namespace

void Analyzer::write_stack_bytes(Frame& fr, int64_t idx, int size, Slot kind) {
    // Demote spilled registers the write touches to plain bytes first.
    for (int64_t slot = idx / 8; slot <= (idx + size - 1) / 8; ++slot) {
        if (fr.bytes[slot * 8] != Slot::Spill) continue;
        const RegState& sp = std::as_const(fr.spills)[slot];
        const bool zero = sp.type == RegType::Scalar && sp.s.is_const() && sp.s.value() == 0;
        for (int b = 0; b < 8; ++b) fr.bytes[slot * 8 + b] = zero ? Slot::Zero : Slot::Misc;
        fr.spills.erase(slot);
    }
    for (int64_t b = idx; b < idx + size; ++b) fr.bytes[b] = kind;
    for (size_t i = 0; i < fr.narrow.size();) {
        const NarrowSpill& n = fr.narrow[i];
        if (n.idx < idx + size && idx < n.idx + n.size) {
            fr.narrow[i] = fr.narrow.back();
            fr.narrow.pop_back();
        } else {
            ++i;
        }
    }
}

void Analyzer::invalidate_packet(State& s) {
    for (Frame& fr : s.frames) {
        for (RegState& r : fr.regs)
            if (r.type == RegType::Packet || r.type == RegType::PacketMeta || r.type == RegType::PacketEnd) {
                r = RegState{};
                r.off = kStalePacketPointer;
            }
        for (const auto& [slot, sp] : fr.spills) {
            if (fr.bytes[slot * 8] != Slot::Spill) continue;
            const RegType t = sp.type;
            if (t == RegType::Packet || t == RegType::PacketMeta || t == RegType::PacketEnd)
                for (int b = 0; b < 8; ++b) fr.bytes[slot * 8 + b] = Slot::Misc;
        }
    }
}

void Analyzer::check_packet_range(const RegState& base, int regno, int64_t off, int64_t size) {
    if (base.s.smin < 0)
        reject(fmt("R%d min value is negative, either use unsigned index or do a 'if (index >=0)' check.", regno), {regno});
    if (base.s.umax >= static_cast<uint64_t>(kMaxVarOff))
        reject(fmt("R%d unbounded memory access, make sure to bounds check any such access", regno), {regno});
    const int64_t o = base.off + off;
    if (o < 0 || o + size > base.range)
        reject(fmt("invalid access to %s, off=%lld size=%lld, R%d(id=%u,off=%d,r=%d)",
                   base.type == RegType::PacketMeta ? "packet metadata" : "packet", static_cast<long long>(o),
                   static_cast<long long>(size), regno, base.id, base.off, base.range),
               {regno});
}

RegState Analyzer::access_map(const RegState& base, int regno, int64_t off, int size, Access acc, bool sign_ext) {
    const MapDef& m = maps_[static_cast<size_t>(base.map)];
    const int64_t lo0 = base.off + off;
    if (acc == Access::Write && m.read_only)
        reject(fmt("write into map forbidden, value_size=%u off=%lld size=%d", m.value_size, static_cast<long long>(lo0), size),
               {regno});
    if (base.s.smin < 0)
        reject(fmt("R%d min value is negative, either use unsigned index or do a 'if (index >=0)' check.", regno), {regno});
    if (base.s.umax >= static_cast<uint64_t>(kMaxVarOff))
        reject(fmt("R%d unbounded memory access, make sure to bounds check any such access", regno), {regno});
    const int64_t lo = lo0 + base.s.smin;
    const int64_t hi = lo0 + static_cast<int64_t>(base.s.umax);
    if (lo < 0 || hi + size > static_cast<int64_t>(m.value_size))
        reject(fmt("invalid access to map value, value_size=%u off=%lld size=%d", m.value_size,
                   static_cast<long long>(lo < 0 ? lo : hi), size),
               {regno});
    if (acc == Access::Read && m.read_only && base.s.is_const() &&
        static_cast<size_t>(lo + size) <= m.initial_data.size()) {
        uint64_t v = 0;
        std::memcpy(&v, m.initial_data.data() + lo, static_cast<size_t>(size));
        return RegState::scalar(Scalar::constant(extend(v, size, sign_ext)));
    }
    return RegState::scalar(load_result(size, sign_ext));
}

RegState Analyzer::access_stack(State& s, const RegState& base, int regno, int64_t off, int size, Access acc,
                                const RegState* val, bool sign_ext) {
    Frame& fr = s.frames[base.frame];
    const int64_t stack = static_cast<int64_t>(fr.bytes.size());
    if (base.s.smin < -kMaxVarOff || base.s.smax > kMaxVarOff)
        reject(fmt("R%d unbounded memory access to the stack", regno), {regno});
    const int64_t lo = base.off + off + base.s.smin;
    const int64_t hi = base.off + off + base.s.smax;
    const char* what = acc == Access::Write ? "write to" : "read from";
    if (lo < -stack || hi + size > 0)
        reject(fmt("invalid %s stack R%d off=%lld size=%d", what, regno, static_cast<long long>(lo), size), {regno});
    const bool fixed = base.s.is_const();
    if (acc == Access::Write) {
        const bool ptr = val && is_pointer(val->type);
        if (!fixed) {
            if (ptr) reject(fmt("R%d variable-offset stack write of a pointer prohibited", regno), {regno});
            write_stack_bytes(fr, lo + stack, static_cast<int>(hi - lo) + size, Slot::Misc);
            return {};
        }
        const int64_t idx = lo + stack;
        if (ptr) {
            if (size != 8 || idx % 8 != 0)
                reject(fmt("invalid size or alignment of register spill: off=%lld size=%d", static_cast<long long>(lo), size),
                       {regno});
            if (val->type == RegType::Stack && val->frame > base.frame)
                reject("cannot spill pointers to stack into stack frame of the caller", {regno});
        }
        const bool zero = val && val->type == RegType::Scalar && val->s.is_const() &&
                          extend(val->s.value(), size, false) == 0;
        if (size == 8 && idx % 8 == 0 && val && (ptr || !zero)) {
            write_stack_bytes(fr, idx, 8, Slot::Spill);
            fr.spills[idx / 8] = *val;
            return {};
        }
        write_stack_bytes(fr, idx, size, zero ? Slot::Zero : Slot::Misc);
        if (!zero && size < 8 && idx % size == 0 && val && val->type == RegType::Scalar &&
            val->s.umax < (uint64_t{1} << (size * 8)))
            fr.narrow.push_back({static_cast<uint32_t>(idx), static_cast<uint8_t>(size), val->s});
        return {};
    }
    // Reads.
    if (!fixed) {
        for (int64_t b = lo + stack; b < hi + stack + size; ++b) {
            if (fr.bytes[b] == Slot::Invalid)
                reject(fmt("invalid variable-offset read from stack R%d off=%lld size=%d", regno,
                           static_cast<long long>(b - stack), size),
                       {regno});
            if (fr.bytes[b] == Slot::Spill && is_pointer(std::as_const(fr.spills)[b / 8].type))
                reject(fmt("R%d variable-offset read of a spilled pointer prohibited", regno), {regno});
        }
        return RegState::scalar(load_result(size, sign_ext));
    }
    const int64_t idx = lo + stack;
    if (size == 8 && idx % 8 == 0 && fr.bytes[idx] == Slot::Spill) return std::as_const(fr.spills)[idx / 8];
    if (!sign_ext)
        for (const NarrowSpill& n : fr.narrow)
            if (n.idx == idx && n.size == size) return RegState::scalar(n.value);
    bool known = true;
    uint64_t v = 0;
    for (int64_t b = idx; b < idx + size; ++b) {
        const Slot k = fr.bytes[b];
        uint64_t byte = 0;
        if (k == Slot::Invalid)
            reject(fmt("invalid read from stack R%d off=%lld size=%d", regno, static_cast<long long>(lo), size),
                   {regno});
        if (k == Slot::Misc) known = false;
        if (k == Slot::Spill) {
            const RegState& sp = std::as_const(fr.spills)[b / 8];
            if (is_pointer(sp.type))
                reject(fmt("invalid size of register fill: R%d off=%lld size=%d", regno, static_cast<long long>(lo), size),
                       {regno});
            if (!sp.s.is_const())
                known = false;
            else
                byte = (sp.s.value() >> ((b % 8) * 8)) & 0xff;
        }
        v |= byte << ((b - idx) * 8);
    }
    return RegState::scalar(known ? Scalar::constant(extend(v, size, sign_ext)) : load_result(size, sign_ext));
}

RegState Analyzer::check_mem(State& s, int regno, int32_t off, int size, Access acc, const RegState* val,
                             int val_regno, bool sign_ext) {
    const RegState base = read(s, regno);
    const bool ptr_val = val && is_pointer(val->type);
    switch (base.type) {
        case RegType::Scalar:
        case RegType::PacketEnd:
        case RegType::MapValueOrNull:
        case RegType::MapPtr:
        case RegType::MapPtrOrNull:
        case RegType::NotInit:
            reject(fmt("R%d invalid mem access '%s'", regno, reg_type_name(base.type)), {regno});
        case RegType::Ctx: {
            if (base.off != 0 || !base.s.is_const() || base.s.value() != 0)
                reject(fmt("dereference of modified ctx ptr R%d off=%d disallowed", regno, base.off), {regno});
            const int64_t o = off;
            if (acc == Access::Write || sign_ext || size != 4 || o < 0 || o >= 24 || o % 4 != 0)
                reject(fmt("invalid bpf_context access off=%lld size=%d", static_cast<long long>(o), size), {regno});
            if (o == 0) return RegState::pointer(RegType::Packet);
            if (o == 4) return RegState::pointer(RegType::PacketEnd);
            if (o == 8) return RegState::pointer(RegType::PacketMeta);
            return RegState::scalar(Scalar::of_width(4));
        }
        case RegType::Packet:
        case RegType::PacketMeta:
            if (ptr_val) reject(fmt("R%d leaks addr into packet", val_regno), {val_regno});
            check_packet_range(base, regno, off, size);
            return RegState::scalar(load_result(size, sign_ext));
        case RegType::Stack: return access_stack(s, base, regno, off, size, acc, val, sign_ext);
        case RegType::MapValue:
            if (ptr_val) reject(fmt("R%d leaks addr into map", val_regno), {val_regno});
            return access_map(base, regno, off, size, acc, sign_ext);
        case RegType::Mem: {
            if (ptr_val) reject(fmt("R%d leaks addr into mem", val_regno), {val_regno});
            if (base.s.smin < 0)
                reject(fmt("R%d min value is negative, either use unsigned index or do a 'if (index >=0)' check.", regno),
                       {regno});
            if (base.s.umax >= static_cast<uint64_t>(kMaxVarOff))
                reject(fmt("R%d unbounded memory access, make sure to bounds check any such access", regno), {regno});
            const int64_t lo = base.off + off + base.s.smin, hi = base.off + off + static_cast<int64_t>(base.s.umax);
            if (lo < 0 || (base.range >= 0 && hi + size > base.range))
                reject(fmt("invalid access to memory, mem_size=%s off=%lld size=%d",
                           base.range < 0 ? "?" : std::to_string(base.range).c_str(),
                           static_cast<long long>(lo < 0 ? lo : hi), size),
                       {regno});
            return RegState::scalar(load_result(size, sign_ext));
        }
    }
    return {};
}

void Analyzer::check_range_mem(State& s, int regno, uint64_t size, bool write, const char* what) {
    const RegState& r = read(s, regno);
    if (size == 0) return;
    const int n = static_cast<int>(size);
    switch (r.type) {
        case RegType::Stack: {
            Frame& fr = s.frames[r.frame];
            const int64_t stack = static_cast<int64_t>(fr.bytes.size());
            if (r.s.smin < -kMaxVarOff || r.s.smax > kMaxVarOff)
                reject(fmt("R%d unbounded memory access to the stack", regno), {regno});
            const int64_t lo = r.off + r.s.smin, hi = r.off + r.s.smax + n;
            if (lo < -stack || hi > 0)
                reject(fmt("invalid indirect access to stack R%d off=%lld size=%d", regno, static_cast<long long>(lo), n),
                       {regno});
            if (write) {
                if (r.s.is_const())
                    write_stack_bytes(fr, lo + stack, n, Slot::Misc);
                else
                    write_stack_bytes(fr, lo + stack, static_cast<int>(hi - lo), Slot::Misc);
                return;
            }
            for (int64_t b = lo + stack; b < hi + stack; ++b) {
                if (fr.bytes[b] == Slot::Invalid)
                    reject(fmt("invalid indirect read from stack R%d off=%lld size=%d", regno, static_cast<long long>(lo), n),
                           {regno});
                if (fr.bytes[b] == Slot::Spill && is_pointer(std::as_const(fr.spills)[b / 8].type))
                    reject(fmt("R%d leaks addr into helper %s argument", regno, what), {regno});
            }
            return;
        }
        case RegType::Packet:
        case RegType::PacketMeta: check_packet_range(r, regno, 0, n); return;
        case RegType::MapValue: access_map(r, regno, 0, n, write ? Access::Write : Access::Read, false); return;
        case RegType::Mem: {
            const RegState copy = r;
            check_mem(s, regno, 0, 1, Access::Read, nullptr, -1, false);
            if (copy.range >= 0 && copy.off + static_cast<int64_t>(copy.s.umax) + n > copy.range)
                reject(fmt("invalid access to memory, mem_size=%d off=%d size=%d", copy.range, copy.off, n), {regno});
            return;
        }
        default:
            reject(fmt("R%d type=%s expected=fp, pkt, pkt_meta, map_value", regno, reg_type_name(r.type)), {regno});
    }
}

void Analyzer::do_load(State& s, const Load& l) {
    check_writable(l.dst.v);
    const RegState out = check_mem(s, l.base.v, l.off, l.width, Access::Read, nullptr, -1, l.sign_ext);
    s.cur().regs[l.dst.v] = out;
}

void Analyzer::do_store(State& s, const Store& st) {
    RegState val;
    int val_regno = -1;
    if (const auto* r = std::get_if<Reg>(&st.v)) {
        val_regno = r->v;
        val = read(s, val_regno);
    } else {
        val = RegState::scalar(Scalar::constant(static_cast<uint64_t>(std::get<Imm>(st.v).v)));
    }
    if (val.type == RegType::Scalar && st.width < 8) {
        // The bytes stored are the low bytes of the value.
        const uint64_t mask = (uint64_t{1} << (st.width * 8)) - 1;
        if (val.s.is_const())
            val.s = Scalar::constant(val.s.value() & mask);
        else if (val.s.umax > mask)
            val.s = Scalar::of_width(st.width);
        val.id = 0;
    }
    check_mem(s, st.base.v, st.off, st.width, Access::Write, &val, val_regno, false);
}

void Analyzer::do_atomic(State& s, const Atomic& a) {
    const RegState& base = read(s, a.base.v);
    const RegState& src = read(s, a.src.v);
    if (is_pointer(src.type)) reject(fmt("R%d leaks addr into mem", a.src.v), {a.src.v});
    if (a.op == Atomic::Op::CmpXchg) {
        const RegState& r0 = read(s, 0);
        if (is_pointer(r0.type)) reject("R0 leaks addr into mem", {0});
    }
    if (base.type != RegType::Stack && base.type != RegType::MapValue && base.type != RegType::Mem)
        reject(fmt("BPF_ATOMIC stores into R%d %s is not allowed", a.base.v, reg_type_name(base.type)), {a.base.v});
    // Read (the bytes must be initialised), then write back an unknown value.
    check_mem(s, a.base.v, a.off, a.width, Access::Read, nullptr, -1, false);
    RegState unknown = RegState::scalar(Scalar::of_width(a.width));
    check_mem(s, a.base.v, a.off, a.width, Access::Write, &unknown, -1, false);
    if (a.op == Atomic::Op::CmpXchg)
        s.cur().regs[0] = RegState::scalar(Scalar::of_width(a.width));
    else if (a.fetch) {
        check_writable(a.src.v);
        s.cur().regs[a.src.v] = RegState::scalar(Scalar::of_width(a.width));
    }
}

}  // namespace bpfnic::verifier
