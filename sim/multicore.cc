// SPDX-License-Identifier: MIT
// MultiCore: the dispatcher, the arbiter and the lockstep loop over the cores.
#include "sim/multicore.h"

#include <algorithm>
#include <deque>
#include <stdexcept>
#include <string>

#include <verilated.h>

#include "sim/address_map.h"

namespace bpfnic::sim {

namespace {

// Services of the stack-clearing pass at load time: the pass never reaches the ports.
class NoMaps final : public MapMemory {
public:
    ExtResponse access(const ExtRequest&) override { return {0, true, 1}; }
};
class NoHelpers final : public HelperUnit {
public:
    HelperResponse call(Device&, int32_t, const uint64_t*) override { return {0, false, true, 1}; }
};

// Flow key to core: a 32-bit finaliser (good avalanche), so neighbouring keys spread.
unsigned core_of_flow(uint32_t key, unsigned cores) {
    uint32_t h = key;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h % cores;
}

}  // namespace

const char* dispatch_name(Dispatch d) {
    switch (d) {
        case Dispatch::RoundRobin: return "round-robin";
        case Dispatch::FlowHash: return "flow-hash";
    }
    return "?";
}

MultiCore::MultiCore(const MultiCoreConfig& cfg) : cfg_(cfg) {
    if (cfg.cores == 0) throw std::invalid_argument("multi-core device: zero cores");
    if (cfg.grants_per_cycle == 0) throw std::invalid_argument("multi-core device: zero grants per cycle");
    if (cfg.queue_depth == 0) throw std::invalid_argument("multi-core device: zero queue depth");
    for (unsigned i = 0; i < cfg.cores; ++i) devs_.push_back(std::make_unique<Device>(cfg.lanes));
    slots_.assign(cfg.cores, Slot{});
}

MultiCore::~MultiCore() {
    // Verilator 5.006 unregisters a model's scopes through the thread's current context: the one
    // constructed last, here the last core's, which is gone once that core is freed. A context
    // that lives as long as the process is made current before each core is freed, and stays
    // current, so that freeing any other model later (built before this device) is safe too.
    static VerilatedContext* const spare = new VerilatedContext;  // never freed
    while (!devs_.empty()) {
        Verilated::threadContextp(spare);
        devs_.pop_back();
    }
}

void MultiCore::load_program(std::span<const uint64_t> slots) {
    // A reset leaves every stack row marked dirty, so a core's first packet would scrub the whole
    // stack. One run of "r0 = 0; exit" per core clears it here, outside any measurement.
    const unsigned n = cfg_.lanes;
    std::vector<uint64_t> clear(2 * n, 0);
    clear[0] = 0xb7;      // mov r0, 0
    clear[n] = 0x95;      // exit
    NoMaps no_maps;
    NoHelpers no_helpers;
    for (auto& d : devs_) {
        d->load_program(clear);
        const RunResult r = d->run(0, 0, 0, no_maps, no_helpers);
        if (r.trapped || r.timed_out) throw std::logic_error("multi-core device: the stack-clearing run failed");
        d->load_program(slots);
    }
}

void MultiCore::start(unsigned c, size_t packet, uint64_t now, MultiCoreClient& client, MultiCoreResult& res) {
    Device& dev = *devs_[c];
    Slot& s = slots_[c];
    s.busy = true;
    s.packet = packet;
    s.local = now;
    s.started = now;
    s.waits = 0;
    const uint64_t c0 = dev.ctrl().cycle();
    const uint64_t r1 = client.stage(c, dev, packet);
    if (!cfg_.overlap_staging) s.local += dev.ctrl().cycle() - c0;
    CoreModel& m = dev.model();
    m.set_start(true, 0, r1, 0);
    dev.ctrl().tick();
    m.set_start(false, 0, 0, 0);
    m.eval();
    s.local += 1;
    res.outcomes[packet].core = c;
    res.outcomes[packet].start_cycle = now;
}

void MultiCore::finish(unsigned c, bool timed_out, MultiCoreClient& client, MultiCoreResult& res) {
    Device& dev = *devs_[c];
    Slot& s = slots_[c];
    CoreModel& m = dev.model();
    PacketOutcome& o = res.outcomes[s.packet];
    o.timed_out = timed_out;
    o.grant_waits = s.waits;
    if (timed_out) {
        // As Device::run: reset the core and clear the stack the program may have written.
        dev.ctrl().reset(2);
        m.set_prog_len(dev.program_bundles());
        m.eval();
        dev.write_mem(addr::kStackBase, std::vector<uint8_t>(addr::kStackBytes, 0));
    } else {
        o.r0 = m.result();
        o.trapped = m.trapped();
        o.trap_cause = m.trap_cause();
        const uint64_t c0 = dev.ctrl().cycle();
        client.complete(c, dev, s.packet, o);
        if (!cfg_.overlap_staging) s.local += dev.ctrl().cycle() - c0;
    }
    o.end_cycle = s.local;
    CoreStats& cs = res.cores[c];
    ++cs.packets;
    cs.busy_cycles += s.local - s.started;
    s.busy = false;
}

void MultiCore::step(unsigned c, unsigned& grants_left, MultiCoreClient& client, MultiCoreResult& res) {
    Device& dev = *devs_[c];
    Slot& s = slots_[c];
    CoreModel& m = dev.model();
    if (m.done()) {
        finish(c, false, client, res);
        return;
    }
    if (cfg_.max_cycles_per_packet && s.local - s.started > cfg_.max_cycles_per_packet) {
        finish(c, true, client, res);
        return;
    }
    CoreStats& cs = res.cores[c];
    const uint64_t c0 = dev.ctrl().cycle();
    ExtRequest ext;
    int32_t helper_id = 0;
    uint64_t args[5];
    const bool wants_map = m.ext_request(ext);
    const bool wants_helper = !wants_map && m.helper_request(helper_id, args);
    if ((wants_map || wants_helper) && grants_left == 0) {
        dev.ctrl().tick();  // the request stays up: a stall cycle of the core
        ++s.waits;
        ++cs.grant_waits;
    } else if (wants_map) {
        --grants_left;
        ++cs.grants;
        const ExtResponse rsp = client.maps(c).access(ext);
        for (uint32_t i = 1; i < rsp.latency; ++i) dev.ctrl().tick();
        m.set_ext_response(true, rsp.rdata, rsp.error);
        dev.ctrl().tick();
        m.set_ext_response(false, 0, false);
        m.eval();
    } else if (wants_helper) {
        --grants_left;
        ++cs.grants;
        const HelperResponse rsp = client.helpers(c).call(dev, helper_id, args);
        for (uint32_t i = 1; i < rsp.latency; ++i) dev.ctrl().tick();
        m.set_helper_response(true, rsp.r0, rsp.exit, rsp.error);
        dev.ctrl().tick();
        m.set_helper_response(false, 0, false, false);
        m.eval();
    } else {
        dev.ctrl().tick();
    }
    s.local += dev.ctrl().cycle() - c0;
}

MultiCoreResult MultiCore::run(size_t packets, MultiCoreClient& client) {
    for (auto& d : devs_) {
        if (d->program_bundles() == 0) throw std::logic_error("multi-core device: run before a program was loaded");
    }
    const unsigned n = cores();
    MultiCoreResult res;
    res.packets = packets;
    res.cores.assign(n, CoreStats{});
    res.outcomes.assign(packets, PacketOutcome{});
    std::vector<PerfCounters> before;
    for (auto& d : devs_) before.push_back(d->counters());
    for (Slot& s : slots_) s = Slot{};

    size_t next = 0, finished = 0;
    unsigned rr = 0;
    uint64_t t = 0;
    std::vector<std::deque<size_t>> queues(n);
    auto idle = [&](unsigned c) { return !slots_[c].busy && slots_[c].local <= t; };
    while (finished < packets) {
        // Dispatch: at most one packet per cycle.
        if (cfg_.dispatch == Dispatch::RoundRobin) {
            if (next < packets) {
                bool placed = false;
                for (unsigned k = 0; k < n && !placed; ++k) {
                    const unsigned c = (rr + k) % n;
                    if (!idle(c)) continue;
                    start(c, next++, t, client, res);
                    rr = (c + 1) % n;
                    placed = true;
                }
                if (!placed) ++res.dispatch_waits;
            }
        } else {
            if (next < packets) {
                std::deque<size_t>& q = queues[core_of_flow(client.flow_of(next), n)];
                if (q.size() < cfg_.queue_depth) q.push_back(next++);
                else ++res.dispatch_waits;
            }
            for (unsigned c = 0; c < n; ++c) {
                if (!queues[c].empty() && idle(c)) {
                    start(c, queues[c].front(), t, client, res);
                    queues[c].pop_front();
                }
            }
        }
        // Every core whose next step falls in this cycle, in rotating priority order.
        unsigned grants_left = cfg_.grants_per_cycle;
        for (unsigned k = 0; k < n; ++k) {
            const unsigned c = static_cast<unsigned>((t + k) % n);
            Slot& s = slots_[c];
            if (!s.busy || s.local != t) continue;
            step(c, grants_left, client, res);
            if (!s.busy) ++finished;
        }
        ++t;
    }
    for (unsigned c = 0; c < n; ++c) {
        res.cycles = std::max(res.cycles, slots_[c].local);
        res.cores[c].counters = devs_[c]->counters() - before[c];
        res.grant_waits += res.cores[c].grant_waits;
        res.grants += res.cores[c].grants;
    }
    return res;
}

}  // namespace bpfnic::sim
