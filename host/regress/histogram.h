// SPDX-License-Identifier: MIT
// A histogram over fixed buckets, so histograms of different shards merge exactly by adding
// counts: values 0..31 have a bucket each; above, every power-of-two range [2^k, 2^(k+1)) is split
// into 16 equal buckets (a bucket is at most 6.25% wide relative to its lower bound).
#pragma once

#include <cstdint>
#include <map>

#include <nlohmann/json.hpp>

namespace bpfnic::regress {

class Histogram {
public:
    static uint64_t bucket_lower(uint64_t v);  ///< lower bound of the bucket holding v

    void add(uint64_t v, uint64_t times = 1);
    void merge(const Histogram& other);
    uint64_t count() const { return count_; }
    uint64_t sum() const { return sum_; }
    uint64_t min() const { return min_; }
    uint64_t max() const { return max_; }
    double mean() const { return count_ ? double(sum_) / double(count_) : 0.0; }
    /// Lower bound of the bucket holding the q-quantile (0 < q <= 1); 0 when empty.
    uint64_t quantile(double q) const;

    /// {"count", "sum", "min", "max", "buckets": [[lower, count], ...]} in ascending order.
    nlohmann::json to_json() const;
    /// Throws bpfnic::Error (BadInput) naming what when j is not such an object.
    static Histogram from_json(const nlohmann::json& j, const std::string& what);
    bool operator==(const Histogram&) const = default;

private:
    std::map<uint64_t, uint64_t> buckets_;  // lower bound -> count
    uint64_t count_ = 0, sum_ = 0, min_ = 0, max_ = 0;
};

}  // namespace bpfnic::regress
