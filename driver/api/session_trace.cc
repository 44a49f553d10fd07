// SPDX-License-Identifier: MIT
// TraceReplay: the session's packets on the traced core model.
#include "driver/api/session_trace.h"

#include "compiler/error.h"
#include "compiler/platform.h"
#include "driver/maps.h"
#include "driver/test_run.h"
#ifdef BPFNIC_HAVE_HW
#include "driver/hw/hw_engine.h"
#endif

namespace bpfnic::api {

#ifdef BPFNIC_HAVE_HW

struct TraceReplay::Impl {
    MapSet maps;
    HwEngine engine;
    ExecEnv env;
    XdpBuff buff;
    bool seeded = false;

    Impl(const Object& obj, unsigned lanes) : maps(obj.maps), engine(options(lanes)) {
        env.maps = &maps;
        env.num_programs = static_cast<uint32_t>(obj.programs.size());
    }
    static HwEngine::Options options(unsigned lanes) {
        HwEngine::Options o;
        o.lanes = lanes;
        return o;
    }

    /// The card's map contents, entry by entry through the host map interface.
    void seed(Target& card) {
        for (uint32_t i = 0; i < maps.size(); ++i) {
            Map& m = maps.at(i);
            if (m.def().read_only) continue;
            std::vector<uint8_t> key(m.def().key_size), next(m.def().key_size), value(card.map_value_size(i));
            if (value.size() != m.host_value_size()) continue;
            const void* prev = nullptr;
            for (uint64_t n = 0; n <= m.def().max_entries && card.map_next_key(i, prev, next.data()) == 0; ++n) {
                if (card.map_lookup(i, next.data(), value.data()) == 0) m.update(next.data(), value.data(), 0);
                key = next;
                prev = key.data();
            }
        }
        seeded = true;
    }
};

TraceReplay::TraceReplay(const Object& obj, size_t entry, unsigned lanes, const std::string& path)
    : impl_(std::make_unique<Impl>(obj, lanes)) {
    impl_->engine.load(obj, entry, impl_->maps, software_xdp_platform());
    if (!impl_->engine.device().ctrl().trace_on(path))
        throw Error(ErrorKind::BadInput, path + ": cannot write the waveform");
}

void TraceReplay::run(Target& card, const std::vector<uint8_t>& packet) {
    if (!impl_->seeded) impl_->seed(card);
    TestRunInput in;
    in.data_in = packet;
    test_run_xdp(impl_->engine, impl_->env, impl_->buff, in);
}

#else

struct TraceReplay::Impl {};

TraceReplay::TraceReplay(const Object&, size_t, unsigned, const std::string& path) {
    throw Error(ErrorKind::Unsupported, path + ": waveforms need the core model (configure with -DBPFNIC_HW=ON)");
}

void TraceReplay::run(Target&, const std::vector<uint8_t>&) {}

#endif

TraceReplay::~TraceReplay() = default;

}  // namespace bpfnic::api
