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

CardTarget::CardTarget(fw::Card& card, FaultStats& stats) : card_(card), stats_(stats), mbox_(card), rings_(card) {}

void CardTarget::reset() {
    MailboxReply r;
    try {
        r = mbox_.call(fw::kCmdReset, Args{});
    } catch (const MailboxTimeout&) {
        // A hung firmware: a function reset ends the stuck command first.
        card_.function_reset();
        r = mbox_.call(fw::kCmdReset, Args{});
    }
    if (r.status != fw::kStOk) throw Error(ErrorKind::Internal, "card reset failed: " + r.message);
    card_.write32(nic::reg::kIrqStatus, ~0u);
    rings_.setup();
    (void)card_.take_wire();
    shapes_.clear();
    image_.clear();
    started_ = false;
    checkpoint_.clear();
    shadow_ok_ = false;
    log_.clear();
    epoch_start_ = 0;
    in_flight_ = false;
}

uint64_t CardTarget::nic_counter(uint32_t c) { return card_.read64(nic::reg::kNicCounters + 8 * c); }

CardTarget::Counts CardTarget::counts() {
    Counts c;
    const nic::NicCounter order[5] = {nic::kCntAborted, nic::kCntDrop, nic::kCntPass, nic::kCntTx, nic::kCntRedirect};
    for (int i = 0; i < 5; ++i) c.verdicts[i] = nic_counter(order[i]);
    c.cycles = card_.read64(nic::reg::kCoreCounters + 8 * nic::kCntCycles);
    c.insns = card_.read64(nic::reg::kCoreCounters + 8 * nic::kCntInsns);
    c.core_errors = card_.read64(nic::reg::kCoreCounters + 8 * nic::kCntErrors);
    c.run_cycles = nic_counter(nic::kCntCoreRunCycles);  // kept when the core is reset at the budget
    c.too_big = nic_counter(nic::kCntRxTooBig);
    c.no_desc = nic_counter(nic::kCntRxNoDesc);
    return c;
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
    if (r.status != fw::kStOk) {
        if (r.status == fw::kStBadImage) {
            ++stats_.faults_image;
            stats_.note("image", "the firmware refused the image: " + r.message);
        }
        return MailboxClient::to_errno(r);
    }
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

int CardTarget::start(std::string& msg) {
    const MailboxReply r = mbox_.call(fw::kCmdStart, Args{});
    msg = r.message;
    if (r.status != fw::kStOk) return MailboxClient::to_errno(r);
    run_budget_ = card_.read32(nic::reg::kRunTimeout);
    started_ = true;
    return 0;
}

int CardTarget::load_and_start(const std::vector<uint8_t>& image, std::string& msg) {
    const int rc = guarded([&] {
        if (const int e = put_image(fw::kCmdLoadImage, image, msg)) return e;
        return start(msg);
    });
    if (rc) return rc;
    image_ = image;
    checkpoint();
    return 0;
}

int CardTarget::swap(const std::vector<uint8_t>& image, std::string& msg) {
    const std::vector<MapShape> before = shapes_;
    const int rc = guarded([&] { return put_image(fw::kCmdSwap, image, msg); });
    if (rc) {
        shapes_ = before;
        return rc;
    }
    image_ = image;
    // The log so far belongs to the old program. Packets of traffic in flight sent before the
    // swap are not in the new log: a reset before they are collected loses them (counted).
    if (in_flight_) epoch_replayable_ = false;
    checkpoint();
    return 0;
}

int CardTarget::caps(bpfnic_caps& out) {
    const MailboxReply r = guarded([&] { return mbox_.call(fw::kCmdCaps, Args{}, {}, 4 * 64); });
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
    const MailboxReply r = guarded([&] { return mbox_.call(fw::kCmdFwCounters, Args{}); });
    auto core = [&](nic::CoreCounter c) { return card_.read64(nic::reg::kCoreCounters + 8 * c); };
    out.rx_frames = nic_counter(nic::kCntRxFrames);
    out.rx_bytes = nic_counter(nic::kCntRxBytes);
    out.verdicts = {nic_counter(nic::kCntAborted), nic_counter(nic::kCntDrop), nic_counter(nic::kCntPass),
                    nic_counter(nic::kCntTx), nic_counter(nic::kCntRedirect)};
    out.rx_no_desc = nic_counter(nic::kCntRxNoDesc);
    out.rx_too_big = nic_counter(nic::kCntRxTooBig);
    out.host_rx = nic_counter(nic::kCntHostRx);
    out.host_tx = nic_counter(nic::kCntHostTx);
    out.wire_tx = nic_counter(nic::kCntWireTxFrames);
    out.dma_reads = nic_counter(nic::kCntDmaReads);
    out.dma_writes = nic_counter(nic::kCntDmaWrites);
    out.core_cycles = core(nic::kCntCycles);
    out.core_insns = core(nic::kCntInsns);
    out.core_bundles = core(nic::kCntBundles);
    out.core_packets = core(nic::kCntPackets);
    out.core_errors = core(nic::kCntErrors);
    out.fw_loads = r.args[fw::kFwLoads];
    out.fw_swaps = r.args[fw::kFwSwaps];
    out.fw_images_refused = r.args[fw::kFwImagesRefused];
    out.fw_commands_refused = r.args[fw::kFwCommandsRefused];
    out.fw_map_ops = r.args[fw::kFwMapOps];
    out.fw_maps_kept = r.args[fw::kFwMapsKept];
}

void CardTarget::clear_faults() {
    fw::CardFaults& f = card_.faults();
    f.image = fw::CardFaults::ImageFault::None;
    f.mailbox_hang = false;
    f.dma.clear();
    f.reset_at_rx_frames = 0;
}

void CardTarget::set_cycle_budget(uint32_t cycles) {
    card_.write32(nic::reg::kRunTimeout, cycles);
    run_budget_ = cycles;
}

void CardTarget::inject(const bpfnic_fault& f) {
    fw::CardFaults& cf = card_.faults();
    switch (f.kind) {
        case BPFNIC_FAULT_IMAGE_BITFLIP:
        case BPFNIC_FAULT_IMAGE_TRUNCATE:
            if (f.bit > 7) throw Error(ErrorKind::BadInput, "inject fault: bit " + std::to_string(f.bit) + " is not 0..7");
            cf.image = f.kind == BPFNIC_FAULT_IMAGE_BITFLIP ? fw::CardFaults::ImageFault::BitFlip
                                                            : fw::CardFaults::ImageFault::Truncate;
            cf.image_offset = f.offset;
            cf.image_bit = f.bit;
            return;
        case BPFNIC_FAULT_MAILBOX_HANG: cf.mailbox_hang = true; return;
        case BPFNIC_FAULT_DMA_TX:
        case BPFNIC_FAULT_DMA_RX: {
            if (f.after_packets >= layout::kRingSize - 1)
                throw Error(ErrorKind::BadInput, "inject fault: after_packets " + std::to_string(f.after_packets) +
                                                     " must be below the ring's " + std::to_string(layout::kRingSize - 1));
            const bool tx = f.kind == BPFNIC_FAULT_DMA_TX;
            const uint32_t first = tx ? rings_.tx_tail() : rings_.rx_head();
            const uint32_t slot = static_cast<uint32_t>((first + f.after_packets) & (layout::kRingSize - 1));
            const uint64_t base = tx ? layout::kTxBufAddr : layout::kRxBufAddr;
            // The frame's buffer: TX, the card reads it; RX, the card writes the passed frame there.
            cf.dma.push_back(fw::CardFaults::DmaFault{!tx, base + uint64_t{slot} * layout::kBufBytes, layout::kBufBytes, 1});
            return;
        }
        case BPFNIC_FAULT_RESET:
            cf.reset_at_rx_frames = nic_counter(nic::kCntRxFrames) + std::max<uint64_t>(1, f.after_packets);
            return;
    }
    throw Error(ErrorKind::BadInput, "inject fault: unknown kind " + std::to_string(static_cast<int>(f.kind)));
}

std::optional<PacketOutcome> CardTarget::run_once(const std::vector<uint8_t>& packet) {
    const Counts c0 = counts();
    const double t0 = card_.now_ns();
    if (!rings_.post_tx(packet, fw::Card::kLoopbackPort)) {
        (void)rings_.reap_tx();
        if (!rings_.post_tx(packet, fw::Card::kLoopbackPort)) throw Error(ErrorKind::Internal, "run: TX ring full");
    }
    if (!card_.run_until_idle(kRunLimitNs)) throw Error(ErrorKind::Runtime, "run: the card did not finish the packet");
    if (card_was_reset()) return std::nullopt;
    const Rings::TxReaped tx = rings_.reap_tx();
    if (tx.errors) {
        stats_.tx_errors += tx.errors;
        ++stats_.faults_dma;
        stats_.note("dma", "the card could not fetch a packet from host memory (DMA error): counted in tx_errors");
        throw Error(ErrorKind::Internal, "run: the card could not fetch the packet from host memory (DMA error)");
    }
    const Counts c1 = counts();
    PacketOutcome out;
    out.cycles = c1.cycles - c0.cycles;
    out.insns = c1.insns - c0.insns;
    out.duration_ns = card_.now_ns() - t0;
    int moved = -1;
    for (int i = 0; i < 5; ++i)
        if (c1.verdicts[i] != c0.verdicts[i]) moved = moved < 0 ? i : 99;
    if (moved < 0 && c1.too_big != c0.too_big)
        throw Error(ErrorKind::BadInput, "run: the packet of " + std::to_string(packet.size()) +
                                             " bytes does not fit the card's packet buffer (counted in rx_too_big)");
    if (moved < 0 || moved > 4) throw Error(ErrorKind::Internal, "run: the packet moved " + std::string(moved < 0 ? "no" : "several") + " verdict counters");
    out.verdict = static_cast<uint32_t>(moved);
    if (c1.core_errors != c0.core_errors) {
        ++stats_.faults_bounds;
        out.fault = "the card's core stopped the program with an error (a memory access outside the bounds the hardware checks)";
        stats_.note("bounds", out.fault + ": the packet is XDP_ABORTED");
    } else if (run_budget_ && out.verdict == kXdpAborted && c1.run_cycles - c0.run_cycles >= run_budget_) {
        ++stats_.faults_budget;
        out.cycles = c1.run_cycles - c0.run_cycles;  // the core's own counter restarted with it
        out.fault = "the program ran past the card's budget of " + std::to_string(run_budget_) + " cycles per packet";
        stats_.note("budget", out.fault + ": the packet is XDP_ABORTED");
    }
    auto rx = rings_.reap_rx();
    auto wire = card_.take_wire();
    if (out.verdict == kXdpPass) {
        if (!rx.empty()) {
            out.data = std::move(rx.front());
        } else if (c1.no_desc != c0.no_desc) {
            ++stats_.rx_dropped;
            out.fault = "the passed frame was dropped: no RX descriptor was posted";
            stats_.note("ring", out.fault);
        } else {
            ++stats_.rx_errors;
            ++stats_.faults_dma;
            out.fault = "the passed frame was lost delivering it to the host (DMA error)";
            stats_.note("dma", out.fault + ": counted in rx_errors");
        }
    }
    if ((out.verdict == kXdpTx || out.verdict == kXdpRedirect) && !wire.empty()) {
        out.data = std::move(wire.front().bytes);
        if (out.verdict == kXdpRedirect) out.redirect = wire.front().redirect;
    }
    return out;
}

PacketOutcome CardTarget::run(const std::vector<uint8_t>& packet) {
    if (in_flight_) throw Error(ErrorKind::BadInput, "run: traffic is in flight (collect it first)");
    ensure_alive();
    maybe_checkpoint();
    epoch_start_ = log_.size();
    epoch_replayable_ = true;
    log(LogEntry{LogEntry::kPacket, 0, 0, packet, {}});
    for (int attempt = 0; attempt < 3; ++attempt) {
        std::optional<PacketOutcome> o;
        try {
            o = run_once(packet);
        } catch (const Error&) {
            if (log_.size() > epoch_start_) log_.pop_back();  // it did not run
            epoch_start_ = log_.size();
            throw;
        }
        if (o) {
            epoch_start_ = log_.size();
            return *o;
        }
        ++stats_.faults_reset;
        stats_.note("reset", "the card reset itself while running a packet");
        recover("the card reset itself");
        ++stats_.packets_replayed;
    }
    throw Error(ErrorKind::Internal, "run: the card kept resetting while running the packet");
}

void CardTarget::begin_epoch() {
    ensure_alive();
    maybe_checkpoint();
    in_flight_ = true;
    epoch_start_ = log_.size();
    epoch_replayable_ = true;
    base_ = counts();
    base_time_ = card_.now_ns();
    sent_ = tx_errors_ = replayed_ = lost_ = 0;
}

bool CardTarget::send(const std::vector<uint8_t>& packet) {
    if (!in_flight_) begin_epoch();
    if (!rings_.post_tx(packet, fw::Card::kLoopbackPort)) {
        tx_errors_ += rings_.reap_tx().errors;
        if (!rings_.post_tx(packet, fw::Card::kLoopbackPort)) return false;
    }
    ++sent_;
    log(LogEntry{LogEntry::kPacket, 0, 0, packet, {}});
    return true;
}

void CardTarget::advance(double ns) {
    const double end = card_.now_ns() + ns;
    while (card_.now_ns() < end) card_.step();
}

void CardTarget::collect(bpfnic_batch_result& out) {
    for (int attempt = 0;; ++attempt) {
        if (!card_.run_until_idle(kRunLimitNs)) throw Error(ErrorKind::Runtime, "collect: the card did not drain its queues");
        if (!card_was_reset()) break;
        if (attempt == 3) throw Error(ErrorKind::Internal, "collect: the card kept resetting");
        ++stats_.faults_reset;
        stats_.note("reset", "the card reset itself with " + std::to_string(sent_) + " packets in flight");
        recover("the card reset itself");
    }
    const Counts c = counts();
    const Rings::TxReaped tx = rings_.reap_tx();
    tx_errors_ += tx.errors;
    std::vector<std::vector<uint8_t>> passed = rings_.reap_rx();
    if (in_flight_) {
        bpfnic_verdicts v{c.verdicts[0] - base_.verdicts[0], c.verdicts[1] - base_.verdicts[1], c.verdicts[2] - base_.verdicts[2],
                          c.verdicts[3] - base_.verdicts[3], c.verdicts[4] - base_.verdicts[4]};
        out.packets_in += sent_;
        out.verdicts.aborted += v.aborted;
        out.verdicts.drop += v.drop;
        out.verdicts.pass += v.pass;
        out.verdicts.tx += v.tx;
        out.verdicts.redirect += v.redirect;
        const uint64_t too_big = c.too_big - base_.too_big;
        out.errors += tx_errors_ + too_big + lost_;
        out.replayed += replayed_;
        if (tx_errors_) {
            stats_.tx_errors += tx_errors_;
            ++stats_.faults_dma;
            stats_.note("dma", "the card could not fetch " + std::to_string(tx_errors_) +
                                   " packet(s) from host memory (DMA error): counted as errors");
        }
        const uint64_t bound_errors = c.core_errors - base_.core_errors;
        if (bound_errors) {
            stats_.faults_bounds += bound_errors;
            stats_.note("bounds", std::to_string(bound_errors) + " packet(s) stopped by the card's core with an error: XDP_ABORTED");
        }
        if (v.pass > passed.size()) {
            const uint64_t lost = v.pass - passed.size();
            const uint64_t no_desc = std::min<uint64_t>(lost, c.no_desc - base_.no_desc);
            out.pass_lost += lost;
            stats_.rx_dropped += no_desc;
            if (no_desc) stats_.note("ring", std::to_string(no_desc) + " passed frame(s) dropped: no RX descriptor posted");
            if (lost > no_desc) {
                stats_.rx_errors += lost - no_desc;
                ++stats_.faults_dma;
                stats_.note("dma", std::to_string(lost - no_desc) + " passed frame(s) lost delivering them to the host (DMA error)");
            }
        }
        out.cycles += c.cycles - base_.cycles;
        out.duration_ns += card_.now_ns() - base_time_;
        epoch_start_ = log_.size();
    }
    in_flight_ = false;
    for (auto& f : passed) out.passed.push_back(std::move(f));
    for (auto& w : card_.take_wire()) (w.port == fw::Card::kTestPort ? out.transmitted : out.redirected).push_back(std::move(w.bytes));
}

const CardTarget::MapShape* CardTarget::shape(uint32_t map) { return map < shapes_.size() ? &shapes_[map] : nullptr; }

int CardTarget::map_lookup(uint32_t map, const void* key, void* value) {
    const MapShape* s = shape(map);
    if (!s) return -EINVAL;
    Args a{};
    a[0] = map;
    const auto* k = static_cast<const uint8_t*>(key);
    const MailboxReply r =
        guarded([&] { return mbox_.call(fw::kCmdMapLookup, a, std::vector<uint8_t>(k, k + s->key_size), s->value_size); });
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
    const auto* k = static_cast<const uint8_t*>(key);
    const auto* v = static_cast<const uint8_t*>(value);
    std::vector<uint8_t> data(k, k + s->key_size);
    data.insert(data.end(), v, v + s->value_size);
    const int rc = MailboxClient::to_errno(guarded([&] { return mbox_.call(fw::kCmdMapUpdate, a, data); }));
    if (rc == 0)
        log(LogEntry{LogEntry::kUpdate, map, flags, std::vector<uint8_t>(k, k + s->key_size), std::vector<uint8_t>(v, v + s->value_size)});
    return rc;
}

int CardTarget::map_delete(uint32_t map, const void* key) {
    const MapShape* s = shape(map);
    if (!s) return -EINVAL;
    Args a{};
    a[0] = map;
    const auto* k = static_cast<const uint8_t*>(key);
    const std::vector<uint8_t> kb(k, k + s->key_size);
    const int rc = MailboxClient::to_errno(guarded([&] { return mbox_.call(fw::kCmdMapDelete, a, kb); }));
    if (rc == 0) log(LogEntry{LogEntry::kDelete, map, 0, kb, {}});
    return rc;
}

int CardTarget::map_next_key(uint32_t map, const void* key, void* next) {
    const MapShape* s = shape(map);
    if (!s) return -EINVAL;
    Args a{};
    a[0] = map;
    a[1] = key ? 1 : 0;
    std::vector<uint8_t> data;
    if (key) data.assign(static_cast<const uint8_t*>(key), static_cast<const uint8_t*>(key) + s->key_size);
    const MailboxReply r = guarded([&] { return mbox_.call(fw::kCmdMapNextKey, a, data, s->key_size); });
    if (r.status == fw::kStOk) std::memcpy(next, r.data.data(), s->key_size);
    return MailboxClient::to_errno(r);
}

uint32_t CardTarget::map_value_size(uint32_t map) {
    const MapShape* s = shape(map);
    return s ? s->value_size : 0;
}

std::vector<uint64_t> CardTarget::map_digests() {
    const MailboxReply r =
        guarded([&] { return mbox_.call(fw::kCmdMapDigest, Args{}, {}, static_cast<uint32_t>(8 * shapes_.size())); });
    std::vector<uint64_t> out(shapes_.size());
    if (r.status == fw::kStOk && !out.empty())  // no maps: data() may be null
        std::memcpy(out.data(), r.data.data(), 8 * std::min<size_t>(out.size(), r.args[0]));
    return out;
}

}  // namespace bpfnic::api

#endif  // BPFNIC_HAVE_CARD
