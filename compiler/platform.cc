// SPDX-License-Identifier: MIT
// The software and conformance platforms. The hardware platform lives with the hardware
// description (sim/) and is built from its parameters.
#include "compiler/platform.h"

#include <algorithm>

namespace bpfnic {

const HelperProto* Platform::find_helper(int32_t id) const {
    for (const HelperProto& h : helpers)
        if (h.id == id) return &h;
    return nullptr;
}

bool Platform::supports(Group g) const { return std::find(groups.begin(), groups.end(), g) != groups.end(); }

bool Platform::supports_map_type(uint32_t type) const {
    return std::find(map_types.begin(), map_types.end(), type) != map_types.end();
}

namespace {
using A = ArgKind;
using R = RetKind;

std::vector<HelperProto> xdp_helpers() {
    namespace h = helper_id;
    return {
        {h::kMapLookupElem, "map_lookup_elem", R::MapValueOrNull, {A::ConstMapPtr, A::MapKey}, false},
        {h::kMapUpdateElem, "map_update_elem", R::Integer, {A::ConstMapPtr, A::MapKey, A::MapValue, A::Scalar}, false},
        {h::kMapDeleteElem, "map_delete_elem", R::Integer, {A::ConstMapPtr, A::MapKey}, false},
        {h::kKtimeGetNs, "ktime_get_ns", R::Integer, {}, false},
        {h::kTracePrintk, "trace_printk", R::Integer, {A::Mem, A::ConstSize, A::Anything, A::Anything, A::Anything}, false},
        {h::kGetPrandomU32, "get_prandom_u32", R::Integer, {}, false},
        {h::kGetSmpProcessorId, "get_smp_processor_id", R::Integer, {}, false},
        {h::kTailCall, "tail_call", R::Integer, {A::Ctx, A::ConstMapPtr, A::Scalar}, false},
        {h::kRedirect, "redirect", R::Integer, {A::Scalar, A::Scalar}, false},
        {h::kPerfEventOutput, "perf_event_output", R::Integer, {A::Ctx, A::ConstMapPtr, A::Scalar, A::Mem, A::ConstSizeOrZero}, false},
        {h::kCsumDiff, "csum_diff", R::Integer, {A::MemOrNull, A::ConstSizeOrZero, A::MemOrNull, A::ConstSizeOrZero, A::Scalar}, false},
        {h::kXdpAdjustHead, "xdp_adjust_head", R::Integer, {A::Ctx, A::Scalar}, true},
        {h::kRedirectMap, "redirect_map", R::Integer, {A::ConstMapPtr, A::Scalar, A::Scalar}, false},
        {h::kXdpAdjustMeta, "xdp_adjust_meta", R::Integer, {A::Ctx, A::Scalar}, true},
        {h::kXdpAdjustTail, "xdp_adjust_tail", R::Integer, {A::Ctx, A::Scalar}, true},
        {h::kFibLookup, "fib_lookup", R::Integer, {A::Ctx, A::UninitMem, A::ConstSize, A::Scalar}, false},
        {h::kSpinLock, "spin_lock", R::Void, {A::SpinLock}, false},
        {h::kSpinUnlock, "spin_unlock", R::Void, {A::SpinLock}, false},
        {h::kKtimeGetBootNs, "ktime_get_boot_ns", R::Integer, {}, false},
        {h::kXdpGetBuffLen, "xdp_get_buff_len", R::Integer, {A::Ctx}, false},
        {h::kXdpLoadBytes, "xdp_load_bytes", R::Integer, {A::Ctx, A::Scalar, A::UninitMem, A::ConstSize}, false},
        {h::kXdpStoreBytes, "xdp_store_bytes", R::Integer, {A::Ctx, A::Scalar, A::Mem, A::ConstSize}, true},
    };
}

const std::vector<Group> kAllGroups = {Group::Base32,   Group::Base64,   Group::Atomic32,     Group::Atomic64,
                                       Group::Divmul32, Group::Divmul64, Group::PacketLegacy, Group::Callx};
}  // namespace

const Platform& software_xdp_platform() {
    static const Platform p = [] {
        Platform q;
        q.name = "software";
        q.groups = kAllGroups;
        q.helpers = xdp_helpers();
        q.map_types = {map_type::kHash,       map_type::kArray,        map_type::kProgArray,  map_type::kPerfEventArray,
                       map_type::kPercpuHash, map_type::kPercpuArray,  map_type::kLruHash,    map_type::kLruPercpuHash,
                       map_type::kLpmTrie,    map_type::kArrayOfMaps,  map_type::kHashOfMaps, map_type::kDevmap,
                       map_type::kCpumap,     map_type::kXskmap,       map_type::kDevmapHash};
        q.prog_type = ProgType::Xdp;
        return q;
    }();
    return p;
}

const Platform& conformance_platform() {
    static const Platform p = [] {
        Platform q;
        q.name = "conformance";
        q.groups = kAllGroups;
        q.helpers = {{helper_id::kConformanceUnwind, "unwind", RetKind::Integer, {ArgKind::Anything}, false}};
        q.prog_type = ProgType::Unspec;
        return q;
    }();
    return p;
}

}  // namespace bpfnic
