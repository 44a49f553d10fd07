// SPDX-License-Identifier: MIT
// What the public handles of driver/bpfnic.h hold, and the error plumbing every API file shares:
// a failed call records its message for bpfnic_last_error() and returns -errno.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/capability.h"
#include "compiler/error.h"
#include "compiler/program.h"
#include "driver/api/fault_stats.h"
#include "driver/api/target.h"
#include "driver/api/xcheck.h"
#include "driver/bpfnic.h"

namespace bpfnic::api {
#ifdef BPFNIC_HAVE_CARD
class CardTarget;
#else
/// Builds without the card model (BPFNIC_HW=OFF): devices never hold one.
class CardTarget final {};
#endif

/// Records `msg` for bpfnic_last_error() and returns `err` (a negative errno).
int fail(int err, const std::string& msg);
/// The errno of a bpfnic::Error kind (BadInput -EINVAL, NotFound -ENOENT, Rejected -EACCES,
/// Unsupported -EOPNOTSUPP, Runtime -EFAULT, Internal -EIO).
int errno_of(const Error& e);
void clear_error();
const char* last_error_text();
/// Adds one packet's verdict to v (anything but drop, pass, tx and redirect counts as aborted).
void count_verdict(bpfnic_verdicts& v, uint32_t verdict);
}  // namespace bpfnic::api

struct bpfnic_dev {
    bool hardware = false;
    std::string why_no_hardware;
    std::unique_ptr<bpfnic::api::CardTarget> card;  ///< null without a card
    bpfnic_prog* offloaded = nullptr;               ///< the program the card runs
    std::vector<bpfnic_prog*> progs;                ///< every loaded program
    bpfnic::api::FaultStats faults;                 ///< what went wrong and what the driver did
    ~bpfnic_dev();
};

struct bpfnic_map {
    bpfnic_prog* prog = nullptr;
    uint32_t index = 0;
    bpfnic::MapDef def;
};

struct bpfnic_prog {
    bpfnic_dev* dev = nullptr;
    bpfnic::Object obj;
    size_t entry = 0;
    std::string name;
    bool offloaded = false;
    std::optional<bpfnic::Refusal> refusal;
    std::string fallback_reason;
    uint32_t bundles = 0;
    bpfnic::api::Target* primary = nullptr;               ///< the card or software.front()
    std::vector<std::unique_ptr<bpfnic::api::EngineTarget>> software;  ///< jit (and interp in xcheck mode)
    std::unique_ptr<bpfnic::api::CrossCheck> xcheck;      ///< cross-check mode
    std::vector<std::unique_ptr<bpfnic_map>> maps;
    /// Packets that were in flight on a card that was lost: run in software at the next collect.
    std::vector<std::vector<uint8_t>> pending;

    /// Every target, primary first.
    std::vector<bpfnic::api::Target*> targets();
};
