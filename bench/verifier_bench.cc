// SPDX-License-Identifier: MIT
// Verification time of every program of every example object. Usage:
//   bpfnic_verifier_bench [OBJECT_OR_DIR...]   (default: the build's examples/ folder)
// Prints one JSON document: per program the instruction count, verdict, states explored, stored
// and pruned, and the best and median wall time of repeated verifications in milliseconds.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <vector>

#include "compiler/error.h"
#include "compiler/loader.h"
#include "compiler/platform.h"
#include "compiler/verifier/verifier.h"

namespace {

using bpfnic::VerifierResult;

nlohmann::json bench_program(const bpfnic::Object& obj, const bpfnic::Program& p) {
    std::vector<double> ms;
    VerifierResult last;
    const auto start = std::chrono::steady_clock::now();
    // At least 5 runs, and more until 100 ms are spent (at most 200 runs).
    while (ms.size() < 5 || (ms.size() < 200 && std::chrono::steady_clock::now() - start < std::chrono::milliseconds(100))) {
        const auto t0 = std::chrono::steady_clock::now();
        last = bpfnic::verify(p, obj.maps, bpfnic::software_xdp_platform());
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    nlohmann::json j;
    j["object"] = std::filesystem::path(obj.path).filename().string();
    j["program"] = p.name;
    j["insns"] = p.insns.size();
    j["accepted"] = last.ok;
    if (!last.ok) j["error"] = last.headline();
    j["insns_processed"] = last.stats.insns_processed;
    j["states_stored"] = last.stats.states_stored;
    j["states_pruned"] = last.stats.states_pruned;
    j["peak_pending_states"] = last.stats.peak_states;
    j["runs"] = ms.size();
    j["best_ms"] = ms.front();
    j["median_ms"] = ms[ms.size() / 2];
    return j;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::filesystem::path> inputs;
    for (int i = 1; i < argc; ++i) inputs.emplace_back(argv[i]);
    if (inputs.empty()) inputs.emplace_back(std::filesystem::path(BPFNIC_BINARY_DIR) / "examples");
    std::vector<std::filesystem::path> objects;
    for (const auto& in : inputs) {
        if (std::filesystem::is_directory(in)) {
            for (const auto& e : std::filesystem::directory_iterator(in))
                if (e.path().extension() == ".o") objects.push_back(e.path());
        } else {
            objects.push_back(in);
        }
    }
    std::sort(objects.begin(), objects.end());
    if (objects.empty()) {
        std::cerr << "bpfnic_verifier_bench: no object files found (build the bpfnic_examples target)\n";
        return 2;
    }
    nlohmann::json out;
    out["benchmark"] = "verifier";
    out["platform"] = bpfnic::software_xdp_platform().name;
    out["programs"] = nlohmann::json::array();
    try {
        for (const auto& path : objects) {
            const bpfnic::Object obj = bpfnic::load_object(path.string());
            for (const bpfnic::Program& p : obj.programs) out["programs"].push_back(bench_program(obj, p));
        }
    } catch (const bpfnic::Error& e) {
        std::cerr << "bpfnic_verifier_bench: " << e.what() << "\n";
        return 2;
    }
    std::cout << out.dump(2) << "\n";
    return 0;
}
