// SPDX-License-Identifier: MIT
// MailboxClient: the host side of the firmware mailbox (docs/mailbox.md): arguments and data
// through BAR0, the doorbell, waiting for completion while the card runs, and the status mapped to
// the kernel's errno codes.
#pragma once

#ifdef BPFNIC_HAVE_CARD

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/error.h"
#include "firmware/card.h"

namespace bpfnic::api {

struct MailboxReply {
    uint32_t status = 0;
    std::array<uint32_t, 16> args{};
    std::vector<uint8_t> data;  ///< the first `data_out` bytes of the window
    std::string message;        ///< the firmware's message for refusals
};

/// The firmware did not answer a command within the client's budget.
class MailboxTimeout : public Error {
public:
    explicit MailboxTimeout(const std::string& msg) : Error(ErrorKind::Internal, msg) {}
};

class MailboxClient {
public:
    static constexpr double kDefaultTimeoutNs = 50e6;  ///< simulated time a command may take

    explicit MailboxClient(fw::Card& card) : card_(card) {}

    /// Runs one command; throws MailboxTimeout when the card does not answer within timeout_ns().
    MailboxReply call(uint32_t cmd, const std::array<uint32_t, 16>& args, const std::vector<uint8_t>& data = {},
                      uint32_t data_out = 0);

    /// 0 for kStOk, else -errno (kStMapErrno: the errno the firmware returned).
    static int to_errno(const MailboxReply& r);

    double timeout_ns() const { return timeout_ns_; }
    void set_timeout_ns(double ns) { timeout_ns_ = ns; }

private:
    void write_window(const std::vector<uint8_t>& data);
    std::vector<uint8_t> read_window(uint32_t n);

    fw::Card& card_;
    double timeout_ns_ = kDefaultTimeoutNs;
};

}  // namespace bpfnic::api

#endif  // BPFNIC_HAVE_CARD
