// SPDX-License-Identifier: MIT
// Core simulation benchmark: simulated cycles per second and packets per second of the Verilated
// bpfnic core alone (no NIC model) for LANES = 1 and 4; JSON on stdout.
//
// Two measurements per configuration:
//  - "loop": a register-only loop (add, add, sub, jne) on sim::Device, no helper or map traffic:
//    the rate of the model and its clocking harness alone, one bundle per cycle.
//  - "programs": example XDP modules on the hw engine (plain eBPF, one instruction per bundle),
//    each packet staged through the control port, run with its helper and map traffic served by
//    the C++ units, and read back. cycles_per_packet counts the core's run cycles; sim_cycles
//    counts every simulated clock, staging included.
// Every rate is given per wall-clock second and per second of this thread's CPU time (the machine
// may be shared: the CPU-time rate is the one to compare). Maps start empty.
//
// Usage: bpfnic_core_bench [--packets N] [--loop-iters N] [--examples DIR]
#include <time.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "compiler/error.h"
#include "compiler/loader.h"
#include "compiler/platform.h"
#include "driver/exec_env.h"
#include "driver/hw/hw_engine.h"
#include "driver/maps.h"
#include "driver/traffic/generator.h"
#include "driver/xdp_buff.h"
#include "sim/device.h"

namespace bpfnic::bench {
namespace {

const char* const kModules[] = {"xdp_drop", "xdp1", "xdp2", "router_ipv4", "simple_firewall", "katran_lb"};

// Wall-clock and thread CPU time of a section, in seconds.
class Stopwatch {
public:
    Stopwatch() : wall0_(std::chrono::steady_clock::now()), cpu0_(cpu_now()) {}
    double wall() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0_).count(); }
    double cpu() const { return cpu_now() - cpu0_; }

private:
    static double cpu_now() {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
    }
    std::chrono::steady_clock::time_point wall0_;
    double cpu0_;
};

uint64_t insn(uint8_t opcode, unsigned dst, unsigned src, int16_t off, int32_t imm) {
    return uint64_t{opcode} | uint64_t{(src << 4) | dst} << 8 | uint64_t{static_cast<uint16_t>(off)} << 16 |
           uint64_t{static_cast<uint32_t>(imm)} << 32;
}

class NoMaps final : public sim::MapMemory {
public:
    sim::ExtResponse access(const sim::ExtRequest&) override { return {0, true, 1}; }
};

class NoHelpers final : public sim::HelperUnit {
public:
    sim::HelperResponse call(sim::Device&, int32_t, const uint64_t*) override { return {0, false, true, 1}; }
};

// r0 = sum over i of (3 + i), i = iters..1: one bundle per cycle plus one bubble per taken branch.
nlohmann::json bench_loop(unsigned lanes, int32_t iters) {
    const uint64_t prog[] = {insn(0xb7, 0, 0, 0, 0),  insn(0xb7, 1, 0, 0, iters), insn(0x07, 0, 0, 0, 3),
                             insn(0x0f, 0, 1, 0, 0),  insn(0x17, 1, 0, 0, 1),     insn(0x55, 1, 0, -4, 0),
                             insn(0x95, 0, 0, 0, 0)};
    std::vector<uint64_t> slots;
    for (uint64_t s : prog) {
        slots.push_back(s);
        slots.resize(slots.size() + lanes - 1, 0);  // the other lanes hold NOPs
    }
    sim::Device dev(lanes);
    dev.load_program(slots);
    NoMaps maps;
    NoHelpers helpers;
    const Stopwatch sw;
    const sim::RunResult r = dev.run(0, 0, 0, maps, helpers);
    const double wall = sw.wall(), cpu = sw.cpu();
    const uint64_t n = static_cast<uint64_t>(iters);
    const uint64_t expect = 3 * n + n * (n + 1) / 2;
    if (r.trapped || r.timed_out || r.r0 != expect)
        throw Error(ErrorKind::Internal, "core bench: the loop on " + std::to_string(lanes) +
                                             " lane(s) gave r0 = " + std::to_string(r.r0) + ", expected " +
                                             std::to_string(expect));
    nlohmann::json j;
    j["lanes"] = lanes;
    j["cycles"] = r.delta.cycles;
    j["insns"] = r.delta.insns;
    j["wall_s"] = wall;
    j["cpu_s"] = cpu;
    j["mcycles_per_s_wall"] = static_cast<double>(r.delta.cycles) / wall / 1e6;
    j["mcycles_per_s_cpu"] = static_cast<double>(r.delta.cycles) / cpu / 1e6;
    return j;
}

std::vector<std::vector<uint8_t>> make_traffic(uint64_t count) {
    TrafficSpec spec;
    spec.count = count;
    spec.size_min = 64;
    spec.size_max = 512;
    spec.flows = 32;
    const TrafficGenerator g(spec);
    std::vector<std::vector<uint8_t>> out;
    for (uint64_t i = 0; i < g.count(); ++i) out.push_back(g.packet(i).bytes);
    return out;
}

nlohmann::json bench_program(const std::string& name, const std::filesystem::path& path, unsigned lanes,
                             const std::vector<std::vector<uint8_t>>& traffic) {
    nlohmann::json j;
    j["name"] = name;
    j["lanes"] = lanes;
    try {
        const Object obj = load_object(path.string());
        size_t entry = obj.programs.size();
        for (size_t i = 0; i < obj.programs.size(); ++i) {
            if (obj.programs[i].type == ProgType::Xdp) {
                entry = i;
                break;
            }
        }
        if (entry == obj.programs.size()) throw Error(ErrorKind::NotFound, name + ": no XDP program");
        j["program"] = obj.programs[entry].name;
        j["insns"] = obj.programs[entry].insns.size();
        MapSet maps(obj.maps);
        HwEngine::Options o;
        o.lanes = lanes;
        HwEngine hw(o);
        hw.load(obj, entry, maps, software_xdp_platform());
        XdpBuff buff;
        ExecEnv env;
        env.maps = &maps;
        env.num_programs = static_cast<uint32_t>(obj.programs.size());
        env.xdp = &buff;
        uint64_t core_cycles = 0, insns = 0, errors = 0;
        const uint64_t sim0 = hw.device().ctrl().cycle();
        const Stopwatch sw;
        for (size_t i = 0; i < traffic.size(); ++i) {
            buff.reset(traffic[i], 1 + static_cast<uint32_t>(i & 1), 0);
            env.reset_outputs();
            try {
                hw.run(env, 0, 0);
            } catch (const Error&) {
                ++errors;  // a trap still cost its cycles
            }
            core_cycles += hw.last_stats().cycles;
            insns += hw.last_stats().insns;
        }
        const double wall = sw.wall(), cpu = sw.cpu();
        const uint64_t sim_cycles = hw.device().ctrl().cycle() - sim0;
        const double n = static_cast<double>(traffic.size());
        j["packets"] = traffic.size();
        j["trapped_packets"] = errors;
        j["insns_per_packet"] = static_cast<double>(insns) / n;
        j["cycles_per_packet"] = static_cast<double>(core_cycles) / n;
        j["sim_cycles_per_packet"] = static_cast<double>(sim_cycles) / n;
        j["wall_s"] = wall;
        j["cpu_s"] = cpu;
        j["packets_per_s_wall"] = n / wall;
        j["packets_per_s_cpu"] = n / cpu;
        j["mcycles_per_s_cpu"] = static_cast<double>(sim_cycles) / cpu / 1e6;
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
    int32_t loop_iters = 500000;
    std::filesystem::path examples = std::filesystem::path(BPFNIC_BINARY_DIR) / "examples";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--packets" && i + 1 < argc) {
            packets = std::stoull(argv[++i]);
        } else if (a == "--loop-iters" && i + 1 < argc) {
            loop_iters = static_cast<int32_t>(std::stol(argv[++i]));
        } else if (a == "--examples" && i + 1 < argc) {
            examples = argv[++i];
        } else {
            std::cerr << "usage: bpfnic_core_bench [--packets N] [--loop-iters N] [--examples DIR]\n";
            return 2;
        }
    }
    try {
        const auto traffic = make_traffic(packets);
        nlohmann::json out;
        out["packets"] = packets;
        out["loop_iterations"] = loop_iters;
        out["loop"] = nlohmann::json::array();
        out["programs"] = nlohmann::json::array();
        for (unsigned lanes : bpfnic::sim::available_lane_configs()) {
            out["loop"].push_back(bench_loop(lanes, loop_iters));
            for (const char* m : kModules) {
                const auto path = examples / (std::string(m) + ".o");
                if (!std::filesystem::exists(path)) continue;
                out["programs"].push_back(bench_program(m, path, lanes, traffic));
            }
        }
        std::cout << out.dump(2) << "\n";
    } catch (const std::exception& e) {
        std::cerr << "bpfnic_core_bench: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
