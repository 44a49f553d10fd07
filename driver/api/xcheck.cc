// SPDX-License-Identifier: MIT
// CrossCheck: per-packet comparison and the co-simulation re-run of the first mismatch.
#include "driver/api/xcheck.h"

#include "compiler/error.h"
#include "driver/api/map_state.h"
#include "driver/test_run.h"
#ifdef BPFNIC_HAVE_HW
#include "driver/hw/hw_engine.h"
#endif

namespace bpfnic::api {

namespace {
// Maps whose total entries exceed this are not snapshotted before every packet.
constexpr uint64_t kSnapshotEntries = 8192;
}  // namespace

CrossCheck::CrossCheck(const Object& obj, size_t entry, EngineTarget& reference, unsigned lanes)
    : obj_(obj), entry_(entry), ref_(reference), lanes_(lanes) {
    uint64_t entries = 0;
    for (const MapDef& m : obj.maps) entries += m.max_entries;
    can_snapshot_ = entries <= kSnapshotEntries;
    report_.engines.push_back(reference.name());
}

CrossCheck::~CrossCheck() = default;

void CrossCheck::continue_from(const bpfnic_xcheck_report& earlier) {
    const std::vector<std::string> engines = report_.engines;
    report_ = earlier;
    report_.engines = engines;
}

void CrossCheck::snapshot() {
    if (!can_snapshot_ || report_.mismatches) return;
    before_maps_ = std::make_unique<MapSet>(obj_.maps);
    for (size_t i = 0; i < before_maps_->size(); ++i) copy_map_entries(ref_.maps().at(i), before_maps_->at(i));
    before_env_ = ExecEnv{};
    before_env_.ktime_ns = ref_.env().ktime_ns;
    before_env_.prandom_state = ref_.env().prandom_state;
    before_env_.cpu_id = ref_.env().cpu_id;
    before_env_.num_programs = ref_.env().num_programs;
}

bool CrossCheck::compare(Target& t, const PacketOutcome& ref, const std::vector<uint64_t>& ref_maps,
                         const PacketOutcome& got, const std::vector<uint64_t>& got_maps, std::string& what) {
    (void)t;
    if (got.verdict != ref.verdict) {
        what = "verdict";
    } else if (got.data.size() != ref.data.size()) {
        what = "length";
    } else if (got.data != ref.data) {
        what = "data";
    } else if (ref.verdict == kXdpRedirect && !(got.redirect == ref.redirect)) {
        what = "redirect";
    } else {
        for (size_t i = 0; i < ref_maps.size(); ++i) {
            if (i >= got_maps.size() || got_maps[i] != ref_maps[i]) {
                what = "map " + (i < obj_.maps.size() ? obj_.maps[i].name : std::to_string(i));
                break;
            }
        }
    }
    return what.empty();
}

PacketOutcome CrossCheck::run(const std::vector<uint8_t>& packet, const std::vector<Target*>& others) {
    if (report_.engines.size() == 1)
        for (Target* t : others) report_.engines.push_back(t->name());
    snapshot();
    last_reference_ = ref_.run(packet);
    const PacketOutcome& ref = last_reference_;
    const std::vector<uint64_t> ref_maps = ref_.map_digests();
    PacketOutcome first = ref;
    bool mismatch = false;
    for (size_t i = 0; i < others.size(); ++i) {
        const PacketOutcome got = others[i]->run(packet);
        const std::vector<uint64_t> got_maps = others[i]->map_digests();
        if (i == 0) first = got;
        std::string what;
        if (compare(*others[i], ref, ref_maps, got, got_maps, what) || mismatch) continue;
        mismatch = true;
        if (report_.mismatches == 0) {
            report_.first_packet = report_.packets;
            report_.first_input = packet;
            report_.first_engine = others[i]->name();
            report_.first_what = what;
            report_.first_expected = {ref.verdict, ref.data, ref.redirect, ref_maps};
            report_.first_actual = {got.verdict, got.data, got.redirect, got_maps};
            report_.first_divergence = find_divergence(packet, ref, ref_maps);
        }
    }
    if (mismatch) ++report_.mismatches;
    ++report_.packets;
    return first;
}

std::string CrossCheck::find_divergence(const std::vector<uint8_t>& packet, const PacketOutcome& ref,
                                        const std::vector<uint64_t>& ref_maps) {
#ifdef BPFNIC_HAVE_HW
    std::string note;
    MapSet* maps = before_maps_.get();
    ExecEnv env = before_env_;
    std::unique_ptr<MapSet> after;
    if (!maps) {
        // Maps too large to snapshot each packet: start from (a copy of) the reference's state after it.
        after = std::make_unique<MapSet>(obj_.maps);
        for (size_t i = 0; i < after->size(); ++i) copy_map_entries(ref_.maps().at(i), after->at(i));
        maps = after.get();
        env = ExecEnv{};
        env.ktime_ns = ref_.env().ktime_ns;
        env.prandom_state = ref_.env().prandom_state;
        env.num_programs = ref_.env().num_programs;
        note = " (maps as after the packet: too large to snapshot before each one)";
    }
    // One engine at a time: the co-simulation engine is gone before the compiled re-run starts.
    std::string agreed;
    try {
        HwEngine::Options o;
        o.lanes = 1;
        o.cosim = true;
        HwEngine eng(o);
        eng.load(obj_, entry_, *maps, software_xdp_platform());
        env.maps = maps;
        XdpBuff buff;
        TestRunInput in;
        in.data_in = packet;
        test_run_xdp(eng, env, buff, in);
        agreed = "co-simulation: the core and the interpreter agree on all " + std::to_string(eng.cosim_steps()) +
                 " instructions of this packet (one per bundle)" + note + "; ";
    } catch (const Error& e) {
        return std::string(e.what()) + note;
    }
    return agreed + compiled_rerun(packet, ref, ref_maps);
#else
    (void)packet;
    (void)ref;
    (void)ref_maps;
    return "co-simulation needs the hardware model (BPFNIC_HW=OFF)";
#endif
}

std::string CrossCheck::compiled_rerun(const std::vector<uint8_t>& packet, const PacketOutcome& ref,
                                       const std::vector<uint64_t>& ref_maps) {
#ifdef BPFNIC_HAVE_HW
    if (!before_maps_) return "the compiled program was not re-run (no snapshot of the maps)";
    MapSet maps(obj_.maps);
    for (size_t i = 0; i < maps.size(); ++i) copy_map_entries(before_maps_->at(i), maps.at(i));
    ExecEnv env = before_env_;
    env.maps = &maps;
    const std::string what = "the program compiled for " + std::to_string(lanes_) + " lanes on the hw engine ";
    try {
        HwEngine::Options o;
        o.lanes = lanes_;
        HwEngine eng(o);
        eng.load(obj_, entry_, maps, software_xdp_platform());
        XdpBuff buff;
        TestRunInput in;
        in.data_in = packet;
        const TestRunOutput r = test_run_xdp(eng, env, buff, in);
        const uint32_t verdict = r.retval <= kXdpRedirect ? static_cast<uint32_t>(r.retval) : kXdpAborted;
        const bool data_used = verdict == kXdpPass || verdict == kXdpTx || verdict == kXdpRedirect;
        if (verdict != ref.verdict || (data_used && r.data_out != ref.data) || map_digests(maps) != ref_maps)
            return what + "reproduces the difference (verdict " + std::to_string(verdict) + ", expected " +
                   std::to_string(ref.verdict) + "): the compiled bundles differ from the source program";
        return what + "agrees with the interpreter: the difference lies outside the core (NIC datapath, DMA, firmware)";
    } catch (const Error& e) {
        return what + "failed: " + e.what();
    }
#else
    (void)packet;
    (void)ref;
    (void)ref_maps;
    return "";
#endif
}

}  // namespace bpfnic::api
