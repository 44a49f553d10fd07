// SPDX-License-Identifier: MIT
// XdpBuff: frame placement below 4 GiB, context fields, and the kernel's exact limits of
// adjust_head / adjust_tail / adjust_meta (216 bytes of head claimable in a 256-byte headroom,
// metadata in 4-byte multiples up to 252 bytes, at least ETH_HLEN bytes of packet, tail up to the
// one-page frame minus 320 bytes).
#include "driver/xdp_buff.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <numeric>

#include "compiler/error.h"

namespace bpfnic {
namespace {

std::vector<uint8_t> pattern(size_t n) {
    std::vector<uint8_t> p(n);
    std::iota(p.begin(), p.end(), uint8_t{1});
    return p;
}

TEST(XdpBuff, FrameBelow4GiBAndContextFields) {
    XdpBuff b;
    const auto pkt = pattern(60);
    b.reset(pkt, 7, 3);
    const XdpMd* md = b.md();
    EXPECT_LT(reinterpret_cast<uintptr_t>(b.hard_start()) + 3 * 4096, uintptr_t{1} << 32);
    EXPECT_EQ(md->data, reinterpret_cast<uintptr_t>(b.hard_start()) + XdpBuff::kHeadroom);
    EXPECT_EQ(md->data_end - md->data, 60u);
    EXPECT_EQ(md->data_meta, md->data);
    EXPECT_EQ(md->ingress_ifindex, 7u);
    EXPECT_EQ(md->rx_queue_index, 3u);
    EXPECT_EQ(md->egress_ifindex, 0u);
    EXPECT_EQ(b.packet(), pkt);
    EXPECT_TRUE(b.meta().empty());
    EXPECT_EQ(b.len(), 60u);
    EXPECT_EQ(b.hard_end(), b.hard_start() + 4096 - 320);
}

TEST(XdpBuff, DefaultsMatchKernelTestRun) {
    XdpBuff b;
    b.reset(pattern(14));
    EXPECT_EQ(b.md()->ingress_ifindex, 1u);
    EXPECT_EQ(b.md()->rx_queue_index, 0u);
}

TEST(XdpBuff, OversizedPacketIsBadInput) {
    XdpBuff b;
    std::vector<uint8_t> big(XdpBuff::kMaxPacket + 1);
    try {
        b.reset(big);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::BadInput);
        EXPECT_NE(std::string(e.what()).find("9217"), std::string::npos) << e.what();
    }
}

TEST(XdpBuff, JumboPacketGetsLinearFrame) {
    XdpBuff b;
    const auto pkt = pattern(XdpBuff::kMaxPacket);
    b.reset(pkt);
    EXPECT_EQ(b.packet(), pkt);
    EXPECT_GE(b.hard_end(), b.data_end());
    EXPECT_EQ(b.adjust_tail(static_cast<int64_t>(b.hard_end() - b.data_end()) + 1), -EINVAL);
    // A later small packet returns to the one-page frame.
    b.reset(pattern(64));
    EXPECT_EQ(b.hard_end(), b.hard_start() + 4096 - 320);
}

TEST(XdpBuff, AdjustHeadClaimsExactly216Bytes) {
    XdpBuff b;
    b.reset(pattern(60));
    EXPECT_EQ(b.adjust_head(-217), -EINVAL);
    EXPECT_EQ(b.len(), 60u);
    EXPECT_EQ(b.adjust_head(-216), 0);
    EXPECT_EQ(b.len(), 276u);
    EXPECT_EQ(b.data(), b.hard_start() + XdpBuff::kFrameReserve);
    EXPECT_EQ(b.md()->data_meta, b.md()->data) << "empty metadata moves with data";
    EXPECT_EQ(b.adjust_head(-1), -EINVAL);
    // Claimed headroom is zero (the kernel's test run frame is zero-filled).
    for (size_t i = 0; i < 216; ++i) ASSERT_EQ(b.data()[i], 0) << i;
    EXPECT_EQ(b.adjust_head(216), 0);
    EXPECT_EQ(b.packet(), pattern(60));
}

TEST(XdpBuff, AdjustHeadKeepsEthernetHeader) {
    XdpBuff b;
    b.reset(pattern(60));
    EXPECT_EQ(b.adjust_head(47), -EINVAL);
    EXPECT_EQ(b.adjust_head(46), 0);
    EXPECT_EQ(b.len(), 14u);
    EXPECT_EQ(b.data()[0], 47);
    EXPECT_EQ(b.adjust_head(1), -EINVAL);
}

TEST(XdpBuff, AdjustHeadMovesMetadata) {
    XdpBuff b;
    b.reset(pattern(60));
    ASSERT_EQ(b.adjust_meta(-8), 0);
    for (int i = 0; i < 8; ++i) b.data_meta()[i] = static_cast<uint8_t>(0xA0 + i);
    const auto meta = b.meta();
    // Headroom left for data: 216 minus the 8 metadata bytes.
    EXPECT_EQ(b.adjust_head(-209), -EINVAL);
    EXPECT_EQ(b.adjust_head(-208), 0);
    EXPECT_EQ(b.meta(), meta);
    EXPECT_EQ(b.data_meta(), b.hard_start() + XdpBuff::kFrameReserve);
    EXPECT_EQ(b.adjust_head(208 + 10), 0);
    EXPECT_EQ(b.meta(), meta);
    EXPECT_EQ(b.len(), 50u);
}

TEST(XdpBuff, AdjustMetaLimits) {
    XdpBuff b;
    b.reset(pattern(60));
    EXPECT_EQ(b.adjust_meta(-2), -EACCES) << "not a multiple of 4";
    EXPECT_EQ(b.adjust_meta(4), -EINVAL) << "meta above data";
    // The range check comes first: 216 bytes of headroom can hold metadata, so the 252-byte
    // cap is never the limit in a test-run frame.
    EXPECT_EQ(b.adjust_meta(-220), -EINVAL);
    EXPECT_EQ(b.adjust_meta(-216), 0);
    EXPECT_EQ(b.meta().size(), 216u);
    EXPECT_EQ(b.adjust_meta(-4), -EINVAL);
    EXPECT_EQ(b.adjust_meta(212), 0);
    EXPECT_EQ(b.meta().size(), 4u);
    EXPECT_EQ(b.adjust_meta(4), 0);
    EXPECT_TRUE(b.meta().empty());
    // Below the reserved frame head.
    ASSERT_EQ(b.adjust_head(-212), 0);
    EXPECT_EQ(b.adjust_meta(-4), 0);
    EXPECT_EQ(b.adjust_meta(-4), -EINVAL);
}

TEST(XdpBuff, AdjustTailLimitsAndZeroFill) {
    XdpBuff b;
    b.reset(pattern(60));
    const int64_t room = b.hard_end() - b.data_end();
    EXPECT_EQ(room, 4096 - 320 - 256 - 60);
    EXPECT_EQ(b.adjust_tail(room + 1), -EINVAL);
    EXPECT_EQ(b.adjust_tail(-47), -EINVAL);
    EXPECT_EQ(b.adjust_tail(-46), 0);
    EXPECT_EQ(b.len(), 14u);
    b.data_end()[0] = 0xff;  // stale byte past the end must be cleared on growth
    EXPECT_EQ(b.adjust_tail(room + 46), 0);
    EXPECT_EQ(b.data_end(), b.hard_end());
    for (size_t i = 14; i < b.len(); ++i) ASSERT_EQ(b.data()[i], 0) << i;
}

TEST(XdpBuff, DeltaIsA32BitInt) {
    XdpBuff b;
    b.reset(pattern(60));
    // The helpers take an int: the upper 32 bits of the register are ignored.
    EXPECT_EQ(b.adjust_head((int64_t{1} << 32) - 4), 0);
    EXPECT_EQ(b.len(), 64u);
}

TEST(XdpBuff, InPacketCoversMetaToEnd) {
    XdpBuff b;
    b.reset(pattern(60));
    ASSERT_EQ(b.adjust_meta(-8), 0);
    const uint64_t meta = b.md()->data_meta, end = b.md()->data_end;
    EXPECT_TRUE(b.in_packet(meta, end - meta));
    EXPECT_FALSE(b.in_packet(meta - 1, 1));
    EXPECT_FALSE(b.in_packet(end - 1, 2));
    EXPECT_TRUE(b.in_packet(end, 0));
    EXPECT_FALSE(b.in_packet(meta, ~uint64_t{0}));
}

TEST(XdpBuff, ResetClearsPreviousState) {
    XdpBuff b;
    b.reset(pattern(100));
    ASSERT_EQ(b.adjust_meta(-16), 0);
    ASSERT_EQ(b.adjust_head(-50), 0);
    b.reset(pattern(20), 2, 1);
    EXPECT_EQ(b.packet(), pattern(20));
    EXPECT_TRUE(b.meta().empty());
    EXPECT_EQ(b.data(), b.hard_start() + XdpBuff::kHeadroom);
    EXPECT_EQ(b.data()[-1], 0);
    EXPECT_EQ(b.data()[20], 0);
}

}  // namespace
}  // namespace bpfnic
