// SPDX-License-Identifier: MIT
// The explicit engine registry: every engine is listed here, nowhere else.
#include "driver/engine.h"

#include "compiler/error.h"
#include "driver/interp.h"
#include "driver/jit/jit_engine.h"
#ifdef BPFNIC_HAVE_HW
#include "driver/hw/hw_engine.h"
#endif

namespace bpfnic {

std::unique_ptr<Engine> make_engine(const std::string& name, const EngineOptions& opts) {
    if (name == "interp") return std::make_unique<Interpreter>();
    if (name == "jit") return make_jit_engine(opts.verify_typed);
#ifdef BPFNIC_HAVE_HW
    if (name == "hw") {
        HwEngine::Options o;
        o.lanes = opts.hw_lanes;
        return std::make_unique<HwEngine>(o);
    }
#endif
#ifdef BPFNIC_HAVE_HW
    const char* known = "interp, jit, hw";
#else
    const char* known = "interp, jit (hw: configure with -DBPFNIC_HW=ON)";
#endif
    throw Error(ErrorKind::NotFound, "unknown engine '" + name + "' (known: " + known + ")");
}

}  // namespace bpfnic
