// SPDX-License-Identifier: MIT
// The firmware's mailbox protocol: the commands the management processor answers beyond the NIC's
// built-in ones (sim/nic/regs.h numbers the shared ones), the status codes it returns, and the
// argument layout of each command. docs/mailbox.md is the prose version of this file.
#pragma once

#include <cstdint>

#include "sim/nic/regs.h"

namespace bpfnic::fw {

namespace nic = sim::nic;

/// Firmware revision reported by kCmdCaps (args[6]): major << 16 | minor.
inline constexpr uint32_t kFirmwareVersion = 0x00010000;

/// Commands. The first group shares its numbers with sim/nic/regs.h (MboxCmd).
enum Command : uint32_t {
    kCmdCaps = nic::kCmdCaps,              ///< out: see docs/mailbox.md (caps word, depths, map types, helpers)
    kCmdLoadImage = nic::kCmdLoadImage,    ///< in: args[0..1] host address, [2] image bytes (stopped card only)
    kCmdStart = nic::kCmdStart,            ///< take frames from the ports (a program must be loaded)
    kCmdStop = nic::kCmdStop,
    kCmdSwap = nic::kCmdSwap,              ///< in: as kCmdLoadImage; replaces the running program between packets
    kCmdMapLookup = nic::kCmdMapLookup,    ///< in: args[0] map, data key; out: data value, args[0] value bytes
    kCmdMapUpdate = nic::kCmdMapUpdate,    ///< in: args[0] map, args[1..2] flags, data key then value
    kCmdMapDelete = nic::kCmdMapDelete,    ///< in: args[0] map, data key
    kCmdMapNextKey = nic::kCmdMapNextKey,  ///< in: args[0] map, args[1] 1 if a key is given, data key; out: data next key
    kCmdMapCreate = 0x14,                  ///< in: args[0..4] type, key, value, max_entries, flags; data name; out: args[0] id
    kCmdMapInfo = 0x15,                    ///< in: args[0] map; out: args[0..6] definition, data name
    kCmdMapDigest = 0x16,                  ///< out: args[0] maps, data one u64 digest per map
    kCmdMapDump = 0x17,                    ///< in: args[0..1] host address, [2] room; out: args[0] bytes, [1] maps, [2] entries
    kCmdMapRestore = 0x18,                 ///< in: args[0..1] host address, [2] bytes; out: args[0] entries written, [1] refused
    kCmdCounters = nic::kCmdCounters,      ///< answered by the NIC: core then NIC counters
    kCmdFwCounters = 0x21,                 ///< out: args[0..5] FwCounter order
    kCmdReset = nic::kCmdReset,            ///< drops the program, its maps and created maps; resets the NIC
};

/// Status codes (bits [31:16] of MBOX_STATUS). 0..3 are the NIC's own (regs.h).
enum Status : uint32_t {
    kStOk = nic::kMboxOk,
    kStUnsupported = nic::kMboxUnsupported,  ///< unknown command
    kStBadArgs = nic::kMboxBadArgs,          ///< malformed arguments (message in the data window)
    kStFailed = nic::kMboxFailed,            ///< the NIC failed (DMA error)
    kStBadImage = 4,                         ///< the image failed validation (message in the data window)
    kStNoProgram = 5,                        ///< start, swap or map access with no program loaded
    kStBusy = 6,                             ///< load while the card runs (stop first, or swap)
    kStNoMap = 7,                            ///< map index out of range
    kStMapErrno = 8,                         ///< a map operation failed: args[0] holds the positive errno
};
const char* status_name(uint32_t status);

/// Firmware counters (kCmdFwCounters).
enum FwCounter : uint32_t { kFwLoads, kFwSwaps, kFwImagesRefused, kFwCommandsRefused, kFwMapOps, kFwMapsKept, kFwCounterCount };

/// Bytes of host memory the firmware reads for one image at most.
inline constexpr uint32_t kMaxImageBytes = 8u << 20;

}  // namespace bpfnic::fw
