// SPDX-License-Identifier: MIT
// Which flow part of a trace a frame belongs to, when a suite splits one large trace by flow: the
// part is a hash of the frame's IP protocol and its two endpoints (address and port) taken in a
// fixed order, so both directions of a connection land in the same part.
#pragma once

#include <cstdint>
#include <span>

namespace bpfnic::regress {

/// Hash of the frame's flow: Ethernet (up to two 802.1Q/802.1ad tags), IPv4 or IPv6, and TCP/UDP
/// ports (ICMP echo: the identifier as both ports). Frames that are not IP hash to 0.
uint64_t flow_hash(std::span<const uint8_t> frame);

/// flow_hash(frame) % parts.
uint32_t flow_part(std::span<const uint8_t> frame, uint32_t parts);

}  // namespace bpfnic::regress
