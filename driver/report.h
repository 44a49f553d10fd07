// SPDX-License-Identifier: MIT
// The JSON run report (schema in docs/cli.md): what `bpfnic run --report` writes and `-j` prints,
// and the JSON form of map contents, both ways (a report's maps object can seed a later run).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "driver/maps.h"

namespace bpfnic {

inline constexpr int kReportSchemaVersion = 1;

/// Verdict counts by XDP action; return values above XDP_REDIRECT count as invalid.
struct VerdictCounts {
    uint64_t aborted = 0, drop = 0, pass = 0, tx = 0, redirect = 0, invalid = 0;
    void add(uint64_t action);
    uint64_t total() const { return aborted + drop + pass + tx + redirect + invalid; }
    bool operator==(const VerdictCounts&) const = default;
};

/// One difference between an engine and the reference engine on one packet.
struct Mismatch {
    uint64_t packet = 0;
    std::string engine;
    std::string what;  ///< "verdict", "data", "redirect" or "map NAME"
    std::string detail;
};

struct RunReport {
    std::string object, program, section;
    std::string engine;                ///< what was asked for: interp, jit, hw or xcheck
    std::vector<std::string> engines;  ///< what ran, reference first
    std::string input_kind;            ///< "gen" or "pcap"
    std::string input;                 ///< the spec string or the pcap path
    uint64_t packets = 0;
    uint32_t repeat = 1;
    VerdictCounts verdicts;
    bool offloaded = false;
    std::optional<std::string> fallback_reason;
    uint64_t program_instructions = 0;     ///< slots of the program (static)
    /// Summed over packets (last repetition of each); nullopt when the engine does not count them.
    std::optional<uint64_t> instructions_executed;
    std::optional<uint64_t> bundles;       ///< VLIW bundles, once compiled for the processor
    std::optional<uint64_t> cycles;        ///< summed hardware cycles (hardware engine only)
    std::map<std::string, uint64_t> stalls;  ///< by cause (hardware only; empty otherwise)
    std::map<std::string, double> ns_per_packet;  ///< by engine: mean wall time of one run
    std::optional<uint64_t> mismatches;    ///< cross-check only
    std::vector<Mismatch> mismatch_details;  ///< the first ones (bounded)
    std::vector<std::string> skipped_engines;  ///< cross-check: "NAME: reason" for engines that could not run
    std::optional<std::string> output_path;
    uint64_t output_packets = 0;
    uint64_t trace_lines = 0, perf_records = 0;
    nlohmann::json maps = nlohmann::json::object();  ///< maps_to_json() of the reference engine
};

/// Clock frequencies (MHz) at which mpps_at_mhz is reported.
inline constexpr double kReportClocksMhz[] = {156.25, 250.0};

nlohmann::json to_json(const RunReport& r);

/// Every map of the set: {"NAME": {"type", "key_size", "value_size", "max_entries", "entries":
/// [{"key": "hex bytes", "value": "hex bytes"}, ...]}}. Maps whose values the host cannot read
/// (perf event arrays, socket/device maps without copy-out) have "entries": null.
nlohmann::json maps_to_json(MapSet& maps);
nlohmann::json map_to_json(Map& map);

/// Fills a map from JSON: either a map object as maps_to_json() writes it or a bare array of
/// {"key", "value"} entries. Throws bpfnic::Error (BadInput) naming what and the entry when a key
/// or value is not hex or has the wrong size, or the update fails (with the errno).
void map_from_json(Map& map, const nlohmann::json& j, const std::string& what);

/// The entries of map JSON in either of map_from_json()'s forms, each checked (hex, key_size and
/// value_size bytes, messages naming what, the entry and map_name) and passed to `update` with the
/// entry's name for its own error messages. Serves every way of filling a map from JSON.
using MapEntryFn =
    std::function<void(const std::vector<uint8_t>& key, const std::vector<uint8_t>& value, const std::string& where)>;
void for_each_json_map_entry(const nlohmann::json& j, const std::string& what, const std::string& map_name,
                             size_t key_size, size_t value_size, const MapEntryFn& update);

/// Space-separated lowercase hex bytes ("0a 00 00 01").
std::string hex_bytes(const uint8_t* p, size_t n);

}  // namespace bpfnic
