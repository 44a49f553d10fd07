// SPDX-License-Identifier: MIT
// Register liveness over a module's blocks (backward dataflow to a fixed point), shared by the
// passes that delete or fuse instructions.
#pragma once

#include <vector>

#include "compiler/mir.h"

namespace bpfnic::passes {

struct Liveness {
    std::vector<mir::RegMask> live_in, live_out;  // by block
};

Liveness compute_liveness(const mir::Module& m);

/// Steps liveness backwards over one instruction: the registers live before it.
mir::RegMask live_before(const mir::Op& op, mir::RegMask live_after, const Platform& platform);

}  // namespace bpfnic::passes
