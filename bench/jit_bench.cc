// SPDX-License-Identifier: MIT
// JIT benchmark: nanoseconds per packet of every example IO module on the interpreter, the JIT
// and (where bench/native/ has it) the same logic compiled natively, in one run, plus the JIT's
// compile time; JSON on stdout.
//
// Times are the fastest batch of 1000 packets. Each packet costs the harness (copying the frame into the XDP buffer, clearing outputs) plus the
// program; the harness alone is measured too and the ratios use net times (gross - harness).
// Before timing, the native module's verdicts, output frames and redirect targets are checked
// against the JIT's. Maps start empty except where a module needs host setup for its main path
// (bench/native: setup_module_maps).
//
// Usage: bpfnic_jit_bench [--packets N] [--examples DIR]
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
};

Traffic make_traffic() {
    TrafficSpec spec;
    spec.count = 256;
    spec.size_min = 64;
    spec.size_max = 512;
    spec.flows = 32;
    TrafficGenerator g(spec);
    Traffic t;
    for (uint64_t i = 0; i < g.count(); ++i) t.packets.push_back(g.packet(i).bytes);
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
    EngineRun(const Object& obj, const std::string& module) : maps(obj.maps) {
        setup_module_maps(module, maps);
        env.maps = &maps;
        env.num_programs = static_cast<uint32_t>(obj.programs.size());
        env.xdp = &buff;
    }
};

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
        EngineRun h(obj, name);
        j["harness_ns"] = time_per_packet(t, packets, h.buff, h.env, [] { return 0u; });
    }
    // Interpreter (fewer packets: it is slow).
    {
        EngineRun r(obj, name);
        Interpreter interp;
        interp.load(obj, entry, r.maps, platform);
        const uint64_t md = reinterpret_cast<uint64_t>(r.buff.md());
        j["interp_ns"] = time_per_packet(t, std::max<uint64_t>(packets / 20, 1000), r.buff, r.env,
                                         [&] { return interp.run(r.env, md, 0); });
    }
    // JIT: compile time (best of 20 loads), then the run.
    EngineRun r(obj, name);
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
        EngineRun v(obj, name);
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
    {
        EngineRun a(obj, name), b(obj, name);
        JitEngine check;
        check.load(obj, entry, a.maps, platform);
        native->bind(b.maps, obj);
        bool same = true;
        for (size_t i = 0; i < t.packets.size() && same; ++i) {
            a.buff.reset(t.packets[i], 1 + static_cast<uint32_t>(i & 1), 0);
            b.buff.reset(t.packets[i], 1 + static_cast<uint32_t>(i & 1), 0);
            a.env.reset_outputs();
            b.env.reset_outputs();
            const uint64_t va = check.run(a.env, reinterpret_cast<uint64_t>(a.buff.md()), 0);
            const uint64_t vb = native->run(b.buff, b.env);
            same = va == vb && a.buff.packet() == b.buff.packet() && a.env.redirect == b.env.redirect;
        }
        j["native_matches_jit"] = same;
    }
    EngineRun n(obj, name);
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
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--packets" && i + 1 < argc)
            packets = std::stoull(argv[++i]);
        else if (a == "--examples" && i + 1 < argc)
            dir = argv[++i];
        else {
            std::cerr << "usage: " << argv[0] << " [--packets N] [--examples DIR]\n";
            return a == "--help" ? 0 : 2;
        }
    }
    const bench::Traffic traffic = bench::make_traffic();
    nlohmann::json out;
    out["packets"] = packets;
    out["examples_dir"] = dir.string();
    out["modules"] = nlohmann::json::array();
    for (const char* name : bench::kModules) {
        const std::filesystem::path path = dir / (std::string(name) + ".o");
        nlohmann::json j;
        try {
            if (!std::filesystem::exists(path)) throw Error(ErrorKind::NotFound, path.string() + " not built");
            j = bench::bench_module(name, path, traffic, packets);
            const double h = j["harness_ns"].get<double>();
            const double jit_net = j["jit_ns"].get<double>() - h;
            j["interp_over_jit"] = (j["interp_ns"].get<double>() - h) / std::max(jit_net, 0.01);
            if (!j["native_ns"].is_null())
                j["jit_over_native"] = jit_net / std::max(j["native_ns"].get<double>() - h, 0.01);
        } catch (const std::exception& e) {
            j["name"] = name;
            j["error"] = e.what();
        }
        out["modules"].push_back(j);
    }
    std::cout << out.dump(2) << "\n";
    return 0;
}
