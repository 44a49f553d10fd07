// SPDX-License-Identifier: MIT
// The session's view of each engine (TimedTarget) and of the card's core counters.
#include <cerrno>

#include "driver/api/internal.h"
#include "driver/api/session.h"
#ifdef BPFNIC_HAVE_CARD
#include "firmware/card.h"
#include "sim/nic/regs.h"
#endif

namespace bpfnic::api {

PacketOutcome TimedTarget::run(const std::vector<uint8_t>& packet) {
    PacketOutcome o = inner_.run(packet);
    ++runs_;
    ns_total_ += o.duration_ns;
    return o;
}

bool read_core_counters([[maybe_unused]] bpfnic_dev& dev, [[maybe_unused]] bpfnic_core_counters& out) {
#ifdef BPFNIC_HAVE_CARD
    if (!dev.card) return false;
    fw::Card& card = fw::Card::get();
    auto c = [&](sim::nic::CoreCounter k) { return card.read64(sim::nic::reg::kCoreCounters + 8 * k); };
    out.cycles = c(sim::nic::kCntCycles);
    out.bundles = c(sim::nic::kCntBundles);
    out.insns = c(sim::nic::kCntInsns);
    out.packets = c(sim::nic::kCntPackets);
    out.errors = c(sim::nic::kCntErrors);
    out.stalls.load_use = c(sim::nic::kCntStallLoadUse);
    out.stalls.divide = c(sim::nic::kCntStallDiv);
    out.stalls.helper = c(sim::nic::kCntStallHelper);
    out.stalls.extension = c(sim::nic::kCntStallExt);
    out.stalls.atomic = c(sim::nic::kCntStallAtomic);
    out.stalls.branch_flush = c(sim::nic::kCntFlushes);
    out.stalls.stack_scrub = c(sim::nic::kCntScrub);
    return true;
#else
    return false;
#endif
}

}  // namespace bpfnic::api

int bpfnic_dev__core_counters(bpfnic_dev* dev, bpfnic_core_counters* out) {
    bpfnic::api::clear_error();
    if (!dev || !out) return bpfnic::api::fail(-EINVAL, "dev__core_counters: null argument");
    *out = bpfnic_core_counters{};
    try {
        if (bpfnic::api::read_core_counters(*dev, *out)) return 0;
    } catch (const bpfnic::Error& e) {
        return bpfnic::api::fail(bpfnic::api::errno_of(e), e.what());
    }
    return bpfnic::api::fail(-ENODEV, "dev__core_counters: no card: " + dev->why_no_hardware);
}
