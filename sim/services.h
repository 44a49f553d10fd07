// SPDX-License-Identifier: MIT
// The two request ports of the core that the simulation services: the map unit port (accesses at
// or above the map region base) and the helper port (one helper call per bundle). Their
// implementations model the map and helper units in C++; sim/ only defines the interfaces.
#pragma once

#include <cstdint>

namespace bpfnic::sim {

class Device;

struct ExtRequest {
    bool write = false;
    bool atomic = false;
    uint8_t atomic_op = 0;   ///< eBPF atomic imm (add/or/and/xor [| fetch], xchg, cmpxchg)
    uint64_t addr = 0;       ///< device address
    uint8_t width = 0;       ///< bytes
    uint64_t wdata = 0;
    uint64_t cmp = 0;        ///< r0 for cmpxchg
};

struct ExtResponse {
    uint64_t rdata = 0;      ///< loaded value or, for atomics, the old value (zero-extended)
    bool error = false;      ///< out of bounds: the core traps
    uint32_t latency = 1;    ///< cycles before the answer (at least 1)
};

/// The map memory (values of array, hash and global-data maps).
class MapMemory {
public:
    virtual ~MapMemory() = default;
    virtual ExtResponse access(const ExtRequest& req) = 0;
};

struct HelperResponse {
    uint64_t r0 = 0;
    bool exit = false;       ///< end the program now with r0
    bool error = false;      ///< unsupported helper or bad argument: the core traps
    uint32_t latency = 1;    ///< cycles spent (besides the control-port accesses the helper made)
};

/// The helper units. call() may read and write device memory through the device's control
/// port (the core is stalled on the call meanwhile).
class HelperUnit {
public:
    virtual ~HelperUnit() = default;
    virtual HelperResponse call(Device& dev, int32_t id, const uint64_t args[5]) = 0;
};

}  // namespace bpfnic::sim
