// SPDX-License-Identifier: MIT
// The software and conformance platforms. The hardware platform lives with the hardware
// description (sim/) and is built from its parameters.
#include "compiler/platform.h"

#include <algorithm>
#include <iterator>

namespace bpfnic {

const HelperProto* Platform::find_helper(int32_t id) const {
    for (const HelperProto& h : helpers)
        if (h.id == id) return &h;
    return nullptr;
}

bool Platform::supports(Group g) const { return std::find(groups.begin(), groups.end(), g) != groups.end(); }

std::string Platform::gap_reason(const std::string& feature) const {
    for (const Gap& g : gaps)
        if (g.feature == feature) return g.reason;
    return "";
}

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

const Platform& hardware_platform() {
    static const Platform p = [] {
        Platform q;
        q.name = "hardware";
        q.groups = {Group::Base32, Group::Base64, Group::Atomic32, Group::Atomic64, Group::Divmul32, Group::Divmul64};
        // The helper units: one call per bundle, served behind the core's helper port.
        const int32_t units[] = {helper_id::kMapLookupElem, helper_id::kMapUpdateElem, helper_id::kMapDeleteElem,
                                 helper_id::kKtimeGetNs,    helper_id::kGetPrandomU32,  helper_id::kGetSmpProcessorId,
                                 helper_id::kRedirect,      helper_id::kCsumDiff,       helper_id::kXdpAdjustHead,
                                 helper_id::kRedirectMap,   helper_id::kXdpAdjustMeta,  helper_id::kXdpAdjustTail,
                                 helper_id::kKtimeGetBootNs, helper_id::kXdpGetBuffLen};
        for (const HelperProto& h : xdp_helpers())
            if (std::find(std::begin(units), std::end(units), h.id) != std::end(units)) q.helpers.push_back(h);
        // Per-CPU maps are plain ones on a single core; devmaps back redirect_map.
        q.map_types = {map_type::kHash,    map_type::kArray,         map_type::kPercpuHash, map_type::kPercpuArray,
                       map_type::kLruHash, map_type::kLruPercpuHash, map_type::kLpmTrie,    map_type::kDevmap,
                       map_type::kDevmapHash};
        q.prog_type = ProgType::Xdp;
        q.max_insns = 4096;
        q.hw = HwParams{};
        q.gaps = {
            {"callx", "callx (helper call through a register) is not implemented in hardware"},
            {"packet_legacy", "legacy packet loads (ld_abs/ld_ind) are not implemented in hardware"},
            {"kfunc", "kernel function calls do not exist on the device"},
            {"tail_call", "tail calls (bpf_tail_call, prog_array maps) are not implemented in hardware"},
            {"map_in_map", "map-in-map types (array_of_maps, hash_of_maps) are not supported by the map unit"},
            {"imem", "the instruction memory holds 4096 bundles"},
        };
        return q;
    }();
    return p;
}

const Platform& hardware_conformance_platform() {
    static const Platform p = [] {
        Platform q = hardware_platform();
        q.name = "hardware-conformance";
        q.helpers = conformance_platform().helpers;
        q.map_types = {};
        q.prog_type = ProgType::Unspec;
        return q;
    }();
    return p;
}

const Platform& hardware_platform_for(const Platform& software) {
    return software.name == conformance_platform().name ? hardware_conformance_platform() : hardware_platform();
}

}  // namespace bpfnic
