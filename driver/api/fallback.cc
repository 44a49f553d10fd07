// SPDX-License-Identifier: MIT
// Software fallback after a lost card: maps from the shadow, the log replayed, the handle moved.
#include "driver/api/fallback.h"

#include "compiler/error.h"
#include "driver/api/internal.h"
#ifdef BPFNIC_HAVE_CARD
#include "driver/api/card_target.h"
#include "firmware/map_dump.h"
#endif

namespace bpfnic::api {

std::vector<std::vector<uint8_t>> fall_back_to_software(bpfnic_prog& p, const std::string& why) {
#ifdef BPFNIC_HAVE_CARD
    if (!p.offloaded || p.xcheck || !p.dev->card)
        throw Error(ErrorKind::Internal, why + " (the program cannot move to software in cross-check mode)");
    CardTarget& card = *p.dev->card;
    const bool unverified = p.obj.programs[p.entry].type == ProgType::Unspec;
    auto sw = std::make_unique<EngineTarget>(unverified ? "interp" : "jit", p.obj, p.entry);
    std::string maps = "its maps start empty (no map shadow)";
    std::vector<std::vector<uint8_t>> in_flight;
    if (card.shadow_ok()) {
        const fw::MapDumpStats st = fw::restore_maps(sw->maps(), card.map_shadow());
        const auto& log = card.replay_log();
        uint64_t replayed = 0;
        for (size_t i = 0; i < log.size(); ++i) {
            const auto& e = log[i];
            if (e.kind == CardTarget::LogEntry::kPacket) {
                if (i >= card.epoch_start()) {
                    in_flight.push_back(e.a);
                } else {
                    (void)sw->run(e.a);
                    ++replayed;
                }
            } else if (e.kind == CardTarget::LogEntry::kUpdate) {
                (void)sw->map_update(e.map, e.a.data(), e.b.data(), e.flags);
            } else {
                (void)sw->map_delete(e.map, e.a.data());
            }
        }
        p.dev->faults.packets_replayed += replayed;
        maps = std::to_string(st.entries) + " map entries from the shadow, " + std::to_string(replayed) + " logged packet(s) replayed";
    }
    p.software.insert(p.software.begin(), std::move(sw));
    p.primary = p.software.front().get();
    p.offloaded = false;
    p.bundles = 0;
    p.refusal = Refusal{-1, "the card was lost: " + why};
    p.fallback_reason = p.refusal->text();
    if (p.dev->offloaded == &p) p.dev->offloaded = nullptr;
    ++p.dev->faults.fallbacks;
    p.dev->faults.note("fallback", p.name + ": " + p.fallback_reason + "; running on " + p.primary->name() + " with " + maps);
    return in_flight;
#else
    (void)p;
    throw Error(ErrorKind::Internal, why);
#endif
}

}  // namespace bpfnic::api
