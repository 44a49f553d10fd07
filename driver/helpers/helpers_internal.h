// SPDX-License-Identifier: MIT
// Internal to the helper tables: every helper implementation, grouped by file, with the software
// engines' calling convention (driver/exec_env.h). driver/helpers.cc assembles the tables.
#pragma once

#include "driver/exec_env.h"
#include "driver/maps.h"

namespace bpfnic::helpers {

#define BPFNIC_HELPER(name) uint64_t name(ExecEnv* env, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)

// map_helpers.cc
BPFNIC_HELPER(map_lookup_elem);
BPFNIC_HELPER(map_update_elem);
BPFNIC_HELPER(map_delete_elem);
BPFNIC_HELPER(tail_call);
BPFNIC_HELPER(perf_event_output);

// xdp_helpers.cc
BPFNIC_HELPER(xdp_adjust_head);
BPFNIC_HELPER(xdp_adjust_tail);
BPFNIC_HELPER(xdp_adjust_meta);
BPFNIC_HELPER(xdp_load_bytes);
BPFNIC_HELPER(xdp_store_bytes);
BPFNIC_HELPER(xdp_get_buff_len);
BPFNIC_HELPER(redirect);
BPFNIC_HELPER(redirect_map);
BPFNIC_HELPER(fib_lookup);

// misc_helpers.cc
BPFNIC_HELPER(ktime_get_ns);
BPFNIC_HELPER(get_prandom_u32);
BPFNIC_HELPER(get_smp_processor_id);
BPFNIC_HELPER(csum_diff);
BPFNIC_HELPER(spin_lock);
BPFNIC_HELPER(spin_unlock);
BPFNIC_HELPER(conformance_unwind);

// trace_printk.cc
BPFNIC_HELPER(trace_printk);

#undef BPFNIC_HELPER

/// -errno as the helper's 64-bit r0.
inline uint64_t err(int e) { return static_cast<uint64_t>(static_cast<int64_t>(-e)); }
inline uint64_t ret(int64_t v) { return static_cast<uint64_t>(v); }

/// The index of m in the environment's MapSet (what RedirectTarget and PerfRecord report), or -1.
inline int32_t map_index(const ExecEnv* env, const Map* m) {
    if (!env->maps) return -1;
    for (size_t i = 0; i < env->maps->size(); ++i)
        if (&env->maps->at(i) == m) return static_cast<int32_t>(i);
    return -1;
}

}  // namespace bpfnic::helpers
