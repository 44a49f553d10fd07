// SPDX-License-Identifier: MIT
// Rings: descriptor layout, posting and reaping.
#ifdef BPFNIC_HAVE_CARD

#include "driver/api/rings.h"

#include <cstring>

#include "compiler/error.h"
#include "sim/nic/regs.h"

namespace bpfnic::api {

namespace nic = sim::nic;
using namespace layout;

void Rings::setup() {
    for (uint32_t i = 0; i < kRingSize; ++i) {
        uint8_t d[nic::desc::kBytes] = {};
        const uint64_t buf = kRxBufAddr + uint64_t{i} * kBufBytes;
        const uint16_t len = static_cast<uint16_t>(kBufBytes - 1);
        std::memcpy(d + nic::desc::kAddr, &buf, 8);
        std::memcpy(d + nic::desc::kBufLen, &len, 2);
        card_.host_write(kRxRingAddr + uint64_t{i} * nic::desc::kBytes, d, sizeof d);
    }
    const std::vector<uint8_t> zero(kRingSize * nic::desc::kBytes, 0);
    card_.host_write(kTxRingAddr, zero.data(), zero.size());
    card_.write64(nic::reg::kRxRing + nic::reg::kRingBaseLo, kRxRingAddr);
    card_.write32(nic::reg::kRxRing + nic::reg::kRingSize, kRingSize);
    card_.write32(nic::reg::kRxRing + nic::reg::kRingTail, kRingSize - 1);
    card_.write64(nic::reg::kTxRing + nic::reg::kRingBaseLo, kTxRingAddr);
    card_.write32(nic::reg::kTxRing + nic::reg::kRingSize, kRingSize);
    tx_tail_ = 0;
    tx_clean_ = 0;
    rx_next_ = 0;
}

uint32_t Rings::rx_head() { return card_.read32(nic::reg::kRxRing + nic::reg::kRingHead); }

Rings::TxReaped Rings::reap_tx() {
    TxReaped r;
    const uint32_t head = card_.read32(nic::reg::kTxRing + nic::reg::kRingHead);
    for (; tx_clean_ != head; tx_clean_ = (tx_clean_ + 1) & (kRingSize - 1)) {
        const uint64_t da = kTxRingAddr + uint64_t{tx_clean_} * nic::desc::kBytes;
        uint16_t flags = 0;
        card_.host_read(da + nic::desc::kFlags, &flags, 2);
        ++r.done;
        if ((flags & nic::desc::kFlagError) || !(flags & nic::desc::kFlagDone)) ++r.errors;
        const uint16_t clear = 0;
        card_.host_write(da + nic::desc::kFlags, &clear, 2);
    }
    return r;
}

uint32_t Rings::tx_pending() {
    const uint32_t head = card_.read32(nic::reg::kTxRing + nic::reg::kRingHead);
    return (tx_tail_ - head) & (kRingSize - 1);
}

bool Rings::post_tx(const std::vector<uint8_t>& frame, unsigned port) {
    if (frame.empty() || frame.size() > kBufBytes)
        throw Error(ErrorKind::BadInput, "packet of " + std::to_string(frame.size()) + " bytes: the card takes 1.." +
                                             std::to_string(kBufBytes));
    // Full: the card has not taken kRingSize - 1 frames, or completions wait to be reaped.
    if (tx_pending() == kRingSize - 1 || ((tx_tail_ + 1) & (kRingSize - 1)) == tx_clean_) return false;
    const uint64_t buf = kTxBufAddr + uint64_t{tx_tail_} * kBufBytes;
    card_.host_write(buf, frame.data(), frame.size());
    uint8_t d[nic::desc::kBytes] = {};
    const uint16_t len = static_cast<uint16_t>(frame.size());
    std::memcpy(d + nic::desc::kAddr, &buf, 8);
    std::memcpy(d + nic::desc::kPktLen, &len, 2);
    d[nic::desc::kPort] = static_cast<uint8_t>(port);
    card_.host_write(kTxRingAddr + uint64_t{tx_tail_} * nic::desc::kBytes, d, sizeof d);
    tx_tail_ = (tx_tail_ + 1) & (kRingSize - 1);
    card_.write32(nic::reg::kTxRing + nic::reg::kRingTail, tx_tail_);
    return true;
}

std::vector<std::vector<uint8_t>> Rings::reap_rx() {
    std::vector<std::vector<uint8_t>> out;
    const uint32_t head = card_.read32(nic::reg::kRxRing + nic::reg::kRingHead);
    for (; rx_next_ != head; rx_next_ = (rx_next_ + 1) & (kRingSize - 1)) {
        const uint64_t da = kRxRingAddr + uint64_t{rx_next_} * nic::desc::kBytes;
        uint8_t d[nic::desc::kBytes];
        card_.host_read(da, d, sizeof d);
        uint64_t buf;
        uint16_t len, flags;
        std::memcpy(&buf, d + nic::desc::kAddr, 8);
        std::memcpy(&len, d + nic::desc::kPktLen, 2);
        std::memcpy(&flags, d + nic::desc::kFlags, 2);
        std::vector<uint8_t> frame(len);
        if (len) card_.host_read(buf, frame.data(), len);
        out.push_back(std::move(frame));
        // Repost: clear what the card wrote back.
        const uint8_t clear[6] = {};
        card_.host_write(da + nic::desc::kPktLen, clear, sizeof clear);
    }
    card_.write32(nic::reg::kRxRing + nic::reg::kRingTail, (head + kRingSize - 1) & (kRingSize - 1));
    return out;
}

}  // namespace bpfnic::api

#endif  // BPFNIC_HAVE_CARD
