// SPDX-License-Identifier: MIT
// The hw engine's compile step: a program through the compiler (verifier facts, passes, VLIW
// schedule) into the slots the device loads. A program the hardware cannot run is refused with the
// compiler's structured reason (Error Unsupported), which the driver's fallback reports.
#pragma once

#ifdef BPFNIC_HAVE_HW

#include "compiler/passes/pipeline.h"
#include "compiler/platform.h"
#include "compiler/program.h"

namespace bpfnic {

/// Compiles obj.programs[entry] for `lanes`; throws Error(Unsupported) naming the program, the
/// instruction and the cause when it cannot be offloaded. Programs the verifier rejects (raw test
/// programs) are compiled without its facts.
CompileResult compile_for_device(const Object& obj, size_t entry, const Platform& software, unsigned lanes);

}  // namespace bpfnic

#endif  // BPFNIC_HAVE_HW
