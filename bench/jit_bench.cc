// SPDX-License-Identifier: MIT
// JIT benchmark: nanoseconds per packet of every example IO module on the interpreter, the JIT
// and (where bench/native/ has it) the same logic compiled natively, in one run, plus the JIT's
// compile time; JSON on stdout.
//
// Times are the fastest batch of 1000 packets. Each packet costs the harness (copying the frame into the XDP buffer, clearing outputs) plus the
// program; the harness alone is measured too and the ratios use net times (gross - harness).
// Before timing, the native module is checked against the interpreter and the JIT over the
// traffic (verdicts, output frames, redirect targets, final map contents: native_check). Maps start empty except where a module needs host setup for its main path
// (bench/native: setup_module_maps).
//
// Usage: bpfnic_jit_bench [--packets N] [--examples DIR] [--module NAME]...
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
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

// ns per packet of body(), the frame reloaded before each packet: n packets in batches of 1000,
// the fastest batch counts (the machine may be shared: the minimum is the least disturbed run).
template <typename Body>
double time_per_packet(const Traffic& t, uint64_t n, XdpBuff& buff, ExecEnv& env, Body body) {
    constexpr uint64_t kBatch = 1000;
    double best = 1e30;
    uint64_t sink = 0, i = 0;
    for (uint64_t done = 0; done < n; done += kBatch) {
        const auto t0 = Clock::now();
        for (uint64_t k = 0; k < kBatch; ++k, ++i) {
            const auto& p = t.packets[i % t.packets.size()];
            buff.reset(p, 1 + static_cast<uint32_t>(i & 1), 0);
            env.reset_outputs();
            sink += body();
        }
        const auto t1 = Clock::now();
        best = std::min(best, std::chrono::duration<double, std::nano>(t1 - t0).count() / kBatch);
    }
    asm volatile("" : : "r"(sink));
    return best;
}

struct EngineRun {
    MapSet maps;
    ExecEnv env;
    XdpBuff buff;
    EngineRun(const Object& obj, const std::string& module, const Traffic& t) : maps(obj.maps) {
        setup_module_maps(module, maps, t.flows);
        env.maps = &maps;
        env.num_programs = static_cast<uint32_t>(obj.programs.size());
        env.xdp = &buff;
    }
};

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
        const uint32_t ifindex = 1 + static_cast<uint32_t>(i & 1);
        for (EngineRun* r : {&ri, &rj, &rn}) {
            r->buff.reset(t.packets[i], ifindex, 0);
            r->env.reset_outputs();
        }
        const uint64_t vi = interp.run(ri.env, reinterpret_cast<uint64_t>(ri.buff.md()), 0);
        const uint64_t vj = jit.run(rj.env, reinterpret_cast<uint64_t>(rj.buff.md()), 0);
        const uint64_t vn = native.run(rn.buff, rn.env);
        const std::string at = "packet " + std::to_string(i) + ": ";
        if (vi != vj || vi != vn)
            return at + "verdicts interp " + std::to_string(vi) + ", jit " + std::to_string(vj) + ", native " +
                   std::to_string(vn);
        if (ri.buff.packet() != rj.buff.packet() || ri.buff.packet() != rn.buff.packet()) return at + "output frames differ";
        if (!(ri.env.redirect == rj.env.redirect) || !(ri.env.redirect == rn.env.redirect))
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
                            uint64_t packets) {
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

    // Harness alone.
    {
        EngineRun h(obj, name, t);
        j["harness_ns"] = time_per_packet(t, packets, h.buff, h.env, [] { return 0u; });
    }
    // Interpreter (fewer packets: it is slow).
    {
        EngineRun r(obj, name, t);
        Interpreter interp;
        interp.load(obj, entry, r.maps, platform);
        const uint64_t md = reinterpret_cast<uint64_t>(r.buff.md());
        j["interp_ns"] = time_per_packet(t, std::max<uint64_t>(packets / 20, 1000), r.buff, r.env,
                                         [&] { return interp.run(r.env, md, 0); });
    }
    // JIT: compile time (best of 20 loads), then the run.
    EngineRun r(obj, name, t);
    JitEngine jit;
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < 20; ++i) {
        jit.load(obj, entry, r.maps, platform);
        best = std::min(best, jit.compile_ns());
    }
    j["jit_compile_us"] = static_cast<double>(best) / 1000.0;
    j["jit_code_bytes"] = jit.code_size();
    const uint64_t md = reinterpret_cast<uint64_t>(r.buff.md());
    time_per_packet(t, packets / 10, r.buff, r.env, [&] { return jit.run(r.env, md, 0); });  // warm up
    j["jit_ns"] = time_per_packet(t, packets, r.buff, r.env, [&] { return jit.run(r.env, md, 0); });

    // The JIT with verification at load: packet bounds checks the verifier proved redundant are
    // dropped (null when the verifier rejects the program).
    try {
        EngineRun v(obj, name, t);
        JitEngine::Options vo;
        vo.verify = true;
        JitEngine vjit(vo);
        vjit.load(obj, entry, v.maps, platform);
        const uint64_t vmd = reinterpret_cast<uint64_t>(v.buff.md());
        time_per_packet(t, packets / 10, v.buff, v.env, [&] { return vjit.run(v.env, vmd, 0); });
        j["jit_verified_ns"] = time_per_packet(t, packets, v.buff, v.env, [&] { return vjit.run(v.env, vmd, 0); });
    } catch (const Error& e) {
        j["jit_verified_ns"] = nullptr;
        j["jit_verified_error"] = e.what();
    }

    // Native, checked against the JIT first.
    std::unique_ptr<NativeModule> native = make_native_module(name);
    if (!native) {
        j["native_ns"] = nullptr;
        return j;
    }
    j["native_check"] = check_native(obj, entry, name, t, *native);
    if (j["native_check"] != "same") return j;
    EngineRun n(obj, name, t);
    native->bind(n.maps, obj);
    time_per_packet(t, packets / 10, n.buff, n.env, [&] { return native->run(n.buff, n.env); });
    j["native_ns"] = time_per_packet(t, packets, n.buff, n.env, [&] { return native->run(n.buff, n.env); });
    return j;
}

}  // namespace
}  // namespace bpfnic::bench

int main(int argc, char** argv) {
    using namespace bpfnic;
    uint64_t packets = 200000;
    std::filesystem::path dir = std::filesystem::path(BPFNIC_BINARY_DIR) / "examples";
    std::vector<std::string> only;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--packets" && i + 1 < argc)
            packets = std::stoull(argv[++i]);
        else if (a == "--examples" && i + 1 < argc)
            dir = argv[++i];
        else if (a == "--module" && i + 1 < argc)
            only.push_back(argv[++i]);
        else {
            std::cerr << "usage: " << argv[0] << " [--packets N] [--examples DIR] [--module NAME]...\n";
            return a == "--help" ? 0 : 2;
        }
    }
    const bench::Traffic traffic = bench::make_traffic();
    nlohmann::json out;
    out["packets"] = packets;
    out["examples_dir"] = dir.string();
    out["modules"] = nlohmann::json::array();
    for (const char* name : bench::kModules) {
        if (!only.empty() && std::find(only.begin(), only.end(), name) == only.end()) continue;
        const std::filesystem::path path = dir / (std::string(name) + ".o");
        nlohmann::json j;
        try {
            if (!std::filesystem::exists(path)) throw Error(ErrorKind::NotFound, path.string() + " not built");
            j = bench::bench_module(name, path, traffic, packets);
            const double h = j["harness_ns"].get<double>();
            const double jit_net = j["jit_ns"].get<double>() - h;
            j["interp_over_jit"] = (j["interp_ns"].get<double>() - h) / std::max(jit_net, 0.01);
            const bool verified = j["jit_verified_ns"].is_number();
            const double vjit_net = verified ? j["jit_verified_ns"].get<double>() - h : 0;
            if (verified) j["interp_over_jit_verified"] = (j["interp_ns"].get<double>() - h) / std::max(vjit_net, 0.01);
            if (j.contains("native_ns") && j["native_ns"].is_number()) {
                const double native_net = std::max(j["native_ns"].get<double>() - h, 0.01);
                j["jit_over_native"] = jit_net / native_net;
                if (verified) j["jit_verified_over_native"] = vjit_net / native_net;
            }
        } catch (const std::exception& e) {
            j["name"] = name;
            j["error"] = e.what();
        }
        out["modules"].push_back(j);
    }
    std::cout << out.dump(2) << "\n";
    return 0;
}
