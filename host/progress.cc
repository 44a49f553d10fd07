// SPDX-License-Identifier: MIT
// Terminal progress line.
#include "host/progress.h"

#include <ostream>

namespace bpfnic {

Progress::Progress(std::ostream& err, bool enabled, std::string label, std::optional<uint64_t> total)
    : err_(err), enabled_(enabled), label_(std::move(label)), total_(total),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

Progress::~Progress() { finish(); }

void Progress::update(uint64_t done) {
    if (!enabled_ || (done & 63) != 0) return;  // look at the clock every 64 packets only
    const auto now = std::chrono::steady_clock::now();
    if (now - start_ < std::chrono::seconds(1) || now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const double secs = std::chrono::duration<double>(now - start_).count();
    err_ << "\r" << label_ << ": " << done;
    if (total_) err_ << "/" << *total_ << " (" << (100 * done / (*total_ ? *total_ : 1)) << "%)";
    err_ << " packets, " << static_cast<uint64_t>(done / secs) << " packets/s\x1b[K" << std::flush;
    shown_ = true;
}

void Progress::finish() {
    if (shown_) err_ << "\r\x1b[K" << std::flush;
    shown_ = false;
}

}  // namespace bpfnic
