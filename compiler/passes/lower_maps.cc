// SPDX-License-Identifier: MIT
// lower_maps: hardware mapping of 64-bit immediates. A map reference becomes the map unit's handle
// for that map (handle base + index), a direct value reference the address of the value in the
// map's window ((index + 1) << shift, plus the offset), as the firmware configures the map unit
// from the image. A constant that fits the sign-extended 32-bit immediate becomes a `mov`, one that
// fits the zero-extended one a `mov32`: a single slot any lane can execute instead of an lddw,
// which needs lane 0 and the next bundle's lane-0 immediate.
#include "compiler/error.h"
#include "compiler/passes/pass.h"

namespace bpfnic::passes {

using namespace mir;

void lower_maps(Module& m, const PassOptions&, PassStats& s) {
    const HwParams hw = m.platform->hw.value_or(HwParams{});
    for (Block& b : m.blocks)
        for (Insn& in : b.insns) {
            auto* l = std::get_if<LoadImm64>(&in.op);
            if (!l) continue;
            uint64_t v = l->value();
            if (l->pseudo == op::kPseudoMapIdx || l->pseudo == op::kPseudoMapIdxValue) {
                if (l->imm_lo < 0 || static_cast<size_t>(l->imm_lo) >= m.maps.size())
                    throw Error(ErrorKind::BadInput, m.name + ": instruction " + std::to_string(in.pc) + ": map index " +
                                                         std::to_string(l->imm_lo) + " out of range");
                const auto idx = static_cast<uint64_t>(l->imm_lo);
                v = l->pseudo == op::kPseudoMapIdx ? hw.map_handle_base + idx
                                                   : ((idx + 1) << hw.map_region_shift) + static_cast<uint32_t>(l->imm_hi);
                s.add("map references relocated");
            } else if (l->pseudo != op::kPseudoImm64) {
                throw Error(ErrorKind::Unsupported, m.name + ": instruction " + std::to_string(in.pc) +
                                                        ": lddw pseudo source " + std::to_string(l->pseudo) +
                                                        " is not resolved");
            }
            const Reg dst = l->dst;
            const auto sv = static_cast<int64_t>(v);
            if (sv >= INT32_MIN && sv <= INT32_MAX) {
                in.op = Bin{Bin::Op::Mov, dst, Imm{sv}, true};
                s.add("lddw lowered to mov");
            } else if (v <= UINT32_MAX) {
                in.op = Bin{Bin::Op::Mov, dst, Imm{static_cast<int32_t>(static_cast<uint32_t>(v))}, false};
                s.add("lddw lowered to mov32");
            } else if (hw.ext_mov_wide && v < (uint64_t{1} << 48)) {
                in.op = MovWide{dst, v};
                s.add("lddw lowered to wide move");
            } else {
                in.op = LoadImm64{dst, op::kPseudoImm64, static_cast<int32_t>(static_cast<uint32_t>(v)),
                                  static_cast<int32_t>(static_cast<uint32_t>(v >> 32))};
            }
        }
}

}  // namespace bpfnic::passes
