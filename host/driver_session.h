// SPDX-License-Identifier: MIT
// The command's handles on the driver (driver/bpfnic.h): the device and a session of one program
// on it, closed in order, with the driver's -errno returns turned into the command's errors
// (bpfnic::Error, whose kind is the exit code).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/program.h"
#include "driver/bpfnic.h"
#include "driver/report.h"

namespace bpfnic {

/// Throws Error with the driver's message (bpfnic_last_error) prefixed by `what` when not empty;
/// the kind follows the errno (EINVAL bad input, ENOENT not found, EACCES rejected, EOPNOTSUPP
/// unsupported, EFAULT runtime, others internal).
[[noreturn]] void throw_driver_error(int rc, const std::string& what = "");

class Device {
public:
    /// hardware: open the simulated card when the build has one (else software only).
    explicit Device(bool hardware);
    ~Device();
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;
    bpfnic_dev* get() const { return dev_; }

private:
    bpfnic_dev* dev_ = nullptr;
};

struct SessionSpec {
    std::string prog;            ///< function or section name ("" the first program)
    std::string engine = "interp";
    bool verify = true;
    uint32_t repeat = 1;
    std::optional<std::string> trace;
};

class Session {
public:
    Session(Device& dev, const Object& obj, const SessionSpec& spec);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    /// Runs one packet; throws Error with the driver's message.
    bpfnic_session_packet run(const std::vector<uint8_t>& packet);
    bpfnic_prog* prog() const { return bpfnic_session__prog(session_); }
    std::vector<std::string> engines() const { return bpfnic_session__engines(session_); }
    bpfnic_session_stats stats() const;

    /// The run report so far: counts, offload facts, card counters, cross-check, every map.
    RunReport report(const Object& obj, size_t entry) const;

private:
    bpfnic_session* session_ = nullptr;
    SessionSpec spec_;
};

}  // namespace bpfnic
