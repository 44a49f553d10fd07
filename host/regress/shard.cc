// SPDX-License-Identifier: MIT
// Longest-processing-time-first assignment of cases to shards.
#include "host/regress/shard.h"

#include <algorithm>
#include <numeric>

#include "compiler/error.h"

namespace bpfnic::regress {

ShardSpec parse_shard(const std::string& text) {
    const size_t slash = text.find('/');
    auto number = [&](const std::string& s) -> uint64_t {
        if (s.empty() || s.size() > 6 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
            throw Error(ErrorKind::BadInput, "--shard '" + text + "': expected I/N with 0 <= I < N (e.g. 3/16)");
        return std::stoull(s);
    };
    if (slash == std::string::npos) number("");
    const uint64_t i = number(text.substr(0, slash));
    const uint64_t n = number(text.substr(slash + 1));
    if (n < 1 || n > 100000 || i >= n)
        throw Error(ErrorKind::BadInput, "--shard '" + text + "': expected I/N with 0 <= I < N <= 100000");
    return {static_cast<uint32_t>(i), static_cast<uint32_t>(n)};
}

std::vector<uint32_t> assign_shards(const std::vector<RegressCase>& cases, uint32_t count) {
    std::vector<size_t> order(cases.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        if (cases[a].cost != cases[b].cost) return cases[a].cost > cases[b].cost;
        return cases[a].id < cases[b].id;
    });
    std::vector<double> load(count, 0.0);
    std::vector<uint32_t> shard(cases.size(), 0);
    for (size_t i : order) {
        const uint32_t best = static_cast<uint32_t>(std::min_element(load.begin(), load.end()) - load.begin());
        shard[i] = best;
        load[best] += cases[i].cost;
    }
    return shard;
}

}  // namespace bpfnic::regress
