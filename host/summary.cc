// SPDX-License-Identifier: MIT
// Run summaries and map listings as text.
#include "host/summary.h"

#include <cstdio>
#include <ostream>

namespace bpfnic {

std::string fixed(double v, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

void print_summary(std::ostream& out, const RunReport& r) {
    const nlohmann::json j = to_json(r);
    out << "object:        " << r.object << "\n";
    out << "program:       " << r.program << " (section " << r.section << ", " << r.program_instructions << " instructions)\n";
    out << "engine:        " << r.engine;
    if (r.engines.size() != 1 || r.engines[0] != r.engine) {
        out << " (ran:";
        for (const auto& e : r.engines) out << " " << e;
        out << ")";
    }
    out << "\n";
    for (const auto& s : r.skipped_engines) out << "               not run: " << s << "\n";
    if (r.fallback_reason) out << "offload:       no: " << *r.fallback_reason << "\n";
    else if (r.offloaded) out << "offload:       yes\n";
    if (r.input_kind == "none") out << "input:         none (maps as loaded)\n";
    else out << "input:         " << (r.input_kind == "gen" ? "generated " : "pcap ") << r.input << "\n";
    out << "packets:       " << r.packets;
    if (r.repeat > 1) out << " (each run " << r.repeat << " times)";
    out << "\n";
    const auto& v = r.verdicts;
    out << "verdicts:      aborted " << v.aborted << ", drop " << v.drop << ", pass " << v.pass << ", tx " << v.tx
        << ", redirect " << v.redirect;
    if (v.invalid) out << ", invalid " << v.invalid;
    out << "\n";
    if (r.packets && r.instructions_executed)
        out << "instructions:  " << fixed(double(*r.instructions_executed) / double(r.packets), 1) << " per packet ("
            << (r.cycles ? "retired by the card's core" : "executed by the interpreter") << ")\n";
    else if (r.packets)
        out << "instructions:  not counted (the JIT does not count the instructions it executes)\n";
    for (const auto& [engine, ns] : r.ns_per_packet) out << "time:          " << fixed(ns, 1) << " ns per packet (" << engine << ")\n";
    if (!j["cycles_per_packet"].is_null()) {
        out << "cycles:        " << fixed(j["cycles_per_packet"].get<double>(), 1) << " per packet, IPC "
            << fixed(j["ipc"].get<double>(), 2) << "\n";
        for (const auto& [mhz, mpps] : j["mpps_at_mhz"].items())
            out << "throughput:    " << fixed(mpps.get<double>(), 2) << " Mpps per core at " << mhz << " MHz\n";
    }
    if (r.mismatches) {
        out << "mismatches:    " << *r.mismatches << "\n";
        for (const auto& m : r.mismatch_details)
            out << "  packet " << m.packet << ": " << m.what << ": " << m.detail << "\n";
    }
    if (r.trace_lines || r.perf_records)
        out << "captured:      " << r.trace_lines << " trace_printk lines, " << r.perf_records << " perf records\n";
    if (r.output_path) out << "output:        " << r.output_packets << " packets written to " << *r.output_path << "\n";
    if (!r.maps.empty()) {
        out << "maps:\n";
        for (const auto& [name, m] : r.maps.items()) {
            out << "  " << name << " (" << m["type"].get<std::string>() << "): ";
            if (m["entries"].is_null()) out << "contents not readable from the host\n";
            else out << m["entries"].size() << " entries\n";
        }
    }
}

void print_map(std::ostream& out, const std::string& name, const nlohmann::json& m) {
    out << "map " << name << ": " << m["type"].get<std::string>() << ", key " << m["key_size"] << " B, value "
        << m["value_size"] << " B, max_entries " << m["max_entries"];
    if (m["entries"].is_null()) {
        out << ", contents not readable from the host\n";
        return;
    }
    out << ", " << m["entries"].size() << " entries\n";
    for (const auto& e : m["entries"])
        out << "key: " << e["key"].get<std::string>() << "  value: " << e["value"].get<std::string>() << "\n";
}

}  // namespace bpfnic
