// SPDX-License-Identifier: MIT
// Scaling: IO modules on the multi-core device (sim/multicore.h): 1, 2, 4 and 8 Verilated cores
// behind a packet dispatcher, one shared map memory behind an arbiter that grants a limited number
// of map-port accesses and helper calls per cycle, all cores stepped together. JSON on stdout, one
// row per (module, cores, grants per cycle, dispatch):
//  - packets per cycle over the whole run (first dispatch to last packet's end), Mpps at 156.25
//    and 250 MHz, speed-up over one core of the same configuration;
//  - contention: cycles the cores stalled waiting for a grant (per packet and as a share of the
//    busy cycles), cycles the dispatcher waited for a core;
//  - the comparison with the interpreter on the same packets: verdicts and output frames of every
//    packet, and the final contents of every map. Modules whose map updates are all atomic (or
//    that have none) must match exactly whatever the interleaving; the others may depend on the
//    order (plain load/add/store counters that cores sharing one map memory interleave, per-flow
//    state updated by two cores at once): the difference is reported, not hidden.
// Nothing here is a test: no timing is asserted (tests/scale checks the results).
//
// Usage: bpfnic_scale_bench [--packets N] [--modules a,b,...] [--lanes L] [--examples DIR]
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bench/support/module_maps.h"
#include "bench/support/scale_run.h"
#include "compiler/error.h"
#include "compiler/loader.h"
#include "driver/maps.h"
#include "driver/traffic/generator.h"
#include "driver/traffic/spec.h"

namespace bpfnic::bench {
namespace {

using nlohmann::json;

const char* const kDefaultModules[] = {"xdp_drop", "xdp1", "xdp2", "rxq_info", "xdp_adjust_tail", "simple_firewall",
                                       "katran_lb"};
// Modules whose final maps do not depend on the order of packets (atomic updates or none).
const std::set<std::string> kOrderIndependent = {"xdp_drop", "xdp_pass", "xdp_tx", "xdp_redirect", "rxq_info",
                                                 "xdp_adjust_tail"};
const unsigned kCores[] = {1, 2, 4, 8};

struct Config {
    unsigned cores;
    unsigned grants;
    sim::Dispatch dispatch;
};

std::vector<Config> configs() {
    std::vector<Config> out;
    for (unsigned c : kCores) out.push_back({c, 1, sim::Dispatch::RoundRobin});
    // What the arbiter costs at 8 cores: more grants per cycle, and flow-hash dispatch.
    out.push_back({8, 2, sim::Dispatch::RoundRobin});
    out.push_back({8, 4, sim::Dispatch::RoundRobin});
    out.push_back({8, 1, sim::Dispatch::FlowHash});
    return out;
}

std::vector<json> bench_module(const std::string& name, const std::filesystem::path& path, unsigned lanes,
                               uint64_t packets) {
    std::vector<json> rows;
    const Object obj = load_object(path.string());
    const size_t entry = xdp_entry(obj);
    TrafficSpec spec = parse_traffic_spec("sizes=64-256,flows=64");
    spec.count = packets;
    const TrafficGenerator gen(spec);
    std::vector<GeneratedPacket> traffic;
    for (uint64_t i = 0; i < packets; ++i) traffic.push_back(gen.packet(i));
    MapSet ref_maps(obj.maps);
    fill_module_maps(name, obj, ref_maps, gen);
    const PacketResults ref = run_interpreter(obj, entry, ref_maps, traffic);

    double one_core_ppc = 0;
    for (const Config& c : configs()) {
        json j;
        j["module"] = name;
        j["lanes"] = lanes;
        j["cores"] = c.cores;
        j["grants_per_cycle"] = c.grants;
        j["dispatch"] = sim::dispatch_name(c.dispatch);
        j["packets"] = packets;
        j["traffic"] = spec.to_string();
        try {
            sim::MultiCoreConfig cfg;
            cfg.cores = c.cores;
            cfg.lanes = lanes;
            cfg.grants_per_cycle = c.grants;
            cfg.dispatch = c.dispatch;
            MapSet maps(obj.maps);
            fill_module_maps(name, obj, maps, gen);
            const MultiCoreRun run = run_multicore(obj, entry, maps, traffic, cfg);
            const sim::MultiCoreResult& r = run.result;
            const double ppc = r.packets_per_cycle();
            if (c.cores == 1 && c.grants == 1 && c.dispatch == sim::Dispatch::RoundRobin) one_core_ppc = ppc;
            uint64_t busy = 0, run_cycles = 0;
            for (const auto& cs : r.cores) {
                busy += cs.busy_cycles;
                run_cycles += cs.counters.cycles;
            }
            const double n = static_cast<double>(packets);
            j["bundles"] = run.bundles;
            j["cycles"] = r.cycles;
            j["packets_per_cycle"] = ppc;
            j["cycles_per_packet_per_core"] = static_cast<double>(run_cycles) / n;
            j["mpps_at_mhz"] = {{"156.25", ppc * 156.25}, {"250", ppc * 250.0}};
            j["speedup"] = one_core_ppc > 0 ? ppc / one_core_ppc : 0.0;
            j["grants_per_packet"] = static_cast<double>(r.grants) / n;
            j["grant_wait_cycles_per_packet"] = static_cast<double>(r.grant_waits) / n;
            j["grant_wait_share"] = busy ? static_cast<double>(r.grant_waits) / static_cast<double>(busy) : 0.0;
            j["dispatch_wait_cycles"] = r.dispatch_waits;
            j["core_utilisation"] =
                r.cycles ? static_cast<double>(busy) / (static_cast<double>(r.cycles) * c.cores) : 0.0;
            const std::string pkt_diff = compare_packets(run.packets, ref);
            const std::string map_diff = compare_maps(maps, ref_maps);
            j["order_independent"] = kOrderIndependent.count(name) > 0;
            j["packets_match"] = pkt_diff.empty();
            j["maps_match"] = map_diff.empty();
            if (!pkt_diff.empty()) j["packets_difference"] = pkt_diff;
            if (!map_diff.empty()) j["maps_difference"] = map_diff;
        } catch (const Error& e) {
            j["error"] = e.what();
        }
        rows.push_back(j);
    }
    return rows;
}

}  // namespace
}  // namespace bpfnic::bench

int main(int argc, char** argv) {
    using namespace bpfnic::bench;
    uint64_t packets = 1000;
    unsigned lanes = 4;
    std::vector<std::string> modules(std::begin(kDefaultModules), std::end(kDefaultModules));
    std::filesystem::path examples = std::filesystem::path(BPFNIC_BINARY_DIR) / "examples";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--packets" && i + 1 < argc) {
            packets = std::stoull(argv[++i]);
        } else if (a == "--lanes" && i + 1 < argc) {
            lanes = static_cast<unsigned>(std::stoul(argv[++i]));
        } else if (a == "--modules" && i + 1 < argc) {
            modules.clear();
            std::stringstream ss(argv[++i]);
            for (std::string m; std::getline(ss, m, ',');) modules.push_back(m);
        } else if (a == "--examples" && i + 1 < argc) {
            examples = argv[++i];
        } else {
            std::cerr << "usage: bpfnic_scale_bench [--packets N] [--modules a,b,...] [--lanes L] [--examples DIR]\n";
            return 2;
        }
    }
    if (packets == 0) {
        std::cerr << "bpfnic_scale_bench: --packets must be at least 1\n";
        return 2;
    }
    try {
        nlohmann::json out;
        out["packets"] = packets;
        out["lanes"] = lanes;
        out["runs"] = nlohmann::json::array();
        for (const std::string& m : modules) {
            const auto path = examples / (m + ".o");
            if (!std::filesystem::exists(path)) {
                std::cerr << "bpfnic_scale_bench: skipping " << m << ": " << path << " is not built\n";
                continue;
            }
            for (auto& row : bench_module(m, path, lanes, packets)) out["runs"].push_back(row);
        }
        std::cout << out.dump(2) << "\n";
    } catch (const std::exception& e) {
        std::cerr << "bpfnic_scale_bench: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
