// SPDX-License-Identifier: MIT
// The hw engine's compile step.
#ifdef BPFNIC_HAVE_HW

#include "driver/hw/hw_compile.h"

#include "compiler/error.h"

namespace bpfnic {

CompileResult compile_for_device(const Object& obj, size_t entry, const Platform& software, unsigned lanes) {
    const Program& prog = obj.programs.at(entry);
    CompileOptions opts;
    opts.lanes = lanes;
    CompileResult r = compile_program(prog, obj.maps, software, opts, true);
    if (r.verifier_rejected)
        r = compile_program(prog, obj.maps, software, opts, false);
    if (!r.offloadable)
        throw Error(ErrorKind::Unsupported, "hw: " + prog.name + ": " + (r.refusal ? r.refusal->text() : "cannot be offloaded"));
    return r;
}

}  // namespace bpfnic

#endif  // BPFNIC_HAVE_HW
