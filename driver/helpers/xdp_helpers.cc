// SPDX-License-Identifier: MIT
// XDP packet and forwarding helpers (net/core/filter.c semantics): bpf_xdp_adjust_head/tail/meta,
// bpf_xdp_load_bytes/store_bytes, bpf_xdp_get_buff_len, bpf_redirect, bpf_redirect_map and
// bpf_fib_lookup. Without an XdpBuff (raw mode) the packet helpers answer -EINVAL.
#include <cerrno>
#include <cstring>

#include "driver/fib.h"
#include "driver/helpers/helpers_internal.h"
#include "driver/maps.h"
#include "driver/maps/map_kinds.h"

namespace bpfnic::helpers {

namespace {

constexpr uint64_t kXdpAborted = 0, kXdpRedirect = 4;
constexpr uint64_t kActionMask = 0 | 1 | 2 | 3;  // XDP_ABORTED | XDP_DROP | XDP_PASS | XDP_TX
constexpr uint64_t kBroadcast = 1u << 3;

/// bpf_xdp_pointer's checks: offset and len at most 0xffff (-EFAULT), inside the packet (-EINVAL).
int64_t check_range(const XdpBuff* xdp, uint64_t off, uint64_t len) {
    const uint32_t offset = static_cast<uint32_t>(off), n = static_cast<uint32_t>(len);
    if (offset > 0xffff || n > 0xffff) return -EFAULT;
    if (uint64_t{offset} + n > xdp->len()) return -EINVAL;
    return 0;
}

}  // namespace

uint64_t xdp_adjust_head(ExecEnv* env, uint64_t, uint64_t r2, uint64_t, uint64_t, uint64_t) {
    return env->xdp ? ret(env->xdp->adjust_head(static_cast<int32_t>(r2))) : err(EINVAL);
}

uint64_t xdp_adjust_tail(ExecEnv* env, uint64_t, uint64_t r2, uint64_t, uint64_t, uint64_t) {
    return env->xdp ? ret(env->xdp->adjust_tail(static_cast<int32_t>(r2))) : err(EINVAL);
}

uint64_t xdp_adjust_meta(ExecEnv* env, uint64_t, uint64_t r2, uint64_t, uint64_t, uint64_t) {
    return env->xdp ? ret(env->xdp->adjust_meta(static_cast<int32_t>(r2))) : err(EINVAL);
}

uint64_t xdp_load_bytes(ExecEnv* env, uint64_t, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t) {
    if (!env->xdp) return err(EINVAL);
    if (int64_t e = check_range(env->xdp, r2, r4)) return ret(e);
    std::memcpy(reinterpret_cast<void*>(r3), env->xdp->data() + static_cast<uint32_t>(r2), static_cast<uint32_t>(r4));
    return 0;
}

uint64_t xdp_store_bytes(ExecEnv* env, uint64_t, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t) {
    if (!env->xdp) return err(EINVAL);
    if (int64_t e = check_range(env->xdp, r2, r4)) return ret(e);
    std::memmove(env->xdp->data() + static_cast<uint32_t>(r2), reinterpret_cast<const void*>(r3), static_cast<uint32_t>(r4));
    return 0;
}

uint64_t xdp_get_buff_len(ExecEnv* env, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
    return env->xdp ? env->xdp->len() : 0;
}

// bpf_redirect (XDP): any flag is XDP_ABORTED; the target is the ifindex.
uint64_t redirect(ExecEnv* env, uint64_t r1, uint64_t r2, uint64_t, uint64_t, uint64_t) {
    if (r2) return kXdpAborted;
    env->redirect = {};
    env->redirect.kind = RedirectTarget::Kind::Ifindex;
    env->redirect.ifindex = static_cast<uint32_t>(r1);
    return kXdpRedirect;
}

// bpf_redirect_map (__bpf_xdp_redirect_map): flags beyond the action bits and the map type's
// own flags give XDP_ABORTED; a key with no entry (and no BPF_F_BROADCAST) returns the action in
// the low bits of flags and clears the target.
uint64_t redirect_map(ExecEnv* env, uint64_t r1, uint64_t r2, uint64_t flags, uint64_t, uint64_t) {
    auto* rm = dynamic_cast<RedirectMap*>(reinterpret_cast<Map*>(r1));
    if (!rm) return kXdpAborted;
    if (flags & ~(kActionMask | rm->extra_redirect_flags())) return kXdpAborted;
    const uint32_t key = static_cast<uint32_t>(r2);
    uint32_t target = 0;
    const bool found = rm->resolve(key, &target);
    if (!found && !(flags & kBroadcast)) {
        env->redirect = {};
        return flags & kActionMask;
    }
    env->redirect = {};
    env->redirect.kind = RedirectTarget::Kind::Map;
    env->redirect.ifindex = found ? target : 0;
    env->redirect.map_index = map_index(env, rm);
    env->redirect.key = key;
    env->redirect.flags = flags;
    return kXdpRedirect;
}

// bpf_fib_lookup(ctx, params, plen, flags). No FIB configured: every destination is unrouted.
uint64_t fib_lookup(ExecEnv* env, uint64_t, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t) {
    static const Fib empty;
    const Fib& fib = env->fib ? *env->fib : empty;
    return ret(fib.lookup(reinterpret_cast<void*>(r2), static_cast<uint32_t>(r3), static_cast<uint32_t>(r4)));
}

}  // namespace bpfnic::helpers
