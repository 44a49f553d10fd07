// SPDX-License-Identifier: MIT
// Emission: a scheduled module to firmware-image slots. Lays the blocks out in order, gives each
// its bundle address, and encodes every slot (eBPF encoding, jump and call offsets in bundles,
// extension forms as docs/isa-extensions.md defines them).
#pragma once

#include <cstdint>

#include "compiler/image.h"
#include "compiler/mir.h"

namespace bpfnic {

/// One slot of an extension or standard instruction (jump/call targets: absolute bundle
/// addresses; `addr`: the slot's bundle address).
uint64_t encode_slot(const mir::Op& op, uint32_t addr);

Image emit_image(const mir::Module& m, unsigned lanes);

}  // namespace bpfnic
