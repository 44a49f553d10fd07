// SPDX-License-Identifier: MIT
// The multi-core device's client (per-core map and helper unit models over one MapSet, packet
// staging through each core's control port), the interpreter reference and the comparisons.
#ifdef BPFNIC_HAVE_HW

#include "bench/support/scale_run.h"

#include <cstdio>
#include <map>

#include "compiler/error.h"
#include "compiler/platform.h"
#include "driver/exec_env.h"
#include "driver/hw/hw_compile.h"
#include "driver/hw/hw_helpers.h"
#include "driver/hw/hw_map_memory.h"
#include "driver/interp.h"
#include "driver/xdp_buff.h"
#include "sim/address_map.h"

namespace bpfnic::bench {

namespace {

constexpr uint32_t kAborted = ~0u;

// One core's view of the shared maps and its helper units, packet buffer copy and environment.
struct CoreUnits {
    HwMapMemory map_mem;
    HwHelperUnit helpers{map_mem};
    XdpBuff xdp;
    ExecEnv env;
};

class Client final : public sim::MultiCoreClient {
public:
    Client(MapSet& maps, const std::vector<GeneratedPacket>& traffic, unsigned cores, uint32_t num_programs)
        : maps_(maps), traffic_(traffic) {
        for (unsigned c = 0; c < cores; ++c) {
            auto u = std::make_unique<CoreUnits>();
            u->map_mem.bind(&maps);
            u->helpers.bind(&software_xdp_platform(), &xdp_helper_table());
            u->env.xdp = &u->xdp;
            u->env.maps = &maps;
            u->env.num_programs = num_programs;
            u->helpers.set_env(&u->env);
            units_.push_back(std::move(u));
        }
        results_.verdicts.assign(traffic.size(), kAborted);
        results_.frames.assign(traffic.size(), {});
    }

    sim::MapMemory& maps(unsigned core) override { return units_[core]->map_mem; }
    sim::HelperUnit& helpers(unsigned core) override { return units_[core]->helpers; }
    uint32_t flow_of(size_t packet) override { return traffic_[packet].flow; }

    uint64_t stage(unsigned core, sim::Device& dev, size_t packet) override {
        CoreUnits& u = *units_[core];
        u.xdp.reset(traffic_[packet].bytes, 1, 0);
        u.env.reset_outputs();
        u.map_mem.bind(&maps_);  // value slots are per packet
        HwHelperUnit::sync_packet_to_device(dev, u.xdp);
        return sim::addr::kCtxBase;
    }

    void complete(unsigned core, sim::Device& dev, size_t packet, const sim::PacketOutcome& out) override {
        if (out.trapped) return;
        CoreUnits& u = *units_[core];
        HwHelperUnit::sync_packet_to_host(dev, u.xdp);
        results_.verdicts[packet] = static_cast<uint32_t>(out.r0);
        results_.frames[packet] = u.xdp.packet();
    }

    PacketResults take() { return std::move(results_); }

private:
    MapSet& maps_;
    const std::vector<GeneratedPacket>& traffic_;
    std::vector<std::unique_ptr<CoreUnits>> units_;
    PacketResults results_;
};

std::string hex(const std::vector<uint8_t>& b) {
    std::string s;
    char buf[4];
    for (uint8_t x : b) {
        std::snprintf(buf, sizeof buf, "%02x", x);
        s += buf;
    }
    return s;
}

// Keys and values in hex, ordered by key.
std::map<std::string, std::string> dump(Map& m) {
    std::map<std::string, std::string> out;
    std::vector<uint8_t> key(m.def().key_size), next(m.def().key_size), value(m.host_value_size());
    const void* cur = nullptr;
    while (m.next_key(cur, next.data()) == 0) {
        key = next;
        if (m.lookup_copy(key.data(), value.data()) == 0) out[hex(key)] = hex(value);
        cur = key.data();
    }
    return out;
}

}  // namespace

size_t xdp_entry(const Object& obj) {
    for (size_t i = 0; i < obj.programs.size(); ++i) {
        if (obj.programs[i].type == ProgType::Xdp) return i;
    }
    throw Error(ErrorKind::NotFound, obj.path + ": no XDP program");
}

MultiCoreRun run_multicore(const Object& obj, size_t entry, MapSet& maps, const std::vector<GeneratedPacket>& traffic,
                           const sim::MultiCoreConfig& cfg) {
    const CompileResult compiled = compile_for_device(obj, entry, software_xdp_platform(), cfg.lanes);
    sim::MultiCore mc(cfg);
    mc.load_program(compiled.image.slots);
    Client client(maps, traffic, cfg.cores, static_cast<uint32_t>(obj.programs.size()));
    MultiCoreRun run;
    run.result = mc.run(traffic.size(), client);
    run.packets = client.take();
    run.bundles = compiled.bundles;
    return run;
}

PacketResults run_interpreter(const Object& obj, size_t entry, MapSet& maps, const std::vector<GeneratedPacket>& traffic) {
    Interpreter interp;
    interp.load(obj, entry, maps, software_xdp_platform());
    XdpBuff xdp;
    ExecEnv env;
    env.xdp = &xdp;
    env.maps = &maps;
    env.num_programs = static_cast<uint32_t>(obj.programs.size());
    PacketResults r;
    for (const GeneratedPacket& p : traffic) {
        xdp.reset(p.bytes, 1, 0);
        env.reset_outputs();
        try {
            r.verdicts.push_back(static_cast<uint32_t>(interp.run(env, reinterpret_cast<uint64_t>(xdp.md()), 0)));
            r.frames.push_back(xdp.packet());
        } catch (const Error&) {
            r.verdicts.push_back(kAborted);
            r.frames.emplace_back();
        }
    }
    return r;
}

std::string compare_maps(MapSet& a, MapSet& b) {
    if (a.size() != b.size()) return "different map counts";
    for (size_t i = 0; i < a.size(); ++i) {
        const auto da = dump(a.at(i)), db = dump(b.at(i));
        const std::string name = a.at(i).def().name;
        if (da.size() != db.size())
            return "map " + name + ": " + std::to_string(da.size()) + " entries against " + std::to_string(db.size());
        for (auto ia = da.begin(), ib = db.begin(); ia != da.end(); ++ia, ++ib) {
            if (ia->first != ib->first) return "map " + name + ": key " + ia->first + " against " + ib->first;
            if (ia->second != ib->second)
                return "map " + name + ": key " + ia->first + ": value " + ia->second + " against " + ib->second;
        }
    }
    return "";
}

std::string compare_packets(const PacketResults& a, const PacketResults& b) {
    if (a.verdicts.size() != b.verdicts.size()) return "different packet counts";
    for (size_t i = 0; i < a.verdicts.size(); ++i) {
        if (a.verdicts[i] != b.verdicts[i])
            return "packet " + std::to_string(i) + ": verdict " + std::to_string(a.verdicts[i]) + " against " +
                   std::to_string(b.verdicts[i]);
        if (a.frames[i] != b.frames[i]) return "packet " + std::to_string(i) + ": output frames differ";
    }
    return "";
}

}  // namespace bpfnic::bench

#endif  // BPFNIC_HAVE_HW
