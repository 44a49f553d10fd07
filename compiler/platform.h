// SPDX-License-Identifier: MIT
// The platform struct: what an execution target supports (instruction groups, helpers with their
// prototypes, map types, context layout, memory sizes). The verifier, the compiler, the driver's
// offload decision and the tests all read one of these, so they cannot disagree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/isa.h"
#include "compiler/program.h"

namespace bpfnic {

/// Argument kinds of helper prototypes (after the kernel's enum bpf_arg_type).
enum class ArgKind : uint8_t {
    None,            ///< unused
    Anything,        ///< any initialised scalar or pointer value
    Scalar,          ///< an initialised scalar
    ConstMapPtr,     ///< a map handle (lddw map reference)
    MapKey,          ///< pointer to key_size readable bytes (stack, map value, packet)
    MapValue,        ///< pointer to value_size readable bytes
    Ctx,             ///< the program's context pointer
    Mem,             ///< pointer to readable memory of the size in the next argument
    MemOrNull,       ///< as Mem, or NULL with a zero size
    UninitMem,       ///< pointer to writable memory of the size in the next argument
    ConstSize,       ///< the size of the previous Mem argument (a bounded scalar, >= 0)
    ConstSizeOrZero, ///< as ConstSize, zero allowed
    SpinLock,        ///< pointer to a struct bpf_spin_lock inside a map value
};

/// Return kinds (after enum bpf_return_type).
enum class RetKind : uint8_t {
    Integer,          ///< a scalar
    Void,             ///< r0 is undefined after the call
    MapValueOrNull,   ///< pointer to the looked-up map's value, or NULL
};

struct HelperProto {
    int32_t id;
    const char* name;
    RetKind ret;
    ArgKind args[5];
    bool changes_packet;  ///< invalidates packet pointers (adjust_head/tail/meta, store_bytes)
};

/// A hardware target's processor parameters (docs/hardware.md, docs/isa-extensions.md).
struct HwParams {
    unsigned max_lanes = 8;                       ///< LANES a core may be built with
    uint32_t imem_bundles = 4096;                 ///< instruction memory depth
    uint64_t map_handle_base = 0xf0000000;        ///< a map reference becomes base + map index
    unsigned map_region_shift = 32;               ///< map i's values live at (i + 1) << shift
    uint32_t max_maps = 64;                       ///< maps the map unit configures
    bool ext_alu3 = true;                         ///< 3-operand ALU forms
    bool ext_exit_imm = true;                     ///< exit with an immediate verdict
    bool ext_ctx_read = true;                     ///< context-register reads in any lane
    bool ext_jgt_add = true;                      ///< bounds-check jump: if dst + imm > src
    bool ext_mov_wide = true;                     ///< 48-bit constants in one slot, any lane
};

/// Something a platform leaves out, with the reason it gives when a program needs it.
struct Gap {
    std::string feature;
    std::string reason;
};

struct Platform {
    std::string name;
    std::vector<Group> groups;          ///< supported instruction groups
    std::vector<HelperProto> helpers;   ///< supported helpers
    std::vector<uint32_t> map_types;    ///< supported map types
    ProgType prog_type = ProgType::Xdp;
    uint32_t stack_size = 512;          ///< bytes per frame
    uint32_t max_call_depth = 8;        ///< bpf-to-bpf frames
    uint32_t max_tail_calls = 33;
    uint32_t max_insns = 1000000;       ///< program slots
    uint32_t max_map_memory = 0;        ///< bytes of map storage (0: unlimited)
    std::optional<HwParams> hw;         ///< set for hardware targets
    std::vector<Gap> gaps;              ///< declared omissions and their reasons

    /// The declared reason for a missing feature ("" when none is declared).
    std::string gap_reason(const std::string& feature) const;

    const HelperProto* find_helper(int32_t id) const;
    bool supports(Group g) const;
    bool supports_map_type(uint32_t type) const;
};

/// Software engines (interpreter, JIT) running XDP programs: the full helper set of the project.
const Platform& software_xdp_platform();
/// The bpf_conformance suite's environment: raw context (r1 = memory, r2 = length) and its test
/// helpers (helper 5: unwind, which ends the program with r0 = 0 when its argument is 0).
const Platform& conformance_platform();
/// The bpfnic processor (rtl/) with its helper and map units: what the compiler can offload.
const Platform& hardware_platform();
/// The processor running the conformance suite's raw programs (its test helpers bound).
const Platform& hardware_conformance_platform();
/// The hardware platform matching a software one (by name: "conformance" or XDP).
const Platform& hardware_platform_for(const Platform& software);

// Kernel helper ids (enum bpf_func_id) used across the project.
namespace helper_id {
inline constexpr int32_t kMapLookupElem = 1, kMapUpdateElem = 2, kMapDeleteElem = 3, kKtimeGetNs = 5,
                         kTracePrintk = 6, kGetPrandomU32 = 7, kGetSmpProcessorId = 8, kTailCall = 12,
                         kRedirect = 23, kPerfEventOutput = 25, kCsumDiff = 28, kXdpAdjustHead = 44,
                         kRedirectMap = 51, kXdpAdjustMeta = 54, kXdpAdjustTail = 65, kFibLookup = 69,
                         kSpinLock = 93, kSpinUnlock = 94, kKtimeGetBootNs = 125, kXdpGetBuffLen = 188,
                         kXdpLoadBytes = 189, kXdpStoreBytes = 190;
inline constexpr int32_t kConformanceUnwind = 5;
}  // namespace helper_id

}  // namespace bpfnic
