// SPDX-License-Identifier: MIT
// Falling back to software when the card is lost (a recovery failed, docs/reliability.md): the
// program moves to the JIT (the interpreter for unverified programs) with its maps rebuilt from
// the card's map shadow and replay log, and the API call that found the card lost goes on there.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "driver/bpfnic.h"

namespace bpfnic::api {

/// Moves an offloaded program to software. Returns the packets of the traffic that was in flight
/// on the card (in order; the caller runs them again), or throws the original error's text when
/// the program cannot move (cross-check mode, or no card target).
std::vector<std::vector<uint8_t>> fall_back_to_software(bpfnic_prog& p, const std::string& why);

}  // namespace bpfnic::api
