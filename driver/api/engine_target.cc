// SPDX-License-Identifier: MIT
// EngineTarget: a software engine as an API target.
#include <cerrno>

#include "compiler/error.h"
#include "driver/api/map_state.h"
#include "driver/api/target.h"
#include "driver/test_run.h"

namespace bpfnic::api {

EngineTarget::EngineTarget(const std::string& engine, const Object& obj, size_t entry)
    : name_(engine), maps_(std::make_unique<MapSet>(obj.maps)), engine_(make_engine(engine)) {
    engine_->load(obj, entry, *maps_, software_xdp_platform());
    env_.maps = maps_.get();
    env_.num_programs = static_cast<uint32_t>(obj.programs.size());
}

PacketOutcome EngineTarget::run(const std::vector<uint8_t>& packet) {
    PacketOutcome out;
    TestRunInput in;
    in.data_in = packet;
    try {
        const TestRunOutput r = test_run_xdp(*engine_, env_, buff_, in);
        out.verdict = r.retval <= kXdpRedirect ? static_cast<uint32_t>(r.retval) : kXdpAborted;
        out.duration_ns = static_cast<double>(r.duration_ns);
        out.insns = r.stats.insns;
        if (out.verdict == kXdpPass || out.verdict == kXdpTx || out.verdict == kXdpRedirect) out.data = r.data_out;
        if (out.verdict == kXdpRedirect) out.redirect = r.redirect;
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::Runtime) throw;
        out.verdict = kXdpAborted;  // a fault ends the program as the kernel's XDP_ABORTED would
        out.fault = e.what();
        out.insns = engine_->last_stats().insns;
        env_.xdp = nullptr;
    }
    return out;
}

Map* EngineTarget::map_at(uint32_t i) { return i < maps_->size() ? &maps_->at(i) : nullptr; }

int EngineTarget::map_lookup(uint32_t map, const void* key, void* value) {
    Map* m = map_at(map);
    return m ? m->lookup_copy(key, value) : -EINVAL;
}

int EngineTarget::map_update(uint32_t map, const void* key, const void* value, uint64_t flags) {
    Map* m = map_at(map);
    return m ? m->update(key, value, flags) : -EINVAL;
}

int EngineTarget::map_delete(uint32_t map, const void* key) {
    Map* m = map_at(map);
    return m ? m->erase(key) : -EINVAL;
}

int EngineTarget::map_next_key(uint32_t map, const void* key, void* next) {
    Map* m = map_at(map);
    return m ? m->next_key(key, next) : -EINVAL;
}

uint32_t EngineTarget::map_value_size(uint32_t map) {
    Map* m = map_at(map);
    return m ? m->host_value_size() : 0;
}

std::vector<uint64_t> EngineTarget::map_digests() { return bpfnic::map_digests(*maps_); }

void EngineTarget::copy_state_from(EngineTarget& from) {
    for (size_t i = 0; i < maps_->size() && i < from.maps_->size(); ++i) copy_map_entries(from.maps_->at(i), maps_->at(i));
    env_.ktime_ns = from.env_.ktime_ns;
    env_.prandom_state = from.env_.prandom_state;
    env_.cpu_id = from.env_.cpu_id;
}

}  // namespace bpfnic::api
