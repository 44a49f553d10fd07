// SPDX-License-Identifier: MIT
// A one-line progress display on stderr for long runs: shown only when stderr is a terminal and
// the run has lasted more than a second, redrawn at most ten times a second, erased at the end.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

namespace bpfnic {

class Progress {
public:
    Progress(std::ostream& err, bool enabled, std::string label, std::optional<uint64_t> total);
    ~Progress();
    void update(uint64_t done);
    void finish();

private:
    std::ostream& err_;
    bool enabled_;
    std::string label_;
    std::optional<uint64_t> total_;
    std::chrono::steady_clock::time_point start_, last_;
    bool shown_ = false;
};

}  // namespace bpfnic
