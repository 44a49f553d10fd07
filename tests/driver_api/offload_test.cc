// SPDX-License-Identifier: MIT
// The offload decision: capability refusals with their exact reasons (the tail_call dispatcher's
// prog_array, a callx program), offload=require failing cleanly, offload=never, verifier
// rejections failing the load whatever the offload mode.
#include <cerrno>
#include <string>

#include "compiler/loader.h"
#include "tests/driver_api/api_test_util.h"



namespace bpfnic::tests {
namespace {

// The capability check's reasons (compiler/capability.cc with the hardware platform's gaps).
const char* const kTailCallReason =
    "instruction 40: map 'jump_table' of type prog_array: tail calls (bpf_tail_call, prog_array maps) are not "
    "implemented in hardware";
constexpr int64_t kTailCallPc = 40;
const char* const kCallxReason = "instruction 1: callx (helper call through a register) is not implemented in hardware";

RawInsn insn(uint8_t opcode, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
    RawInsn r;
    r.opcode = opcode;
    r.dst = dst & 0xf;
    r.src = src & 0xf;
    r.off = off;
    r.imm = imm;
    return r;
}

/// A raw program (no program type: the verifier, which has no callx, is not run on it, as for the
/// conformance suite's programs) that calls get_prandom_u32 through a register and returns 2.
Object callx_object() {
    Object obj;
    obj.path = "callx.o";
    obj.license = "GPL";
    Program p;
    p.name = "xdp_callx";
    p.section = "raw";
    p.type = ProgType::Unspec;
    p.insns = {
        insn(0xb7, 2, 0, 0, 7),  // r2 = 7 (get_prandom_u32)
        insn(0x8d, 2, 0, 0, 0),  // callx r2
        insn(0xb7, 0, 0, 0, 2),  // r0 = XDP_PASS
        insn(0x95, 0, 0, 0, 0),  // exit
    };
    obj.programs.push_back(p);
    return obj;
}

/// An XDP program the verifier rejects: it reads r3 before writing it.
Object unverifiable_object() {
    Object obj;
    obj.path = "bad.o";
    Program p;
    p.name = "xdp_bad";
    p.section = "xdp";
    p.type = ProgType::Xdp;
    p.insns = {insn(0xbf, 0, 3, 0, 0), insn(0x95, 0, 0, 0, 0)};  // r0 = r3; exit
    obj.programs.push_back(p);
    return obj;
}

class Offload : public DeviceTest {};

TEST_F(Offload, TailCallDispatcherFallsBackNamingTheProgArray) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    bpfnic_prog* p = nullptr;
    bpfnic_prog_load_opts o = load_opts(BPFNIC_OFFLOAD_AUTO, false, "xdp_dispatch");
    ASSERT_EQ(bpfnic_prog__load(dev_, example("tail_call").c_str(), &o, &p), 0) << bpfnic_last_error();
    EXPECT_FALSE(bpfnic_prog__offloaded(p));
    EXPECT_EQ(std::string(bpfnic_prog__fallback_reason(p)), kTailCallReason);
    EXPECT_EQ(bpfnic_prog__fallback_insn(p), kTailCallPc);
    // It runs on the JIT, tail calls included.
    EXPECT_LE(run(p, traffic(1)[0]), 4u);
    bpfnic_prog__unload(p);
}

TEST_F(Offload, CallxFallsBack) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    bpfnic_prog* p = nullptr;
    bpfnic_prog_load_opts o = load_opts(BPFNIC_OFFLOAD_AUTO);
    ASSERT_EQ(bpfnic_prog__load_object(dev_, callx_object(), &o, &p), 0) << bpfnic_last_error();
    EXPECT_FALSE(bpfnic_prog__offloaded(p));
    EXPECT_EQ(std::string(bpfnic_prog__fallback_reason(p)), kCallxReason);
    EXPECT_EQ(bpfnic_prog__fallback_insn(p), 1);
    // The JIT runs only verified programs and the verifier has no callx: the interpreter runs it.
    EXPECT_STREQ(bpfnic_prog__engine(p), "interp");
    EXPECT_EQ(run(p, traffic(1)[0]), 2u);
    bpfnic_prog__unload(p);
}

TEST_F(Offload, RequireFailsCleanlyWithTheReason) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    bpfnic_prog* p = nullptr;
    bpfnic_prog_load_opts o = load_opts(BPFNIC_OFFLOAD_REQUIRE, false, "xdp_dispatch");
    EXPECT_EQ(bpfnic_prog__load(dev_, example("tail_call").c_str(), &o, &p), -EOPNOTSUPP);
    EXPECT_EQ(p, nullptr);
    EXPECT_EQ(std::string(bpfnic_last_error()), std::string("xdp_dispatch: cannot be offloaded: ") + kTailCallReason);
    o = load_opts(BPFNIC_OFFLOAD_REQUIRE);
    EXPECT_EQ(bpfnic_prog__load_object(dev_, callx_object(), &o, &p), -EOPNOTSUPP);
    EXPECT_EQ(std::string(bpfnic_last_error()), std::string("xdp_callx: cannot be offloaded: ") + kCallxReason);
    // Nothing was left on the card: the next program loads.
    const bpfnic_counters c = counters();
    EXPECT_EQ(c.fw_loads, 0u);
    EXPECT_EQ(c.fw_commands_refused, 0u);
    p = load("xdp_pass", BPFNIC_OFFLOAD_REQUIRE);
    ASSERT_NE(p, nullptr);
    EXPECT_TRUE(bpfnic_prog__offloaded(p));
    bpfnic_prog__unload(p);
}

TEST_F(Offload, RequireWithoutACard) {
    bpfnic_dev* sw = nullptr;
    bpfnic_dev_opts d = BPFNIC_DEV_OPTS();
    d.hardware = false;
    ASSERT_EQ(bpfnic_dev__open(&d, &sw), 0);
    bpfnic_prog* p = nullptr;
    bpfnic_prog_load_opts o = load_opts(BPFNIC_OFFLOAD_REQUIRE);
    EXPECT_EQ(bpfnic_prog__load(sw, example("xdp_pass").c_str(), &o, &p), -EOPNOTSUPP);
    EXPECT_STREQ(bpfnic_last_error(),
                 "xdp_pass_prog: cannot be offloaded: no card: the device was opened without hardware "
                 "(bpfnic_dev_opts.hardware = false)");
    o = load_opts(BPFNIC_OFFLOAD_AUTO);
    ASSERT_EQ(bpfnic_prog__load(sw, example("xdp_pass").c_str(), &o, &p), 0) << bpfnic_last_error();
    EXPECT_FALSE(bpfnic_prog__offloaded(p));
    EXPECT_EQ(bpfnic_prog__fallback_insn(p), -1);
    bpfnic_dev__close(sw);  // unloads p
}

TEST_F(Offload, NeverRunsOnTheJit) {
    bpfnic_prog* p = load("xdp_tx", BPFNIC_OFFLOAD_NEVER);
    ASSERT_NE(p, nullptr);
    EXPECT_FALSE(bpfnic_prog__offloaded(p));
    EXPECT_STREQ(bpfnic_prog__fallback_reason(p), "offload=never");
    EXPECT_EQ(bpfnic_prog__bundles(p), 0u);
    const auto pkt = traffic(1)[0];
    std::vector<uint8_t> out;
    EXPECT_EQ(run(p, pkt, &out), 3u);
    EXPECT_EQ(out, pkt);
    EXPECT_STREQ(bpfnic_prog__engine(p), "jit");
    if (card()) {
        EXPECT_EQ(counters().rx_frames, 0u);  // the card saw nothing
    }
    bpfnic_prog__unload(p);
}

TEST_F(Offload, VerifierRejectionFailsEveryMode) {
    for (bpfnic_offload mode : {BPFNIC_OFFLOAD_AUTO, BPFNIC_OFFLOAD_REQUIRE, BPFNIC_OFFLOAD_NEVER}) {
        bpfnic_prog* p = nullptr;
        bpfnic_prog_load_opts o = load_opts(mode);
        EXPECT_EQ(bpfnic_prog__load_object(dev_, unverifiable_object(), &o, &p), -EACCES) << mode;
        EXPECT_EQ(p, nullptr);
        EXPECT_EQ(std::string(bpfnic_last_error()).rfind("xdp_bad: instruction 0: rejected by the verifier: ", 0), 0u)
            << bpfnic_last_error();
    }
}

}  // namespace
}  // namespace bpfnic::tests
