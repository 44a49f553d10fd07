// SPDX-License-Identifier: MIT
// TraceReplay: the waveform of a session's packets. The card model has no waveform output, so
// the program, compiled for the card's lanes, runs again on the core model (the same RTL, with
// the software map and helper units) with FST tracing on; its maps start as the card's were at
// the first packet.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "compiler/program.h"
#include "driver/api/target.h"

namespace bpfnic::api {

class TraceReplay {
public:
    /// Throws Error (Unsupported) in builds without the core model, (BadInput) when the file
    /// cannot be written.
    TraceReplay(const Object& obj, size_t entry, unsigned lanes, const std::string& path);
    ~TraceReplay();

    /// Runs the packet on the traced core; the first call copies every map of `card` first.
    void run(Target& card, const std::vector<uint8_t>& packet);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace bpfnic::api
