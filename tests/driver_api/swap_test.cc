// SPDX-License-Identifier: MIT
// Hot swap under traffic (every packet accounted for, maps both programs declare keep their
// contents) and bad images refused with the running program and its maps untouched.
#include <cerrno>
#include <cstring>
#include <string>

#include "compiler/image.h"
#include "compiler/loader.h"
#include "compiler/passes/pipeline.h"
#include "tests/driver_api/api_test_util.h"

namespace bpfnic::tests {
namespace {

class HotSwap : public DeviceTest {
protected:
    /// Sum of xdp1/xdp2's per-protocol counters (rxcnt: per-CPU array of 256 u64).
    uint64_t rxcnt_total(bpfnic_prog* p) {
        bpfnic_map* m = bpfnic_prog__map(p, "rxcnt");
        EXPECT_NE(m, nullptr) << bpfnic_last_error();
        if (!m) return 0;
        uint64_t total = 0;
        for (uint32_t k = 0; k < 256; ++k) {
            uint64_t v = 0;
            EXPECT_EQ(bpfnic_map__lookup_elem(m, &k, sizeof k, &v, sizeof v), 0) << bpfnic_last_error();
            total += v;
        }
        return total;
    }
    std::vector<uint8_t> image_of(const std::string& name) {
        const Object obj = load_object(example(name));
        CompileOptions o;
        o.lanes = caps_.lanes;
        const CompileResult r = compile_program(obj.programs[0], obj.maps, software_xdp_platform(), o);
        EXPECT_TRUE(r.offloadable);
        return serialize_image(r.image);
    }
};

TEST_F(HotSwap, UnderTrafficEveryPacketAccountedForAndMapsKept) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    bpfnic_prog* p = load("xdp1", BPFNIC_OFFLOAD_REQUIRE);  // counts per protocol, drops
    ASSERT_NE(p, nullptr);
    const auto pkts = traffic(200, 11, 256);
    // Queue a ring's worth, let part of it through, swap, queue the rest, drain.
    std::vector<std::vector<uint8_t>> first(pkts.begin(), pkts.begin() + 120), rest(pkts.begin() + 120, pkts.end());
    ASSERT_EQ(bpfnic_prog__send(p, first), 120) << bpfnic_last_error();
    ASSERT_EQ(bpfnic_dev__advance(dev_, 20000), 0);
    const bpfnic_counters mid = counters();
    EXPECT_GT(mid.rx_frames, 0u);
    EXPECT_LT(mid.rx_frames, 120u) << "the swap should land while traffic is in flight";
    bpfnic_prog_load_opts o = load_opts(BPFNIC_OFFLOAD_REQUIRE);
    ASSERT_EQ(bpfnic_prog__swap(p, example("xdp2").c_str(), &o), 0) << bpfnic_last_error();  // counts, swaps MACs, XDP_TX
    ASSERT_EQ(bpfnic_prog__send(p, rest), 80) << bpfnic_last_error();
    bpfnic_batch_result r;
    ASSERT_EQ(bpfnic_prog__collect(p, &r), 0) << bpfnic_last_error();

    const bpfnic_counters c = counters();
    EXPECT_EQ(c.fw_swaps, 1u);
    EXPECT_GE(c.fw_maps_kept, 1u);
    // in = passed + dropped + transmitted + redirected + aborted, on the card and in the batch.
    EXPECT_EQ(c.rx_frames, 200u);
    EXPECT_EQ(c.verdicts.total(), 200u);
    EXPECT_EQ(c.verdicts.aborted, 0u);
    EXPECT_EQ(r.packets_in, 200u);
    EXPECT_EQ(r.verdicts.total(), 200u);
    EXPECT_EQ(r.verdicts.drop + r.verdicts.tx, 200u);
    EXPECT_GT(r.verdicts.drop, 0u);
    EXPECT_GE(r.verdicts.tx, 80u);
    EXPECT_EQ(r.transmitted.size(), r.verdicts.tx);
    // Both programs count every packet in rxcnt, which survived the swap: 200, no more, no less.
    EXPECT_EQ(rxcnt_total(p), 200u);
    bpfnic_prog__unload(p);
}

TEST_F(HotSwap, SoftwareProgramsSwapKeepingMapsToo) {
    bpfnic_prog* p = load("xdp1", BPFNIC_OFFLOAD_NEVER);
    ASSERT_NE(p, nullptr);
    bpfnic_batch_result r;
    ASSERT_EQ(bpfnic_prog__run_batch(p, traffic(30), &r), 0) << bpfnic_last_error();
    EXPECT_EQ(r.verdicts.drop, 30u);
    bpfnic_prog_load_opts o = load_opts(BPFNIC_OFFLOAD_NEVER);
    ASSERT_EQ(bpfnic_prog__swap(p, example("xdp2").c_str(), &o), 0) << bpfnic_last_error();
    ASSERT_EQ(bpfnic_prog__run_batch(p, traffic(20, 3), &r), 0) << bpfnic_last_error();
    EXPECT_EQ(r.verdicts.tx, 20u);
    EXPECT_EQ(rxcnt_total(p), 50u);
    bpfnic_prog__unload(p);
}

TEST_F(HotSwap, ProgramTheCardCannotRunLeavesTheRunningOne) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    bpfnic_prog* p = load("xdp_drop", BPFNIC_OFFLOAD_REQUIRE);
    ASSERT_NE(p, nullptr);
    bpfnic_prog_load_opts o = load_opts(BPFNIC_OFFLOAD_REQUIRE);
    EXPECT_EQ(bpfnic_prog__swap(p, example("tail_call").c_str(), &o), -EOPNOTSUPP);
    EXPECT_NE(std::string(bpfnic_last_error()).find("(the running program is unchanged)"), std::string::npos);
    EXPECT_STREQ(bpfnic_prog__name(p), "xdp_drop_prog");
    EXPECT_EQ(run(p, traffic(1)[0]), 1u);
    bpfnic_prog__unload(p);
}

class BadImage : public HotSwap {
protected:
    /// Runs traffic on xdp1 (counting), tries `image`, and checks the refusal and that xdp1 still
    /// runs with its counts intact.
    void expect_refused(const std::vector<uint8_t>& image, const std::string& message) {
        bpfnic_prog* p = load("xdp1", BPFNIC_OFFLOAD_REQUIRE);
        ASSERT_NE(p, nullptr);
        bpfnic_batch_result r;
        ASSERT_EQ(bpfnic_prog__run_batch(p, traffic(40), &r), 0) << bpfnic_last_error();
        ASSERT_EQ(rxcnt_total(p), 40u);
        EXPECT_EQ(bpfnic_prog__swap_image(p, image), -EINVAL);
        EXPECT_EQ(std::string(bpfnic_last_error()),
                  "xdp_prog1: the card refused the swap: swap: " + message + " (the running program is unchanged)");
        const bpfnic_counters c = counters();
        EXPECT_EQ(c.fw_images_refused, 1u);
        EXPECT_EQ(c.fw_swaps, 0u);
        // Untouched: the same program (drops and counts) with the same maps.
        ASSERT_EQ(bpfnic_prog__run_batch(p, traffic(10, 5), &r), 0) << bpfnic_last_error();
        EXPECT_EQ(r.verdicts.drop, 10u);
        EXPECT_EQ(rxcnt_total(p), 50u);
        bpfnic_prog__unload(p);
    }
};

TEST_F(BadImage, CorruptedByteFailsTheChecksum) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    std::vector<uint8_t> img = image_of("xdp2");
    img[img.size() / 2] ^= 0x40;
    expect_refused(img, "image: checksum mismatch (crc32)");
}

TEST_F(BadImage, WrongVersion) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    std::vector<uint8_t> img = image_of("xdp2");
    img[8] = 2;  // version, u16 at offset 8
    expect_refused(img, "image: unsupported image version 2 (this build reads version 1)");
}

TEST_F(BadImage, BadMagic) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    std::vector<uint8_t> img = image_of("xdp2");
    img[0] = 'X';
    expect_refused(img, "image: not a bpfnic firmware image (bad magic)");
}

TEST_F(BadImage, ScheduledForOtherLanes) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    const Object obj = load_object(example("xdp2"));
    CompileOptions o;
    o.lanes = 1;
    const CompileResult r = compile_program(obj.programs[0], obj.maps, software_xdp_platform(), o);
    ASSERT_TRUE(r.offloadable);
    expect_refused(serialize_image(r.image), "image: scheduled for 1 lanes, the core has 4");
}

TEST_F(BadImage, MapTypeTheMapUnitLacks) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    const Object obj = load_object(example("xdp2"));
    CompileOptions o;
    o.lanes = 4;
    CompileResult r = compile_program(obj.programs[0], obj.maps, software_xdp_platform(), o);
    ASSERT_TRUE(r.offloadable);
    r.image.maps[0].type = 12;  // array_of_maps
    expect_refused(serialize_image(r.image), "image: map 0 'rxcnt': type array_of_maps is not supported by the map unit");
}

}  // namespace
}  // namespace bpfnic::tests
