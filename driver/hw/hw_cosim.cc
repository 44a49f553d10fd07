// SPDX-License-Identifier: MIT
// HwCosim: the interpreter as the co-simulation reference of the RTL.
#ifdef BPFNIC_HAVE_HW

#include "driver/hw/hw_cosim.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "compiler/error.h"
#include "sim/address_map.h"

namespace bpfnic {

namespace A = sim::addr;

void copy_map_contents(Map& from, Map& to) {
    const MapDef& d = from.def();
    if (from.array_base() && to.array_base()) {
        std::memcpy(to.array_base(), from.array_base(), size_t{d.max_entries} * d.value_size);
        return;
    }
    std::vector<uint8_t> key(d.key_size), next(d.key_size);
    // Empty the destination, then copy every entry.
    std::vector<std::vector<uint8_t>> keys;
    for (int rc = to.next_key(nullptr, next.data()); rc == 0; rc = to.next_key(key.data(), next.data())) {
        keys.push_back(next);
        key = next;
    }
    for (auto& k : keys) to.erase(k.data());
    for (int rc = from.next_key(nullptr, next.data()); rc == 0; rc = from.next_key(key.data(), next.data())) {
        if (void* v = from.lookup(next.data())) to.update(next.data(), v, update_flag::kAny);
        key = next;
    }
}

void HwCosim::load(const Object& obj, size_t entry, const Platform& platform) {
    shadow_maps_ = std::make_unique<MapSet>(obj.maps);
    interp_.load(obj, entry, *shadow_maps_, platform);
}

void HwCosim::begin(const ExecEnv& env, uint64_t r1, uint64_t r2, MapSet& live_maps) {
    errors_.clear();
    steps_ = 0;
    for (size_t i = 0; i < live_maps.size() && i < shadow_maps_->size(); ++i)
        copy_map_contents(live_maps.at(i), shadow_maps_->at(i));
    shadow_env_ = ExecEnv{};
    shadow_env_.maps = shadow_maps_.get();
    shadow_env_.fib = env.fib;
    shadow_env_.num_programs = env.num_programs;
    shadow_env_.ktime_ns = env.ktime_ns;
    shadow_env_.prandom_state = env.prandom_state;
    shadow_env_.cpu_id = env.cpu_id;
    xdp_mode_ = env.xdp != nullptr;
    if (xdp_mode_) {
        XdpBuff& x = *env.xdp;
        shadow_xdp_.reset(x.packet(), x.md()->ingress_ifindex, x.md()->rx_queue_index);
        const auto meta = x.meta();
        if (!meta.empty()) {
            shadow_xdp_.adjust_meta(-static_cast<int64_t>(meta.size()));
            std::memcpy(shadow_xdp_.data_meta(), meta.data(), meta.size());
        }
        shadow_xdp_.md()->egress_ifindex = x.md()->egress_ifindex;
        shadow_env_.xdp = &shadow_xdp_;
        interp_.begin(shadow_env_, reinterpret_cast<uint64_t>(shadow_xdp_.md()), r2);
    } else {
        shadow_raw_.assign(reinterpret_cast<const uint8_t*>(r1), reinterpret_cast<const uint8_t*>(r1) + r2);
        interp_.begin(shadow_env_, r2 ? reinterpret_cast<uint64_t>(shadow_raw_.data()) : r1, r2);
    }
}

HwCosim::Canon HwCosim::canon(uint64_t h) const {
    auto in = [&](const void* base, uint64_t size) {
        const uint64_t b = reinterpret_cast<uint64_t>(base);
        return h >= b && h < b + size;
    };
    auto off = [&](const void* base) { return h - reinterpret_cast<uint64_t>(base); };
    const uint64_t sb = interp_.stack_base();
    if (h >= sb && h <= sb + A::kStackBytes) return {Kind::Exact, A::kStackBase + (h - sb)};
    if (xdp_mode_) {
        const XdpBuff& x = shadow_xdp_;
        if (in(const_cast<XdpBuff&>(x).md(), A::kCtxBytes)) return {Kind::Exact, A::kCtxBase + off(const_cast<XdpBuff&>(x).md())};
        const uint64_t frame = static_cast<uint64_t>(x.hard_end() - x.hard_start()) + XdpBuff::kTailroom;
        if (h >= reinterpret_cast<uint64_t>(x.hard_start()) && h <= reinterpret_cast<uint64_t>(x.hard_start()) + frame)
            return {Kind::Exact, A::kPktBase + off(x.hard_start())};
    } else if (!shadow_raw_.empty() && h >= reinterpret_cast<uint64_t>(shadow_raw_.data()) &&
               h <= reinterpret_cast<uint64_t>(shadow_raw_.data()) + shadow_raw_.size()) {
        return {Kind::Exact, A::kPktBase + 256 + off(shadow_raw_.data())};
    }
    for (size_t i = 0; i < shadow_maps_->size(); ++i) {
        Map& m = shadow_maps_->at(i);
        if (h == reinterpret_cast<uint64_t>(&m)) return {Kind::Exact, HwMapMemory::handle(static_cast<uint32_t>(i))};
        if (const uint8_t* ab = m.array_base()) {
            const uint64_t size = uint64_t{m.def().max_entries} * m.def().value_size;
            if (in(ab, size)) return {Kind::Exact, A::map_region(static_cast<uint32_t>(i)) + off(ab)};
        } else if (m.owns(h, 1)) {
            return {Kind::AnyValueOfMap, i};
        }
    }
    // Last: stack pointers a little outside the stack (pointer arithmetic before a bounds check).
    constexpr uint64_t kSlack = 4096;
    if (h >= sb - kSlack && h <= sb + A::kStackBytes + kSlack) return {Kind::Exact, A::kStackBase + (h - sb)};
    return {Kind::Exact, h};
}

bool HwCosim::same(uint64_t host, uint64_t dev) const {
    const Canon c = canon(host);
    if (c.kind == Kind::Exact) return c.v == dev;
    const uint64_t lo = A::map_region(static_cast<uint32_t>(c.v));
    return dev >= lo && dev < lo + (uint64_t{1} << 32);
}

std::string HwCosim::describe(const Retired& ref, const sim::RetireRecord& r) const {
    char buf[1024];
    uint64_t raw;
    std::memcpy(&raw, &ref.insn, 8);
    std::snprintf(buf, sizeof buf,
                  "  interpreter: pc %u insn %016" PRIx64 " dst r%d = 0x%" PRIx64 " (device-equivalent 0x%" PRIx64
                  ") mem %s%s addr 0x%" PRIx64 " (0x%" PRIx64 ") value 0x%" PRIx64 " width %u exit %d\n"
                  "  device:      pc %u insn %016" PRIx64 " dst r%d = 0x%" PRIx64 " mem %s%s addr 0x%" PRIx64
                  " value 0x%" PRIx64 " width %u exit %d trap %u\n",
                  ref.pc, raw, ref.dst_reg, ref.dst_value, canon(ref.dst_value).v, ref.mem ? "yes" : "no",
                  ref.mem_write ? " (write)" : "", ref.mem_addr, canon(ref.mem_addr).v, ref.mem_value, ref.mem_width,
                  ref.exited, r.pc, r.insn, r.dst_reg, r.dst_value, r.mem ? "yes" : "no", r.mem_write ? " (write)" : "",
                  r.mem_addr, r.mem_value, r.mem_width, r.exited, r.trap);
    std::string s = buf;
    s += "  interpreter registers:";
    for (int i = 0; i <= 10; ++i) {
        std::snprintf(buf, sizeof buf, " r%d=0x%" PRIx64, i, interp_.reg(i));
        s += buf;
    }
    return s;
}

bool HwCosim::step(const sim::RetireRecord& r) {
    ++steps_;
    if (interp_.finished()) {
        errors_.push_back("cosim: the device retired pc " + std::to_string(r.pc) +
                          " after the interpreter finished the program");
        return false;
    }
    Retired ref;
    try {
        ref = interp_.step();
    } catch (const Error& e) {
        if (r.trap) return true;  // both refused the instruction
        errors_.push_back(std::string("cosim: the interpreter faulted where the device did not: ") + e.what());
        return false;
    }
    std::vector<std::string> diffs;
    uint64_t raw;
    std::memcpy(&raw, &ref.insn, 8);
    if (r.trap) diffs.push_back(std::string("device trapped (") + sim::trap_name(r.trap) + ")");
    if (ref.pc != r.pc) diffs.push_back("pc");
    // An lddw the engine relocated (map handle, map value address) differs in src and imm only.
    const bool relocated = ref.insn.opcode == 0x18 && ref.insn.src != 0;
    if (relocated ? (raw & 0xfff) != (r.insn & 0xfff) : raw != r.insn) diffs.push_back("instruction");
    if (ref.dst_reg != r.dst_reg) diffs.push_back("destination register");
    else if (ref.dst_reg >= 0 && !same(ref.dst_value, r.dst_value)) diffs.push_back("destination value");
    if (ref.mem != r.mem) diffs.push_back("memory access");
    else if (ref.mem) {
        if (ref.mem_write != r.mem_write) diffs.push_back("memory direction");
        if (ref.mem_width != r.mem_width) diffs.push_back("memory width");
        if (!same(ref.mem_addr, r.mem_addr)) diffs.push_back("memory address");
        // Values as they are in memory: the width's low bytes (loads report them before extension).
        const uint64_t m = ref.mem_width >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * ref.mem_width)) - 1;
        if (!same(ref.mem_value, r.mem_value) && (ref.mem_value & m) != (r.mem_value & m))
            diffs.push_back("memory value");
    }
    if (ref.exited != r.exited) diffs.push_back("program end");
    if (diffs.empty()) return true;
    std::string msg = "cosim: first divergence at instruction " + std::to_string(steps_) + " (pc " +
                      std::to_string(r.pc) + "):";
    for (auto& d : diffs) msg += " [" + d + "]";
    msg += "\n" + describe(ref, r);
    errors_.push_back(msg);
    return false;
}

}  // namespace bpfnic

#endif  // BPFNIC_HAVE_HW
