// SPDX-License-Identifier: MIT
// Printing and comparison of verifier states.
#include "compiler/verifier/state.h"

#include <cstdio>
#include <cstring>

namespace bpfnic::verifier {

const char* reg_type_name(RegType t) {
    switch (t) {
        case RegType::NotInit: return "?";
        case RegType::Scalar: return "scalar";
        case RegType::Ctx: return "ctx";
        case RegType::Packet: return "pkt";
        case RegType::PacketMeta: return "pkt_meta";
        case RegType::PacketEnd: return "pkt_end";
        case RegType::Stack: return "fp";
        case RegType::MapValue: return "map_value";
        case RegType::MapValueOrNull: return "map_value_or_null";
        case RegType::MapPtr: return "map_ptr";
        case RegType::MapPtrOrNull: return "map_ptr_or_null";
        case RegType::Mem: return "mem";
    }
    return "?";
}

std::string reg_str(const RegState& r, const PrintCtx& pc) {
    std::string s;
    char buf[160];
    auto map_desc = [&](bool with_key) {
        std::string d;
        if (pc.maps && r.map >= 0 && static_cast<size_t>(r.map) < pc.maps->size()) {
            const MapDef& m = (*pc.maps)[r.map];
            d = "map=" + (m.name.empty() ? std::to_string(r.map) : m.name);
            if (with_key) d += ",ks=" + std::to_string(m.key_size);
            d += ",vs=" + std::to_string(m.value_size);
        } else {
            d = "map=" + std::to_string(r.map);
        }
        return d;
    };
    auto var = [&] { return r.s.is_const() && r.s.value() == 0 ? std::string() : ",var=(" + r.s.str() + ")"; };
    switch (r.type) {
        case RegType::NotInit: return "?";
        case RegType::Scalar:
            if (r.s.is_const()) return r.s.str() + (r.id ? "(id=" + std::to_string(r.id) + ")" : "");
            s = "scalar(";
            if (r.id) s += "id=" + std::to_string(r.id) + (r.s.str().empty() ? "" : ",");
            return s + r.s.str() + ")";
        case RegType::Ctx:
            std::snprintf(buf, sizeof buf, "ctx(off=%d", r.off);
            return buf + var() + ")";
        case RegType::Packet:
        case RegType::PacketMeta:
            std::snprintf(buf, sizeof buf, "%s(id=%u,off=%d,r=%d", reg_type_name(r.type), r.id, r.off, r.range);
            return buf + var() + ")";
        case RegType::PacketEnd: return "pkt_end";
        case RegType::Stack:
            s = r.frame ? "fp[" + std::to_string(r.frame) + "]" : "fp";
            if (r.off) s += std::to_string(r.off);
            if (!(r.s.is_const() && r.s.value() == 0)) s += "(var=(" + r.s.str() + "))";
            return s;
        case RegType::MapValue:
        case RegType::MapValueOrNull:
            s = std::string(reg_type_name(r.type)) + "(";
            if (r.type == RegType::MapValueOrNull) s += "id=" + std::to_string(r.id) + ",";
            return s + map_desc(false) + ",off=" + std::to_string(r.off) + var() + ")";
        case RegType::MapPtr:
        case RegType::MapPtrOrNull:
            s = std::string(reg_type_name(r.type)) + "(";
            if (r.type == RegType::MapPtrOrNull) s += "id=" + std::to_string(r.id) + ",";
            return s + map_desc(true) + ")";
        case RegType::Mem:
            std::snprintf(buf, sizeof buf, "mem(size=%s,off=%d", r.range < 0 ? "?" : std::to_string(r.range).c_str(),
                          r.off);
            return buf + var() + ")";
    }
    return "?";
}

std::string state_str(const State& st, const PrintCtx& pc) {
    std::string out;
    for (size_t f = 0; f < st.frames.size(); ++f) {
        const Frame& fr = st.frames[f];
        if (st.frames.size() > 1) out += (f ? " | frame" : "frame") + std::to_string(f) + ":";
        for (int r = 0; r < 11; ++r) {
            if (fr.regs[r].type == RegType::NotInit) continue;
            if (!out.empty() && out.back() != ':') out += ' ';
            out += "R" + std::to_string(r) + "=" + reg_str(fr.regs[r], pc);
        }
        const int size = static_cast<int>(fr.bytes.size());
        for (int slot = 0; slot < size / 8; ++slot) {
            std::string kinds;
            bool any = false;
            for (int b = 7; b >= 0; --b) {
                const Slot k = fr.bytes[slot * 8 + b];
                kinds += "?mz"[static_cast<int>(k) == 3 ? 0 : static_cast<int>(k)];
                any |= k != Slot::Invalid;
            }
            if (!any) continue;
            out += " fp" + std::to_string(slot * 8 - size) + "=";
            if (fr.bytes[slot * 8] == Slot::Spill)
                out += reg_str(fr.spills[slot], pc);
            else
                out += kinds;
        }
    }
    return out;
}

namespace {

class IdMap {
public:
    bool check(uint32_t o, uint32_t n) {
        for (const auto& [a, b] : pairs_) {
            if (a == o || b == n) return a == o && b == n;
        }
        pairs_.emplace_back(o, n);
        return true;
    }

private:
    std::vector<std::pair<uint32_t, uint32_t>> pairs_;
};

bool reg_covers(const RegState& o, const RegState& n, IdMap& ids, bool exact) {
    if (exact) {
        if (o.type != n.type) return false;
        if (o.type == RegType::NotInit) return true;
        if (o.frame != n.frame || o.off != n.off || o.range != n.range || o.map != n.map || !(o.s == n.s))
            return false;
        return (o.id == 0 && n.id == 0) || ids.check(o.id, n.id);
    }
    if (o.type == RegType::NotInit) return true;
    if (o.type != n.type) return false;
    switch (o.type) {
        case RegType::Scalar: return o.s.contains(n.s) && (o.id == 0 || ids.check(o.id, n.id));
        case RegType::Packet:
        case RegType::PacketMeta:
            return o.off == n.off && o.range <= n.range && o.s.contains(n.s) && ids.check(o.id, n.id);
        case RegType::MapValueOrNull:
        case RegType::MapPtrOrNull:
            return o.map == n.map && o.off == n.off && o.s.contains(n.s) && ids.check(o.id, n.id);
        case RegType::Stack: return o.frame == n.frame && o.off == n.off && o.s.contains(n.s);
        default: return o.map == n.map && o.off == n.off && o.range == n.range && o.s.contains(n.s);
    }
}

bool stack_covers(const Frame& o, const Frame& n, IdMap& ids, bool exact) {
    if (o.bytes.size() != n.bytes.size()) return false;
    if (exact && o.narrow.size() != n.narrow.size()) return false;
    // Narrow stores the old state reloaded with bounds must be there, within them, in the new one.
    for (const NarrowSpill& on : o.narrow) {
        bool found = false;
        for (const NarrowSpill& nn : n.narrow)
            if (nn.idx == on.idx && nn.size == on.size) {
                found = exact ? nn.value == on.value : on.value.contains(nn.value);
                break;
            }
        if (!found) return false;
    }
    const size_t size = o.bytes.size();
    for (size_t slot = 0; slot < size / 8; ++slot) {
        const size_t base = slot * 8;
        uint64_t ow, nw;
        std::memcpy(&ow, o.bytes.data() + base, 8);
        std::memcpy(&nw, n.bytes.data() + base, 8);
        if (ow == 0 && (nw == 0 || !exact)) continue;  // old slot never initialised: anything goes
        if (o.bytes[base] == Slot::Spill || n.bytes[base] == Slot::Spill) {
            if (o.bytes[base] == Slot::Spill && n.bytes[base] == Slot::Spill) {
                if (!reg_covers(o.spills[slot], n.spills[slot], ids, exact)) return false;
                continue;
            }
            if (exact) return false;
            if (o.bytes[base] == Slot::Spill) return false;
            // Old holds plain bytes, new a spilled register: a scalar spill reads as any bytes.
            const RegState& sp = n.spills[slot];
            if (sp.type != RegType::Scalar) {
                for (size_t b = 0; b < 8; ++b)
                    if (o.bytes[base + b] != Slot::Invalid) return false;
                continue;
            }
            for (size_t b = 0; b < 8; ++b) {
                const Slot ob = o.bytes[base + b];
                if (ob == Slot::Invalid || ob == Slot::Misc) continue;
                if (ob == Slot::Zero && sp.s.is_const() && sp.s.value() == 0) continue;
                return false;
            }
            continue;
        }
        for (size_t b = base; b < base + 8; ++b) {
            const Slot ob = o.bytes[b], nb = n.bytes[b];
            if (ob == nb) continue;
            if (exact) return false;
            if (ob == Slot::Invalid) continue;
            if (ob == Slot::Misc && nb == Slot::Zero) continue;
            return false;
        }
    }
    return true;
}

}  // namespace

bool state_covers(const State& o, const State& n, uint16_t live_mask, const std::vector<uint16_t>& caller_live,
                  bool exact) {
    if (o.frames.size() != n.frames.size()) return false;
    IdMap ids;
    const size_t nf = o.frames.size();
    for (size_t f = 0; f < nf; ++f) {
        const Frame& of = o.frames[f];
        const Frame& nf_ = n.frames[f];
        if (of.callsite != nf_.callsite) return false;
        const uint16_t mask = f + 1 == nf ? live_mask : static_cast<uint16_t>(caller_live[f] & 0x03c0);
        for (int r = 0; r < 10; ++r) {
            if (!(mask & (1u << r))) continue;
            if (!reg_covers(of.regs[r], nf_.regs[r], ids, exact)) return false;
        }
        if (!stack_covers(of, nf_, ids, exact)) return false;
    }
    return true;
}

}  // namespace bpfnic::verifier
