// SPDX-License-Identifier: MIT
// NicTestEnv: the shared system and the tests' host driver.
#include "tests/nic/nic_test_env.h"

#include <cstring>
#include <stdexcept>

#include "compiler/platform.h"
#include "driver/hw/hw_engine.h"

namespace bpfnic::tests {

using nic::desc::kBytes;

namespace {
nic::NicSystemConfig system_config() {
    nic::NicSystemConfig c;
    c.nic.lanes = 4;
    c.nic.ports = 2;
    return c;
}
}  // namespace

std::string example_object(const std::string& name) { return std::string(BPFNIC_BINARY_DIR) + "/examples/" + name + ".o"; }

NicTestEnv& NicTestEnv::get() {
    static NicTestEnv env;
    return env;
}

NicTestEnv::NicTestEnv() : sys_(system_config(), map_mem_, helpers_) {
    const std::vector<uint8_t> blank(64, 0);
    xdp_.reset(blank);
    env_.xdp = &xdp_;
    helpers_.set_env(&env_);
    // The helper unit's host copy of the frame (for helpers that take the context) starts from
    // each frame as the card received it, as the hw engine's does from each packet.
    sys_.nic().set_frame_start_hook([this](const nic::Frame& f, uint32_t ingress_ifindex) {
        xdp_.reset(f.bytes, ingress_ifindex, 0);
        env_.reset_outputs();
    });
    // XDP_REDIRECT to an ifindex leaves on port ifindex - IFINDEX_BASE (1); anything else is dropped.
    sys_.nic().set_redirect_resolver([this] {
        const RedirectTarget r = env_.redirect;
        return r.kind == RedirectTarget::Kind::Ifindex ? static_cast<int>(r.ifindex) - 1 : -1;
    });
}

void NicTestEnv::reset(MapSet& maps) {
    sys_.write32(nic::reg::kCtrl, nic::kCtrlReset);
    if (!sys_.run_until_idle(sc_core::sc_time(1, sc_core::SC_MS))) throw std::runtime_error("nic reset did not finish");
    sys_.write32(nic::reg::kIrqStatus, ~0u);
    map_mem_.bind(&maps);
    env_.maps = &maps;
    helpers_.bind(&software_xdp_platform(), &xdp_helper_table());
    tx_size_ = tx_tail_ = 0;
}

uint32_t NicTestEnv::load(const Object& obj, size_t entry, MapSet& maps) {
    return load_slots(
        HwEngine::bundle_program(obj.programs.at(entry), 4, maps, software_xdp_platform(), xdp_helper_table()));
}

uint32_t NicTestEnv::load_slots(const std::vector<uint64_t>& slots) {
    sys_.host().write(kImageAddr, slots.data(), slots.size() * 8);
    sys_.write64(nic::reg::kProgAddrLo, kImageAddr);
    sys_.write32(nic::reg::kProgBundles, static_cast<uint32_t>(slots.size() / 4));
    sys_.write32(nic::reg::kEntryPc, 0);
    sys_.write32(nic::reg::kCtrl, nic::kCtrlLoad);
    if (!sys_.run_until_idle(sc_core::sc_time(10, sc_core::SC_MS))) throw std::runtime_error("nic image load did not finish");
    return sys_.read32(nic::reg::kStatus);
}

void NicTestEnv::setup_rx(uint32_t size, uint32_t posted) {
    for (uint32_t i = 0; i < size; ++i) {
        uint8_t d[kBytes] = {};
        const uint64_t buf = kRxBufAddr + uint64_t{i} * kBufBytes;
        const uint16_t len = kBufBytes;
        std::memcpy(d + nic::desc::kAddr, &buf, 8);
        std::memcpy(d + nic::desc::kBufLen, &len, 2);
        sys_.host().write(kRxRingAddr + uint64_t{i} * kBytes, d, kBytes);
    }
    sys_.write64(nic::reg::kRxRing + nic::reg::kRingBaseLo, kRxRingAddr);
    sys_.write32(nic::reg::kRxRing + nic::reg::kRingSize, size);
    sys_.write32(nic::reg::kRxRing + nic::reg::kRingTail, posted);
}

std::vector<RxEntry> NicTestEnv::rx_completed(uint32_t from) {
    const uint32_t head = sys_.read32(nic::reg::kRxRing + nic::reg::kRingHead);
    const uint32_t size = sys_.read32(nic::reg::kRxRing + nic::reg::kRingSize);
    std::vector<RxEntry> out;
    for (uint32_t i = from; size && i != head; i = (i + 1) & (size - 1)) {
        uint8_t d[kBytes];
        sys_.host().read(kRxRingAddr + uint64_t{i} * kBytes, d, kBytes);
        uint64_t buf;
        uint16_t len, flags;
        std::memcpy(&buf, d + nic::desc::kAddr, 8);
        std::memcpy(&len, d + nic::desc::kPktLen, 2);
        std::memcpy(&flags, d + nic::desc::kFlags, 2);
        RxEntry e;
        e.bytes.resize(len);
        sys_.host().read(buf, e.bytes.data(), len);
        e.port = d[nic::desc::kPort];
        e.flags = flags;
        out.push_back(std::move(e));
    }
    return out;
}

void NicTestEnv::setup_tx(uint32_t size) {
    const std::vector<uint8_t> zero(size * kBytes, 0);
    sys_.host().write(kTxRingAddr, zero.data(), zero.size());
    sys_.write64(nic::reg::kTxRing + nic::reg::kRingBaseLo, kTxRingAddr);
    sys_.write32(nic::reg::kTxRing + nic::reg::kRingSize, size);
    tx_size_ = size;
    tx_tail_ = 0;
}

uint32_t NicTestEnv::post_tx(const std::vector<uint8_t>& frame, unsigned port) {
    if (!tx_size_) throw std::logic_error("post_tx before setup_tx");
    const uint32_t i = tx_tail_;
    const uint64_t buf = kTxBufAddr + uint64_t{i} * kBufBytes;
    sys_.host().write(buf, frame.data(), frame.size());
    uint8_t d[kBytes] = {};
    const uint16_t len = static_cast<uint16_t>(frame.size());
    std::memcpy(d + nic::desc::kAddr, &buf, 8);
    std::memcpy(d + nic::desc::kPktLen, &len, 2);
    d[nic::desc::kPort] = static_cast<uint8_t>(port);
    sys_.host().write(kTxRingAddr + uint64_t{i} * kBytes, d, kBytes);
    tx_tail_ = (tx_tail_ + 1) & (tx_size_ - 1);
    sys_.write32(nic::reg::kTxRing + nic::reg::kRingTail, tx_tail_);
    return i;
}

uint16_t NicTestEnv::tx_flags(uint32_t index) {
    uint16_t f;
    sys_.host().read(kTxRingAddr + uint64_t{index} * kBytes + nic::desc::kFlags, &f, 2);
    return f;
}

}  // namespace bpfnic::tests
