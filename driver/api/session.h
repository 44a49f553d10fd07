// SPDX-License-Identifier: MIT
// What a session handle (driver/bpfnic.h, bpfnic_session__*) holds: the loaded program, the
// per-engine timing of its runs, the card's counters when the session began, and the waveform
// replay. Engines other than the cross-check's reference run behind a TimedTarget, which forwards
// everything to the real target and keeps the time and outcome of its runs.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "driver/api/target.h"
#include "driver/bpfnic.h"

namespace bpfnic::api {

class TraceReplay;

class TimedTarget final : public Target {
public:
    explicit TimedTarget(Target& inner) : inner_(inner) {}
    const char* name() const override { return inner_.name(); }
    PacketOutcome run(const std::vector<uint8_t>& packet) override;
    int map_lookup(uint32_t map, const void* key, void* value) override { return inner_.map_lookup(map, key, value); }
    int map_update(uint32_t map, const void* key, const void* value, uint64_t flags) override {
        return inner_.map_update(map, key, value, flags);
    }
    int map_delete(uint32_t map, const void* key) override { return inner_.map_delete(map, key); }
    int map_next_key(uint32_t map, const void* key, void* next) override { return inner_.map_next_key(map, key, next); }
    uint32_t map_value_size(uint32_t map) override { return inner_.map_value_size(map); }
    std::vector<uint64_t> map_digests() override { return inner_.map_digests(); }

    Target& inner() { return inner_; }
    uint64_t runs() const { return runs_; }
    double ns_total() const { return ns_total_; }

private:
    Target& inner_;
    uint64_t runs_ = 0;
    double ns_total_ = 0;
};

/// Reads the core's counters from BAR0 (false without a card).
bool read_core_counters(bpfnic_dev& dev, bpfnic_core_counters& out);

}  // namespace bpfnic::api

struct bpfnic_session {
    bpfnic_dev* dev = nullptr;
    bpfnic_prog* prog = nullptr;  ///< owned: unloaded by bpfnic_session__close
    uint32_t repeat = 1;
    std::vector<std::unique_ptr<bpfnic::api::TimedTarget>> timed;  ///< every engine but the reference
    std::unique_ptr<bpfnic::api::TraceReplay> trace;
    bpfnic_core_counters core_at_open;
    uint64_t packets = 0;
    bpfnic_verdicts verdicts;
    uint64_t trace_lines = 0, perf_records = 0;
    uint64_t insns = 0;                      ///< the interpreter's count, one run per packet
    uint64_t ref_runs = 0;                   ///< the cross-check reference's runs and time
    double ref_ns = 0;
    ~bpfnic_session();
};
