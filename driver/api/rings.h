// SPDX-License-Identifier: MIT
// Rings: the host driver's descriptor rings in host memory (docs/register-map.md): a TX ring the
// host fills with frames for the card (they leave on the loopback port and arrive at the port
// under test) and an RX ring of posted buffers the card fills by DMA with XDP_PASS frames. Also
// the host memory layout of the driver (rings, buffers, the image area).
#pragma once

#ifdef BPFNIC_HAVE_CARD

#include <cstdint>
#include <vector>

#include "firmware/card.h"

namespace bpfnic::api {

namespace layout {
inline constexpr uint64_t kImageAddr = 0x100000;      ///< firmware images (up to 8 MiB)
inline constexpr uint64_t kRxRingAddr = 0x1000000;
inline constexpr uint64_t kTxRingAddr = 0x1010000;
inline constexpr uint64_t kRxBufAddr = 0x1100000;
inline constexpr uint64_t kTxBufAddr = 0x1600000;
inline constexpr uint64_t kDumpAddr = 0x2000000;      ///< map dumps (the driver's shadow of the card's maps)
inline constexpr uint32_t kDumpBytes = 32u << 20;
inline constexpr uint32_t kRingSize = 256;
inline constexpr uint32_t kBufBytes = 16384;
}  // namespace layout

class Rings {
public:
    explicit Rings(fw::Card& card) : card_(card) {}

    /// Programs both rings (after a card reset) and posts every RX buffer.
    void setup();
    /// Queues a frame on the TX ring toward `port`; false when the ring is full.
    bool post_tx(const std::vector<uint8_t>& frame, unsigned port);
    /// TX descriptors the card has not taken yet.
    uint32_t tx_pending();
    /// Frames the card delivered on the RX ring since the last call (buffers are reposted).
    std::vector<std::vector<uint8_t>> reap_rx();
    /// TX descriptors the card completed since the last call, and how many of them failed (a DMA
    /// error fetching the descriptor or the frame: the frame never left).
    struct TxReaped {
        uint32_t done = 0, errors = 0;
    };
    TxReaped reap_tx();
    uint32_t tx_tail() const { return tx_tail_; }
    /// The next RX descriptor the card fills.
    uint32_t rx_head();

private:
    fw::Card& card_;
    uint32_t tx_tail_ = 0;
    uint32_t tx_clean_ = 0;
    uint32_t rx_next_ = 0;
};

}  // namespace bpfnic::api

#endif  // BPFNIC_HAVE_CARD
