// SPDX-License-Identifier: MIT
// Sessions: a program loaded on an engine chosen by name, packets run with faults reported and
// every engine timed, and the statistics of the whole stream.
#include "driver/api/session.h"

#include <cerrno>
#include <cstddef>

#include "driver/api/internal.h"
#include "driver/api/offload.h"
#include "driver/api/session_trace.h"
#include "driver/test_run.h"
#ifdef BPFNIC_HAVE_CARD
#include "firmware/card.h"
#endif

using namespace bpfnic;
using namespace bpfnic::api;

bpfnic_session::~bpfnic_session() {
    trace.reset();
    timed.clear();
    bpfnic_prog__unload(prog);
}

namespace {

constexpr const char* kEngines = "interp, jit, hw, xcheck";

unsigned card_lanes() {
#ifdef BPFNIC_HAVE_CARD
    return fw::Card::kLanes;
#else
    return 4;
#endif
}

/// The program on the interpreter alone (verified unless asked not to: the interpreter checks
/// every access itself).
int load_interp(bpfnic_dev* dev, const Object& obj, const char* prog_name, bool verify, bpfnic_prog** out) {
    if (obj.programs.empty()) return fail(-ENOENT, obj.path + ": no programs");
    size_t entry = 0;
    if (prog_name) {
        const Program* found = obj.find_program(prog_name);
        if (!found) return fail(-ENOENT, obj.path + ": no program named '" + prog_name + "'");
        entry = static_cast<size_t>(found - obj.programs.data());
    }
    auto p = std::make_unique<bpfnic_prog>();
    p->dev = dev;
    p->obj = obj;
    p->entry = entry;
    p->name = obj.programs[entry].name;
    p->fallback_reason = "engine=interp";
    try {
        if (verify) verify_or_throw(p->obj, p->entry);
        p->software.push_back(std::make_unique<EngineTarget>("interp", p->obj, p->entry));
    } catch (const Error& e) {
        return fail(errno_of(e), e.what());
    }
    p->primary = p->software.front().get();
    for (size_t i = 0; i < p->obj.maps.size(); ++i)
        p->maps.push_back(std::make_unique<bpfnic_map>(bpfnic_map{p.get(), static_cast<uint32_t>(i), p->obj.maps[i]}));
    dev->progs.push_back(p.get());
    *out = p.release();
    return 0;
}

/// The software engine whose bpf_trace_printk lines and perf records a packet's result reports:
/// the cross-check's reference, else the program's engine when it runs in software.
EngineTarget* output_engine(bpfnic_prog& p) {
    for (auto& t : p.software)
        if (p.xcheck ? std::string(t->name()) == "interp" : t.get() == p.primary) return t.get();
    return nullptr;
}

/// Whether the interpreter runs the session's packets (alone, or as the cross-check's reference):
/// the software engine that counts the instructions it executes.
bool interp_counts(const bpfnic_prog& p) { return p.xcheck || std::string(p.primary->name()) == "interp"; }

bpfnic_core_counters minus(const bpfnic_core_counters& a, const bpfnic_core_counters& b) {
    bpfnic_core_counters d;
    d.cycles = a.cycles - b.cycles;
    d.bundles = a.bundles - b.bundles;
    d.insns = a.insns - b.insns;
    d.packets = a.packets - b.packets;
    d.errors = a.errors - b.errors;
    d.stalls.load_use = a.stalls.load_use - b.stalls.load_use;
    d.stalls.divide = a.stalls.divide - b.stalls.divide;
    d.stalls.helper = a.stalls.helper - b.stalls.helper;
    d.stalls.extension = a.stalls.extension - b.stalls.extension;
    d.stalls.atomic = a.stalls.atomic - b.stalls.atomic;
    d.stalls.branch_flush = a.stalls.branch_flush - b.stalls.branch_flush;
    d.stalls.stack_scrub = a.stalls.stack_scrub - b.stalls.stack_scrub;
    return d;
}

}  // namespace

int bpfnic_session__open(bpfnic_dev* dev, const Object& obj, const bpfnic_session_opts* opts, bpfnic_session** session) {
    clear_error();
    if (!dev || !session) return fail(-EINVAL, "session open: null argument");
    *session = nullptr;
    bpfnic_session_opts o = BPFNIC_SESSION_OPTS();
    if (opts) {
        if (opts->sz < offsetof(bpfnic_session_opts, trace_path) + sizeof(const char*))
            return fail(-EINVAL, "session open: opts.sz " + std::to_string(opts->sz) + " is too small");
        o = *opts;
    }
    const std::string engine = o.engine ? o.engine : "hw";
    if (engine != "interp" && engine != "jit" && engine != "hw" && engine != "xcheck")
        return fail(-ENOENT, "unknown engine '" + engine + "' (known: " + kEngines + ")");
    if (!o.verify && engine != "interp")
        return fail(-EINVAL, "engine " + engine + " runs verified programs only (an unverified one needs the interpreter)");
    auto s = std::make_unique<bpfnic_session>();
    s->dev = dev;
    s->repeat = o.repeat ? o.repeat : 1;
    int rc = 0;
    if (engine == "interp") {
        rc = load_interp(dev, obj, o.prog_name, o.verify, &s->prog);
    } else {
        bpfnic_prog_load_opts lo = BPFNIC_PROG_LOAD_OPTS();
        lo.prog_name = o.prog_name;
        lo.offload = engine == "jit" ? BPFNIC_OFFLOAD_NEVER : BPFNIC_OFFLOAD_AUTO;
        lo.xcheck = engine == "xcheck";
        rc = bpfnic_prog__load_object(dev, obj, &lo, &s->prog);
    }
    if (rc) return rc;
    // Every engine but the cross-check's reference is timed.
    for (Target* t : s->prog->targets())
        if (!s->prog->xcheck || std::string(t->name()) != "interp") s->timed.push_back(std::make_unique<TimedTarget>(*t));
    if (o.trace_path) {
        if (!s->prog->offloaded)
            return fail(-EOPNOTSUPP, std::string("trace: the program is not on the card: ") + s->prog->fallback_reason);
        try {
            s->trace = std::make_unique<TraceReplay>(s->prog->obj, s->prog->entry, card_lanes(), o.trace_path);
        } catch (const Error& e) {
            return fail(errno_of(e), e.what());
        }
    }
    if (s->prog->offloaded) read_core_counters(*dev, s->core_at_open);
    *session = s.release();
    return 0;
}

void bpfnic_session__close(bpfnic_session* session) { delete session; }

bpfnic_prog* bpfnic_session__prog(bpfnic_session* session) { return session ? session->prog : nullptr; }

std::vector<std::string> bpfnic_session__engines(const bpfnic_session* session) {
    std::vector<std::string> out;
    if (!session) return out;
    if (session->prog->xcheck) out.push_back("interp");
    for (const auto& t : session->timed) out.push_back(t->name());
    return out;
}

int bpfnic_session__run(bpfnic_session* session, const void* data, uint32_t size, bpfnic_session_packet* out) {
    clear_error();
    if (!session || !out) return fail(-EINVAL, "session run: null argument");
    if (!data || size == 0) return fail(-EINVAL, "the packet is empty");
    if (size > XdpBuff::kMaxPacket)
        return fail(-EINVAL, "packet of " + std::to_string(size) + " bytes exceeds the " +
                                 std::to_string(XdpBuff::kMaxPacket) + "-byte maximum");
    const auto* bytes = static_cast<const uint8_t*>(data);
    const std::vector<uint8_t> packet(bytes, bytes + size);
    bpfnic_prog& p = *session->prog;
    PacketOutcome o;
    try {
        for (uint32_t i = 0; i < session->repeat; ++i) {
            if (p.xcheck) {
                std::vector<Target*> others;
                for (auto& t : session->timed) others.push_back(t.get());
                o = p.xcheck->run(packet, others);
                ++session->ref_runs;
                session->ref_ns += p.xcheck->last_reference().duration_ns;
            } else {
                TimedTarget& t = *session->timed.front();
                o = t.run(packet);
                if (!o.fault.empty()) return fail(-EFAULT, std::string(t.name()) + ": " + o.fault);
            }
            if (session->trace) session->trace->run(*p.primary, packet);
        }
    } catch (const Error& e) {
        return fail(errno_of(e), e.what());
    }
    ++session->packets;
    count_verdict(session->verdicts, o.verdict);
    // The engine's count (the card's retired instructions, the interpreter's, 0 from the JIT); in
    // cross-check mode the reference's.
    const uint64_t insns = p.xcheck ? p.xcheck->last_reference().insns : o.insns;
    if (interp_counts(p)) session->insns += insns;
    if (EngineTarget* sw = output_engine(p)) {
        session->trace_lines += sw->env().trace.size();
        session->perf_records += sw->env().perf.size();
    }
    out->verdict = o.verdict;
    out->data = std::move(o.data);
    out->redirect = o.redirect;
    out->cycles = o.cycles;
    out->insns = insns;
    return 0;
}

int bpfnic_session__stats(bpfnic_session* session, bpfnic_session_stats* stats) {
    clear_error();
    if (!session || !stats) return fail(-EINVAL, "session stats: null argument");
    *stats = bpfnic_session_stats{};
    stats->packets = session->packets;
    stats->verdicts = session->verdicts;
    stats->trace_lines = session->trace_lines;
    stats->perf_records = session->perf_records;
    stats->insns = session->insns;
    stats->insns_counted = interp_counts(*session->prog);
    if (session->prog->xcheck) stats->engines.push_back({"interp", session->ref_runs, session->ref_ns});
    for (const auto& t : session->timed) stats->engines.push_back({t->name(), t->runs(), t->ns_total()});
    bpfnic_core_counters now;
    if (session->prog->offloaded && read_core_counters(*session->dev, now)) {
        stats->on_card = true;
        stats->core = minus(now, session->core_at_open);
    }
    return 0;
}
