// SPDX-License-Identifier: MIT
// The multi-core device gives the interpreter's results: example modules whose map updates are
// atomic (rxq_info, xdp_adjust_tail) or absent run on 1, 2 and 4 cores sharing one map memory,
// and every packet's verdict and output frame and every map's final contents equal the
// interpreter's on the same packets. Also: the dispatcher's bookkeeping (every packet on exactly
// one core, flow-hash keeps each flow on one core), that contention is counted only where cores
// compete, and that a device built before a multi-core device still runs and frees after it. No
// timing is asserted: cycle counts are the simulated device's.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "bench/support/scale_run.h"
#include "compiler/loader.h"
#include "driver/maps.h"
#include "driver/traffic/generator.h"
#include "driver/traffic/spec.h"
#include "sim/multicore.h"

namespace bpfnic::bench {
namespace {

std::string example(const std::string& name) { return std::string(BPFNIC_BINARY_DIR) + "/examples/" + name + ".o"; }

std::vector<GeneratedPacket> traffic(uint64_t count, const std::string& spec_text) {
    TrafficSpec spec = parse_traffic_spec(spec_text);
    spec.count = count;
    const TrafficGenerator gen(spec);
    std::vector<GeneratedPacket> out;
    for (uint64_t i = 0; i < count; ++i) out.push_back(gen.packet(i));
    return out;
}

struct Case {
    const char* module;
    unsigned cores;
    sim::Dispatch dispatch;
};

void PrintTo(const Case& c, std::ostream* os) {
    *os << c.module << " on " << c.cores << " cores, " << sim::dispatch_name(c.dispatch);
}

class MultiCoreMatchesInterpreter : public ::testing::TestWithParam<Case> {};

TEST_P(MultiCoreMatchesInterpreter, VerdictsFramesAndMaps) {
    const Case c = GetParam();
    const std::string path = example(c.module);
    if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is not built";
    const Object obj = load_object(path);
    const size_t entry = xdp_entry(obj);
    const auto pkts = traffic(96, "sizes=64-600,flows=12");

    MapSet ref_maps(obj.maps);
    const PacketResults ref = run_interpreter(obj, entry, ref_maps, pkts);

    sim::MultiCoreConfig cfg;
    cfg.cores = c.cores;
    cfg.lanes = 4;
    cfg.dispatch = c.dispatch;
    MapSet maps(obj.maps);
    const MultiCoreRun run = run_multicore(obj, entry, maps, pkts, cfg);

    EXPECT_EQ(compare_packets(run.packets, ref), "");
    EXPECT_EQ(compare_maps(maps, ref_maps), "");
    ASSERT_EQ(run.result.outcomes.size(), pkts.size());
    uint64_t on_cores = 0;
    for (const auto& cs : run.result.cores) on_cores += cs.packets;
    EXPECT_EQ(on_cores, pkts.size());
    for (const auto& o : run.result.outcomes) {
        EXPECT_LT(o.core, c.cores);
        EXPECT_FALSE(o.timed_out);
        EXPECT_GT(o.end_cycle, o.start_cycle);
        EXPECT_LE(o.end_cycle, run.result.cycles);
    }
    if (c.cores == 1) {
        EXPECT_EQ(run.result.grant_waits, 0u) << "a single core never waits for the arbiter";
    }
}

INSTANTIATE_TEST_SUITE_P(Examples, MultiCoreMatchesInterpreter,
                         ::testing::Values(Case{"rxq_info", 1, sim::Dispatch::RoundRobin},
                                           Case{"rxq_info", 4, sim::Dispatch::RoundRobin},
                                           Case{"rxq_info", 2, sim::Dispatch::FlowHash},
                                           Case{"xdp_adjust_tail", 4, sim::Dispatch::RoundRobin},
                                           Case{"xdp_tx", 4, sim::Dispatch::FlowHash}),
                         [](const auto& info) {
                             return std::string(info.param.module) + "_" + std::to_string(info.param.cores) + "cores_" +
                                    (info.param.dispatch == sim::Dispatch::FlowHash ? "flowhash" : "roundrobin");
                         });

TEST(MultiCore, FlowHashKeepsEachFlowOnOneCore) {
    const std::string path = example("rxq_info");
    if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is not built";
    const Object obj = load_object(path);
    const auto pkts = traffic(64, "sizes=64-128,flows=8");
    sim::MultiCoreConfig cfg;
    cfg.cores = 4;
    cfg.dispatch = sim::Dispatch::FlowHash;
    MapSet maps(obj.maps);
    const MultiCoreRun run = run_multicore(obj, xdp_entry(obj), maps, pkts, cfg);
    std::map<uint32_t, unsigned> core_of_flow;
    for (size_t i = 0; i < pkts.size(); ++i) {
        const auto [it, fresh] = core_of_flow.emplace(pkts[i].flow, run.result.outcomes[i].core);
        EXPECT_EQ(it->second, run.result.outcomes[i].core) << "packet " << i << " of flow " << pkts[i].flow;
    }
}

TEST(MultiCore, SharedMapAccessesContendOnlyWithSeveralCores) {
    // rxq_info makes two atomic map updates per packet: with four cores and one grant per cycle
    // some requests meet in a cycle; with a grant per core per cycle none has to wait.
    const std::string path = example("rxq_info");
    if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is not built";
    const Object obj = load_object(path);
    const auto pkts = traffic(64, "sizes=64-64");
    sim::MultiCoreConfig cfg;
    cfg.cores = 4;
    cfg.grants_per_cycle = 1;
    MapSet maps1(obj.maps);
    const MultiCoreRun contended = run_multicore(obj, xdp_entry(obj), maps1, pkts, cfg);
    cfg.grants_per_cycle = 4;
    MapSet maps4(obj.maps);
    const MultiCoreRun free = run_multicore(obj, xdp_entry(obj), maps4, pkts, cfg);
    EXPECT_GT(contended.result.grant_waits, 0u);
    EXPECT_EQ(free.result.grant_waits, 0u);
    EXPECT_GT(contended.result.grants, 0u);
    EXPECT_EQ(contended.result.grants, free.result.grants) << "the same accesses, only their timing differs";
}

TEST(MultiCore, StagingOnTheCoreClockCostsCyclesNotResults) {
    // With overlap_staging off, writing each frame into the packet buffer and reading it back
    // are clocks of the core: the same packets take more global cycles and give the same results.
    const std::string path = example("xdp_tx");
    if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is not built";
    const Object obj = load_object(path);
    const auto pkts = traffic(32, "sizes=64-256");
    sim::MultiCoreConfig cfg;
    cfg.cores = 2;
    MapSet maps_on(obj.maps), maps_off(obj.maps);
    const MultiCoreRun on = run_multicore(obj, xdp_entry(obj), maps_on, pkts, cfg);
    cfg.overlap_staging = false;
    const MultiCoreRun off = run_multicore(obj, xdp_entry(obj), maps_off, pkts, cfg);
    EXPECT_GT(off.result.cycles, on.result.cycles);
    EXPECT_EQ(compare_packets(on.packets, off.packets), "");
}

// Services for a program that never reaches the ports.
class NoMaps final : public sim::MapMemory {
public:
    sim::ExtResponse access(const sim::ExtRequest&) override { return {0, true, 1}; }
};
class NoHelpers final : public sim::HelperUnit {
public:
    sim::HelperResponse call(sim::Device&, int32_t, const uint64_t*) override { return {0, false, true, 1}; }
};

TEST(MultiCore, ADeviceBuiltBeforeItStillRunsAndIsFreedAfterIt) {
    // Each Verilated model has its own context; freeing the multi-core device must leave the
    // thread's current context usable for models built before it.
    auto dev = std::make_unique<sim::Device>(4);
    {
        sim::MultiCoreConfig cfg;
        cfg.cores = 3;
        sim::MultiCore mc(cfg);
    }
    std::vector<uint64_t> prog(8, 0);
    prog[0] = 0x00000007000000b7ull;  // mov r0, 7
    prog[4] = 0x95;                   // exit
    dev->load_program(prog);
    NoMaps maps;
    NoHelpers helpers;
    const sim::RunResult r = dev->run(0, 0, 0, maps, helpers);
    EXPECT_FALSE(r.trapped);
    EXPECT_EQ(r.r0, 7u);
    dev.reset();
}

TEST(MultiCore, RefusesZeroCoresGrantsOrQueueDepth) {
    sim::MultiCoreConfig cfg;
    cfg.cores = 0;
    EXPECT_THROW(sim::MultiCore{cfg}, std::invalid_argument);
    cfg.cores = 1;
    cfg.grants_per_cycle = 0;
    EXPECT_THROW(sim::MultiCore{cfg}, std::invalid_argument);
    cfg.grants_per_cycle = 1;
    cfg.queue_depth = 0;
    EXPECT_THROW(sim::MultiCore{cfg}, std::invalid_argument);
}

}  // namespace
}  // namespace bpfnic::bench
