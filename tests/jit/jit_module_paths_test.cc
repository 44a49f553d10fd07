// SPDX-License-Identifier: MIT
// The main paths of the example modules that rewrite packets through helpers (bpf_xdp_adjust_head
// and adjust_tail, called directly by the JIT) need map contents or long packets that the plain
// examples test does not give them: here tx_ip_tunnel gets a tunnel for every flow, katran_lb a
// port-0 VIP per flow with rings, reals and a gateway, and xdp_adjust_tail packets up to 1024
// bytes. Every packet's verdict, output frame and redirect target, and every map at the end, must
// match the interpreter; the rewritten paths must actually run. Skips when the examples are not
// built.
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "compiler/loader.h"
#include "compiler/platform.h"
#include "driver/interp.h"
#include "driver/jit/jit_engine.h"
#include "driver/test_run.h"
#include "driver/traffic/generator.h"
#include "tests/support/differential.h"

namespace bpfnic {
namespace {

using Setup = std::function<void(MapSet&, const std::vector<TrafficGenerator::Flow>&)>;

Map& map_named(MapSet& maps, const std::string& name) {
    const int i = maps.find(name);
    EXPECT_GE(i, 0) << "no map " << name;
    return maps.at(static_cast<size_t>(i));
}

// Runs the module's XDP program on both engines over the traffic; returns how many packets came
// out with XDP_TX (the rewritten path).
int compare_module(const std::string& module, const Setup& setup, uint32_t size_max) {
    const std::filesystem::path path = std::filesystem::path(BPFNIC_BINARY_DIR) / "examples" / (module + ".o");
    if (!std::filesystem::exists(path)) {
        ADD_FAILURE() << path << " not built";
        return 0;
    }
    const Object obj = load_object(path.string());
    TrafficSpec spec;
    spec.count = 200;
    spec.size_min = 64;
    spec.size_max = size_max;
    spec.flows = 16;
    const TrafficGenerator traffic(spec);
    MapSet maps_i(obj.maps), maps_j(obj.maps);
    setup(maps_i, traffic.flows());
    setup(maps_j, traffic.flows());
    Interpreter interp;
    JitEngine jit;
    interp.load(obj, 0, maps_i, software_xdp_platform());
    jit.load(obj, 0, maps_j, software_xdp_platform());
    ExecEnv env_i, env_j;
    env_i.maps = &maps_i;
    env_j.maps = &maps_j;
    env_i.num_programs = env_j.num_programs = static_cast<uint32_t>(obj.programs.size());
    XdpBuff buff_i, buff_j;
    int tx = 0;
    for (uint64_t n = 0; n < traffic.count(); ++n) {
        TestRunInput in;
        in.data_in = traffic.packet(n).bytes;
        const TestRunOutput a = test_run_xdp(interp, env_i, buff_i, in);
        const TestRunOutput b = test_run_xdp(jit, env_j, buff_j, in);
        EXPECT_EQ(a.retval, b.retval) << "packet " << n;
        EXPECT_EQ(a.data_out, b.data_out) << "packet " << n;
        EXPECT_EQ(a.redirect, b.redirect) << "packet " << n;
        tx += b.retval == 3;
    }
    for (size_t m = 0; m < maps_i.size(); ++m)
        EXPECT_EQ(testing::map_contents(maps_i.at(m)), testing::map_contents(maps_j.at(m))) << "map " << obj.maps[m].name;
    return tx;
}

std::array<uint8_t, 2> be16(uint16_t v) { return {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)}; }

TEST(JitModulePaths, TunnelEncapsulatesEveryFlow) {
    const int tx = compare_module(
        "tx_ip_tunnel",
        [](MapSet& maps, const std::vector<TrafficGenerator::Flow>& flows) {
            // struct vip {daddr, dport, protocol, pad} -> struct tunnel {saddr, daddr, dmac[6], pad[2]}
            for (size_t f = 0; f < flows.size(); ++f)
                for (uint8_t proto : {uint8_t{6}, uint8_t{17}}) {
                    uint8_t key[8] = {}, value[16] = {10, 200, 0, 1, 10, 200, 0, 2, 2, 0, 0, 0, 0xee, 1};
                    std::memcpy(key, flows[f].dst_ip4.data(), 4);
                    std::memcpy(key + 4, be16(flows[f].dst_port).data(), 2);
                    key[6] = proto;
                    value[7] = static_cast<uint8_t>(f);
                    map_named(maps, "vip2tnl").update(key, value, 0);
                }
        },
        512);
    EXPECT_GT(tx, 50);
}

TEST(JitModulePaths, BalancerEncapsulatesTowardItsReals) {
    const int tx = compare_module(
        "katran_lb",
        [](MapSet& maps, const std::vector<TrafficGenerator::Flow>& flows) {
            // Port-0 VIPs (any port) for TCP and UDP: struct vip_definition {vip, port, protocol,
            // pad} -> struct vip_meta {flags, vip_num}.
            uint32_t vip_num = 0;
            for (size_t f = 0; f < flows.size() && vip_num < 16; f += 2)
                for (uint8_t proto : {uint8_t{6}, uint8_t{17}}) {
                    uint8_t key[8] = {};
                    std::memcpy(key, flows[f].dst_ip4.data(), 4);
                    key[6] = proto;
                    const uint32_t meta[2] = {0, vip_num % 16};
                    if (map_named(maps, "vip_map").update(key, meta, 1) == 0) ++vip_num;
                }
            for (uint32_t slot = 0; slot < 16 * 1031; ++slot) {
                const uint32_t real = slot % 7;
                map_named(maps, "ch_rings").update(&slot, &real, 0);
            }
            for (uint32_t r = 0; r < 7; ++r) {
                const uint8_t real[8] = {10, 1, 0, static_cast<uint8_t>(r)};
                map_named(maps, "reals").update(&r, real, 0);
            }
            const uint32_t zero = 0;
            const uint8_t gw[8] = {2, 0, 0, 0, 0, 0xfe};
            map_named(maps, "ctl_array").update(&zero, gw, 0);
        },
        512);
    EXPECT_GT(tx, 20);
}

TEST(JitModulePaths, LongPacketsGetTheIcmpAnswer) {
    const int tx = compare_module("xdp_adjust_tail", [](MapSet&, const std::vector<TrafficGenerator::Flow>&) {}, 1024);
    EXPECT_GT(tx, 30);
}

}  // namespace
}  // namespace bpfnic
