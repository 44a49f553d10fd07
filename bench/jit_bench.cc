// SPDX-License-Identifier: MIT
// JIT benchmark: nanoseconds per packet of every example IO module on the interpreter, the JIT
// (as loaded without and with the verifier, and with every helper called through the exception
// guard) and the same logic compiled natively (bench/native), in one run, plus the JIT's compile
// time and code size; JSON on stdout. docs/jit.md discusses the figures.
//
// Timing: the traffic (256 packets) runs in rounds of 4 batches of 64. Before each batch, 64
// packet slots (an XdpBuff and an ExecEnv each) are loaded with the batch's packets, outside the
// timed region; then the engine runs the 64 packets back to back under the clock. A packet's time
// is the engine's run alone: no harness to subtract, and the program reads a frame that was
// written a while ago, as a NIC's DMA leaves it (a frame copied in just before the run would make
// every program's first packet loads wait for the copy's stores). The cost of the timed loop
// itself (clock reads, loop) is measured with an empty body and subtracted (timer_ns). The
// fastest round counts: the machine may be shared and the minimum is the least disturbed round.
//
// Before timing, the native module is checked against the interpreter and the JIT over the
// traffic (verdicts, output frames, redirect targets, final map contents: native_check). Maps
// start empty except where a module needs host setup for its main path (bench/native:
// setup_module_maps).
//
// Usage: bpfnic_jit_bench [--rounds N] [--examples DIR] [--module NAME]...
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/native/native_modules.h"
#include "compiler/error.h"
#include "compiler/loader.h"
#include "compiler/platform.h"
#include "driver/interp.h"
#include "driver/jit/jit_engine.h"
#include "driver/traffic/generator.h"

namespace bpfnic::bench {
namespace {

using Clock = std::chrono::steady_clock;

const char* const kModules[] = {"xdp_drop",   "xdp_pass",     "xdp_tx",          "xdp_redirect",
                                "xdp1",       "xdp2",         "xdp_adjust_tail", "router_ipv4",
                                "rxq_info",   "tx_ip_tunnel", "simple_firewall", "katran_lb"};

struct Traffic {
    std::vector<std::vector<uint8_t>> packets;
    std::vector<TrafficGenerator::Flow> flows;
};

// 64..1024-byte frames, so xdp_adjust_tail answers the longer half (its threshold is 600).
Traffic make_traffic() {
    TrafficSpec spec;
    spec.count = 256;
    spec.size_min = 64;
    spec.size_max = 1024;
    spec.flows = 32;
    TrafficGenerator g(spec);
    Traffic t;
    for (uint64_t i = 0; i < g.count(); ++i) t.packets.push_back(g.packet(i).bytes);
    t.flows = g.flows();
    return t;
}

constexpr size_t kBatch = 64;

// One module's maps and the packet slots of a batch.
struct EngineRun {
    struct Slot {
        XdpBuff buff;
        ExecEnv env;
    };
    MapSet maps;
    std::vector<std::unique_ptr<Slot>> slots;
    EngineRun(const Object& obj, const std::string& module, const Traffic& t) : maps(obj.maps) {
        setup_module_maps(module, maps, t.flows);
        for (size_t k = 0; k < kBatch; ++k) {
            auto s = std::make_unique<Slot>();
            s->env.maps = &maps;
            s->env.num_programs = static_cast<uint32_t>(obj.programs.size());
            s->env.xdp = &s->buff;
            slots.push_back(std::move(s));
        }
    }
    /// Loads packet i of the traffic into slot k (ingress ifindex alternating 1, 2).
    void load(size_t k, const Traffic& t, size_t i) {
        Slot& s = *slots[k];
        s.buff.reset(t.packets[i % t.packets.size()], 1 + static_cast<uint32_t>(i & 1), 0);
        s.env.reset_outputs();
    }
};

// Raw ns per packet of body(slot) over `rounds` rounds of the traffic (see the header comment).
template <typename Body>
double time_rounds(const Traffic& t, uint64_t rounds, EngineRun& r, Body body) {
    double best = 1e30;
    uint64_t sink = 0;
    const size_t n = t.packets.size();
    for (uint64_t round = 0; round < rounds; ++round) {
        double ns = 0;
        for (size_t base = 0; base < n; base += kBatch) {
            const size_t m = std::min(kBatch, n - base);
            for (size_t k = 0; k < m; ++k) r.load(k, t, base + k);
            const auto t0 = Clock::now();
            for (size_t k = 0; k < m; ++k) sink += body(*r.slots[k]);
            const auto t1 = Clock::now();
            ns += std::chrono::duration<double, std::nano>(t1 - t0).count();
        }
        best = std::min(best, ns / static_cast<double>(n));
    }
    asm volatile("" : : "r"(sink));
    return best;
}

// ns per packet of an engine: a warm-up round, then the timed rounds, less the timer's cost.
template <typename Body>
double time_per_packet(const Traffic& t, uint64_t rounds, EngineRun& r, double timer_ns, Body body) {
    time_rounds(t, 1, r, body);
    return std::max(time_rounds(t, rounds, r, body) - timer_ns, 0.0);
}

// Every map's contents, key by key in get_next_key order, with the host's copy of the value.
std::vector<std::vector<uint8_t>> map_dump(Map& m) {
    std::vector<std::vector<uint8_t>> out;
    std::vector<uint8_t> key(m.def().key_size), next(m.def().key_size), value(m.host_value_size());
    const void* cur = nullptr;
    while (m.next_key(cur, next.data()) == 0) {
        out.push_back(next);
        if (m.lookup_copy(next.data(), value.data()) == 0) out.push_back(value);
        key = next;
        cur = key.data();
        if (out.size() > 2u * (m.def().max_entries + 1)) break;  // arrays: every index once
    }
    return out;
}

// The native module against the interpreter and the JIT over the whole traffic, each with its own
// maps: verdicts, output frames and redirect targets per packet, every map at the end. "same", or
// what differed first.
std::string check_native(const Object& obj, size_t entry, const std::string& name, const Traffic& t,
                         NativeModule& native) {
    const Platform& platform = software_xdp_platform();
    EngineRun ri(obj, name, t), rj(obj, name, t), rn(obj, name, t);
    Interpreter interp;
    interp.load(obj, entry, ri.maps, platform);
    JitEngine jit;
    jit.load(obj, entry, rj.maps, platform);
    native.bind(rn.maps, obj);
    for (size_t i = 0; i < t.packets.size(); ++i) {
        for (EngineRun* r : {&ri, &rj, &rn}) r->load(0, t, i);
        EngineRun::Slot &si = *ri.slots[0], &sj = *rj.slots[0], &sn = *rn.slots[0];
        const uint64_t vi = interp.run(si.env, reinterpret_cast<uint64_t>(si.buff.md()), 0);
        const uint64_t vj = jit.run(sj.env, reinterpret_cast<uint64_t>(sj.buff.md()), 0);
        const uint64_t vn = native.run(sn.buff, sn.env);
        const std::string at = "packet " + std::to_string(i) + ": ";
        if (vi != vj || vi != vn)
            return at + "verdicts interp " + std::to_string(vi) + ", jit " + std::to_string(vj) + ", native " +
                   std::to_string(vn);
        if (si.buff.packet() != sj.buff.packet() || si.buff.packet() != sn.buff.packet())
            return at + "output frames differ";
        if (!(si.env.redirect == sj.env.redirect) || !(si.env.redirect == sn.env.redirect))
            return at + "redirect targets differ";
    }
    for (size_t m = 0; m < ri.maps.size(); ++m) {
        const auto di = map_dump(ri.maps.at(m));
        if (di != map_dump(rj.maps.at(m)) || di != map_dump(rn.maps.at(m)))
            return "map '" + obj.maps[m].name + "' differs after the traffic";
    }
    return "same";
}

nlohmann::json bench_module(const std::string& name, const std::filesystem::path& path, const Traffic& t,
                            uint64_t rounds) {
    nlohmann::json j;
    j["name"] = name;
    const Object obj = load_object(path.string());
    size_t entry = obj.programs.size();
    for (size_t i = 0; i < obj.programs.size(); ++i)
        if (obj.programs[i].type == ProgType::Xdp) {
            entry = i;
            break;
        }
    if (entry == obj.programs.size()) throw Error(ErrorKind::NotFound, name + ": no XDP program");
    j["program"] = obj.programs[entry].name;
    j["insns"] = obj.programs[entry].insns.size();
    const Platform& platform = software_xdp_platform();

    // The timed loop's own cost.
    double timer_ns = 0;
    {
        EngineRun h(obj, name, t);
        timer_ns = time_rounds(t, rounds, h, [](EngineRun::Slot&) { return 0u; });
        j["timer_ns"] = timer_ns;
    }
    auto md = [](EngineRun::Slot& s) { return reinterpret_cast<uint64_t>(s.buff.md()); };
    // Interpreter (fewer rounds: it is slow).
    {
        EngineRun r(obj, name, t);
        Interpreter interp;
        interp.load(obj, entry, r.maps, platform);
        j["interp_ns"] = time_per_packet(t, std::max<uint64_t>(rounds / 20, 3), r, timer_ns,
                                         [&](EngineRun::Slot& s) { return interp.run(s.env, md(s), 0); });
    }
    // JIT: compile time (best of 20 loads), then the run.
    {
        EngineRun r(obj, name, t);
        JitEngine jit;
        uint64_t best = UINT64_MAX;
        for (int i = 0; i < 20; ++i) {
            jit.load(obj, entry, r.maps, platform);
            best = std::min(best, jit.compile_ns());
        }
        j["jit_compile_us"] = static_cast<double>(best) / 1000.0;
        j["jit_code_bytes"] = jit.code_size();
        j["jit_ns"] = time_per_packet(t, rounds, r, timer_ns, [&](EngineRun::Slot& s) { return jit.run(s.env, md(s), 0); });
    }
    // The JIT with every helper called through the exception guard (the direct-call fast path
    // off): what direct helper calls save.
    {
        EngineRun r(obj, name, t);
        JitEngine::Options go;
        go.direct_helper_calls = false;
        JitEngine gjit(go);
        gjit.load(obj, entry, r.maps, platform);
        j["jit_guarded_ns"] =
            time_per_packet(t, rounds, r, timer_ns, [&](EngineRun::Slot& s) { return gjit.run(s.env, md(s), 0); });
    }
    // The JIT with verification at load, as make_engine("jit") loads XDP programs: packet bounds
    // checks the verifier proved redundant are dropped (null when the verifier rejects the program).
    try {
        EngineRun v(obj, name, t);
        JitEngine::Options vo;
        vo.verify = true;
        JitEngine vjit(vo);
        vjit.load(obj, entry, v.maps, platform);
        j["jit_verified_ns"] =
            time_per_packet(t, rounds, v, timer_ns, [&](EngineRun::Slot& s) { return vjit.run(s.env, md(s), 0); });
    } catch (const Error& e) {
        j["jit_verified_ns"] = nullptr;
        j["jit_verified_error"] = e.what();
    }

    // Native, checked against the interpreter and the JIT first.
    std::unique_ptr<NativeModule> native = make_native_module(name);
    if (!native) {
        j["native_ns"] = nullptr;
        return j;
    }
    j["native_check"] = check_native(obj, entry, name, t, *native);
    if (j["native_check"] != "same") return j;
    EngineRun n(obj, name, t);
    native->bind(n.maps, obj);
    j["native_ns"] = time_per_packet(t, rounds, n, timer_ns, [&](EngineRun::Slot& s) { return native->run(s.buff, s.env); });
    return j;
}

}  // namespace
}  // namespace bpfnic::bench

int main(int argc, char** argv) {
    using namespace bpfnic;
    uint64_t rounds = 400;
    std::filesystem::path dir = std::filesystem::path(BPFNIC_BINARY_DIR) / "examples";
    std::vector<std::string> only;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--rounds" && i + 1 < argc)
            rounds = std::max<uint64_t>(std::stoull(argv[++i]), 1);
        else if (a == "--examples" && i + 1 < argc)
            dir = argv[++i];
        else if (a == "--module" && i + 1 < argc)
            only.push_back(argv[++i]);
        else {
            std::cerr << "usage: " << argv[0] << " [--rounds N] [--examples DIR] [--module NAME]...\n";
            return a == "--help" ? 0 : 2;
        }
    }
    const bench::Traffic traffic = bench::make_traffic();
    nlohmann::json out;
    out["rounds"] = rounds;
    out["packets_per_round"] = traffic.packets.size();
    out["batch"] = bench::kBatch;
    out["examples_dir"] = dir.string();
    out["modules"] = nlohmann::json::array();
    auto ratio = [](const nlohmann::json& a, const nlohmann::json& b) -> nlohmann::json {
        if (!a.is_number() || !b.is_number()) return nullptr;
        return a.get<double>() / std::max(b.get<double>(), 0.01);
    };
    for (const char* name : bench::kModules) {
        if (!only.empty() && std::find(only.begin(), only.end(), name) == only.end()) continue;
        const std::filesystem::path path = dir / (std::string(name) + ".o");
        nlohmann::json j;
        try {
            if (!std::filesystem::exists(path)) throw Error(ErrorKind::NotFound, path.string() + " not built");
            j = bench::bench_module(name, path, traffic, rounds);
            j["interp_over_jit"] = ratio(j["interp_ns"], j["jit_ns"]);
            j["interp_over_jit_verified"] = ratio(j["interp_ns"], j["jit_verified_ns"]);
            j["jit_over_native"] = ratio(j["jit_ns"], j["native_ns"]);
            j["jit_verified_over_native"] = ratio(j["jit_verified_ns"], j["native_ns"]);
        } catch (const std::exception& e) {
            j["name"] = name;
            j["error"] = e.what();
        }
        out["modules"].push_back(j);
    }
    std::cout << out.dump(2) << "\n";
    return 0;
}
