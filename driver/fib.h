// SPDX-License-Identifier: MIT
// The forwarding table bpf_fib_lookup consults in the software engines: IPv4 and IPv6 routes the
// user fills in (prefix, egress ifindex, optional gateway, the MACs to write, MTU, route type),
// and a longest-prefix lookup that fills struct bpf_fib_lookup and returns the kernel's
// BPF_FIB_LKUP_RET_* codes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace bpfnic {

/// BPF_FIB_LKUP_RET_* (enum of the kernel's UAPI).
namespace fib_ret {
inline constexpr int kSuccess = 0, kBlackhole = 1, kUnreachable = 2, kProhibit = 3, kNotFwded = 4,
                     kFwdDisabled = 5, kUnsuppLwt = 6, kNoNeigh = 7, kFragNeeded = 8, kNoSrcAddr = 9;
}

struct FibRoute {
    enum class Type : uint8_t { Unicast, Blackhole, Unreachable, Prohibit };
    int family = 2;                     ///< AF_INET (2) or AF_INET6 (10)
    std::array<uint8_t, 16> prefix{};   ///< network byte order; IPv4 uses the first 4 bytes
    uint8_t prefix_len = 0;
    Type type = Type::Unicast;
    uint32_t ifindex = 0;               ///< egress device
    std::optional<std::array<uint8_t, 16>> gateway;  ///< next hop; none: directly connected
    std::array<uint8_t, 6> smac{};      ///< egress device address
    std::optional<std::array<uint8_t, 6>> dmac;      ///< neighbour address; none: no neighbour entry
    std::optional<std::array<uint8_t, 16>> source;   ///< preferred source (BPF_FIB_LOOKUP_SRC)
    uint16_t mtu = 0;                   ///< 0: no MTU check
    uint32_t metric = 0;
};

class Fib {
public:
    void add(const FibRoute& r);
    /// Adds an IPv4 route from dotted text ("10.0.0.0", 8); gateway "" for none.
    void add_v4(const char* prefix, uint8_t len, uint32_t ifindex, const char* gateway,
                std::array<uint8_t, 6> smac, std::optional<std::array<uint8_t, 6>> dmac, uint16_t mtu = 0);
    void clear() { routes_.clear(); }
    size_t size() const { return routes_.size(); }

    /// The longest matching route of family for addr (16 bytes, IPv4 in the first 4), or null.
    const FibRoute* match(int family, const uint8_t* addr) const;

    /// bpf_fib_lookup: params points to a struct bpf_fib_lookup of plen bytes. Returns a
    /// BPF_FIB_LKUP_RET_* code or a negative errno (-EINVAL bad size or flags, -EAFNOSUPPORT).
    int64_t lookup(void* params, uint32_t plen, uint32_t flags) const;

private:
    std::vector<FibRoute> routes_;
};

}  // namespace bpfnic
