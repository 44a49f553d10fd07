// SPDX-License-Identifier: MIT
// The device and session handles and the run report built from the driver's answers.
#include "host/driver_session.h"

#include <algorithm>
#include <cerrno>

#include "compiler/error.h"
#include "driver/test_run.h"
#include "host/map_json.h"

namespace bpfnic {

void throw_driver_error(int rc, const std::string& what) {
    ErrorKind kind = ErrorKind::Internal;
    switch (-rc) {
        case EINVAL: case ENOSPC: kind = ErrorKind::BadInput; break;
        case ENOENT: kind = ErrorKind::NotFound; break;
        case EACCES: kind = ErrorKind::Rejected; break;
        case EOPNOTSUPP: kind = ErrorKind::Unsupported; break;
        case EFAULT: kind = ErrorKind::Runtime; break;
        default: break;
    }
    const std::string msg = bpfnic_last_error();
    throw Error(kind, what.empty() ? msg : what + ": " + msg);
}

Device::Device(bool hardware) {
    bpfnic_dev_opts o = BPFNIC_DEV_OPTS();
    o.hardware = hardware;
    if (const int rc = bpfnic_dev__open(&o, &dev_)) throw_driver_error(rc);
}

Device::~Device() { bpfnic_dev__close(dev_); }

Session::Session(Device& dev, const Object& obj, const SessionSpec& spec) : spec_(spec) {
    bpfnic_session_opts o = BPFNIC_SESSION_OPTS();
    o.prog_name = spec.prog.empty() ? nullptr : spec.prog.c_str();
    o.engine = spec.engine.c_str();
    o.verify = spec.verify;
    o.repeat = spec.repeat;
    o.trace_path = spec.trace ? spec.trace->c_str() : nullptr;
    if (const int rc = bpfnic_session__open(dev.get(), obj, &o, &session_)) {
        if (spec.trace && rc == -EOPNOTSUPP)
            throw Error(ErrorKind::BadInput, "--trace needs the hardware engine (--engine hw or xcheck) running the program: " +
                                                 std::string(bpfnic_last_error()));
        throw_driver_error(rc);
    }
}

Session::~Session() { bpfnic_session__close(session_); }

bpfnic_session_packet Session::run(const std::vector<uint8_t>& packet) {
    bpfnic_session_packet out;
    if (const int rc = bpfnic_session__run(session_, packet.data(), static_cast<uint32_t>(packet.size()), &out))
        throw_driver_error(rc);
    return out;
}

bpfnic_session_stats Session::stats() const {
    bpfnic_session_stats s;
    if (const int rc = bpfnic_session__stats(session_, &s)) throw_driver_error(rc);
    return s;
}

namespace {

std::string verdict_text(uint32_t v) { return std::string(xdp_action_name(v)) + " (" + std::to_string(v) + ")"; }

/// The cross-check's first mismatch as a report entry.
Mismatch first_mismatch(const bpfnic_xcheck_report& x) {
    Mismatch m;
    m.packet = x.first_packet + 1;
    m.engine = x.first_engine;
    m.what = x.first_what;
    m.detail = x.engines.front() + " vs " + x.first_engine + ": " + verdict_text(x.first_expected.verdict) + " vs " +
               verdict_text(x.first_actual.verdict) + ", " + std::to_string(x.first_expected.data.size()) + " vs " +
               std::to_string(x.first_actual.data.size()) + " bytes out";
    if (!x.first_divergence.empty()) m.detail += "; " + x.first_divergence;
    return m;
}

}  // namespace

RunReport Session::report(const Object& obj, size_t entry) const {
    const Program& p = obj.programs.at(entry);
    bpfnic_prog* prog = this->prog();
    const bpfnic_session_stats s = stats();
    RunReport r;
    r.object = obj.path;
    r.program = p.name;
    r.section = p.section;
    r.engine = spec_.engine;
    r.engines = engines();
    r.repeat = spec_.repeat;
    r.program_instructions = p.insns.size();
    r.packets = s.packets;
    r.verdicts.aborted = s.verdicts.aborted;
    r.verdicts.drop = s.verdicts.drop;
    r.verdicts.pass = s.verdicts.pass;
    r.verdicts.tx = s.verdicts.tx;
    r.verdicts.redirect = s.verdicts.redirect;
    const bool hw_asked = spec_.engine == "hw" || spec_.engine == "xcheck";
    r.offloaded = bpfnic_prog__offloaded(prog);
    if (hw_asked && !r.offloaded) r.fallback_reason = bpfnic_prog__fallback_reason(prog);
    if (r.offloaded) r.bundles = bpfnic_prog__bundles(prog);
    if (s.on_card) {
        // The card's core counters cover every run; the report gives one run per packet.
        const uint64_t runs = std::max<uint64_t>(1, spec_.repeat);
        r.cycles = s.core.cycles / runs;
        r.instructions_executed = s.core.insns / runs;
        const bpfnic_stalls& st = s.core.stalls;
        r.stalls = {{"load_use", st.load_use / runs},   {"divide", st.divide / runs},
                    {"helper", st.helper / runs},       {"extension", st.extension / runs},
                    {"atomic", st.atomic / runs},       {"branch_flush", st.branch_flush / runs},
                    {"stack_scrub", st.stack_scrub / runs}};
    } else if (s.insns_counted) {
        // The interpreter's count (alone, or as the cross-check's reference off the card).
        r.instructions_executed = s.insns;
    }
    for (const auto& e : s.engines)
        if (e.runs) r.ns_per_packet[e.engine] = e.ns_total / double(e.runs);
    if (spec_.engine == "xcheck") {
        bpfnic_xcheck_report x;
        if (const int rc = bpfnic_prog__xcheck_report(prog, &x)) throw_driver_error(rc);
        r.mismatches = x.mismatches;
        if (x.mismatches) r.mismatch_details.push_back(first_mismatch(x));
        if (!r.offloaded) r.skipped_engines.push_back("hw: " + *r.fallback_reason);
        if (std::find(r.engines.begin(), r.engines.end(), "jit") == r.engines.end())
            r.skipped_engines.push_back("jit: the JIT does not take this program (verified programs without callx only)");
    }
    r.trace_lines = s.trace_lines;
    r.perf_records = s.perf_records;
    r.maps = prog_maps_to_json(prog);
    return r;
}

}  // namespace bpfnic
