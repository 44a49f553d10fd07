// SPDX-License-Identifier: MIT
// CardFaults: the faults a test can arm on the simulated card (docs/reliability.md). Each one
// breaks the real path it names: the image bytes the firmware DMAs, the firmware's mailbox loop,
// a DMA transfer at the host memory's bus target, or the whole card's reset line. The host driver
// arms them through bpfnic_dev__inject_fault and must notice and recover on its own.
#pragma once

#include <cstdint>
#include <vector>

namespace bpfnic::fw {

struct CardFaults {
    enum class ImageFault { None, BitFlip, Truncate };
    /// One DMA transfer that fails: the first `count` transfers in `write` direction that touch
    /// [addr, addr + len).
    struct DmaFault {
        bool write = false;
        uint64_t addr = 0, len = 0;
        uint32_t count = 1;
    };

    /// The next image the firmware reads (load or swap): bit `image_bit` of byte `image_offset`
    /// flipped, or the transfer cut after `image_offset` bytes.
    ImageFault image = ImageFault::None;
    uint32_t image_offset = 0;
    uint8_t image_bit = 0;
    /// The firmware stops answering at its next command, until a function reset.
    bool mailbox_hang = false;
    std::vector<DmaFault> dma;
    /// The card resets itself once its receive counter reaches this value (0: never).
    uint64_t reset_at_rx_frames = 0;

    // What fired (the card's own view; the driver keeps its own counters).
    uint64_t images_corrupted = 0, mailbox_hangs = 0, dma_failures = 0, resets = 0;

    /// True (and the fault used up) when a DMA transfer must fail.
    bool dma_fails(bool is_write, uint64_t a, uint64_t n) {
        for (auto it = dma.begin(); it != dma.end(); ++it) {
            if (it->write != is_write || a >= it->addr + it->len || a + n <= it->addr) continue;
            if (--it->count == 0) dma.erase(it);
            ++dma_failures;
            return true;
        }
        return false;
    }
};

}  // namespace bpfnic::fw
