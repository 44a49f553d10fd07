// SPDX-License-Identifier: MIT
// The offload decision: verify the program (a rejection fails the load), compile it for the
// card's core (capability check, passes, schedule), and either hand back the image or the
// structured reason it cannot be offloaded (instruction index and cause).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "compiler/capability.h"
#include "compiler/program.h"

namespace bpfnic::api {

struct OffloadPlan {
    std::optional<Refusal> refusal;   ///< set when the card cannot run the program
    std::vector<uint8_t> image;       ///< serialized firmware image otherwise
    uint32_t bundles = 0;
};

/// Throws Error(Rejected) "PROG: instruction N: reason" when the verifier rejects the program.
OffloadPlan plan_offload(const Object& obj, size_t entry, unsigned lanes);

/// Verifies without compiling (offload=never, or no card); throws as plan_offload.
void verify_or_throw(const Object& obj, size_t entry);

}  // namespace bpfnic::api
