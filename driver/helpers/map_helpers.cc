// SPDX-License-Identifier: MIT
// Map helpers: bpf_map_lookup_elem/update_elem/delete_elem, bpf_tail_call and
// bpf_perf_event_output (XDP flavour). r1 of the map helpers is the Map* an lddw map reference
// produced.
//
// Program-side writes to map types the kernel's verifier only lets programs read or use through
// other helpers (PROG_ARRAY, PERF_EVENT_ARRAY, map-in-map, DEVMAP/CPUMAP/XSKMAP) answer -EPERM
// here; read-only (frozen) maps answer -EPERM from Map::update itself.
#include <linux/bpf.h>

#include <cerrno>
#include <cstring>

#include "compiler/program.h"
#include "driver/helpers/helpers_internal.h"
#include "driver/maps.h"
#include "driver/maps/map_kinds.h"

namespace bpfnic::helpers {

namespace {

constexpr uint32_t kMaxTailCalls = 33;  // MAX_TAIL_CALL_CNT

Map* as_map(uint64_t r) { return reinterpret_cast<Map*>(r); }
const void* as_ptr(uint64_t r) { return reinterpret_cast<const void*>(r); }

bool program_writable(uint32_t type) {
    namespace t = map_type;
    switch (type) {
    case t::kHash:
    case t::kArray:
    case t::kPercpuHash:
    case t::kPercpuArray:
    case t::kLruHash:
    case t::kLruPercpuHash:
    case t::kLpmTrie: return true;
    default: return false;
    }
}

}  // namespace

uint64_t map_lookup_elem(ExecEnv*, uint64_t r1, uint64_t r2, uint64_t, uint64_t, uint64_t) {
    Map* m = as_map(r1);
    if (!m) return 0;
    return reinterpret_cast<uint64_t>(m->lookup(as_ptr(r2)));
}

uint64_t map_update_elem(ExecEnv*, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t) {
    Map* m = as_map(r1);
    if (!m) return err(EINVAL);
    if (!program_writable(m->def().type)) return err(EPERM);
    return ret(m->update(as_ptr(r2), as_ptr(r3), r4));
}

uint64_t map_delete_elem(ExecEnv*, uint64_t r1, uint64_t r2, uint64_t, uint64_t, uint64_t) {
    Map* m = as_map(r1);
    if (!m) return err(EINVAL);
    if (!program_writable(m->def().type)) return err(EPERM);
    return ret(m->erase(as_ptr(r2)));
}

// bpf_tail_call(ctx, prog_array, index): the kernel checks the index against max_entries, then
// the tail-call count (incremented before the slot is read, so an empty slot still counts),
// then the slot. On success the engine jumps; on failure the program continues after the call.
uint64_t tail_call(ExecEnv* env, uint64_t, uint64_t r2, uint64_t r3, uint64_t, uint64_t) {
    auto* pa = dynamic_cast<ProgArrayMap*>(as_map(r2));
    if (!pa) return err(EINVAL);
    const uint32_t index = static_cast<uint32_t>(r3);
    if (index >= pa->def().max_entries) return err(E2BIG);
    if (env->tail_calls >= kMaxTailCalls) return err(EBUSY);
    ++env->tail_calls;
    const int64_t prog = pa->program(index);
    if (prog < 0 || static_cast<uint64_t>(prog) >= env->num_programs) return err(ENOENT);
    env->tail_call_target = static_cast<int32_t>(prog);
    return 0;
}

// bpf_perf_event_output for XDP (bpf_xdp_event_output): the low 32 bits of flags select the slot
// (BPF_F_CURRENT_CPU: this CPU); the upper 20 bits ask for that many packet bytes after the
// r4/r5 sample.
uint64_t perf_event_output(ExecEnv* env, uint64_t, uint64_t r2, uint64_t flags, uint64_t r4, uint64_t r5) {
    auto* pm = dynamic_cast<PerfEventArrayMap*>(as_map(r2));
    if (!pm) return err(EINVAL);
    if (flags & ~(BPF_F_CTXLEN_MASK | BPF_F_INDEX_MASK)) return err(EINVAL);
    const uint64_t pkt_len = (flags & BPF_F_CTXLEN_MASK) >> 32;
    if (pkt_len && (!env->xdp || pkt_len > env->xdp->len())) return err(EFAULT);
    uint64_t index = flags & BPF_F_INDEX_MASK;
    if (index == BPF_F_CURRENT_CPU) index = env->cpu_id;
    if (index >= pm->def().max_entries) return err(E2BIG);
    if (!pm->open(static_cast<uint32_t>(index))) return err(ENOENT);
    PerfRecord rec{map_index(env, pm), flags, {}};
    const auto* sample = static_cast<const uint8_t*>(as_ptr(r4));
    if (r5) rec.data.assign(sample, sample + r5);
    if (pkt_len) rec.data.insert(rec.data.end(), env->xdp->data(), env->xdp->data() + pkt_len);
    env->perf.push_back(std::move(rec));
    return 0;
}

}  // namespace bpfnic::helpers
