// SPDX-License-Identifier: MIT
// The abstract machine state of the verifier: register types and values, per-byte stack contents
// of each call frame, and the comparisons used for state pruning.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "compiler/program.h"
#include "compiler/verifier/scalar.h"

namespace bpfnic::verifier {

enum class RegType : uint8_t {
    NotInit,
    Scalar,
    Ctx,             ///< the program's context (struct xdp_md)
    Packet,          ///< into the packet: data + var + off, range bytes proven below data_end
    PacketMeta,      ///< into the metadata area: data_meta + var + off, range proven below data
    PacketEnd,       ///< data_end
    Stack,           ///< into a frame's stack: r10 of that frame + var + off
    MapValue,        ///< into a map value
    MapValueOrNull,  ///< map lookup result before its null check
    MapPtr,          ///< a map handle (lddw map reference)
    MapPtrOrNull,    ///< lookup result of a map-in-map before its null check
    Mem,             ///< raw memory (conformance platform context): range bytes, or -1 unknown
};
const char* reg_type_name(RegType t);
inline bool is_pointer(RegType t) { return t != RegType::NotInit && t != RegType::Scalar; }

/// RegState::off of a NotInit register that held a packet pointer before a helper moved the packet.
inline constexpr int32_t kStalePacketPointer = -1;

struct RegState {
    RegType type = RegType::NotInit;
    uint8_t frame = 0;   ///< Stack: frame number
    int32_t off = 0;     ///< pointers: fixed offset
    int32_t range = 0;   ///< Packet/PacketMeta: proven bytes from the pointer's base; Mem: size or -1
    int32_t map = -1;    ///< MapValue*, MapPtr*: map index
    uint32_t id = 0;     ///< Packet*: variable-offset id; *OrNull: null-check id; Scalar: copy link
    Scalar s;            ///< Scalar: the value; pointers: the variable offset

    static RegState scalar(const Scalar& v) {
        RegState r;
        r.type = RegType::Scalar;
        r.s = v;
        return r;
    }
    static RegState pointer(RegType t, int32_t off = 0) {
        RegState r;
        r.type = t;
        r.off = off;
        r.s = Scalar::constant(0);
        return r;
    }
    bool operator==(const RegState&) const = default;
};

/// Stack byte contents.
enum class Slot : uint8_t { Invalid, Misc, Zero, Spill };

/// Registers spilled to 8-byte stack slots, stored sparsely (few slots hold spills, and states
/// are copied at every branch).
class SpillSlots {
public:
    /// The register spilled to slot (a NotInit state when there is none).
    const RegState& operator[](size_t slot) const {
        for (const auto& [k, r] : v_)
            if (k == slot) return r;
        static const RegState none;
        return none;
    }
    RegState& operator[](size_t slot) {
        for (auto& [k, r] : v_)
            if (k == slot) return r;
        v_.emplace_back(static_cast<uint32_t>(slot), RegState{});
        return v_.back().second;
    }
    void erase(size_t slot) {
        for (size_t i = 0; i < v_.size(); ++i)
            if (v_[i].first == slot) {
                v_[i] = v_.back();
                v_.pop_back();
                return;
            }
    }
    auto begin() { return v_.begin(); }
    auto end() { return v_.end(); }
    auto begin() const { return v_.begin(); }
    auto end() const { return v_.end(); }

private:
    std::vector<std::pair<uint32_t, RegState>> v_;
};

/// A scalar stored with a narrow (1, 2 or 4 byte) aligned store whose value fits the width: a load
/// of the same bytes gives it back with its bounds. Dropped when any of its bytes is written.
struct NarrowSpill {
    uint32_t idx;   ///< first byte (index into Frame::bytes)
    uint8_t size;
    Scalar value;   ///< zero-extended value of the stored bytes
    bool operator==(const NarrowSpill&) const = default;
};

struct Frame {
    std::array<RegState, 11> regs;
    std::vector<Slot> bytes;  ///< index = offset from r10 + stack size
    SpillSlots spills;        ///< by 8-byte slot index, meaningful where the slot's bytes are Spill
    std::vector<NarrowSpill> narrow;
    int32_t callsite = -1;    ///< pc of the call that created this frame (-1: main)

    explicit Frame(uint32_t stack_size = 0) : bytes(stack_size, Slot::Invalid) {}
};

struct State {
    std::vector<Frame> frames;
    uint32_t pc = 0;
    Frame& cur() { return frames.back(); }
    const Frame& cur() const { return frames.back(); }
};

/// Context for printing: map names and sizes.
struct PrintCtx {
    const std::vector<MapDef>* maps = nullptr;
};
std::string reg_str(const RegState& r, const PrintCtx& pc);
/// All initialised registers and non-empty stack slots of the current frame (and callers).
std::string state_str(const State& s, const PrintCtx& pc);

/// State pruning: does exploring old (fully verified) cover everything new can do? live_mask
/// gives the registers read before being written from this point (bit n: rn) for the current
/// frame, caller_live the same at each caller's return site. exact: equality (loop detection).
bool state_covers(const State& old_state, const State& new_state, uint16_t live_mask,
                  const std::vector<uint16_t>& caller_live, bool exact);

}  // namespace bpfnic::verifier
