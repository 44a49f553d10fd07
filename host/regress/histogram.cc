// SPDX-License-Identifier: MIT
// Fixed-bucket histograms.
#include "host/regress/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "compiler/error.h"

namespace bpfnic::regress {

uint64_t Histogram::bucket_lower(uint64_t v) {
    if (v < 32) return v;
    const int k = 63 - std::countl_zero(v);  // 2^k <= v < 2^(k+1), k >= 5
    const int shift = k - 4;
    return (v >> shift) << shift;  // 16 buckets of width 2^(k-4)
}

void Histogram::add(uint64_t v, uint64_t times) {
    if (!times) return;
    buckets_[bucket_lower(v)] += times;
    min_ = count_ ? std::min(min_, v) : v;
    max_ = count_ ? std::max(max_, v) : v;
    count_ += times;
    sum_ += v * times;
}

void Histogram::merge(const Histogram& o) {
    if (!o.count_) return;
    for (const auto& [lo, n] : o.buckets_) buckets_[lo] += n;
    min_ = count_ ? std::min(min_, o.min_) : o.min_;
    max_ = count_ ? std::max(max_, o.max_) : o.max_;
    count_ += o.count_;
    sum_ += o.sum_;
}

uint64_t Histogram::quantile(double q) const {
    if (!count_) return 0;
    const uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * double(count_))));
    uint64_t seen = 0;
    for (const auto& [lo, n] : buckets_) {
        seen += n;
        if (seen >= rank) return lo;
    }
    return buckets_.rbegin()->first;
}

nlohmann::json Histogram::to_json() const {
    nlohmann::json b = nlohmann::json::array();
    for (const auto& [lo, n] : buckets_) b.push_back({lo, n});
    return {{"count", count_}, {"sum", sum_}, {"min", min_}, {"max", max_}, {"buckets", b}};
}

Histogram Histogram::from_json(const nlohmann::json& j, const std::string& what) {
    auto bad = [&](const std::string& why) { return Error(ErrorKind::BadInput, what + ": " + why); };
    if (!j.is_object()) throw bad("a histogram must be an object");
    Histogram h;
    try {
        for (const auto& b : j.at("buckets")) {
            const uint64_t lo = b.at(0).get<uint64_t>(), n = b.at(1).get<uint64_t>();
            if (bucket_lower(lo) != lo) throw bad("bucket " + std::to_string(lo) + " is not a bucket lower bound");
            h.buckets_[lo] += n;
            h.count_ += n;
        }
        if (h.count_ != j.at("count").get<uint64_t>()) throw bad("bucket counts do not add up to 'count'");
        h.sum_ = j.at("sum").get<uint64_t>();
        h.min_ = j.at("min").get<uint64_t>();
        h.max_ = j.at("max").get<uint64_t>();
    } catch (const nlohmann::json::exception& e) {
        throw bad(std::string("malformed histogram: ") + e.what());
    }
    return h;
}

}  // namespace bpfnic::regress
