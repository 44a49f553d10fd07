// SPDX-License-Identifier: MIT
// CardTarget: image load and swap, packets through the rings, maps through the mailbox.
#ifdef BPFNIC_HAVE_CARD

#include "driver/api/card_target.h"

#include <cerrno>
#include <cstring>

#include "compiler/error.h"
#include "driver/test_run.h"
#include "firmware/mailbox.h"

namespace bpfnic::api {

namespace nic = sim::nic;
using Args = std::array<uint32_t, 16>;

namespace {
constexpr double kRunLimitNs = 200e6;  // simulated time a packet or a batch may take
}

CardTarget::CardTarget(fw::Card& card) : card_(card), mbox_(card), rings_(card) {}

void CardTarget::reset() {
    const MailboxReply r = mbox_.call(fw::kCmdReset, Args{});
    if (r.status != fw::kStOk) throw Error(ErrorKind::Internal, "card reset failed: " + r.message);
    card_.write32(nic::reg::kIrqStatus, ~0u);
    rings_.setup();
    (void)card_.take_wire();
    shapes_.clear();
    in_flight_ = false;
}

int CardTarget::put_image(uint32_t cmd, const std::vector<uint8_t>& image, std::string& msg) {
    if (image.size() > fw::kMaxImageBytes) {
        msg = "image of " + std::to_string(image.size()) + " bytes exceeds the firmware's limit";
        return -E2BIG;
    }
    card_.host_write(layout::kImageAddr, image.data(), image.size());
    Args a{};
    a[0] = static_cast<uint32_t>(layout::kImageAddr);
    a[1] = static_cast<uint32_t>(layout::kImageAddr >> 32);
    a[2] = static_cast<uint32_t>(image.size());
    const MailboxReply r = mbox_.call(cmd, a);
    msg = r.message;
    if (r.status != fw::kStOk) return MailboxClient::to_errno(r);
    // The maps of the new program.
    shapes_.clear();
    for (uint32_t i = 0;; ++i) {
        Args q{};
        q[0] = i;
        const MailboxReply m = mbox_.call(fw::kCmdMapInfo, q);
        if (m.status != fw::kStOk) break;
        shapes_.push_back(MapShape{m.args[1], m.args[5]});
    }
    return 0;
}

int CardTarget::load_and_start(const std::vector<uint8_t>& image, std::string& msg) {
    if (const int rc = put_image(fw::kCmdLoadImage, image, msg)) return rc;
    const MailboxReply r = mbox_.call(fw::kCmdStart, Args{});
    msg = r.message;
    return MailboxClient::to_errno(r);
}

int CardTarget::swap(const std::vector<uint8_t>& image, std::string& msg) {
    const std::vector<MapShape> before = shapes_;
    const int rc = put_image(fw::kCmdSwap, image, msg);
    if (rc) shapes_ = before;
    return rc;
}

int CardTarget::caps(bpfnic_caps& out) {
    const MailboxReply r = mbox_.call(fw::kCmdCaps, Args{}, {}, 4 * 64);
    if (r.status != fw::kStOk) return MailboxClient::to_errno(r);
    out.hardware = true;
    out.imem_bundles = r.args[1];
    out.nic_version = r.args[2];
    out.ports = r.args[3];
    out.lanes = r.args[4];
    out.max_maps = r.args[5];
    out.firmware_version = r.args[6];
    const uint64_t mask = r.args[7] | (uint64_t{r.args[8]} << 32);
    out.map_types.clear();
    for (uint32_t t = 0; t < 64; ++t)
        if (mask >> t & 1) out.map_types.push_back(t);
    out.helpers.clear();
    for (uint32_t i = 0; i < r.args[9] && i < 64; ++i) {
        int32_t id;
        std::memcpy(&id, r.data.data() + 4 * i, 4);
        out.helpers.push_back(id);
    }
    return 0;
}

void CardTarget::counters(bpfnic_counters& out) {
    auto nicc = [&](nic::NicCounter c) { return card_.read64(nic::reg::kNicCounters + 8 * c); };
    auto core = [&](nic::CoreCounter c) { return card_.read64(nic::reg::kCoreCounters + 8 * c); };
    out.rx_frames = nicc(nic::kCntRxFrames);
    out.rx_bytes = nicc(nic::kCntRxBytes);
    out.verdicts = {nicc(nic::kCntAborted), nicc(nic::kCntDrop), nicc(nic::kCntPass), nicc(nic::kCntTx),
                    nicc(nic::kCntRedirect)};
    out.rx_no_desc = nicc(nic::kCntRxNoDesc);
    out.rx_too_big = nicc(nic::kCntRxTooBig);
    out.host_rx = nicc(nic::kCntHostRx);
    out.host_tx = nicc(nic::kCntHostTx);
    out.wire_tx = nicc(nic::kCntWireTxFrames);
    out.dma_reads = nicc(nic::kCntDmaReads);
    out.dma_writes = nicc(nic::kCntDmaWrites);
    out.core_cycles = core(nic::kCntCycles);
    out.core_insns = core(nic::kCntInsns);
    out.core_bundles = core(nic::kCntBundles);
    out.core_packets = core(nic::kCntPackets);
    out.core_errors = core(nic::kCntErrors);
    const MailboxReply r = mbox_.call(fw::kCmdFwCounters, Args{});
    out.fw_loads = r.args[fw::kFwLoads];
    out.fw_swaps = r.args[fw::kFwSwaps];
    out.fw_images_refused = r.args[fw::kFwImagesRefused];
    out.fw_commands_refused = r.args[fw::kFwCommandsRefused];
    out.fw_map_ops = r.args[fw::kFwMapOps];
    out.fw_maps_kept = r.args[fw::kFwMapsKept];
}

std::array<uint64_t, 5> CardTarget::verdict_counters() {
    std::array<uint64_t, 5> v{};
    const nic::NicCounter order[5] = {nic::kCntAborted, nic::kCntDrop, nic::kCntPass, nic::kCntTx, nic::kCntRedirect};
    for (int i = 0; i < 5; ++i) v[i] = card_.read64(nic::reg::kNicCounters + 8 * order[i]);
    return v;
}

uint64_t CardTarget::core_cycles() { return card_.read64(nic::reg::kCoreCounters + 8 * nic::kCntCycles); }

PacketOutcome CardTarget::run(const std::vector<uint8_t>& packet) {
    if (in_flight_) throw Error(ErrorKind::BadInput, "run: traffic is in flight (collect it first)");
    const auto v0 = verdict_counters();
    const uint64_t c0 = core_cycles();
    const double t0 = card_.now_ns();
    if (!rings_.post_tx(packet, fw::Card::kLoopbackPort)) throw Error(ErrorKind::Internal, "run: TX ring full");
    if (!card_.run_until_idle(kRunLimitNs)) throw Error(ErrorKind::Runtime, "run: the card did not finish the packet");
    const auto v1 = verdict_counters();
    PacketOutcome out;
    out.cycles = core_cycles() - c0;
    out.duration_ns = card_.now_ns() - t0;
    int moved = -1;
    for (int i = 0; i < 5; ++i)
        if (v1[i] != v0[i]) moved = moved < 0 ? i : 99;
    if (moved < 0 || moved > 4) throw Error(ErrorKind::Internal, "run: the packet moved " + std::string(moved < 0 ? "no" : "several") + " verdict counters");
    out.verdict = static_cast<uint32_t>(moved);
    auto rx = rings_.reap_rx();
    auto wire = card_.take_wire();
    if (out.verdict == kXdpPass && !rx.empty()) out.data = std::move(rx.front());
    if ((out.verdict == kXdpTx || out.verdict == kXdpRedirect) && !wire.empty()) {
        out.data = std::move(wire.front().bytes);
        if (out.verdict == kXdpRedirect) out.redirect = wire.front().redirect;
    }
    return out;
}

bool CardTarget::send(const std::vector<uint8_t>& packet) {
    if (!in_flight_) {
        in_flight_ = true;
        base_verdicts_ = verdict_counters();
        base_cycles_ = core_cycles();
        base_time_ = card_.now_ns();
        sent_ = 0;
    }
    if (!rings_.post_tx(packet, fw::Card::kLoopbackPort)) return false;
    ++sent_;
    return true;
}

void CardTarget::advance(double ns) {
    const double end = card_.now_ns() + ns;
    while (card_.now_ns() < end) card_.step();
}

void CardTarget::collect(bpfnic_batch_result& out) {
    if (!card_.run_until_idle(kRunLimitNs)) throw Error(ErrorKind::Runtime, "collect: the card did not drain its queues");
    const auto v = verdict_counters();
    if (in_flight_) {
        out.packets_in += sent_;
        out.verdicts.aborted += v[0] - base_verdicts_[0];
        out.verdicts.drop += v[1] - base_verdicts_[1];
        out.verdicts.pass += v[2] - base_verdicts_[2];
        out.verdicts.tx += v[3] - base_verdicts_[3];
        out.verdicts.redirect += v[4] - base_verdicts_[4];
        out.cycles += core_cycles() - base_cycles_;
        out.duration_ns += card_.now_ns() - base_time_;
    }
    in_flight_ = false;
    for (auto& f : rings_.reap_rx()) out.passed.push_back(std::move(f));
    for (auto& w : card_.take_wire()) (w.port == fw::Card::kTestPort ? out.transmitted : out.redirected).push_back(std::move(w.bytes));
}

const CardTarget::MapShape* CardTarget::shape(uint32_t map) { return map < shapes_.size() ? &shapes_[map] : nullptr; }

int CardTarget::map_lookup(uint32_t map, const void* key, void* value) {
    const MapShape* s = shape(map);
    if (!s) return -EINVAL;
    Args a{};
    a[0] = map;
    const auto* k = static_cast<const uint8_t*>(key);
    const MailboxReply r = mbox_.call(fw::kCmdMapLookup, a, std::vector<uint8_t>(k, k + s->key_size), s->value_size);
    if (r.status == fw::kStOk) std::memcpy(value, r.data.data(), s->value_size);
    return MailboxClient::to_errno(r);
}

int CardTarget::map_update(uint32_t map, const void* key, const void* value, uint64_t flags) {
    const MapShape* s = shape(map);
    if (!s) return -EINVAL;
    Args a{};
    a[0] = map;
    a[1] = static_cast<uint32_t>(flags);
    a[2] = static_cast<uint32_t>(flags >> 32);
    std::vector<uint8_t> data(static_cast<const uint8_t*>(key), static_cast<const uint8_t*>(key) + s->key_size);
    data.insert(data.end(), static_cast<const uint8_t*>(value), static_cast<const uint8_t*>(value) + s->value_size);
    return MailboxClient::to_errno(mbox_.call(fw::kCmdMapUpdate, a, data));
}

int CardTarget::map_delete(uint32_t map, const void* key) {
    const MapShape* s = shape(map);
    if (!s) return -EINVAL;
    Args a{};
    a[0] = map;
    const auto* k = static_cast<const uint8_t*>(key);
    return MailboxClient::to_errno(mbox_.call(fw::kCmdMapDelete, a, std::vector<uint8_t>(k, k + s->key_size)));
}

int CardTarget::map_next_key(uint32_t map, const void* key, void* next) {
    const MapShape* s = shape(map);
    if (!s) return -EINVAL;
    Args a{};
    a[0] = map;
    a[1] = key ? 1 : 0;
    std::vector<uint8_t> data;
    if (key) data.assign(static_cast<const uint8_t*>(key), static_cast<const uint8_t*>(key) + s->key_size);
    const MailboxReply r = mbox_.call(fw::kCmdMapNextKey, a, data, s->key_size);
    if (r.status == fw::kStOk) std::memcpy(next, r.data.data(), s->key_size);
    return MailboxClient::to_errno(r);
}

uint32_t CardTarget::map_value_size(uint32_t map) {
    const MapShape* s = shape(map);
    return s ? s->value_size : 0;
}

std::vector<uint64_t> CardTarget::map_digests() {
    const MailboxReply r = mbox_.call(fw::kCmdMapDigest, Args{}, {}, static_cast<uint32_t>(8 * shapes_.size()));
    std::vector<uint64_t> out(shapes_.size());
    if (r.status == fw::kStOk) std::memcpy(out.data(), r.data.data(), 8 * std::min<size_t>(out.size(), r.args[0]));
    return out;
}

}  // namespace bpfnic::api

#endif  // BPFNIC_HAVE_CARD
