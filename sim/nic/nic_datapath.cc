// SPDX-License-Identifier: MIT
// Nic: the core thread (frames through the XDP program, temporally decoupled) and the TX ring
// thread.
#include "sim/nic/nic.h"

#include <cstring>
#include <vector>

#include "sim/address_map.h"

namespace bpfnic::sim::nic {

namespace {
enum XdpAction : uint64_t { kXdpAborted = 0, kXdpDrop = 1, kXdpPass = 2, kXdpTx = 3, kXdpRedirect = 4 };

void put_u16(uint8_t* p, uint16_t v) { std::memcpy(p, &v, 2); }
uint16_t get_u16(const uint8_t* p) {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
}
uint64_t get_u64(const uint8_t* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
}
}  // namespace

EthPort* Nic::next_frame_port(const sc_core::sc_time& now) const {
    EthPort* best = nullptr;
    for (const EthPort& p : ports) {
        const Frame* f = p.peek();
        if (f && f->time <= now && (!best || f->time < best->peek()->time)) best = const_cast<EthPort*>(&p);
    }
    return best;
}

void Nic::core_thread() {
    qk_.reset();
    while (true) {
        if (reset_req_) {
            reset_req_ = false;
            do_reset();
            continue;
        }
        if (load_req_) {
            sc_core::sc_time delay = qk_.get_local_time();
            loaded_ = load_image(prog_addr_, prog_bundles_, delay);
            load_error_ = !loaded_;
            if (!loaded_) raise_irq(kIrqError);
            qk_.set(delay);
            load_req_ = false;
            if (qk_.need_sync()) qk_.sync();
            continue;
        }
        if (mbox_state_ == kMboxBusy) {
            sc_core::sc_time delay = qk_.get_local_time();
            do_mailbox(delay);
            qk_.set(delay);
            if (qk_.need_sync()) qk_.sync();
            continue;
        }
        if (enabled_ && loaded_) {
            if (EthPort* p = next_frame_port(qk_.get_current_time())) {
                process_frame(p->pop());
                if (qk_.need_sync()) qk_.sync();
                continue;
            }
        }
        // Nothing to do at this local time: catch up with SystemC time, then sleep until the next
        // arrival or register write.
        qk_.sync();
        sc_core::sc_time next = sc_core::SC_ZERO_TIME;
        bool have_next = false;
        if (enabled_ && loaded_) {
            for (const EthPort& p : ports) {
                if (const Frame* f = p.peek(); f && (!have_next || f->time < next)) {
                    next = f->time;
                    have_next = true;
                }
            }
        }
        if (have_next && next > sc_core::sc_time_stamp()) wait(next - sc_core::sc_time_stamp(), wake_);
        else if (!have_next) wait(wake_);
    }
}

void Nic::process_frame(Frame f) {
    ++cnt_[kCntRxFrames];
    cnt_[kCntRxBytes] += f.bytes.size();
    if (f.bytes.size() > addr::kPktBytes - kHeadroom - kTailroom) {
        ++cnt_[kCntRxTooBig];
        raise_irq(kIrqError);
        return;
    }
    busy_ = true;
    const uint64_t c0 = dev_->ctrl().cycle();
    // The receive MAC writes the frame behind the headroom and fills struct xdp_md.
    const uint32_t data = static_cast<uint32_t>(addr::kPktBase + kHeadroom);
    const uint32_t end = data + static_cast<uint32_t>(f.bytes.size());
    dev_->write_mem(data, f.bytes);
    dev_->write_u32(addr::kCtxBase + 0, data);
    dev_->write_u32(addr::kCtxBase + 4, end);
    dev_->write_u32(addr::kCtxBase + 8, data);
    dev_->write_u32(addr::kCtxBase + 12, ifindex_base_ + f.port);
    dev_->write_u32(addr::kCtxBase + 16, 0);
    dev_->write_u32(addr::kCtxBase + 20, 0);
    if (frame_start_hook_) frame_start_hook_(f, ifindex_base_ + f.port);

    runner_.start(entry_pc_, addr::kCtxBase, 0, run_timeout_);
    uint64_t counted = c0;
    while (!runner_.step(core_cycles_to_quantum_end())) {
        const uint64_t now = dev_->ctrl().cycle();
        qk_.inc(cfg_.clock_period * static_cast<double>(now - counted));
        counted = now;
        if (qk_.need_sync()) qk_.sync();
    }
    uint64_t action = runner_.result() & 0xffffffff;
    if (runner_.trapped() || runner_.timed_out() || action > kXdpRedirect) action = kXdpAborted;
    std::vector<uint8_t> out;
    if (action == kXdpPass || action == kXdpTx || action == kXdpRedirect) {
        // The transmit side reads the frame where the program left it (adjust_head/tail move it).
        const uint32_t d = dev_->read_u32(addr::kCtxBase + 0), e = dev_->read_u32(addr::kCtxBase + 4);
        if (e >= d && d >= addr::kPktBase && e <= addr::kPktBase + addr::kPktBytes) out = dev_->read_mem(d, e - d);
        else action = kXdpAborted;
    }
    const uint64_t c1 = dev_->ctrl().cycle();
    cnt_[kCntCoreRunCycles] += c1 - c0;
    qk_.inc(cfg_.clock_period * static_cast<double>(c1 - counted));
    busy_ = false;

    switch (action) {
        case kXdpAborted: ++cnt_[kCntAborted]; break;
        case kXdpDrop: ++cnt_[kCntDrop]; break;
        case kXdpPass: {
            ++cnt_[kCntPass];
            sc_core::sc_time delay = qk_.get_local_time();
            deliver_to_host(out, f.port, delay);
            qk_.set(delay);
            break;
        }
        case kXdpTx:
            ++cnt_[kCntTx];
            ++cnt_[kCntWireTxFrames];
            cnt_[kCntWireTxBytes] += out.size();
            ports[f.port].transmit(std::move(out), qk_.get_current_time());
            break;
        case kXdpRedirect: {
            ++cnt_[kCntRedirect];
            const int to = redirect_resolver_ ? redirect_resolver_() : -1;
            if (to >= 0 && static_cast<unsigned>(to) < ports.size()) {
                ++cnt_[kCntWireTxFrames];
                cnt_[kCntWireTxBytes] += out.size();
                ports[static_cast<size_t>(to)].transmit(std::move(out), qk_.get_current_time());
            }
            break;
        }
        default: break;
    }
}

void Nic::deliver_to_host(const std::vector<uint8_t>& bytes, unsigned port, sc_core::sc_time& delay) {
    if (rx_.size == 0 || rx_.head == rx_.tail) {
        ++cnt_[kCntRxNoDesc];
        raise_irq(kIrqError);
        return;
    }
    const uint64_t da = rx_.base + uint64_t{rx_.head} * desc::kBytes;
    uint8_t d[desc::kBytes];
    if (!dma.read(da, d, desc::kBytes, delay)) {
        raise_irq(kIrqError);
        return;
    }
    if (bytes.size() > get_u16(d + desc::kBufLen)) {
        ++cnt_[kCntRxTooBig];
        raise_irq(kIrqError);
        return;
    }
    if (!dma.write(get_u64(d + desc::kAddr), bytes.data(), static_cast<uint32_t>(bytes.size()), delay)) {
        raise_irq(kIrqError);
        return;
    }
    // Write back length, flags and port in one transfer, after the data.
    uint8_t wb[6];
    put_u16(wb + 0, static_cast<uint16_t>(bytes.size()));
    put_u16(wb + 2, desc::kFlagDone);
    wb[4] = static_cast<uint8_t>(port);
    wb[5] = 0;
    dma.write(da + desc::kPktLen, wb, sizeof wb, delay);
    rx_.head = (rx_.head + 1) & (rx_.size - 1);
    ++cnt_[kCntHostRx];
    raise_irq(kIrqRx);
}

void Nic::tx_thread() {
    tlm_utils::tlm_quantumkeeper qk;
    qk.reset();
    while (true) {
        if (tx_.size == 0 || tx_.head == tx_.tail) {
            qk.sync();
            wait(tx_event_);
            continue;
        }
        sc_core::sc_time delay = qk.get_local_time();
        const uint64_t da = tx_.base + uint64_t{tx_.head} * desc::kBytes;
        uint8_t d[desc::kBytes];
        uint16_t flags = desc::kFlagDone;
        if (dma.read(da, d, desc::kBytes, delay)) {
            const uint16_t len = get_u16(d + desc::kPktLen);
            const unsigned port = d[desc::kPort];
            std::vector<uint8_t> frame(len);
            if (port < ports.size() && len > 0 && dma.read(get_u64(d + desc::kAddr), frame.data(), len, delay)) {
                ++cnt_[kCntHostTx];
                ++cnt_[kCntWireTxFrames];
                cnt_[kCntWireTxBytes] += len;
                ports[port].transmit(std::move(frame), sc_core::sc_time_stamp() + delay);
            } else {
                flags |= desc::kFlagError;
            }
            uint8_t wb[2];
            put_u16(wb, flags);
            dma.write(da + desc::kFlags, wb, sizeof wb, delay);
        } else {
            raise_irq(kIrqError);
        }
        if (tx_.size) tx_.head = (tx_.head + 1) & (tx_.size - 1);
        raise_irq(kIrqTx);
        qk.set(delay);
        if (qk.need_sync()) qk.sync();
    }
}

}  // namespace bpfnic::sim::nic
