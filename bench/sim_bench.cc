// SPDX-License-Identifier: MIT
// Simulation speed of the 4-lane core alone (sim::Device) and of the full NIC model (SystemC/TLM:
// BAR0, DMA, RX ring, Ethernet ports, temporally decoupled core) on the same traffic, in one run.
// Both stage each frame into the packet buffer through the control port, run the program and read
// the frame back for XDP_PASS/XDP_TX, so the ratio is the cost of the platform model around the
// core. Prints JSON: simulated core cycles per CPU second of each and their ratio (target: < 3),
// and per program the wire-to-wire latency through the full model (first bit in to last bit out
// of frames the program sends back with XDP_TX, one frame at a time into an idle card).
//
// Usage: bpfnic_sim_bench [packets per program] [example names...]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compiler/loader.h"
#include "compiler/platform.h"
#include "driver/exec_env.h"
#include "driver/hw/hw_engine.h"
#include "driver/hw/hw_helpers.h"
#include "driver/hw/hw_map_memory.h"
#include "driver/traffic/generator.h"
#include "driver/xdp_buff.h"
#include "sim/address_map.h"
#include "sim/nic/nic_system.h"

namespace {

using namespace bpfnic;
namespace nic = sim::nic;
namespace A = sim::addr;
using Clock = std::chrono::steady_clock;

// CPU time of the process: the machine may be shared, and the simulation is single-threaded.
double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

constexpr unsigned kLanes = 4;
constexpr uint64_t kImageAddr = 0x10000, kRxRing = 0x100000, kRxBufs = 0x200000;
constexpr uint32_t kRingSize = 4096, kBufBytes = 2048;
constexpr uint64_t kLatencyFrames = 200;  ///< frames sent one at a time for the wire-to-wire latency

struct Rate {
    uint64_t cycles = 0;
    double seconds = 0;      ///< wall clock
    double cpu_seconds = 0;  ///< the rates are per CPU second
    double per_second() const { return cpu_seconds > 0 ? static_cast<double>(cycles) / cpu_seconds : 0; }
};

// The core alone: what the NIC's receive MAC and DMA do, as plain control-port accesses. It runs
// on the NIC's own device between simulations (a second Verilated model in the process would
// outlive the thread's current VerilatedContext, which Verilator 5.006 uses when a model is freed).
Rate run_core(sim::Device& dev, const std::vector<uint64_t>& slots, MapSet& maps, const TrafficGenerator& gen) {
    HwMapMemory map_mem;
    HwHelperUnit helpers(map_mem);
    XdpBuff xdp;
    xdp.reset(std::vector<uint8_t>(64, 0));
    ExecEnv env;
    env.xdp = &xdp;
    env.maps = &maps;
    map_mem.bind(&maps);
    helpers.bind(&software_xdp_platform(), &xdp_helper_table());
    helpers.set_env(&env);
    dev.load_program(slots);
    Rate r;
    const uint64_t c0 = dev.ctrl().cycle();
    const auto t0 = Clock::now();
    const double cpu0 = cpu_seconds();
    for (uint64_t i = 0; i < gen.count(); ++i) {
        const auto pkt = gen.packet(i).bytes;
        xdp.reset(pkt, 1, 0);  // the helper unit's host copy of the frame, as the NIC's hook does
        env.reset_outputs();
        const uint32_t data = static_cast<uint32_t>(A::kPktBase + nic::Nic::kHeadroom);
        dev.write_mem(data, pkt);
        dev.write_u32(A::kCtxBase + 0, data);
        dev.write_u32(A::kCtxBase + 4, data + static_cast<uint32_t>(pkt.size()));
        dev.write_u32(A::kCtxBase + 8, data);
        dev.write_u32(A::kCtxBase + 12, 1);
        dev.write_u32(A::kCtxBase + 16, 0);
        dev.write_u32(A::kCtxBase + 20, 0);
        const sim::RunResult res = dev.run(0, A::kCtxBase, 0, map_mem, helpers);
        const uint64_t v = res.r0 & 0xffffffff;
        if (!res.trapped && (v == 2 || v == 3 || v == 4)) {
            const uint32_t d = dev.read_u32(A::kCtxBase + 0), e = dev.read_u32(A::kCtxBase + 4);
            (void)dev.read_mem(d, e - d);
        }
    }
    r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    r.cpu_seconds = cpu_seconds() - cpu0;
    r.cycles = dev.ctrl().cycle() - c0;
    return r;
}

// Resets the card, loads the program, fills the RX ring with buffers and enables the datapath.
void start_nic(nic::NicSystem& sys, HwMapMemory& map_mem, const std::vector<uint64_t>& slots, MapSet& maps) {
    sys.write32(nic::reg::kCtrl, nic::kCtrlReset);
    sys.run_until_idle(sc_core::sc_time(1, sc_core::SC_MS));
    map_mem.bind(&maps);
    sys.host().write(kImageAddr, slots.data(), slots.size() * 8);
    sys.write64(nic::reg::kProgAddrLo, kImageAddr);
    sys.write32(nic::reg::kProgBundles, static_cast<uint32_t>(slots.size() / kLanes));
    sys.write32(nic::reg::kCtrl, nic::kCtrlLoad);
    sys.run_until_idle(sc_core::sc_time(10, sc_core::SC_MS));
    for (uint32_t i = 0; i < kRingSize; ++i) {
        uint8_t d[nic::desc::kBytes] = {};
        const uint64_t buf = kRxBufs + uint64_t{i} * kBufBytes;
        const uint16_t len = kBufBytes;
        std::memcpy(d + nic::desc::kAddr, &buf, 8);
        std::memcpy(d + nic::desc::kBufLen, &len, 2);
        sys.host().write(kRxRing + uint64_t{i} * nic::desc::kBytes, d, sizeof d);
    }
    sys.write64(nic::reg::kRxRing + nic::reg::kRingBaseLo, kRxRing);
    sys.write32(nic::reg::kRxRing + nic::reg::kRingSize, kRingSize);
    sys.write32(nic::reg::kRxRing + nic::reg::kRingTail, kRingSize - 1);
    sys.write32(nic::reg::kCtrl, nic::kCtrlEnable);
}

// The full model: frames arrive on a port back to back, passed ones go to the RX ring by DMA.
Rate run_nic(nic::NicSystem& sys, HwMapMemory& map_mem, const std::vector<uint64_t>& slots, MapSet& maps,
             const TrafficGenerator& gen) {
    start_nic(sys, map_mem, slots, maps);
    Rate r;
    const uint64_t c0 = sys.nic().device().ctrl().cycle();
    const auto t0 = Clock::now();
    const double cpu0 = cpu_seconds();
    for (uint64_t i = 0; i < gen.count(); ++i) sys.inject(0, gen.packet(i).bytes);
    sys.run_until_idle(sc_core::sc_time(10, sc_core::SC_SEC));
    r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    r.cpu_seconds = cpu_seconds() - cpu0;
    r.cycles = sys.nic().device().ctrl().cycle() - c0;
    sys.take_tx(0);
    sys.write32(nic::reg::kCtrl, 0);
    return r;
}

double percentile(std::vector<double> v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size() - 1) + 0.5))];
}

// Latency through the full model, wire to wire: frames sent one at a time into an idle card (no
// queueing); for each frame that leaves on the wire again (XDP_TX), the time from its first bit
// in (serialised at the port's rate, with preamble and gap, as the port transmits) to its last
// bit out, in ns and in core clock cycles.
nlohmann::json run_latency(nic::NicSystem& sys, HwMapMemory& map_mem, const std::vector<uint64_t>& slots,
                           MapSet& maps, const TrafficGenerator& gen, uint64_t frames) {
    start_nic(sys, map_mem, slots, maps);
    const double bit_ns = 1.0 / sys.nic().config().port_gbps;
    const double clock_ns = sys.nic().config().clock_period.to_seconds() * 1e9;
    std::vector<double> ns;
    for (uint64_t i = 0; i < frames && i < gen.count(); ++i) {
        auto bytes = gen.packet(i).bytes;
        const double wire_ns = bit_ns * 8.0 * static_cast<double>(bytes.size() + 20);
        const double first_in = sys.now().to_seconds() * 1e9;
        sys.inject(0, std::move(bytes), sc_core::sc_time(wire_ns, sc_core::SC_NS));
        sys.run_until_idle(sc_core::sc_time(1, sc_core::SC_MS));
        for (const nic::Frame& f : sys.take_tx(0)) ns.push_back(f.time.to_seconds() * 1e9 - first_in);
    }
    sys.write32(nic::reg::kCtrl, 0);
    nlohmann::json j = {{"frames_in", std::min(frames, gen.count())}, {"frames_out", ns.size()}};
    if (!ns.empty()) {
        double sum = 0;
        for (double x : ns) sum += x;
        const double mean = sum / static_cast<double>(ns.size()), p99 = percentile(ns, 0.99);
        j["ns"] = {{"mean", mean}, {"p99", p99}};
        j["cycles"] = {{"mean", mean / clock_ns}, {"p99", p99 / clock_ns}};
    }
    return j;
}

nlohmann::json rate_json(const Rate& r) {
    return {{"cycles", r.cycles}, {"seconds", r.seconds}, {"cpu_seconds", r.cpu_seconds}, {"cycles_per_second", r.per_second()}};
}

}  // namespace

int main(int argc, char** argv) {
    uint64_t packets = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 2000;
    if (packets == 0 || packets >= kRingSize) {
        std::cerr << "packets per program must be 1 to " << (kRingSize - 1) << "\n";
        return 2;
    }
    std::vector<std::string> names;
    for (int i = 2; i < argc; ++i) names.emplace_back(argv[i]);
    if (names.empty()) names = {"xdp_drop", "xdp_pass", "xdp2", "xdp1", "xdp_tx", "xdp_adjust_tail"};

    TrafficSpec spec;
    spec.count = packets;
    spec.size_max = 1500;
    const TrafficGenerator gen(spec);

    HwMapMemory nic_map_mem;
    HwHelperUnit nic_helpers(nic_map_mem);
    XdpBuff xdp;
    xdp.reset(std::vector<uint8_t>(64, 0));
    ExecEnv env;
    env.xdp = &xdp;
    nic_helpers.bind(&software_xdp_platform(), &xdp_helper_table());
    nic_helpers.set_env(&env);
    nic::NicSystemConfig cfg;
    cfg.nic.lanes = kLanes;
    nic::NicSystem sys(cfg, nic_map_mem, nic_helpers);
    sys.nic().set_frame_start_hook([&](const nic::Frame& f, uint32_t ingress_ifindex) {
        xdp.reset(f.bytes, ingress_ifindex, 0);
        env.reset_outputs();
    });

    nlohmann::json out;
    out["lanes"] = kLanes;
    out["packets_per_program"] = packets;
    out["quantum_us"] = cfg.quantum.to_seconds() * 1e6;
    out["programs"] = nlohmann::json::array();
    Rate core_total, nic_total;
    for (const std::string& name : names) {
        const std::string path = std::string(BPFNIC_BINARY_DIR) + "/examples/" + name + ".o";
        if (!std::filesystem::exists(path)) {
            std::cerr << "skipping " << name << ": " << path << " is not built\n";
            continue;
        }
        const Object obj = load_object(path);
        MapSet core_maps(obj.maps), nic_maps(obj.maps);
        env.maps = &nic_maps;
        const auto slots = HwEngine::bundle_program(obj.programs.at(0), kLanes, core_maps, software_xdp_platform(),
                                                    xdp_helper_table());
        const Rate c = run_core(sys.nic().device(), slots, core_maps, gen);
        const Rate n = run_nic(sys, nic_map_mem, slots, nic_maps, gen);
        MapSet latency_maps(obj.maps);
        env.maps = &latency_maps;
        const nlohmann::json latency = run_latency(sys, nic_map_mem, slots, latency_maps, gen, kLatencyFrames);
        core_total.cycles += c.cycles;
        core_total.seconds += c.seconds;
        core_total.cpu_seconds += c.cpu_seconds;
        nic_total.cycles += n.cycles;
        nic_total.seconds += n.seconds;
        nic_total.cpu_seconds += n.cpu_seconds;
        out["programs"].push_back({{"name", name},
                                   {"core", rate_json(c)},
                                   {"nic", rate_json(n)},
                                   {"wire_latency", latency},
                                   {"cost_ratio", n.per_second() > 0 ? c.per_second() / n.per_second() : 0.0}});
    }
    out["core"] = rate_json(core_total);
    out["nic"] = rate_json(nic_total);
    out["cost_ratio"] = nic_total.per_second() > 0 ? core_total.per_second() / nic_total.per_second() : 0.0;
    out["cost_ratio_target"] = 3.0;
    std::cout << out.dump(2) << "\n";
    return 0;
}
