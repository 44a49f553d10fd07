// SPDX-License-Identifier: MIT
// The helper tables of the software engines: every helper of software_xdp_platform() by its
// kernel id, and the conformance suite's unwind helper. Implementations are in driver/helpers/.
#include "compiler/platform.h"
#include "driver/exec_env.h"
#include "driver/helpers/helpers_internal.h"

namespace bpfnic {

const HelperTable& xdp_helper_table() {
    static const HelperTable table = [] {
        namespace h = helper_id;
        using namespace helpers;
        HelperTable t;
        t.set(h::kMapLookupElem, map_lookup_elem);
        t.set(h::kMapUpdateElem, map_update_elem);
        t.set(h::kMapDeleteElem, map_delete_elem);
        t.set(h::kKtimeGetNs, ktime_get_ns);
        t.set(h::kTracePrintk, trace_printk);
        t.set(h::kGetPrandomU32, get_prandom_u32);
        t.set(h::kGetSmpProcessorId, get_smp_processor_id);
        t.set(h::kTailCall, tail_call);
        t.set(h::kRedirect, redirect);
        t.set(h::kPerfEventOutput, perf_event_output);
        t.set(h::kCsumDiff, csum_diff);
        t.set(h::kXdpAdjustHead, xdp_adjust_head);
        t.set(h::kRedirectMap, redirect_map);
        t.set(h::kXdpAdjustMeta, xdp_adjust_meta);
        t.set(h::kXdpAdjustTail, xdp_adjust_tail);
        t.set(h::kFibLookup, fib_lookup);
        t.set(h::kSpinLock, spin_lock);
        t.set(h::kSpinUnlock, spin_unlock);
        t.set(h::kKtimeGetBootNs, ktime_get_ns);  // same deterministic clock
        t.set(h::kXdpGetBuffLen, xdp_get_buff_len);
        t.set(h::kXdpLoadBytes, xdp_load_bytes);
        t.set(h::kXdpStoreBytes, xdp_store_bytes);
        return t;
    }();
    return table;
}

const HelperTable& conformance_helper_table() {
    static const HelperTable table = [] {
        HelperTable t;
        t.set(helper_id::kConformanceUnwind, helpers::conformance_unwind);
        return t;
    }();
    return table;
}

}  // namespace bpfnic
