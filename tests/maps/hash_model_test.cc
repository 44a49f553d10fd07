// SPDX-License-Identifier: MIT
// HASH and LRU_HASH against a reference model over long random operation sequences: many keys
// share probe runs (small key space, fills and drains), so insertion, deletion with its backward
// shift, table growth, slot reuse, get_next_key order and LRU eviction are all exercised; after
// every operation the map must agree with the model on every key and on the iteration order.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <list>
#include <map>
#include <random>

#include "tests/maps/map_test_util.h"

namespace bpfnic {
namespace {

using namespace test;

struct Model {
    std::map<uint64_t, uint32_t> values;
    std::list<uint64_t> order;    // insertion order
    std::list<uint64_t> recency;  // front: most recent

    void touch(uint64_t k) {
        recency.remove(k);
        recency.push_front(k);
    }
    void erase(uint64_t k) {
        values.erase(k);
        order.remove(k);
        recency.remove(k);
    }
};

void run_sequence(uint32_t type, uint32_t max_entries, uint32_t key_space, uint32_t seed) {
    const bool lru = type == map_type::kLruHash;
    auto m = make_map(map_def("h", type, 8, 4, max_entries));
    Model ref;
    std::mt19937 rng(seed);
    for (int step = 0; step < 20000; ++step) {
        const uint64_t k = rng() % key_space;
        const uint32_t v = rng();
        switch (rng() % 4) {
        case 0:
        case 1: {  // update (any)
            const int rc = update<uint64_t, uint32_t>(*m, k, v);
            const bool present = ref.values.count(k) != 0;
            if (!present && ref.values.size() >= max_entries) {
                if (!lru) {
                    ASSERT_EQ(rc, -E2BIG) << "step " << step;
                    break;
                }
                ref.erase(ref.recency.back());
            }
            ASSERT_EQ(rc, 0) << "step " << step;
            if (!present) ref.order.push_back(k);
            ref.values[k] = v;
            if (lru) ref.touch(k);
            break;
        }
        case 2: {  // delete
            const int rc = erase<uint64_t>(*m, k);
            ASSERT_EQ(rc, ref.values.count(k) ? 0 : -ENOENT) << "step " << step;
            ref.erase(k);
            break;
        }
        default: {  // program-side lookup
            const uint32_t* got = lookup<uint32_t>(*m, k);
            auto it = ref.values.find(k);
            ASSERT_EQ(got != nullptr, it != ref.values.end()) << "step " << step << " key " << k;
            if (got) {
                ASSERT_EQ(*got, it->second);
                if (lru) ref.touch(k);
            }
        }
        }
        if (step % 97 == 0) {
            const std::vector<uint64_t> order = keys<uint64_t>(*m);
            ASSERT_EQ(order, std::vector<uint64_t>(ref.order.begin(), ref.order.end())) << "step " << step;
        }
    }
    for (uint64_t k = 0; k < key_space; ++k) {
        uint32_t out = 0;
        const int rc = m->lookup_copy(&k, &out);
        auto it = ref.values.find(k);
        ASSERT_EQ(rc, it == ref.values.end() ? -ENOENT : 0) << "key " << k;
        if (rc == 0) EXPECT_EQ(out, it->second);
    }
}

TEST(HashModel, RandomOperationsMatchTheModel) {
    for (uint32_t seed : {1u, 2u, 3u}) {
        run_sequence(map_type::kHash, 64, 200, seed);
        run_sequence(map_type::kHash, 1000, 1500, seed);
    }
}

TEST(HashModel, LruRandomOperationsMatchTheModel) {
    for (uint32_t seed : {4u, 5u}) {
        run_sequence(map_type::kLruHash, 32, 100, seed);
        run_sequence(map_type::kLruHash, 300, 400, seed);
    }
}

}  // namespace
}  // namespace bpfnic
