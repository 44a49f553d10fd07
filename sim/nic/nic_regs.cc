// SPDX-License-Identifier: MIT
// Nic: the BAR0 target (access rules, register reads and writes).
#include "sim/nic/nic.h"

#include <cstring>

namespace bpfnic::sim::nic {

namespace {
bool is_pow2(uint32_t v) { return v && (v & (v - 1)) == 0; }
}  // namespace

void Nic::bar_b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
    const uint64_t off = p.get_address();
    const uint32_t n = p.get_data_length();
    uint8_t* data = p.get_data_ptr();
    const bool read = p.get_command() == tlm::TLM_READ_COMMAND;
    if (p.get_command() == tlm::TLM_IGNORE_COMMAND) {
        p.set_response_status(tlm::TLM_OK_RESPONSE);
        return;
    }
    if (p.get_byte_enable_ptr() || p.get_streaming_width() < n) {
        p.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return;
    }
    if (off >= reg::kBarBytes || n > reg::kBarBytes - off) {
        p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    delay += read ? cfg_.mmio_read_latency : cfg_.mmio_write_latency;
    // The mailbox data window is plain memory: any length, any alignment.
    if (off >= reg::kMboxData) {
        if (read) std::memcpy(data, mbox_data_.data() + (off - reg::kMboxData), n);
        else std::memcpy(mbox_data_.data() + (off - reg::kMboxData), data, n);
        p.set_response_status(tlm::TLM_OK_RESPONSE);
        return;
    }
    // Registers: aligned 32-bit accesses, or 64-bit ones (low word first).
    if ((n != 4 && n != 8) || off % n) {
        p.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    for (uint32_t i = 0; i < n; i += 4) {
        const uint32_t o = static_cast<uint32_t>(off) + i;
        if (read) {
            const uint32_t v = reg_read(o);
            std::memcpy(data + i, &v, 4);
        } else {
            uint32_t v;
            std::memcpy(&v, data + i, 4);
            reg_write(o, v);
        }
    }
    p.set_response_status(tlm::TLM_OK_RESPONSE);
}

uint32_t Nic::ring_read(const Ring& r, uint32_t off) const {
    switch (off) {
        case reg::kRingBaseLo: return static_cast<uint32_t>(r.base);
        case reg::kRingBaseHi: return static_cast<uint32_t>(r.base >> 32);
        case reg::kRingSize: return r.size;
        case reg::kRingHead: return r.head;
        case reg::kRingTail: return r.tail;
        default: return 0;
    }
}

void Nic::ring_write(Ring& r, uint32_t off, uint32_t v) {
    switch (off) {
        case reg::kRingBaseLo:
            r.base = (r.base & ~uint64_t{0xffffffff}) | v;
            break;
        case reg::kRingBaseHi:
            r.base = (r.base & 0xffffffff) | (uint64_t{v} << 32);
            break;
        case reg::kRingSize:
            // A new size (re)starts the ring empty; sizes that are not a power of two up to 4096 turn it off.
            r.size = (v == 0 || (is_pow2(v) && v <= 4096)) ? v : 0;
            r.head = r.tail = 0;
            break;
        case reg::kRingTail:
            if (r.size) r.tail = v & (r.size - 1);
            break;
        default:
            break;  // HEAD is read only
    }
}

uint32_t Nic::reg_read(uint32_t off) const {
    if (off >= reg::kRxRing && off < reg::kRxRing + 0x40) return ring_read(rx_, off - reg::kRxRing);
    if (off >= reg::kTxRing && off < reg::kTxRing + 0x40) return ring_read(tx_, off - reg::kTxRing);
    if (off >= reg::kMboxArgs && off < reg::kMboxArgs + 4 * reg::kMboxArgCount) return mbox_args_[(off - reg::kMboxArgs) / 4];
    if (off >= reg::kCoreCounters && off < reg::kCoreCounters + 8 * kCoreCounterCount) {
        const uint64_t v = core_counter(static_cast<CoreCounter>((off - reg::kCoreCounters) / 8));
        return static_cast<uint32_t>(off % 8 ? v >> 32 : v);
    }
    if (off >= reg::kNicCounters && off < reg::kNicCounters + 8 * kNicCounterCount) {
        const uint64_t v = counter(static_cast<NicCounter>((off - reg::kNicCounters) / 8));
        return static_cast<uint32_t>(off % 8 ? v >> 32 : v);
    }
    switch (off) {
        case reg::kId: return kIdMagic;
        case reg::kVersion: return kVersion;
        case reg::kCaps: return cfg_.lanes | (cfg_.ports << 8) | (1u << 16);
        case reg::kImemDepth: return kImemBundles;
        case reg::kCtrl: return enabled_ ? kCtrlEnable : 0;
        case reg::kStatus:
            return (enabled_ ? kStatusEnabled : 0) | (busy_ ? kStatusBusy : 0) | (loaded_ ? kStatusLoaded : 0) |
                   (load_error_ ? kStatusLoadError : 0) | (load_req_ ? kStatusLoading : 0);
        case reg::kIrqStatus: return irq_status_;
        case reg::kIrqMask: return irq_mask_;
        case reg::kProgAddrLo: return static_cast<uint32_t>(prog_addr_);
        case reg::kProgAddrHi: return static_cast<uint32_t>(prog_addr_ >> 32);
        case reg::kProgBundles: return prog_bundles_;
        case reg::kEntryPc: return entry_pc_;
        case reg::kRunTimeout: return run_timeout_;
        case reg::kPktHeadroom: return kHeadroom;
        case reg::kIfindexBase: return ifindex_base_;
        case reg::kLoadedBundles: return loaded_bundles_;
        case reg::kMboxCmd: return mbox_cmd_;
        case reg::kMboxStatus: return mbox_state_ | (mbox_result_ << 16);
        case reg::kMboxSeq: return mbox_seq_;
        default: return 0;
    }
}

void Nic::reg_write(uint32_t off, uint32_t v) {
    if (off >= reg::kRxRing && off < reg::kRxRing + 0x40) {
        ring_write(rx_, off - reg::kRxRing, v);
        return;
    }
    if (off >= reg::kTxRing && off < reg::kTxRing + 0x40) {
        ring_write(tx_, off - reg::kTxRing, v);
        if (off - reg::kTxRing == reg::kRingTail) tx_event_.notify(sc_core::SC_ZERO_TIME);
        return;
    }
    if (off >= reg::kMboxArgs && off < reg::kMboxArgs + 4 * reg::kMboxArgCount) {
        mbox_args_[(off - reg::kMboxArgs) / 4] = v;
        return;
    }
    switch (off) {
        case reg::kCtrl:
            enabled_ = (v & kCtrlEnable) != 0;  // frames flow once an image is loaded
            if (v & kCtrlLoad) load_req_ = true;
            if (v & kCtrlReset) reset_req_ = true;
            if (v & (kCtrlLoad | kCtrlReset | kCtrlEnable)) work_event_.notify(sc_core::SC_ZERO_TIME);
            break;
        case reg::kIrqStatus: irq_status_ &= ~v; break;
        case reg::kIrqMask: irq_mask_ = v; break;
        case reg::kProgAddrLo: prog_addr_ = (prog_addr_ & ~uint64_t{0xffffffff}) | v; break;
        case reg::kProgAddrHi: prog_addr_ = (prog_addr_ & 0xffffffff) | (uint64_t{v} << 32); break;
        case reg::kProgBundles: prog_bundles_ = v; break;
        case reg::kEntryPc: entry_pc_ = v; break;
        case reg::kRunTimeout: run_timeout_ = v; break;
        case reg::kIfindexBase: ifindex_base_ = v; break;
        case reg::kMboxCmd:
            if (mbox_state_ != kMboxBusy) {
                mbox_cmd_ = v;
                mbox_state_ = kMboxBusy;
                work_event_.notify(sc_core::SC_ZERO_TIME);
            }
            break;
        default:
            break;  // read-only or unassigned: writes are ignored
    }
}

}  // namespace bpfnic::sim::nic
