// SPDX-License-Identifier: MIT
// FaultStats: what the host driver saw going wrong on a device and what it did about it: the
// counters bpfnic_dev__counters reports beside the card's (they survive card resets, which clear
// the card's own) and a log of events with their messages (bpfnic_dev__fault_log).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "driver/bpfnic.h"

namespace bpfnic::api {

struct FaultStats {
    uint64_t faults_image = 0, faults_mailbox = 0, faults_dma = 0, faults_reset = 0, faults_bounds = 0,
             faults_budget = 0;
    uint64_t recoveries = 0, fallbacks = 0, packets_replayed = 0, packets_lost = 0;
    uint64_t tx_errors = 0, rx_errors = 0, rx_dropped = 0;
    std::vector<bpfnic_fault_event> log;

    /// Records an event (the log keeps the latest kMaxLog).
    void note(const std::string& kind, const std::string& message);
    /// Copies the counters into the public struct's driver fields.
    void fill(bpfnic_counters& out) const;

    static constexpr size_t kMaxLog = 256;
};

}  // namespace bpfnic::api
