// SPDX-License-Identifier: MIT
// lower_ctx: context lowering. A 32-bit load of an xdp_md field through the context pointer
// becomes a context-register read (CtxRead): the core keeps data, data_end, data_meta and the
// queue/interface fields in registers, so any lane can read them in one cycle instead of a lane-0
// memory load followed by a load-use bubble. The verifier's facts say which base registers hold
// the context pointer (unmodified, at a fixed offset) at each load.
#include "compiler/passes/pass.h"
#include "compiler/verifier/verifier.h"

namespace bpfnic::passes {

using namespace mir;

void lower_ctx(Module& m, const PassOptions&, PassStats& s) {
    if (!m.facts || !m.platform->hw || !m.platform->hw->ext_ctx_read || m.platform->prog_type != ProgType::Xdp) return;
    for (Block& b : m.blocks)
        for (Insn& in : b.insns) {
            const auto* l = std::get_if<Load>(&in.op);
            if (!l || in.pc < 0 || l->width != 4 || l->sign_ext) continue;
            const RegFact& base = m.facts->insns.at(static_cast<size_t>(in.pc)).regs.at(l->base.v);
            if (base.type != verifier::RegType::Ctx || base.mixed || base.off_varies || !base.value.is_const() ||
                base.value.value() != 0)
                continue;
            const int32_t off = base.off + l->off;
            if (off < 0 || off > 20 || off % 4 != 0) continue;
            in.op = CtxRead{l->dst, static_cast<uint8_t>(off / 4)};
            s.add("context loads lowered to register reads");
        }
}

}  // namespace bpfnic::passes
