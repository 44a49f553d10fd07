// SPDX-License-Identifier: MIT
// Longest-prefix routing and the bpf_fib_lookup result protocol (net/core/filter.c
// bpf_ipv4_fib_lookup/bpf_ipv6_fib_lookup): route type codes, MTU check against tot_len, gateway
// written to the destination, egress ifindex and metric, BPF_FIB_LOOKUP_SRC, neighbour MACs or
// BPF_FIB_LKUP_RET_NO_NEIGH, and BPF_FIB_LOOKUP_SKIP_NEIGH.
#include "driver/fib.h"

#include <arpa/inet.h>
#include <linux/bpf.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "compiler/error.h"

namespace bpfnic {

namespace {

constexpr int kAfInet = 2, kAfInet6 = 10;
constexpr uint32_t kAllowedFlags = BPF_FIB_LOOKUP_DIRECT | BPF_FIB_LOOKUP_OUTPUT | BPF_FIB_LOOKUP_SKIP_NEIGH |
                                   BPF_FIB_LOOKUP_TBID | BPF_FIB_LOOKUP_SRC;
static_assert(sizeof(bpf_fib_lookup) == 64);

bool prefix_matches(const uint8_t* prefix, uint32_t len, const uint8_t* addr) {
    const uint32_t full = len / 8, rest = len % 8;
    if (std::memcmp(prefix, addr, full) != 0) return false;
    if (!rest) return true;
    const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
    return (prefix[full] & mask) == (addr[full] & mask);
}

std::array<uint8_t, 16> parse_v4(const char* text) {
    std::array<uint8_t, 16> a{};
    if (inet_pton(AF_INET, text, a.data()) != 1)
        throw Error(ErrorKind::BadInput, std::string("FIB route: '") + text + "' is not an IPv4 address");
    return a;
}

}  // namespace

void Fib::add(const FibRoute& r) {
    const uint32_t max = r.family == kAfInet ? 32 : r.family == kAfInet6 ? 128 : 0;
    if (!max) throw Error(ErrorKind::BadInput, "FIB route: family must be AF_INET or AF_INET6");
    if (r.prefix_len > max)
        throw Error(ErrorKind::BadInput, "FIB route: prefix length " + std::to_string(r.prefix_len) + " exceeds " +
                                             std::to_string(max));
    routes_.push_back(r);
}

void Fib::add_v4(const char* prefix, uint8_t len, uint32_t ifindex, const char* gateway,
                 std::array<uint8_t, 6> smac, std::optional<std::array<uint8_t, 6>> dmac, uint16_t mtu) {
    FibRoute r;
    r.family = kAfInet;
    r.prefix = parse_v4(prefix);
    r.prefix_len = len;
    r.ifindex = ifindex;
    if (gateway && *gateway) r.gateway = parse_v4(gateway);
    r.smac = smac;
    r.dmac = dmac;
    r.mtu = mtu;
    add(r);
}

const FibRoute* Fib::match(int family, const uint8_t* addr) const {
    const FibRoute* best = nullptr;
    for (const FibRoute& r : routes_) {
        if (r.family != family || !prefix_matches(r.prefix.data(), r.prefix_len, addr)) continue;
        if (!best || r.prefix_len > best->prefix_len) best = &r;  // first added wins a tie
    }
    return best;
}

int64_t Fib::lookup(void* params_ptr, uint32_t plen, uint32_t flags) const {
    if (plen < sizeof(bpf_fib_lookup)) return -EINVAL;
    if (flags & ~kAllowedFlags) return -EINVAL;
    bpf_fib_lookup p;
    std::memcpy(&p, params_ptr, sizeof p);
    const int family = p.family;
    if (family != kAfInet && family != kAfInet6) return -EAFNOSUPPORT;
    const size_t alen = family == kAfInet ? 4 : 16;
    uint8_t dst[16] = {};
    std::memcpy(dst, family == kAfInet ? static_cast<const void*>(&p.ipv4_dst) : p.ipv6_dst, alen);

    const FibRoute* r = match(family, dst);
    int64_t ret = fib_ret::kSuccess;
    if (!r) return fib_ret::kNotFwded;
    switch (r->type) {
    case FibRoute::Type::Blackhole: return fib_ret::kBlackhole;
    case FibRoute::Type::Unreachable: return fib_ret::kUnreachable;
    case FibRoute::Type::Prohibit: return fib_ret::kProhibit;
    case FibRoute::Type::Unicast: break;
    }
    if (r->mtu && p.tot_len > r->mtu) {
        p.mtu_result = r->mtu;
        ret = fib_ret::kFragNeeded;
    } else {
        if (r->gateway) std::memcpy(family == kAfInet ? static_cast<void*>(&p.ipv4_dst) : p.ipv6_dst, r->gateway->data(), alen);
        p.rt_metric = r->metric;
        p.ifindex = r->ifindex;
        if (flags & BPF_FIB_LOOKUP_SRC) {
            if (r->source)
                std::memcpy(family == kAfInet ? static_cast<void*>(&p.ipv4_src) : p.ipv6_src, r->source->data(), alen);
            else
                ret = fib_ret::kNoSrcAddr;
        }
        if (ret == fib_ret::kSuccess && !(flags & BPF_FIB_LOOKUP_SKIP_NEIGH)) {
            if (!r->dmac) {
                ret = fib_ret::kNoNeigh;
            } else {
                std::memcpy(p.dmac, r->dmac->data(), 6);
                std::memcpy(p.smac, r->smac.data(), 6);
            }
        }
        if (ret == fib_ret::kSuccess) {
            p.h_vlan_proto = 0;
            p.h_vlan_TCI = 0;
            if (r->mtu) p.mtu_result = r->mtu;
        }
    }
    std::memcpy(params_ptr, &p, sizeof p);
    return ret;
}

}  // namespace bpfnic
