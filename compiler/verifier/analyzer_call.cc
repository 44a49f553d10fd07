// SPDX-License-Identifier: MIT
// Helper calls (argument types from the platform's prototypes), bpf-to-bpf calls and exits.
#include <cstdio>

#include "compiler/verifier/analyzer.h"

namespace bpfnic::verifier {
namespace {

std::string fmt(const char* f, auto... args) {
    char buf[320];
    std::snprintf(buf, sizeof buf, f, args...);
    return buf;
}

bool is_redirect_map(uint32_t t) {
    return t == map_type::kDevmap || t == map_type::kDevmapHash || t == map_type::kCpumap || t == map_type::kXskmap;
}

// Which helpers may take a map of this type (and which map types a helper takes).
bool map_helper_compatible(int32_t helper, uint32_t type) {
    namespace h = helper_id;
    switch (helper) {
        case h::kTailCall: return type == map_type::kProgArray;
        case h::kRedirectMap: return is_redirect_map(type);
        case h::kPerfEventOutput: return type == map_type::kPerfEventArray;
        default: break;
    }
    if (type == map_type::kProgArray || type == map_type::kPerfEventArray) return false;
    if (is_redirect_map(type)) return helper == h::kMapLookupElem;
    return true;
}

}  // namespace

void Analyzer::do_call(State& s, const Call& c) {
    const HelperProto* h = platform_.find_helper(c.helper);
    if (!h) reject(fmt("invalid func unknown#%d (not a helper of platform %s)", c.helper, platform_.name.c_str()));
    int map_idx = -1;
    int mem_reg = -1;
    ArgKind mem_kind = ArgKind::None;
    bool mem_null = false;
    for (int i = 0; i < 5 && h->args[i] != ArgKind::None; ++i) {
        const int regno = i + 1;
        const RegState r = read(s, regno);
        auto expect = [&](const char* what) {
            reject(fmt("R%d type=%s expected=%s", regno, reg_type_name(r.type), what), {regno});
        };
        switch (h->args[i]) {
            case ArgKind::None:
            case ArgKind::Anything: break;
            case ArgKind::Scalar:
                if (r.type != RegType::Scalar) expect("scalar");
                break;
            case ArgKind::ConstMapPtr: {
                if (r.type != RegType::MapPtr) expect("map_ptr");
                map_idx = r.map;
                const MapDef& m = maps_[static_cast<size_t>(map_idx)];
                if (!map_helper_compatible(h->id, m.type))
                    reject(fmt("cannot pass map_type %u (%s) into func %s#%d", m.type, map_type_name(m.type), h->name, h->id),
                           {regno});
                break;
            }
            case ArgKind::MapKey:
            case ArgKind::MapValue: {
                if (map_idx < 0) reject(fmt("R%d map argument missing before key/value", regno));
                const MapDef& m = maps_[static_cast<size_t>(map_idx)];
                const uint32_t size = h->args[i] == ArgKind::MapKey ? m.key_size : m.value_size;
                check_range_mem(s, regno, size, false, h->args[i] == ArgKind::MapKey ? "map key" : "map value");
                break;
            }
            case ArgKind::Ctx:
                if (r.type != RegType::Ctx) expect("ctx");
                if (r.off != 0 || !r.s.is_const() || r.s.value() != 0)
                    reject(fmt("dereference of modified ctx ptr R%d off=%d disallowed", regno, r.off), {regno});
                break;
            case ArgKind::Mem:
            case ArgKind::MemOrNull:
            case ArgKind::UninitMem:
                mem_reg = regno;
                mem_kind = h->args[i];
                mem_null = h->args[i] == ArgKind::MemOrNull && r.type == RegType::Scalar && r.s.is_const() &&
                           r.s.value() == 0;
                if (!mem_null && r.type != RegType::Stack && r.type != RegType::Packet && r.type != RegType::PacketMeta &&
                    r.type != RegType::MapValue && r.type != RegType::Mem)
                    expect("fp, pkt, pkt_meta, map_value");
                break;
            case ArgKind::ConstSize:
            case ArgKind::ConstSizeOrZero: {
                if (r.type != RegType::Scalar) expect("scalar");
                if (mem_reg < 0) reject(fmt("R%d size argument without a memory argument", regno));
                if (r.s.smin < 0)
                    reject(fmt("R%d min value is negative, either use unsigned or 'var &= const'", regno), {regno});
                if (r.s.umin == 0 && h->args[i] == ArgKind::ConstSize)
                    reject(fmt("R%d invalid zero-sized read", regno), {regno});
                if (r.s.umax >= (1u << 29))
                    reject(fmt("R%d unbounded memory access, use 'var &= const' or 'if (var < const)'", regno), {regno});
                if (mem_null) {
                    if (r.s.umax != 0)
                        reject(fmt("R%d type=scalar expected=fp, pkt, pkt_meta, map_value (NULL with size %llu)",
                                   mem_reg, static_cast<unsigned long long>(r.s.umax)),
                               {mem_reg, regno});
                } else {
                    check_range_mem(s, mem_reg, r.s.umax, mem_kind == ArgKind::UninitMem, "memory");
                }
                mem_reg = -1;
                break;
            }
            case ArgKind::SpinLock:
                if (r.type != RegType::MapValue || !r.s.is_const()) expect("map_value");
                break;
        }
    }
    Frame& f = s.cur();
    RegState r0;
    switch (h->ret) {
        case RetKind::Integer:
            r0 = RegState::scalar(Scalar::unknown());
            if (h->id == helper_id::kRedirect || h->id == helper_id::kRedirectMap)
                r0.s = Scalar::urange(0, 4);  // XDP_REDIRECT, or an action from the flags
            else if (h->id == helper_id::kGetPrandomU32 || h->id == helper_id::kGetSmpProcessorId)
                r0.s = Scalar::of_width(4);
            break;
        case RetKind::Void: break;
        case RetKind::MapValueOrNull: {
            if (map_idx < 0) reject("helper returning a map value has no map argument");
            const MapDef& m = maps_[static_cast<size_t>(map_idx)];
            const bool of_maps = m.type == map_type::kArrayOfMaps || m.type == map_type::kHashOfMaps;
            r0 = RegState::pointer(of_maps ? RegType::MapPtrOrNull : RegType::MapValueOrNull);
            r0.map = of_maps ? m.inner_map : map_idx;
            if (of_maps && (m.inner_map < 0 || static_cast<size_t>(m.inner_map) >= maps_.size()))
                reject(fmt("map '%s' has no inner map template", m.name.c_str()));
            r0.id = new_id();
            break;
        }
    }
    for (int r = 1; r <= 5; ++r) f.regs[r] = RegState{};
    f.regs[0] = r0;
    if (h->changes_packet) invalidate_packet(s);
}

void Analyzer::do_call_local(State& s, const CallLocal& c) {
    if (s.frames.size() >= platform_.max_call_depth)
        reject(fmt("the call stack of %zu frames is too deep (platform limit %u)", s.frames.size() + 1,
                   platform_.max_call_depth));
    Frame callee(platform_.stack_size);
    const Frame& caller = s.cur();
    for (int r = 1; r <= 5; ++r) callee.regs[r] = caller.regs[r];
    callee.regs[10] = RegState::pointer(RegType::Stack);
    callee.regs[10].frame = static_cast<uint8_t>(s.frames.size());
    callee.callsite = static_cast<int32_t>(s.pc);
    s.frames.push_back(std::move(callee));
    s.pc = static_cast<uint32_t>(c.target);
}

bool Analyzer::do_exit(State& s) {
    const RegState r0 = read(s, 0);
    if (s.frames.size() > 1) {
        if (r0.type == RegType::Stack && static_cast<size_t>(r0.frame) + 1 >= s.frames.size())
            reject("cannot return stack pointer to the caller", {0});
        const uint32_t ret = static_cast<uint32_t>(s.cur().callsite) + 1;
        s.frames.pop_back();
        Frame& f = s.cur();
        f.regs[0] = r0;
        for (int r = 1; r <= 5; ++r) f.regs[r] = RegState{};
        s.pc = ret;
        return true;
    }
    if (r0.type != RegType::Scalar) reject("R0 leaks addr as return value", {0});
    if (platform_.prog_type == ProgType::Xdp && r0.s.umax > 4)
        reject(fmt("At program exit the register R0 has umin=%llu umax=%llu should have been in [0, 4]",
                   static_cast<unsigned long long>(r0.s.umin), static_cast<unsigned long long>(r0.s.umax)),
               {0});
    return false;
}

}  // namespace bpfnic::verifier
