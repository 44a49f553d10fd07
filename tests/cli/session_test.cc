// SPDX-License-Identifier: MIT
// The driver's session calls the command runs on (bpfnic_session__*): the engine chosen by name,
// faults reported with the engine and instruction, per-engine time, the card's core counters and
// the cross-check through the driver.
#include <gtest/gtest.h>

#include <cerrno>

#include "compiler/loader.h"
#include "driver/bpfnic.h"
#include "driver/traffic/generator.h"
#include "tests/cli/cli_runner.h"

namespace bpfnic::testing {
namespace {

std::vector<uint8_t> packet(uint64_t i) {
    TrafficGenerator gen(parse_traffic_spec("count=100,seed=11"));
    return gen.packet(i).bytes;
}

class SessionTest : public ::testing::Test {
protected:
    void open_device(bool hardware) {
        bpfnic_dev_opts o = BPFNIC_DEV_OPTS();
        o.hardware = hardware;
        ASSERT_EQ(bpfnic_dev__open(&o, &dev_), 0) << bpfnic_last_error();
    }
    void TearDown() override {
        bpfnic_session__close(session_);
        bpfnic_dev__close(dev_);
    }
    int open(const std::string& object, const char* engine, bool verify = true, const char* trace = nullptr) {
        obj_ = load_object(object);
        bpfnic_session_opts o = BPFNIC_SESSION_OPTS();
        o.engine = engine;
        o.verify = verify;
        o.trace_path = trace;
        return bpfnic_session__open(dev_, obj_, &o, &session_);
    }

    bpfnic_dev* dev_ = nullptr;
    bpfnic_session* session_ = nullptr;
    Object obj_;
};

TEST_F(SessionTest, InterpreterByNameCountsVerdictsAndTime) {
    open_device(false);
    ASSERT_EQ(open(example("xdp_drop"), "interp"), 0) << bpfnic_last_error();
    EXPECT_STREQ(bpfnic_prog__engine(bpfnic_session__prog(session_)), "interp");
    EXPECT_EQ(bpfnic_session__engines(session_), std::vector<std::string>{"interp"});
    for (uint64_t i = 0; i < 5; ++i) {
        const auto p = packet(i);
        bpfnic_session_packet out;
        ASSERT_EQ(bpfnic_session__run(session_, p.data(), static_cast<uint32_t>(p.size()), &out), 0) << bpfnic_last_error();
        EXPECT_EQ(out.verdict, 1u);
        EXPECT_TRUE(out.data.empty());
        EXPECT_EQ(out.insns, 2u);  // r0 = 1; exit
    }
    bpfnic_session_stats s;
    ASSERT_EQ(bpfnic_session__stats(session_, &s), 0);
    EXPECT_EQ(s.packets, 5u);
    EXPECT_EQ(s.verdicts.drop, 5u);
    ASSERT_EQ(s.engines.size(), 1u);
    EXPECT_EQ(s.engines[0].engine, "interp");
    EXPECT_EQ(s.engines[0].runs, 5u);
    EXPECT_FALSE(s.on_card);
    EXPECT_TRUE(s.insns_counted);
    EXPECT_EQ(s.insns, 10u);
}

TEST_F(SessionTest, JitDoesNotCountInstructions) {
    open_device(false);
    ASSERT_EQ(open(example("xdp_drop"), "jit"), 0) << bpfnic_last_error();
    const auto p = packet(0);
    bpfnic_session_packet out;
    ASSERT_EQ(bpfnic_session__run(session_, p.data(), static_cast<uint32_t>(p.size()), &out), 0) << bpfnic_last_error();
    EXPECT_EQ(out.verdict, 1u);
    EXPECT_EQ(out.insns, 0u);
    bpfnic_session_stats s;
    ASSERT_EQ(bpfnic_session__stats(session_, &s), 0);
    EXPECT_FALSE(s.insns_counted);
    EXPECT_EQ(s.insns, 0u);
    ASSERT_EQ(s.engines.size(), 1u);
    EXPECT_EQ(s.engines[0].engine, "jit");
}

TEST_F(SessionTest, BadEnginesAndPackets) {
    open_device(false);
    EXPECT_EQ(open(example("xdp_pass"), "gpu"), -ENOENT);
    EXPECT_STREQ(bpfnic_last_error(), "unknown engine 'gpu' (known: interp, jit, hw, xcheck)");
    EXPECT_EQ(open(example("xdp_pass"), "jit", false), -EINVAL);
    EXPECT_STREQ(bpfnic_last_error(), "engine jit runs verified programs only (an unverified one needs the interpreter)");
    EXPECT_EQ(open(example("xdp_pass"), "jit", true, "/tmp/never.fst"), -EOPNOTSUPP);
    EXPECT_STREQ(bpfnic_last_error(), "trace: the program is not on the card: offload=never");
    ASSERT_EQ(open(example("xdp_pass"), "jit"), 0) << bpfnic_last_error();
    bpfnic_session_packet out;
    const std::vector<uint8_t> big(9217, 0);
    EXPECT_EQ(bpfnic_session__run(session_, big.data(), static_cast<uint32_t>(big.size()), &out), -EINVAL);
    EXPECT_STREQ(bpfnic_last_error(), "packet of 9217 bytes exceeds the 9216-byte maximum");
    EXPECT_EQ(bpfnic_session__run(session_, big.data(), 0, &out), -EINVAL);
}

TEST_F(SessionTest, UnverifiedFaultNamesTheEngineAndInstruction) {
    open_device(false);
    const std::string obj = std::string(BPFNIC_CLI_DATA_DIR) + "/unchecked_access.o";
    EXPECT_EQ(open(obj, "interp"), -EACCES);  // the verifier refuses it
    ASSERT_EQ(open(obj, "interp", false), 0) << bpfnic_last_error();
    const std::vector<uint8_t> shortp(5, 1);
    bpfnic_session_packet out;
    EXPECT_EQ(bpfnic_session__run(session_, shortp.data(), 5, &out), -EFAULT);
    const std::string msg = bpfnic_last_error();
    EXPECT_EQ(msg.rfind("interp: instruction ", 0), 0u) << msg;
    EXPECT_NE(msg.find("out-of-bounds read"), std::string::npos) << msg;
}

TEST_F(SessionTest, CardCountersAndCrossCheck) {
    open_device(true);
    bpfnic_caps caps;
    ASSERT_EQ(bpfnic_dev__caps(dev_, &caps), 0);
    ASSERT_EQ(open(example("xdp1"), "xcheck"), 0) << bpfnic_last_error();
    const std::vector<std::string> engines = bpfnic_session__engines(session_);
    ASSERT_FALSE(engines.empty());
    EXPECT_EQ(engines[0], "interp");
    uint64_t insns = 0;
    for (uint64_t i = 0; i < 8; ++i) {
        const auto p = packet(i);
        bpfnic_session_packet out;
        ASSERT_EQ(bpfnic_session__run(session_, p.data(), static_cast<uint32_t>(p.size()), &out), 0) << bpfnic_last_error();
        EXPECT_EQ(out.verdict, 1u);
        EXPECT_GT(out.insns, 2u);  // the interpreter's count of xdp1 on this packet
        insns += out.insns;
    }
    bpfnic_xcheck_report x;
    ASSERT_EQ(bpfnic_prog__xcheck_report(bpfnic_session__prog(session_), &x), 0);
    EXPECT_EQ(x.packets, 8u);
    EXPECT_EQ(x.mismatches, 0u);
    bpfnic_session_stats s;
    ASSERT_EQ(bpfnic_session__stats(session_, &s), 0);
    // Every engine is timed, the reference first; the reference counts the instructions.
    ASSERT_EQ(s.engines.size(), engines.size());
    EXPECT_EQ(s.engines[0].engine, "interp");
    EXPECT_EQ(s.engines[0].runs, 8u);
    EXPECT_GT(s.engines[0].ns_total, 0.0);
    EXPECT_TRUE(s.insns_counted);
    EXPECT_EQ(s.insns, insns);
    if (!caps.hardware) {
        EXPECT_FALSE(s.on_card);
        bpfnic_core_counters c;
        EXPECT_EQ(bpfnic_dev__core_counters(dev_, &c), -ENODEV);
        return;
    }
    EXPECT_EQ(engines, (std::vector<std::string>{"interp", "hw", "jit"}));
    ASSERT_TRUE(s.on_card);
    EXPECT_EQ(s.core.packets, 8u);
    EXPECT_GT(s.core.cycles, s.core.insns);
    EXPECT_GT(s.core.insns, 8u);
    bpfnic_core_counters now;
    ASSERT_EQ(bpfnic_dev__core_counters(dev_, &now), 0);
    EXPECT_GE(now.cycles, s.core.cycles);
}

}  // namespace
}  // namespace bpfnic::testing
