// SPDX-License-Identifier: MIT
// One case, one record.
#include "host/regress/case_run.h"

#include <chrono>
#include <optional>

#include "compiler/error.h"
#include "driver/report.h"
#include "host/driver_session.h"
#include "host/object_select.h"
#include "host/packet_source.h"
#include "host/regress/expect.h"
#include "host/regress/flow_part.h"
#include "host/regress/histogram.h"
#include "host/run_command.h"

namespace bpfnic::regress {

using nlohmann::json;

namespace {

std::string quote(const std::string& s) {
    const bool plain = !s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=,@%+-") == std::string::npos;
    if (plain) return s;
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

// What a run of the case produced, before it becomes a record.
struct Produced {
    RunReport report;
    Histogram insns, cycles;
    bool have_insns = false, have_cycles = false;
};

Produced execute(const RegressCase& c) {
    const Object obj = open_object(c.object);
    const size_t entry = select_entry(obj, c.program);
    if (obj.programs[entry].type != ProgType::Xdp)
        throw Error(ErrorKind::Unsupported, obj.path + ": " + obj.programs[entry].name + ": program type " +
                                                prog_type_name(obj.programs[entry].type) + " is not supported (XDP only)");
    if (c.verify) verify_entry(obj, entry);
    PacketSource src = c.input_kind == "pcap" ? PacketSource::from_pcap(c.input) : PacketSource::from_spec(c.input);
    // The case runs on the driver: "hw" and "xcheck" on the simulated card when the build has one.
    Device dev(c.engine == "hw" || c.engine == "xcheck");
    SessionSpec spec;
    spec.prog = obj.programs[entry].name;
    spec.engine = c.engine;
    spec.repeat = c.repeat;
    Session session(dev, obj, spec);
    std::vector<std::string> inits;
    for (const auto& [name, path] : c.map_files) inits.push_back(name + "=" + path);
    fill_maps(session.prog(), inits, "map");

    Produced p;
    const std::vector<std::string> names = session.engines();
    // The interpreter counts its instructions (alone, or as the cross-check's reference); the
    // card's core counts cycles.
    p.have_insns = !names.empty() && names[0] == "interp";
    p.have_cycles = bpfnic_prog__offloaded(session.prog());
    PcapPacket pkt;
    while (src.next(pkt)) {
        if (c.parts > 1 && flow_part(pkt.data, c.parts) != c.part) continue;
        try {
            const bpfnic_session_packet out = session.run(pkt.data);
            if (p.have_insns) p.insns.add(out.insns);
            if (p.have_cycles) p.cycles.add(out.cycles);
        } catch (const Error& e) {
            throw Error(e.kind(), (src.kind() == "gen" ? "generated traffic" : src.description()) + ": packet " +
                                      std::to_string(src.index()) + ": " + e.what());
        }
    }
    p.report = session.report(obj, entry);
    p.report.input_kind = src.kind();
    p.report.input = src.description();
    return p;
}

}  // namespace

std::string repro_command(const Suite& suite, const RegressCase& c, const std::string& exe) {
    std::string cmd = quote(exe) + " regress " + quote(suite.path) + " --case " + quote(c.id);
    if (!suite.examples_dir.empty()) cmd += " --examples " + quote(suite.examples_dir);
    return cmd;
}

json run_case(const Suite& suite, const RegressCase& c, const RecordContext& ctx) {
    json r;
    r["schema"] = kRecordSchema;
    r["suite"] = suite.name;
    r["suite_digest"] = suite.digest;
    r["suite_path"] = suite.path;
    r["suite_cases"] = suite.cases.size();
    r["shard"] = {ctx.shard.index, ctx.shard.count};
    r["case"] = c.id;
    r["group"] = c.group;
    r["part"] = c.parts > 1 ? json{c.part, c.parts} : json(nullptr);
    r["object"] = c.object;
    r["program"] = c.program.empty() ? json(nullptr) : json(c.program);
    r["engine"] = c.engine;
    r["config"] = c.config ? c.config->to_json() : json(nullptr);
    r["input"] = {{"kind", c.input_kind}, {"source", c.input}};
    r["repeat"] = c.repeat;
    r["maps_per_flow"] = c.per_flow;
    r["expect"] = c.expect;
    r["expect_at"] = c.parts > 1 ? "group" : "case";
    r["repro"] = repro_command(suite, c, ctx.exe);
    if (c.parts > 1) {
        // Every part of the trace, so the whole trace's expectation is checked again.
        std::string all = repro_command(suite, c, ctx.exe);
        for (uint32_t p = 0; p < c.parts; ++p)
            if (p != c.part) all += " --case " + c.group + "/flow" + std::to_string(p) + "of" + std::to_string(c.parts);
        r["repro_group"] = all;
    }

    const auto start = std::chrono::steady_clock::now();
    Outcome o;
    std::optional<Produced> p;
    std::string error_message;
    try {
        p = execute(c);
    } catch (const Error& e) {
        o.error = error_kind_name(e.kind());
        error_message = e.what();
    } catch (const std::bad_alloc&) {
        o.error = "runtime";
        error_message = "out of memory";
    } catch (const std::exception& e) {
        o.error = "internal";
        error_message = e.what();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    json wall = {{"seconds", seconds}, {"ns_per_packet", json::object()}};
    if (p) {
        const json rep = to_json(p->report);
        o.packets = p->report.packets;
        o.verdicts = rep["verdicts"];
        o.offloaded = p->report.offloaded;
        o.mismatches = p->report.mismatches.value_or(0);
        r["engines"] = rep["engines"];
        r["program"] = p->report.program;
        r["packets"] = o.packets;
        r["verdicts"] = o.verdicts;
        r["offloaded"] = o.offloaded;
        r["fallback_reason"] = rep["fallback_reason"];
        r["skipped_engines"] = rep["skipped_engines"];
        r["mismatches"] = rep["mismatches"];
        r["mismatch_details"] = rep["mismatch_details"];
        r["instructions"] = rep["instructions"];
        r["instructions_executed"] = rep["instructions_executed"];
        r["cycles"] = p->report.cycles ? json(*p->report.cycles) : json(nullptr);
        r["stalls"] = rep["stalls"];
        r["histograms"] = {{"insns_per_packet", p->have_insns ? p->insns.to_json() : json(nullptr)},
                           {"cycles_per_packet", p->have_cycles ? p->cycles.to_json() : json(nullptr)}};
        r["maps_digest"] = hex64(fnv1a(rep["maps"].dump()));
        r["error"] = nullptr;
        wall["ns_per_packet"] = rep["ns_per_packet"];
    } else {
        r["packets"] = uint64_t{0};
        r["verdicts"] = nullptr;
        r["error"] = {{"kind", *o.error}, {"message", error_message}};
    }
    r["wall"] = wall;

    // Status: an expected error passes; otherwise errors are failures or infrastructure errors by
    // kind; a finished case fails on mismatches or unmet expectations (of the whole trace for
    // flow parts: checked when the parts are merged).
    std::vector<std::string> reasons;
    std::string status = "pass";
    const bool error_expected = !c.expect.is_null() && c.expect.contains("error");
    if (o.error && !error_expected) {
        status = is_failure_kind(*o.error) ? "fail" : "error";
        reasons.push_back(*o.error + ": " + error_message);
    } else if (c.parts == 1 || error_expected) {
        reasons = unmet_expectations(c.expect, o);
        if (!reasons.empty()) status = "fail";
    }
    const bool mismatches_expected = !c.expect.is_null() && c.expect.contains("mismatches");
    if (!o.error && o.mismatches && !mismatches_expected) {
        status = "fail";
        std::string first;
        if (p && !p->report.mismatch_details.empty()) {
            const Mismatch& m = p->report.mismatch_details.front();
            first = " (first: packet " + std::to_string(m.packet) + ", " + m.what + ": " + m.detail + ")";
        }
        reasons.push_back(std::to_string(o.mismatches) + " mismatches between engines" + first);
    }
    r["status"] = status;
    r["reasons"] = reasons;
    return r;
}

}  // namespace bpfnic::regress
