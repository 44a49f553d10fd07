// SPDX-License-Identifier: MIT
// FaultStats: the event log and the counters' public form.
#include "driver/api/fault_stats.h"

namespace bpfnic::api {

void FaultStats::note(const std::string& kind, const std::string& message) {
    if (log.size() >= kMaxLog) log.erase(log.begin());
    log.push_back(bpfnic_fault_event{kind, message});
}

void FaultStats::fill(bpfnic_counters& out) const {
    out.faults_image = faults_image;
    out.faults_mailbox = faults_mailbox;
    out.faults_dma = faults_dma;
    out.faults_reset = faults_reset;
    out.faults_bounds = faults_bounds;
    out.faults_budget = faults_budget;
    out.recoveries = recoveries;
    out.fallbacks = fallbacks;
    out.packets_replayed = packets_replayed;
    out.packets_lost = packets_lost;
    out.tx_errors = tx_errors;
    out.rx_errors = rx_errors;
    out.rx_dropped = rx_dropped;
}

}  // namespace bpfnic::api
