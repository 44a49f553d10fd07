// SPDX-License-Identifier: MIT
// The state one program execution can touch besides its registers and stack, and the helper
// calling convention shared by every software engine: a helper is a plain C function taking the
// environment and r1..r5 and returning r0, so the interpreter calls it directly and the JIT emits
// a native call to it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "driver/xdp_buff.h"

namespace bpfnic {

class MapSet;
class Fib;

/// Where XDP_REDIRECT sends the packet.
struct RedirectTarget {
    enum class Kind : uint8_t { None, Ifindex, Map };
    Kind kind = Kind::None;
    uint32_t ifindex = 0;    ///< Ifindex: the device; Map: the resolved device/cpu/socket value
    int32_t map_index = -1;  ///< Map: index of the devmap/cpumap/xskmap in the object
    uint32_t key = 0;
    uint64_t flags = 0;
    bool operator==(const RedirectTarget&) const = default;
};

/// A record written by perf_event_output.
struct PerfRecord {
    int32_t map_index;
    uint64_t flags;
    std::vector<uint8_t> data;
    bool operator==(const PerfRecord&) const = default;
};

struct ExecEnv {
    XdpBuff* xdp = nullptr;  ///< null in raw mode (conformance: r1 = memory, r2 = length)
    MapSet* maps = nullptr;
    Fib* fib = nullptr;
    uint32_t num_programs = 0;  ///< tail-call targets are program indices below this

    // Deterministic sources, so every engine sees the same values for the same packet.
    uint64_t ktime_ns = 0;       ///< each ktime call returns this, then advances it by 1000
    uint64_t prandom_state = 1;  ///< xorshift state of get_prandom_u32
    uint32_t cpu_id = 0;

    // What the program produced besides r0 and the packet.
    RedirectTarget redirect;
    std::vector<std::string> trace;  ///< trace_printk lines
    std::vector<PerfRecord> perf;

    // Requests from helpers that the engine acts on right after the call returns.
    int32_t tail_call_target = -1;  ///< tail_call succeeded: continue at this program's start
    uint32_t tail_calls = 0;        ///< tail calls taken so far (limit: Platform::max_tail_calls)
    bool unwind = false;            ///< stop now with r0 = 0 (conformance unwind helper)

    /// Clears the per-run outputs and requests (not the deterministic sources).
    void reset_outputs() {
        redirect = {};
        trace.clear();
        perf.clear();
        tail_call_target = -1;
        tail_calls = 0;
        unwind = false;
    }
};

using HelperFn = uint64_t (*)(ExecEnv* env, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5);

/// Helper implementations by id for a platform's helper set (see compiler/platform.h). Ids with
/// no implementation give nullptr.
class HelperTable {
public:
    static constexpr int32_t kMaxId = 256;
    HelperFn get(int32_t id) const { return id >= 0 && id < kMaxId ? fns_[id] : nullptr; }
    void set(int32_t id, HelperFn fn) { fns_[id] = fn; }

private:
    HelperFn fns_[kMaxId] = {};
};

/// The helpers of software_xdp_platform() and of conformance_platform().
const HelperTable& xdp_helper_table();
const HelperTable& conformance_helper_table();

}  // namespace bpfnic
