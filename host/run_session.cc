// SPDX-License-Identifier: MIT
// Running packets through one or more engines, with the cross-check comparison.
#include "host/run_session.h"

#include <fstream>

#include "compiler/error.h"
#include "compiler/platform.h"
#include "host/map_compare.h"
#ifdef BPFNIC_HAVE_HW
#include "driver/hw/hw_engine.h"
#endif

namespace bpfnic {

struct RunSession::Slot {
    std::string name;
    std::unique_ptr<Engine> engine;
    MapSet maps;
    Fib fib;
    ExecEnv env;
    XdpBuff buff;
    TestRunOutput last;
    uint64_t ns_total = 0;
    uint64_t insns_total = 0;
    uint64_t cycles_total = 0;
    std::map<std::string, uint64_t> stalls;  // hardware: stall cycles by cause, summed over packets

    Slot(std::string n, std::unique_ptr<Engine> e, const Object& obj) : name(std::move(n)), engine(std::move(e)), maps(obj.maps) {
        env.maps = &maps;
        env.fib = &fib;
        env.num_programs = static_cast<uint32_t>(obj.programs.size());
    }
};

namespace {

void load_map_files(MapSet& maps, const std::vector<std::pair<std::string, std::string>>& files) {
    for (const auto& [name, path] : files) {
        const int idx = maps.find(name);
        if (idx < 0) throw Error(ErrorKind::NotFound, "--map " + name + "=" + path + ": the object has no map '" + name + "'");
        std::ifstream in(path);
        if (!in) throw Error(ErrorKind::NotFound, path + ": no such file");
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(in);
        } catch (const nlohmann::json::exception& e) {
            throw Error(ErrorKind::BadInput, path + ": not JSON: " + e.what());
        }
        map_from_json(maps.at(static_cast<size_t>(idx)), j, path);
    }
}

std::string describe_redirect(const RedirectTarget& r) {
    switch (r.kind) {
        case RedirectTarget::Kind::None: return "none";
        case RedirectTarget::Kind::Ifindex: return "ifindex " + std::to_string(r.ifindex);
        case RedirectTarget::Kind::Map:
            return "map " + std::to_string(r.map_index) + " key " + std::to_string(r.key) + " (" + std::to_string(r.ifindex) + ")";
    }
    return "?";
}

std::string first_byte_difference(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
    size_t i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
    return "length " + std::to_string(a.size()) + " vs " + std::to_string(b.size()) + ", first difference at byte " + std::to_string(i);
}

std::string engine_not_built(const std::string& name) {
    return name + ": the hardware engine is not part of this build (configure with -DBPFNIC_HW=ON)";
}

}  // namespace

void RunSession::add_hw_counters([[maybe_unused]] Slot& s) {
#ifdef BPFNIC_HAVE_HW
    if (auto* hw = dynamic_cast<HwEngine*>(s.engine.get())) {
        const sim::PerfCounters& c = hw->last_counters();
        s.stalls["load_use"] += c.stall_load_use;
        s.stalls["divide"] += c.stall_div;
        s.stalls["helper"] += c.stall_helper;
        s.stalls["extension"] += c.stall_ext;
        s.stalls["atomic"] += c.stall_atomic;
        s.stalls["branch_flush"] += c.flushes;
        s.stalls["stack_scrub"] += c.scrub;
    }
#endif
}

RunSession::RunSession(const Object& obj, size_t entry, const SessionOptions& opts)
    : repeat_(opts.repeat ? opts.repeat : 1), max_details_(opts.max_mismatch_details) {
    const Program& prog = obj.programs.at(entry);
    report_.object = obj.path;
    report_.program = prog.name;
    report_.section = prog.section;
    report_.engine = opts.engine;
    report_.repeat = repeat_;
    report_.program_instructions = prog.insns.size();

    if (opts.engine == "interp" || opts.engine == "jit") {
        add_slot(opts.engine, obj, entry, opts);
    } else if (opts.engine == "hw") {
        // Offload when the hardware can run the program, else fall back like the driver does.
        try {
            add_slot("hw", obj, entry, opts);
            report_.offloaded = true;
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::Unsupported && e.kind() != ErrorKind::NotFound) throw;
            report_.fallback_reason = e.kind() == ErrorKind::NotFound ? engine_not_built("hw") : std::string(e.what());
            try {
                add_slot("jit", obj, entry, opts);
            } catch (const Error& e2) {
                if (e2.kind() != ErrorKind::Unsupported && e2.kind() != ErrorKind::NotFound) throw;
                add_slot("interp", obj, entry, opts);
            }
        }
    } else if (opts.engine == "xcheck") {
        cross_check_ = true;
        add_slot("interp", obj, entry, opts);
        for (const char* other : {"jit", "hw"}) {
            try {
                add_slot(other, obj, entry, opts);
                if (std::string(other) == "hw") report_.offloaded = true;
            } catch (const Error& e) {
                if (e.kind() != ErrorKind::Unsupported && e.kind() != ErrorKind::NotFound) throw;
                const bool hw = std::string(other) == "hw";
                const std::string why = hw && e.kind() == ErrorKind::NotFound ? engine_not_built("hw") : std::string(e.what());
                report_.skipped_engines.push_back(hw ? why : std::string(other) + ": " + why);
                if (hw) report_.fallback_reason = why;
            }
        }
        report_.mismatches = 0;
    } else {
        check_engine_name(opts.engine);
    }
    if (!opts.trace_path.empty() && !report_.offloaded)
        throw Error(ErrorKind::BadInput, "--trace needs the hardware engine (--engine hw or xcheck) running the program" +
                                             (report_.fallback_reason ? ": " + *report_.fallback_reason : std::string()));
}

void RunSession::check_engine_name(const std::string& name) {
    if (name != "interp" && name != "jit" && name != "hw" && name != "xcheck")
        throw Error(ErrorKind::NotFound, "unknown engine '" + name + "' (known: interp, jit, hw, xcheck)");
}

RunSession::~RunSession() = default;

void RunSession::add_slot(const std::string& name, const Object& obj, size_t entry, const SessionOptions& opts) {
    auto slot = std::make_unique<Slot>(name, make_engine(name), obj);
    load_map_files(slot->maps, opts.map_files);
    slot->engine->load(obj, entry, slot->maps, software_xdp_platform());
#ifdef BPFNIC_HAVE_HW
    if (auto* hw = dynamic_cast<HwEngine*>(slot->engine.get())) {
        if (hw->compiled()) report_.bundles = hw->compiled()->bundles;
        if (!opts.trace_path.empty() && !hw->device().ctrl().trace_on(opts.trace_path))
            throw Error(ErrorKind::BadInput, "--trace " + opts.trace_path + ": cannot write the waveform");
    }
#endif
    report_.engines.push_back(name);
    slots_.push_back(std::move(slot));
}

const TestRunOutput& RunSession::run_packet(std::span<const uint8_t> packet) {
    const uint64_t index = report_.packets;
    TestRunInput in;
    in.data_in.assign(packet.begin(), packet.end());
    in.repeat = repeat_;
    for (size_t i = 0; i < slots_.size(); ++i) {
        Slot& s = *slots_[i];
        try {
            s.last = test_run_xdp(*s.engine, s.env, s.buff, in);
        } catch (const Error& e) {
            throw Error(e.kind(), "packet " + std::to_string(index + 1) + " on " + s.name + ": " + e.what());
        }
        s.ns_total += s.last.duration_ns;
        s.insns_total += s.last.stats.insns;
        s.cycles_total += s.last.stats.cycles;
        add_hw_counters(s);
        if (i > 0) compare(i, index);
    }
    const Slot& ref = *slots_[0];
    report_.packets = index + 1;
    report_.verdicts.add(ref.last.retval);
    report_.trace_lines += ref.last.trace.size();
    report_.perf_records += ref.last.perf.size();
    return ref.last;
}

void RunSession::compare(size_t i, uint64_t packet) {
    Slot& ref = *slots_[0];
    Slot& s = *slots_[i];
    std::string what, detail;
    if (s.last.retval != ref.last.retval) {
        what = "verdict";
        detail = std::string(xdp_action_name(ref.last.retval)) + " (" + std::to_string(ref.last.retval) + ") vs " +
                 xdp_action_name(s.last.retval) + " (" + std::to_string(s.last.retval) + ")";
    } else if (s.last.data_out != ref.last.data_out) {
        what = "data";
        detail = first_byte_difference(ref.last.data_out, s.last.data_out);
    } else if (!(s.last.redirect == ref.last.redirect)) {
        what = "redirect";
        detail = describe_redirect(ref.last.redirect) + " vs " + describe_redirect(s.last.redirect);
    } else if (auto d = first_map_difference(ref.maps, s.maps)) {
        what = "map " + d->first;
        detail = d->second;
    } else {
        return;
    }
    ++mismatch_count_;
    report_.mismatches = mismatch_count_;
    if (report_.mismatch_details.size() < max_details_)
        report_.mismatch_details.push_back({packet + 1, s.name, what, ref.name + " vs " + s.name + ": " + detail});
}

RunReport RunSession::report() {
    RunReport r = report_;
    const Slot& ref = *slots_[0];
    // Every run executes at least its exit: a zero total means the engine does not count.
    if (ref.insns_total || !r.packets) r.instructions_executed = ref.insns_total;
    for (const auto& s : slots_) {
        if (r.packets) r.ns_per_packet[s->name] = double(s->ns_total) / double(r.packets);
        if (s->name == "hw") {
            r.cycles = s->cycles_total;
            r.stalls = s->stalls;
        }
    }
    r.maps = maps_to_json(slots_[0]->maps);
    return r;
}

MapSet& RunSession::reference_maps() { return slots_[0]->maps; }

const TestRunOutput* RunSession::last_output(const std::string& engine) const {
    for (const auto& s : slots_)
        if (s->name == engine) return &s->last;
    return nullptr;
}

}  // namespace bpfnic
