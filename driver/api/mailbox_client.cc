// SPDX-License-Identifier: MIT
// MailboxClient: BAR0 accesses, doorbell and completion.
#ifdef BPFNIC_HAVE_CARD

#include "driver/api/mailbox_client.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "compiler/error.h"
#include "firmware/mailbox.h"

namespace bpfnic::api {

namespace reg = sim::nic::reg;

void MailboxClient::write_window(const std::vector<uint8_t>& data) {
    for (size_t off = 0; off < data.size(); off += 4) {
        uint32_t w = 0;
        std::memcpy(&w, data.data() + off, std::min<size_t>(4, data.size() - off));
        card_.write32(reg::kMboxData + static_cast<uint32_t>(off), w);
    }
}

std::vector<uint8_t> MailboxClient::read_window(uint32_t n) {
    std::vector<uint8_t> out((n + 3) & ~3u);
    for (uint32_t off = 0; off < out.size(); off += 4) {
        const uint32_t w = card_.read32(reg::kMboxData + off);
        std::memcpy(out.data() + off, &w, 4);
    }
    out.resize(n);
    return out;
}

MailboxReply MailboxClient::call(uint32_t cmd, const std::array<uint32_t, 16>& args, const std::vector<uint8_t>& data,
                                 uint32_t data_out) {
    if (data.size() > reg::kMboxDataBytes || data_out > reg::kMboxDataBytes)
        throw Error(ErrorKind::Internal, "mailbox: data larger than the window");
    for (uint32_t i = 0; i < 16; ++i) card_.write32(reg::kMboxArgs + 4 * i, args[i]);
    write_window(data);
    const uint32_t seq = card_.read32(reg::kMboxSeq);
    card_.write32(reg::kMboxCmd, cmd);
    // The core thread answers between packets: a bounded wait in simulated time.
    const double limit = card_.now_ns() + timeout_ns_;
    while (card_.read32(reg::kMboxSeq) == seq) {
        if (card_.now_ns() > limit) {
            char hex[16];
            std::snprintf(hex, sizeof hex, "0x%02x", cmd);
            throw MailboxTimeout("mailbox: command " + std::string(hex) + " not answered in " +
                                 std::to_string(static_cast<uint64_t>(timeout_ns_ / 1e6)) + " ms of card time");
        }
        card_.step();
    }
    MailboxReply r;
    r.status = card_.read32(reg::kMboxStatus) >> 16;
    for (uint32_t i = 0; i < 16; ++i) r.args[i] = card_.read32(reg::kMboxArgs + 4 * i);
    if (r.status != fw::kStOk && r.status != fw::kStMapErrno) {
        const std::vector<uint8_t> msg = read_window(256);
        r.message.assign(reinterpret_cast<const char*>(msg.data()), strnlen(reinterpret_cast<const char*>(msg.data()), msg.size()));
        if (r.message.empty()) r.message = fw::status_name(r.status);
    } else if (data_out) {
        r.data = read_window(data_out);
    }
    card_.write32(reg::kIrqStatus, sim::nic::kIrqMbox);
    return r;
}

int MailboxClient::to_errno(const MailboxReply& r) {
    switch (r.status) {
        case fw::kStOk: return 0;
        case fw::kStMapErrno: return -static_cast<int>(r.args[0]);
        case fw::kStUnsupported: return -EOPNOTSUPP;
        case fw::kStBadArgs: return -EINVAL;
        case fw::kStBadImage: return -EINVAL;
        case fw::kStNoProgram: return -ENOENT;
        case fw::kStBusy: return -EBUSY;
        case fw::kStNoMap: return -EINVAL;
        default: return -EIO;
    }
}

}  // namespace bpfnic::api

#endif  // BPFNIC_HAVE_CARD
