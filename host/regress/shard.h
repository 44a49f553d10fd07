// SPDX-License-Identifier: MIT
// Splitting a suite's cases into N shards: deterministic (the same suite gives the same split on
// every machine) and balanced by estimated cost (longest first, each to the least-loaded shard,
// ties broken by case id and shard index).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "host/regress/suite.h"

namespace bpfnic::regress {

struct ShardSpec {
    uint32_t index = 0;  ///< 0-based
    uint32_t count = 1;
};

/// Parses "I/N" (0 <= I < N <= 100000); throws Error (BadInput) naming the option.
ShardSpec parse_shard(const std::string& text);

/// The shard of each case (same order as cases).
std::vector<uint32_t> assign_shards(const std::vector<RegressCase>& cases, uint32_t count);

}  // namespace bpfnic::regress
