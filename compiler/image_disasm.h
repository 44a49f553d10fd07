// SPDX-License-Identifier: MIT
// Firmware images as text: each bundle's slots, standard eBPF in llvm-objdump's syntax and the
// extension forms (docs/isa-extensions.md) in the compiler's dump syntax.
#pragma once

#include <cstdint>
#include <string>

#include "compiler/image.h"

namespace bpfnic {

/// One slot of bundle `bundle`; `next_lane0` is the next bundle's lane-0 slot (an lddw's upper half).
std::string format_slot(uint64_t slot, uint32_t bundle, uint64_t next_lane0);

/// The whole image: a header line, maps, helpers, entries, then one line per bundle.
std::string disassemble_image(const Image& img);

}  // namespace bpfnic
