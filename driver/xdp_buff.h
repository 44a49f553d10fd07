// SPDX-License-Identifier: MIT
// The XDP packet buffer and context, mirroring the kernel's BPF_PROG_TEST_RUN: 256 bytes of
// headroom (of which adjust_head may claim 216: the first 40 hold the kernel's frame metadata),
// the packet, and tailroom up to the frame end minus 320 bytes (skb_shared_info).
//
// The frame is allocated below 4 GiB (MAP_32BIT) so that the 32-bit data/data_end/data_meta fields
// of struct xdp_md hold real addresses: every engine reads the context as plain memory and no
// engine needs to rewrite context accesses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace bpfnic {

/// struct xdp_md, as programs see it.
struct XdpMd {
    uint32_t data;
    uint32_t data_end;
    uint32_t data_meta;
    uint32_t ingress_ifindex;
    uint32_t rx_queue_index;
    uint32_t egress_ifindex;
};
static_assert(sizeof(XdpMd) == 24);

class XdpBuff {
public:
    static constexpr uint32_t kHeadroom = 256;     ///< XDP_PACKET_HEADROOM
    static constexpr uint32_t kFrameReserve = 40;  ///< head bytes adjust_head/meta may not claim
    static constexpr uint32_t kTailroom = 320;     ///< bytes at the frame end kept for skb_shared_info
    static constexpr uint32_t kMinFrame = 4096;    ///< one page, as the kernel's test run uses
    static constexpr uint32_t kMaxPacket = 9216;   ///< jumbo frames up to this length
    static constexpr uint32_t kMaxMeta = 252;      ///< metadata: multiple of 4, at most this

    XdpBuff();
    ~XdpBuff();
    XdpBuff(const XdpBuff&) = delete;
    XdpBuff& operator=(const XdpBuff&) = delete;

    /// Loads a packet (at most kMaxPacket bytes; longer throws bpfnic::Error BadInput) and the
    /// input context fields; data_meta starts equal to data.
    void reset(std::span<const uint8_t> packet, uint32_t ingress_ifindex = 1, uint32_t rx_queue_index = 0);

    XdpMd* md() { return &md_; }
    uint8_t* hard_start() const { return frame_; }
    uint8_t* hard_end() const { return frame_ + frame_size_ - kTailroom; }  ///< adjust_tail limit
    uint8_t* data() const;
    uint8_t* data_end() const;
    uint8_t* data_meta() const;
    size_t len() const { return data_end() - data(); }
    std::vector<uint8_t> packet() const;  ///< data..data_end
    std::vector<uint8_t> meta() const;    ///< data_meta..data

    /// Kernel semantics: 0 on success, -EINVAL when the move leaves the allowed range (head: at
    /// least 14 bytes of packet remain and at least kFrameReserve of headroom; tail: at least 14
    /// bytes, not past hard_end; meta: not below kFrameReserve), and -EACCES for a metadata
    /// length that is not a multiple of 4 or exceeds kMaxMeta (as Linux 6.x answers).
    int adjust_head(int64_t delta);
    int adjust_tail(int64_t delta);
    int adjust_meta(int64_t delta);

    /// Is [p, p+n) inside the frame's packet-accessible range (data_meta .. data_end)?
    bool in_packet(uint64_t p, uint64_t n) const;

private:
    uint8_t* frame_ = nullptr;
    uint32_t frame_size_ = 0;
    XdpMd md_{};
};

}  // namespace bpfnic
