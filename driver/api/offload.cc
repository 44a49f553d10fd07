// SPDX-License-Identifier: MIT
// The offload decision.
#include "driver/api/offload.h"

#include "compiler/error.h"
#include "compiler/image.h"
#include "compiler/passes/pipeline.h"
#include "compiler/verifier/verifier.h"
#ifdef BPFNIC_HAVE_CARD
#include "firmware/image_check.h"
#endif

namespace bpfnic::api {

namespace {
[[noreturn]] void rejected(const Program& p, int64_t pc, const std::string& why) {
    throw Error(ErrorKind::Rejected, p.name + ": " + (pc >= 0 ? "instruction " + std::to_string(pc) + ": " : "") + why);
}
}  // namespace

void verify_or_throw(const Object& obj, size_t entry) {
    const Program& prog = obj.programs.at(entry);
    if (prog.type == ProgType::Unspec) return;  // raw programs: no context to verify against, as the engines do
    const VerifierResult v = verify(prog, obj.maps, software_xdp_platform());
    if (!v.ok) rejected(prog, v.error_pc, "rejected by the verifier: " + v.reason);
}

OffloadPlan plan_offload(const Object& obj, size_t entry, unsigned lanes) {
    const Program& prog = obj.programs.at(entry);
    CompileOptions opts;
    opts.lanes = lanes;
    const CompileResult r = compile_program(prog, obj.maps, software_xdp_platform(), opts, prog.type != ProgType::Unspec);
    OffloadPlan plan;
    if (!r.offloadable) {
        const Refusal why = r.refusal.value_or(Refusal{-1, "cannot be offloaded"});
        if (r.verifier_rejected) rejected(prog, why.pc, why.cause);
        plan.refusal = why;
        return plan;
    }
#ifdef BPFNIC_HAVE_CARD
    // What the firmware will check: the whole image (every map of the object) against the card.
    if (auto fault = fw::resource_fault(r.image, fw::CardResources{lanes, hardware_platform().hw->imem_bundles, &hardware_platform()})) {
        plan.refusal = Refusal{-1, *fault};
        return plan;
    }
#endif
    plan.image = serialize_image(r.image);
    plan.bundles = r.bundles;
    return plan;
}

}  // namespace bpfnic::api
