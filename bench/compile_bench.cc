// SPDX-License-Identifier: MIT
// Compiler results per IO module, next to hXDP's published 4-lane schedules. Usage:
//   bpfnic_compile_bench [--markdown]   (objects from the build's examples/ folder)
// For every module: eBPF instructions; instructions after the passes, bundles and static IPC at
// 1, 2, 4 and 8 lanes; compile time; and the effect of each optional pass (4-lane bundles with that
// pass off, minus bundles with every pass on). JSON on stdout (or a Markdown table).
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "compiler/loader.h"
#include "compiler/passes/pipeline.h"

namespace {

using namespace bpfnic;
using nlohmann::json;

const char* kModules[] = {"xdp1", "xdp2", "xdp_adjust_tail", "router_ipv4", "rxq_info", "tx_ip_tunnel",
                          "simple_firewall", "katran_lb", "xdp_drop", "xdp_tx", "xdp_redirect"};

CompileResult compile_at(const Object& obj, unsigned lanes, const std::vector<std::string>& disable = {}) {
    CompileOptions o;
    o.lanes = lanes;
    o.disable = disable;
    return compile_program(obj.programs.at(0), obj.maps, software_xdp_platform(), o);
}

json bench_module(const std::string& name, const json& hxdp) {
    const Object obj = load_object(std::string(BPFNIC_BINARY_DIR) + "/examples/" + name + ".o");
    json j;
    j["module"] = name;
    json per_lanes = json::object();
    CompileResult r4;
    for (unsigned lanes : {1u, 2u, 4u, 8u}) {
        const auto t0 = std::chrono::steady_clock::now();
        const CompileResult r = compile_at(obj, lanes);
        const double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
        j["instructions"] = r.source_insns;
        j["instructions_after_passes"] = r.insns;
        if (!r.offloadable) {
            j["offloadable"] = false;
            j["reason"] = r.refusal ? r.refusal->text() : "";
            return j;
        }
        per_lanes[std::to_string(lanes)] = {{"bundles", r.bundles}, {"static_ipc", r.static_ipc}, {"compile_us", us}};
        if (lanes == 4) r4 = r;
    }
    j["offloadable"] = true;
    j["lanes"] = per_lanes;
    json effect = json::object();
    for (const PassInfo& p : pipeline_passes()) {
        if (!p.optional) continue;
        const CompileResult off = compile_at(obj, 4, {p.name});
        effect[p.name] = static_cast<int64_t>(off.bundles) - static_cast<int64_t>(r4.bundles);
    }
    j["bundles_saved_by_pass_at_4_lanes"] = effect;
    if (hxdp.contains(name)) {
        const uint32_t theirs = hxdp[name]["bundles"];
        j["hxdp_bundles_4_lanes"] = theirs;
        j["bundles_ratio_vs_hxdp"] = double(r4.bundles) / theirs;
    }
    return j;
}

}  // namespace

int main(int argc, char** argv) {
    const bool markdown = argc > 1 && std::string(argv[1]) == "--markdown";
    std::ifstream ref(std::string(BPFNIC_SOURCE_DIR) + "/bench/hxdp_reference.json");
    const json hxdp = json::parse(ref)["programs"];
    json out = json::array();
    for (const char* m : kModules) out.push_back(bench_module(m, hxdp));
    if (!markdown) {
        std::cout << json{{"benchmark", "compile"}, {"modules", out}}.dump(2) << "\n";
        return 0;
    }
    std::cout << "| module | insns | after passes | bundles L1 | L2 | L4 | L8 | IPC L4 | hXDP L4 | ratio |\n"
                 "|---|---|---|---|---|---|---|---|---|---|\n";
    for (const json& j : out) {
        if (!j["offloadable"]) continue;
        const json& l = j["lanes"];
        std::cout << "| " << std::string(j["module"]) << " | " << j["instructions"] << " | " << j["instructions_after_passes"]
                  << " | " << l["1"]["bundles"] << " | " << l["2"]["bundles"] << " | " << l["4"]["bundles"] << " | "
                  << l["8"]["bundles"] << " | " << std::fixed << std::setprecision(2) << double(l["4"]["static_ipc"])
                  << " | " << (j.contains("hxdp_bundles_4_lanes") ? j["hxdp_bundles_4_lanes"].dump() : "-") << " | "
                  << (j.contains("bundles_ratio_vs_hxdp") ? double(j["bundles_ratio_vs_hxdp"]) : 0.0) << " |\n";
    }
    return 0;
}
