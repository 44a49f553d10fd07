// SPDX-License-Identifier: MIT
// Cycles per packet on the RTL over generated traffic, per IO module: each module compiled for the
// core (VLIW bundles), run packet by packet on the hw engine (the Verilated core with the map and
// helper unit models) for every built lane configuration. JSON on stdout:
//  - cycles per packet (the core's run-state cycles, as the run report counts them): mean, p50,
//    p99, max; IPC; stalls per packet by cause (load-use, divide, helper, map unit, atomic,
//    branch flush) and the stack scrub before each packet;
//  - Mpps of one core at 156.25 and 250 MHz (clock / mean cycles per packet) and, at 4 lanes, the
//    ratio to hXDP's published figure at 156.25 MHz (bench/hxdp_reference.json);
//  - latency in cycles from the first byte in to the last byte out on the core's control port: the
//    frame and its context written into the packet buffer (8 bytes per clock, as the AXI4-Stream
//    receive unit writes it), the stack scrub, the run, and the frame read back (8 bytes per
//    clock; it is read back for every verdict), mean and p99.
// Maps start empty except where a module needs entries to do its work (bench/support/module_maps.h:
// VIPs of tx_ip_tunnel and katran_lb, routes of router_ipv4). Nothing here is a test: no timing is
// asserted.
//
// Usage: bpfnic_rtl_traffic_bench [--packets N] [--modules a,b,...] [--examples DIR]
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "bench/support/module_maps.h"
#include "bench/support/scale_run.h"
#include "compiler/error.h"
#include "compiler/loader.h"
#include "compiler/platform.h"
#include "driver/exec_env.h"
#include "driver/hw/hw_engine.h"
#include "driver/maps.h"
#include "driver/traffic/generator.h"
#include "driver/traffic/spec.h"
#include "driver/xdp_buff.h"
#include "sim/device.h"

namespace bpfnic::bench {
namespace {

using nlohmann::json;

constexpr double kClocksMhz[] = {156.25, 250.0};

struct Module {
    const char* name;
    const char* traffic;  ///< generator spec (count is set by --packets)
};

// The hXDP set, its baselines, and xdp_pass.
const Module kModules[] = {
    {"xdp_drop", "sizes=64-64"},
    {"xdp_pass", "sizes=64-64"},
    {"xdp_tx", "sizes=64-64"},
    {"xdp_redirect", "sizes=64-64"},
    {"xdp1", "sizes=64-512,ipv6=30,vlan=20"},
    {"xdp2", "sizes=64-512,ipv6=30,vlan=20"},
    {"xdp_adjust_tail", "sizes=64-1500"},
    {"router_ipv4", "sizes=64-512,flows=64"},
    {"rxq_info", "sizes=64-512"},
    {"tx_ip_tunnel", "flows=24,mix=tcp:50/udp:40/icmp:10,ipv6=10,vlan=0,sizes=64-512"},
    {"simple_firewall", "flows=64,mix=tcp:50/udp:50,sizes=64-512"},
    {"katran_lb", "flows=32,sizes=64-512"},
};

double percentile(std::vector<uint64_t> v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const size_t i = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size() - 1) + 0.5));
    return static_cast<double>(v[i]);
}

double mean(const std::vector<uint64_t>& v) {
    if (v.empty()) return 0;
    double s = 0;
    for (uint64_t x : v) s += static_cast<double>(x);
    return s / static_cast<double>(v.size());
}

const char* verdict_name(uint64_t v) {
    switch (v) {
        case 0: return "aborted";
        case 1: return "drop";
        case 2: return "pass";
        case 3: return "tx";
        case 4: return "redirect";
        default: return "other";
    }
}

json bench_module(const Module& mod, const std::filesystem::path& path, unsigned lanes, uint64_t packets,
                  const json& hxdp) {
    json j;
    j["module"] = mod.name;
    j["lanes"] = lanes;
    try {
        const Object obj = load_object(path.string());
        const size_t entry = xdp_entry(obj);
        TrafficSpec spec = parse_traffic_spec(mod.traffic);
        spec.count = packets + 1;  // packet 0 warms the core up and is not counted
        const TrafficGenerator gen(spec);
        j["traffic"] = spec.to_string();
        MapSet maps(obj.maps);
        const std::string filled = fill_module_maps(mod.name, obj, maps, gen);
        if (!filled.empty()) j["maps"] = filled;
        HwEngine::Options o;
        o.lanes = lanes;
        HwEngine hw(o);
        hw.load(obj, entry, maps, software_xdp_platform());
        j["source_insns"] = hw.compiled()->source_insns;
        j["bundles"] = hw.compiled()->bundles;
        j["static_ipc"] = hw.compiled()->static_ipc;

        XdpBuff buff;
        ExecEnv env;
        env.maps = &maps;
        env.xdp = &buff;
        env.num_programs = static_cast<uint32_t>(obj.programs.size());
        std::vector<uint64_t> cycles, latency;
        sim::PerfCounters sum;
        std::map<std::string, uint64_t> verdicts;
        for (uint64_t i = 0; i <= packets; ++i) {
            buff.reset(gen.packet(i).bytes, 1, 0);
            env.reset_outputs();
            const uint64_t c0 = hw.device().ctrl().cycle();
            std::string verdict;
            try {
                verdict = verdict_name(hw.run(env, 0, 0) & 0xffffffff);
            } catch (const Error&) {
                verdict = "trapped";
            }
            if (i == 0) continue;
            const sim::PerfCounters& c = hw.last_counters();
            cycles.push_back(c.cycles);
            latency.push_back(hw.device().ctrl().cycle() - c0);
            sum.insns += c.insns;
            sum.bundles += c.bundles;
            sum.stall_load_use += c.stall_load_use;
            sum.stall_div += c.stall_div;
            sum.stall_helper += c.stall_helper;
            sum.stall_ext += c.stall_ext;
            sum.stall_atomic += c.stall_atomic;
            sum.flushes += c.flushes;
            sum.scrub += c.scrub;
            ++verdicts[verdict];
        }
        const double n = static_cast<double>(packets);
        const double cpp = mean(cycles);
        j["packets"] = packets;
        j["verdicts"] = verdicts;
        j["insns_per_packet"] = static_cast<double>(sum.insns) / n;
        j["bundles_per_packet"] = static_cast<double>(sum.bundles) / n;
        j["cycles_per_packet"] = {{"mean", cpp},
                                  {"p50", percentile(cycles, 0.5)},
                                  {"p99", percentile(cycles, 0.99)},
                                  {"max", percentile(cycles, 1.0)}};
        j["ipc"] = cpp > 0 ? static_cast<double>(sum.insns) / n / cpp : 0.0;
        j["stalls_per_packet"] = {{"load_use", static_cast<double>(sum.stall_load_use) / n},
                                  {"divide", static_cast<double>(sum.stall_div) / n},
                                  {"helper", static_cast<double>(sum.stall_helper) / n},
                                  {"map_unit", static_cast<double>(sum.stall_ext) / n},
                                  {"atomic", static_cast<double>(sum.stall_atomic) / n},
                                  {"branch_flush", static_cast<double>(sum.flushes) / n},
                                  {"stack_scrub", static_cast<double>(sum.scrub) / n}};
        json mpps = json::object();
        for (double mhz : kClocksMhz) mpps[mhz == 250.0 ? "250" : "156.25"] = cpp > 0 ? mhz / cpp : 0.0;
        j["mpps_at_mhz"] = mpps;
        j["latency_cycles"] = {{"mean", mean(latency)}, {"p99", percentile(latency, 0.99)}};
        const auto& ref = hxdp["programs"];
        const auto& base = hxdp["baselines_mpps"];
        double theirs = 0;
        if (ref.contains(mod.name)) theirs = ref[mod.name]["mpps"].get<double>();
        else if (base.contains(mod.name)) theirs = base[mod.name].get<double>();
        if (theirs > 0) {
            j["hxdp_mpps_156"] = theirs;
            j["ratio_vs_hxdp"] = mpps["156.25"].get<double>() / theirs;
        }
    } catch (const Error& e) {
        j["error"] = e.what();
    }
    return j;
}

}  // namespace
}  // namespace bpfnic::bench

int main(int argc, char** argv) {
    using namespace bpfnic::bench;
    uint64_t packets = 2000;
    std::vector<std::string> only;
    std::filesystem::path examples = std::filesystem::path(BPFNIC_BINARY_DIR) / "examples";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--packets" && i + 1 < argc) {
            packets = std::stoull(argv[++i]);
        } else if (a == "--modules" && i + 1 < argc) {
            std::stringstream ss(argv[++i]);
            for (std::string m; std::getline(ss, m, ',');) only.push_back(m);
        } else if (a == "--examples" && i + 1 < argc) {
            examples = argv[++i];
        } else {
            std::cerr << "usage: bpfnic_rtl_traffic_bench [--packets N] [--modules a,b,...] [--examples DIR]\n";
            return 2;
        }
    }
    if (packets == 0) {
        std::cerr << "bpfnic_rtl_traffic_bench: --packets must be at least 1\n";
        return 2;
    }
    try {
        std::ifstream ref(std::string(BPFNIC_SOURCE_DIR) + "/bench/hxdp_reference.json");
        const nlohmann::json hxdp = nlohmann::json::parse(ref);
        nlohmann::json out;
        out["packets"] = packets;
        out["clocks_mhz"] = {156.25, 250.0};
        out["hxdp_source"] = hxdp["source"];
        out["modules"] = nlohmann::json::array();
        for (unsigned lanes : bpfnic::sim::available_lane_configs()) {
            for (const Module& m : kModules) {
                if (!only.empty() && std::find(only.begin(), only.end(), m.name) == only.end()) continue;
                const auto path = examples / (std::string(m.name) + ".o");
                if (!std::filesystem::exists(path)) {
                    std::cerr << "bpfnic_rtl_traffic_bench: skipping " << m.name << ": " << path << " is not built\n";
                    continue;
                }
                out["modules"].push_back(bench_module(m, path, lanes, packets, hxdp));
            }
        }
        std::cout << out.dump(2) << "\n";
    } catch (const std::exception& e) {
        std::cerr << "bpfnic_rtl_traffic_bench: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
