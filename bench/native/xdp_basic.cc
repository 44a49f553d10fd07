// SPDX-License-Identifier: MIT
// Native xdp_drop, xdp_pass, xdp_tx, xdp_redirect, xdp1, xdp2 and rxq_info
// (examples/xdp_{drop,pass,tx,redirect}.c, xdp1.c, xdp2.c, rxq_info.c), and the module table.
#include "bench/native/native_modules.h"
#include "compiler/error.h"
#include "compiler/platform.h"

namespace bpfnic::bench {

namespace {

class Constant final : public NativeModule {
public:
    explicit Constant(uint32_t verdict) : verdict_(verdict) {}
    void bind(MapSet&, const Object&) override {}
    uint32_t run(XdpBuff&, ExecEnv&) override { return verdict_; }

private:
    uint32_t verdict_;
};

// xdp_redirect: bpf_redirect(ifindex from .rodata, 0), through the same helper the program calls.
class Redirect final : public NativeModule {
public:
    void bind(MapSet& maps, const Object&) override {
        std::memcpy(&ifindex_, find_map(maps, ".rodata").array_base(), 4);  // redirect_ifindex: offset 0
        redirect_ = xdp_helper_table().get(helper_id::kRedirect);
    }
    uint32_t run(XdpBuff&, ExecEnv& env) override { return static_cast<uint32_t>(redirect_(&env, ifindex_, 0, 0, 0, 0)); }

private:
    uint32_t ifindex_ = 0;
    HelperFn redirect_ = nullptr;
};

// xdp1: count per IP protocol in rxcnt (PERCPU_ARRAY[256] of u64), drop. xdp2: as xdp1, but a
// frame without a full Ethernet header is dropped uncounted; otherwise swap MACs and transmit.
class ProtoCount final : public NativeModule {
public:
    explicit ProtoCount(bool tx) : tx_(tx) {}
    void bind(MapSet& maps, const Object&) override {
        Map& m = find_map(maps, "rxcnt");
        counters_ = reinterpret_cast<uint64_t*>(m.array_base());
        entries_ = m.def().max_entries;
    }
    uint32_t run(XdpBuff& buff, ExecEnv&) override {
        uint8_t* data = buff.data();
        bool eth_ok = false;
        const uint32_t key = native::ip_protocol(data, buff.data_end(), &eth_ok);
        if (tx_ && !eth_ok) return 1;  // XDP_DROP
        if (key < entries_) counters_[key] += 1;
        if (!tx_) return 1;  // XDP_DROP
        native::swap_macs(data);
        return 3;  // XDP_TX
    }

private:
    bool tx_;
    uint64_t* counters_ = nullptr;
    uint32_t entries_ = 0;
};

// rxq_info: per-queue packet/byte counters, verdict and MAC swap from the .data config.
class RxqInfo final : public NativeModule {
public:
    void bind(MapSet& maps, const Object&) override {
        Map& stats = find_map(maps, "rx_queue_stats");
        stats_ = reinterpret_cast<uint64_t*>(stats.array_base());
        entries_ = stats.def().max_entries;
        config_ = reinterpret_cast<uint32_t*>(find_map(maps, ".data").array_base());
        last_ifindex_ = reinterpret_cast<uint32_t*>(find_map(maps, ".bss").array_base());
    }
    uint32_t run(XdpBuff& buff, ExecEnv&) override {
        constexpr uint32_t kMaxRxqs = 64;
        const XdpMd* md = buff.md();
        const uint32_t key = md->rx_queue_index < kMaxRxqs ? md->rx_queue_index : kMaxRxqs;
        *last_ifindex_ = md->ingress_ifindex;
        if (key >= entries_) return 0;  // XDP_ABORTED
        uint64_t* st = stats_ + 2 * key;
        __atomic_fetch_add(&st[0], 1, __ATOMIC_SEQ_CST);
        __atomic_fetch_add(&st[1], buff.len(), __ATOMIC_SEQ_CST);
        const uint32_t action = config_[0];
        if (action == 3 && config_[1]) {
            if (buff.len() < 14) return 1;
            native::swap_macs(buff.data());
        }
        if (action == 1 || action == 3) return action;
        return 2;  // XDP_PASS
    }

private:
    uint64_t* stats_ = nullptr;
    uint32_t entries_ = 0;
    uint32_t* config_ = nullptr;
    uint32_t* last_ifindex_ = nullptr;
};

}  // namespace

std::unique_ptr<NativeModule> make_native_module(const std::string& name) {
    if (name == "xdp_drop") return std::make_unique<Constant>(1);
    if (name == "xdp_pass") return std::make_unique<Constant>(2);
    if (name == "xdp_tx") return std::make_unique<Constant>(3);
    if (name == "xdp_redirect") return std::make_unique<Redirect>();
    if (name == "xdp1") return std::make_unique<ProtoCount>(false);
    if (name == "xdp2") return std::make_unique<ProtoCount>(true);
    if (name == "rxq_info") return std::make_unique<RxqInfo>();
    if (name == "simple_firewall") return make_native_firewall();
    if (name == "router_ipv4") return make_native_router();
    if (name == "xdp_adjust_tail") return make_native_adjust_tail();
    if (name == "tx_ip_tunnel") return make_native_tunnel();
    if (name == "katran_lb") return make_native_katran();
    return nullptr;
}

void setup_module_maps(const std::string& name, MapSet& maps, const std::vector<TrafficGenerator::Flow>& flows) {
    if (name == "router_ipv4") setup_router_maps(maps);
    if (name == "tx_ip_tunnel") setup_tunnel_maps(maps, flows);
    if (name == "katran_lb") setup_katran_maps(maps, flows);
}

Map& find_map(MapSet& maps, const std::string& name) {
    const int i = maps.find(name);
    if (i < 0) throw Error(ErrorKind::NotFound, "bench: the module has no map '" + name + "'");
    return maps.at(static_cast<size_t>(i));
}

}  // namespace bpfnic::bench
