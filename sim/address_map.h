// SPDX-License-Identifier: MIT
// The device address map of the bpfnic core, mirroring rtl/bpfnic_pkg.sv (docs/hardware.md).
#pragma once

#include <cstdint>

namespace bpfnic::sim::addr {

inline constexpr uint64_t kCtxBase = 0x1000;        ///< struct xdp_md (24 bytes, read only to programs)
inline constexpr uint32_t kCtxBytes = 24;
inline constexpr uint64_t kStackBase = 0x10000;     ///< 8 frames of 512 bytes, growing downwards
inline constexpr uint32_t kFrameBytes = 512;
inline constexpr uint32_t kMaxFrames = 8;
inline constexpr uint32_t kStackBytes = kFrameBytes * kMaxFrames;
inline constexpr uint64_t kPktBase = 0x100000;      ///< packet frame buffer
inline constexpr uint32_t kPktBytes = 16384;
inline constexpr uint64_t kImemBase = 0x200000;     ///< control port: bundle * 64 + lane * 8
inline constexpr uint64_t kExtBase = 0x100000000;   ///< map values: region of map i at (i + 1) << 32
inline constexpr uint64_t kMapHandleBase = 0xf0000000;  ///< lddw map reference: handle of map i

inline constexpr uint64_t map_region(uint32_t map_index) { return (uint64_t{map_index} + 1) << 32; }

}  // namespace bpfnic::sim::addr
