// SPDX-License-Identifier: MIT
// Regression suites (format in docs/regress.md): a JSON file naming IO modules, traffic, engines,
// hardware configurations and expected outcomes, expanded into concrete cases with stable ids.
// Each case carries everything needed to run it alone: its traffic seed comes from its name, its
// flow part from the suite, so `bpfnic regress SUITE --case ID` repeats exactly what a shard ran.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace bpfnic::regress {

/// A hardware configuration. The simulator's hardware engine runs its built configuration today;
/// every field is recorded with the results, and cores scale the reported packet rates.
struct HwConfig {
    std::string name;
    uint32_t lanes = 1;
    uint32_t cores = 1;
    std::optional<uint32_t> mem_latency;  ///< cycles, recorded
    std::optional<uint32_t> map_latency;  ///< cycles, recorded
    nlohmann::json to_json() const;
};

/// One concrete case: a program on one engine (and configuration), over one traffic input or one
/// flow part of it.
struct RegressCase {
    std::string id;     ///< NAME/ENGINE[/CONFIG][/flowKofN]
    std::string group;  ///< the id without the flow part: the parts of one trace share it
    std::string name;   ///< the suite entry
    std::string object;
    std::string program;  ///< empty: the first XDP program
    std::string engine;   ///< interp, jit, hw or xcheck
    std::optional<HwConfig> config;  ///< for engines that include the hardware (hw, xcheck)
    std::string input_kind;  ///< "gen" or "pcap"
    std::string input;       ///< canonical generator spec (seed included) or pcap path
    uint32_t repeat = 1;
    bool verify = true;
    bool per_flow = false;  ///< the suite declares the module's maps per-flow
    uint32_t part = 0, parts = 1;  ///< flow part of the trace (parts > 1 only when per_flow)
    std::vector<std::pair<std::string, std::string>> map_files;  ///< map name, JSON file
    nlohmann::json expect;  ///< expected outcome (null: none); for flow parts, of the whole trace
    double cost = 0;        ///< estimated work, for balancing shards
};

struct Suite {
    std::string name;
    std::string path;    ///< absolute path of the suite file
    std::string digest;  ///< FNV-1a 64 of the file's bytes, hex
    std::string examples_dir;  ///< what ${examples} expanded to (empty when unused)
    std::vector<RegressCase> cases;  ///< sorted by id

    const RegressCase* find(const std::string& id) const;
};

/// Reads and expands a suite. ${examples} in object paths becomes examples_dir; other relative
/// paths are relative to the suite file's folder. Throws bpfnic::Error: NotFound for a missing
/// suite file, BadInput naming the file, the case and the field for anything malformed.
Suite load_suite(const std::string& path, const std::string& examples_dir);

/// FNV-1a 64-bit hash.
uint64_t fnv1a(const std::string& bytes, uint64_t h = 0xcbf29ce484222325ull);
std::string hex64(uint64_t v);

}  // namespace bpfnic::regress
