// SPDX-License-Identifier: MIT
// Internet checksum arithmetic (RFC 1071) for the traffic generator and its tests: the one's
// complement sum over bytes, and the IPv4/IPv6 pseudo-header sums of TCP, UDP and ICMPv6.
#pragma once

#include <cstdint>
#include <span>

namespace bpfnic {

/// One's complement sum of 16-bit big-endian words (an odd final byte is padded with zero),
/// added to sum and not yet folded.
uint32_t csum_add(uint32_t sum, std::span<const uint8_t> bytes);
/// Folds a sum to 16 bits and complements it: the checksum field value (host order).
uint16_t csum_fold(uint32_t sum);

/// Pseudo-header sums (addresses in network byte order as they appear in the header).
uint32_t pseudo_sum_v4(const uint8_t src[4], const uint8_t dst[4], uint8_t proto, uint32_t l4_len);
uint32_t pseudo_sum_v6(const uint8_t src[16], const uint8_t dst[16], uint8_t next_header, uint32_t l4_len);

}  // namespace bpfnic
