// SPDX-License-Identifier: MIT
// MultiCore: a multi-core configuration of the device: N simulated bpfnic cores (each its own
// Verilated model) behind a packet dispatcher, sharing one map memory and one set of helper units
// through an arbiter that grants a limited number of port accesses per cycle. All cores are
// stepped together, cycle by cycle, so a core that is refused a grant stalls for real and the
// contention is measured in cycles (docs/benchmarks.md, "Scaling").
//
// Clocking. The multi-core device has one global clock. Each core keeps a local cycle count: one
// for each clock of its Verilated model while it holds a packet. In global cycle t every core
// whose local count equals t takes one step: a plain clock, or the service of its map-port or
// helper-port request. A granted service may take several clocks (the answer's latency; a helper
// call's control-port traffic to the core's own memories): the core's local count then runs ahead
// and the core is not stepped again until the global clock catches up. Requests are therefore
// served in global cycle order, and in a cycle in the order of a priority that rotates by one core
// per cycle (round-robin arbitration).
//
// Arbiter. Every map-port access (load, store, atomic on a map value) and every helper call needs
// one grant in the cycle it is presented; at most `grants_per_cycle` are given per cycle. A core
// that gets none keeps its request up for the next cycle (the core stalls, as it does on a slow
// map unit): the cycles spent so are counted per core as contention stalls.
//
// Dispatcher. Packets enter in order, at most one per cycle. Round robin hands each packet to the
// next idle core after the last one used (work-conserving); flow hash appends it to the input
// queue of the core its flow key selects (per-flow order kept; `queue_depth` packets per core)
// and waits while that queue is full (head-of-line blocking); an idle core takes the packet at
// the head of its queue. Staging a packet into a core's packet buffer and reading it back use the core's
// control port; with `overlap_staging` (default) those clocks are not counted on the core's
// local clock: the packet memory is taken as double-buffered, filled and drained by the packet
// path while the core runs another packet, as in a NIC's receive and transmit streams.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "sim/device.h"
#include "sim/services.h"

namespace bpfnic::sim {

enum class Dispatch : uint8_t { RoundRobin, FlowHash };
const char* dispatch_name(Dispatch d);

struct MultiCoreConfig {
    unsigned cores = 1;
    unsigned lanes = 4;               ///< a configuration built into bpfnic_sim
    unsigned grants_per_cycle = 1;    ///< map-port accesses and helper calls granted per cycle
    Dispatch dispatch = Dispatch::RoundRobin;
    unsigned queue_depth = 4;         ///< flow hash: packets waiting per core
    bool overlap_staging = true;      ///< staging and read-back not on the core's clock
    uint64_t max_cycles_per_packet = Device::kDefaultTimeout;
};

/// One packet's outcome on the multi-core device.
struct PacketOutcome {
    unsigned core = 0;
    uint64_t r0 = 0;
    bool trapped = false;
    unsigned trap_cause = 0;
    bool timed_out = false;
    uint64_t start_cycle = 0;     ///< global cycle the core took the packet
    uint64_t end_cycle = 0;       ///< global cycle after its last clock
    uint64_t grant_waits = 0;     ///< cycles it stalled waiting for the arbiter
};

/// What the multi-core device needs from its user: per-core map and helper units (they may all
/// serve one shared store: the arbiter is what makes it one memory), and the staging of packets.
class MultiCoreClient {
public:
    virtual ~MultiCoreClient() = default;
    virtual MapMemory& maps(unsigned core) = 0;
    virtual HelperUnit& helpers(unsigned core) = 0;
    /// Flow key of a packet (flow-hash dispatch).
    virtual uint32_t flow_of(size_t packet) = 0;
    /// Writes the packet and its context into the core's memories; returns r1 for the run.
    virtual uint64_t stage(unsigned core, Device& dev, size_t packet) = 0;
    /// The packet ended (not called for a timed-out one): read back what it produced.
    virtual void complete(unsigned core, Device& dev, size_t packet, const PacketOutcome& out) = 0;
};

struct CoreStats {
    uint64_t packets = 0;
    uint64_t busy_cycles = 0;     ///< local clocks spent on packets
    uint64_t grant_waits = 0;     ///< cycles stalled waiting for a grant
    uint64_t grants = 0;          ///< map-port accesses and helper calls granted
    PerfCounters counters;        ///< the core's own counters over the run
};

struct MultiCoreResult {
    uint64_t cycles = 0;          ///< global cycles from the first dispatch to the last packet's end
    uint64_t packets = 0;
    uint64_t grant_waits = 0;     ///< all cores
    uint64_t grants = 0;
    uint64_t dispatch_waits = 0;  ///< cycles the dispatcher held a packet (no idle core, or its queue full)
    std::vector<CoreStats> cores;
    std::vector<PacketOutcome> outcomes;  ///< by packet index
    double packets_per_cycle() const { return cycles ? static_cast<double>(packets) / static_cast<double>(cycles) : 0.0; }
};

class MultiCore {
public:
    /// Throws std::invalid_argument for zero cores, grants or queue depth, or a lane count that was
    /// not built.
    explicit MultiCore(const MultiCoreConfig& cfg);
    ~MultiCore();
    MultiCore(const MultiCore&) = delete;
    MultiCore& operator=(const MultiCore&) = delete;

    const MultiCoreConfig& config() const { return cfg_; }
    unsigned cores() const { return static_cast<unsigned>(devs_.size()); }
    Device& core(unsigned i) { return *devs_.at(i); }

    /// Loads the same program into every core (`slots`: bundles * lanes, bundle-major).
    void load_program(std::span<const uint64_t> slots);

    /// Runs `packets` packets through the dispatcher and the cores until all are done.
    MultiCoreResult run(size_t packets, MultiCoreClient& client);

private:
    struct Slot {                 // a core's packet in flight
        bool busy = false;
        size_t packet = 0;
        uint64_t local = 0;       // local cycle count (global cycle of its next step)
        uint64_t started = 0;     // local count when the packet started
        uint64_t waits = 0;       // grant waits of this packet
    };
    void start(unsigned c, size_t packet, uint64_t now, MultiCoreClient& client, MultiCoreResult& res);
    void step(unsigned c, unsigned& grants_left, MultiCoreClient& client, MultiCoreResult& res);
    void finish(unsigned c, bool timed_out, MultiCoreClient& client, MultiCoreResult& res);

    MultiCoreConfig cfg_;
    std::vector<std::unique_ptr<Device>> devs_;
    std::vector<Slot> slots_;
};

}  // namespace bpfnic::sim
