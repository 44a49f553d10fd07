// SPDX-License-Identifier: MIT
// BAR0 through the root port's TLM socket: identification, read/write and read-only registers,
// access rules, ring register rules, the interrupt status and mask, and the mailbox.
#include <gtest/gtest.h>

#include <stdexcept>

#include "tests/nic/nic_test_env.h"

namespace bpfnic::tests {
namespace {

using namespace nic;

class NicMmio : public ::testing::Test {
protected:
    void SetUp() override { env().reset(maps_); }
    NicTestEnv& env() { return NicTestEnv::get(); }
    NicSystem& sys() { return env().sys(); }
    MapSet maps_;
};

TEST_F(NicMmio, IdentificationAndCapabilities) {
    EXPECT_EQ(sys().read32(reg::kId), kIdMagic);
    EXPECT_EQ(sys().read32(reg::kVersion), kVersion);
    const uint32_t caps = sys().read32(reg::kCaps);
    EXPECT_EQ(caps & 0xff, 4u);           // lanes
    EXPECT_EQ((caps >> 8) & 0xff, 2u);    // ports
    EXPECT_EQ((caps >> 16) & 1, 1u);      // mailbox
    EXPECT_EQ(sys().read32(reg::kImemDepth), Nic::kImemBundles);
    EXPECT_EQ(sys().read32(reg::kPktHeadroom), Nic::kHeadroom);
}

TEST_F(NicMmio, WritableRegistersReadBack) {
    sys().write64(reg::kProgAddrLo, 0x0000'0012'3456'7000ull);
    EXPECT_EQ(sys().read32(reg::kProgAddrLo), 0x3456'7000u);
    EXPECT_EQ(sys().read32(reg::kProgAddrHi), 0x12u);
    EXPECT_EQ(sys().read64(reg::kProgAddrLo), 0x0000'0012'3456'7000ull);
    sys().write32(reg::kProgBundles, 77);
    sys().write32(reg::kEntryPc, 5);
    sys().write32(reg::kRunTimeout, 12345);
    sys().write32(reg::kIrqMask, kIrqRx | kIrqTx);
    sys().write32(reg::kIfindexBase, 7);
    EXPECT_EQ(sys().read32(reg::kProgBundles), 77u);
    EXPECT_EQ(sys().read32(reg::kEntryPc), 5u);
    EXPECT_EQ(sys().read32(reg::kRunTimeout), 12345u);
    EXPECT_EQ(sys().read32(reg::kIrqMask), kIrqRx | kIrqTx);
    EXPECT_EQ(sys().read32(reg::kIfindexBase), 7u);
    sys().write32(reg::kIfindexBase, 1);
    sys().write32(reg::kRunTimeout, 10'000'000);
}

TEST_F(NicMmio, ReadOnlyRegistersIgnoreWrites) {
    sys().write32(reg::kId, 0);
    sys().write32(reg::kImemDepth, 1);
    sys().write32(reg::kCoreCounters, 99);
    EXPECT_EQ(sys().read32(reg::kId), kIdMagic);
    EXPECT_EQ(sys().read32(reg::kImemDepth), Nic::kImemBundles);
    EXPECT_EQ(sys().read64(reg::kNicCounters + 8 * kCntRxFrames), 0u);
}

TEST_F(NicMmio, AccessRules) {
    EXPECT_THROW(sys().read32(reg::kBarBytes), std::runtime_error);       // outside BAR0
    EXPECT_THROW(sys().read32(reg::kCtrl + 2), std::runtime_error);       // unaligned register
    EXPECT_THROW(sys().read64(reg::kCtrl + 4), std::runtime_error);       // 64-bit access not 8-aligned
    // The mailbox data window takes any length and alignment.
    uint8_t out[3] = {1, 2, 3}, in[3] = {};
    sc_core::sc_time d;
    ASSERT_EQ(sys().root().access(true, reg::kMboxData + 5, out, 3, d), tlm::TLM_OK_RESPONSE);
    ASSERT_EQ(sys().root().access(false, reg::kMboxData + 5, in, 3, d), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(in[0], 1);
    EXPECT_EQ(in[2], 3);
    // MMIO costs host time: reads more than posted writes.
    const sc_core::sc_time t0 = sys().mmio_time();
    sys().read32(reg::kId);
    const sc_core::sc_time t_read = sys().mmio_time() - t0;
    sys().write32(reg::kIrqMask, 0);
    const sc_core::sc_time t_write = sys().mmio_time() - t0 - t_read;
    EXPECT_GT(t_read, t_write);
    EXPECT_GT(t_write, sc_core::SC_ZERO_TIME);
}

TEST_F(NicMmio, RingRegisters) {
    const uint32_t rx = reg::kRxRing;
    sys().write64(rx + reg::kRingBaseLo, 0xabcd'0000ull);
    sys().write32(rx + reg::kRingSize, 48);  // not a power of two: the ring is off
    EXPECT_EQ(sys().read32(rx + reg::kRingSize), 0u);
    sys().write32(rx + reg::kRingSize, 64);
    EXPECT_EQ(sys().read32(rx + reg::kRingSize), 64u);
    sys().write32(rx + reg::kRingTail, 64 + 5);  // indices wrap at the size
    EXPECT_EQ(sys().read32(rx + reg::kRingTail), 5u);
    sys().write32(rx + reg::kRingHead, 3);       // the card owns the head
    EXPECT_EQ(sys().read32(rx + reg::kRingHead), 0u);
    EXPECT_EQ(sys().read64(rx + reg::kRingBaseLo), 0xabcd'0000ull);
}

TEST_F(NicMmio, MailboxBuiltInCommandsAndUnsupportedOnes) {
    const uint32_t seq = sys().read32(reg::kMboxSeq);
    sys().write32(reg::kMboxCmd, kCmdCaps);
    EXPECT_EQ(sys().read32(reg::kMboxStatus) & 3, kMboxBusy);
    ASSERT_TRUE(sys().run_until_idle(sc_core::sc_time(1, sc_core::SC_MS)));
    EXPECT_EQ(sys().read32(reg::kMboxStatus), kMboxDone | (kMboxOk << 16));
    EXPECT_EQ(sys().read32(reg::kMboxArgs + 0), sys().read32(reg::kCaps));
    EXPECT_EQ(sys().read32(reg::kMboxArgs + 4), Nic::kImemBundles);
    EXPECT_EQ(sys().read32(reg::kMboxSeq), seq + 1);
    EXPECT_TRUE(sys().read32(reg::kIrqStatus) & kIrqMbox);
    EXPECT_FALSE(env().card().irq());  // masked
    sys().write32(reg::kIrqMask, kIrqMbox);
    EXPECT_TRUE(env().card().irq());
    sys().write32(reg::kIrqStatus, kIrqMbox);  // write 1 to clear
    EXPECT_FALSE(sys().read32(reg::kIrqStatus) & kIrqMbox);
    sys().write32(reg::kIrqMask, 0);

    // Map operations need the firmware: without a handler the card says so.
    sys().write32(reg::kMboxCmd, kCmdMapLookup);
    ASSERT_TRUE(sys().run_until_idle(sc_core::sc_time(1, sc_core::SC_MS)));
    EXPECT_EQ(sys().read32(reg::kMboxStatus), kMboxDone | (kMboxUnsupported << 16));

    // The counters command fills the data window with the core's and the card's counters.
    sys().write32(reg::kMboxCmd, kCmdCounters);
    ASSERT_TRUE(sys().run_until_idle(sc_core::sc_time(1, sc_core::SC_MS)));
    EXPECT_EQ(sys().read32(reg::kMboxArgs + 0), static_cast<uint32_t>(kCoreCounterCount));
    EXPECT_EQ(sys().read32(reg::kMboxArgs + 4), static_cast<uint32_t>(kNicCounterCount));
    EXPECT_EQ(sys().read64(reg::kMboxData + 8 * kCntCycles), sys().read64(reg::kCoreCounters + 8 * kCntCycles));
    EXPECT_EQ(sys().read32(reg::kMboxSeq), seq + 3);
}

class RecordingFirmware : public MailboxHandler {
public:
    uint32_t command(Nic&, uint32_t cmd, std::array<uint32_t, reg::kMboxArgCount>& args, uint8_t* data,
                     sc_core::sc_time& delay) override {
        if (cmd != kCmdMapLookup) return kMboxUnsupported;
        ++calls;
        args[0] = args[0] + 1;
        data[0] = 0x5a;
        delay += sc_core::sc_time(1, sc_core::SC_US);
        return kMboxOk;
    }
    int calls = 0;
};

TEST_F(NicMmio, MailboxGoesToTheFirmwareFirst) {
    RecordingFirmware fw;
    env().card().set_mailbox_handler(&fw);
    sys().write32(reg::kMboxArgs, 41);
    sys().write32(reg::kMboxCmd, kCmdMapLookup);
    ASSERT_TRUE(sys().run_until_idle(sc_core::sc_time(1, sc_core::SC_MS)));
    EXPECT_EQ(fw.calls, 1);
    EXPECT_EQ(sys().read32(reg::kMboxStatus), kMboxDone | (kMboxOk << 16));
    EXPECT_EQ(sys().read32(reg::kMboxArgs), 42u);
    EXPECT_EQ(sys().read32(reg::kMboxData) & 0xff, 0x5au);
    // Built-in commands still answer when the firmware passes.
    sys().write32(reg::kMboxCmd, kCmdCaps);
    ASSERT_TRUE(sys().run_until_idle(sc_core::sc_time(1, sc_core::SC_MS)));
    EXPECT_EQ(sys().read32(reg::kMboxStatus), kMboxDone | (kMboxOk << 16));
    env().card().set_mailbox_handler(nullptr);
}

}  // namespace
}  // namespace bpfnic::tests
