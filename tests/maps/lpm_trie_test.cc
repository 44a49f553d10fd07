// SPDX-License-Identifier: MIT
// LPM_TRIE: longest match among overlapping prefixes, lookup limited by the key's prefixlen,
// exact-prefix delete, post-order get_next_key, errno codes and creation checks.
#include <arpa/inet.h>

#include <gtest/gtest.h>

#include <cerrno>

#include "compiler/error.h"
#include "tests/maps/map_test_util.h"

namespace bpfnic {
namespace {

using namespace test;

constexpr uint32_t kNoPrealloc = 1;

struct Key4 {
    uint32_t prefixlen;
    uint8_t addr[4];
};

Key4 key(const char* a, uint32_t len) {
    Key4 k{len, {}};
    inet_pton(AF_INET, a, k.addr);
    return k;
}

std::string text(const Key4& k) {
    char b[32];
    inet_ntop(AF_INET, k.addr, b, sizeof b);
    return std::string(b) + "/" + std::to_string(k.prefixlen);
}

class LpmTrie : public ::testing::Test {
protected:
    LpmTrie() : m_(make_map(map_def("lpm", map_type::kLpmTrie, 8, 4, 16, kNoPrealloc))) {}
    int add(const char* a, uint32_t len, uint32_t v, uint64_t flags = 0) {
        const Key4 k = key(a, len);
        return m_->update(&k, &v, flags);
    }
    int64_t find(const char* a, uint32_t len = 32) {
        const Key4 k = key(a, len);
        auto* v = static_cast<uint32_t*>(m_->lookup(&k));
        return v ? int64_t{*v} : int64_t{-1};
    }
    std::unique_ptr<Map> m_;
};

TEST_F(LpmTrie, LongestMatchWithOverlappingPrefixes) {
    ASSERT_EQ(add("0.0.0.0", 0, 1), 0);
    ASSERT_EQ(add("192.168.0.0", 16, 16), 0);
    ASSERT_EQ(add("192.168.0.0", 24, 24), 0);
    ASSERT_EQ(add("192.168.0.128", 25, 25), 0);
    ASSERT_EQ(add("192.168.0.7", 32, 32), 0);
    ASSERT_EQ(add("10.0.0.0", 8, 8), 0);
    EXPECT_EQ(find("192.168.0.7"), 32);
    EXPECT_EQ(find("192.168.0.8"), 24);
    EXPECT_EQ(find("192.168.0.200"), 25);
    EXPECT_EQ(find("192.168.1.1"), 16);
    EXPECT_EQ(find("10.255.0.1"), 8);
    EXPECT_EQ(find("11.0.0.1"), 1) << "the default route";
    // The key's prefixlen bounds the match.
    EXPECT_EQ(find("192.168.0.7", 24), 24);
    EXPECT_EQ(find("192.168.0.7", 20), 16);
    EXPECT_EQ(find("192.168.0.7", 0), 1);
    ASSERT_EQ(erase(*m_, key("0.0.0.0", 0)), 0);
    EXPECT_EQ(find("11.0.0.1"), -1);
}

TEST_F(LpmTrie, PrefixIdentityIgnoresHostBits) {
    ASSERT_EQ(add("192.168.0.0", 24, 1), 0);
    EXPECT_EQ(add("192.168.0.99", 24, 2, update_flag::kNoExist), -EEXIST) << "same /24";
    ASSERT_EQ(add("192.168.0.99", 24, 3), 0);
    EXPECT_EQ(find("192.168.0.1"), 3);
    // get_next_key reports the bytes of the last update, as the kernel keeps them.
    Key4 n;
    ASSERT_EQ(m_->next_key(nullptr, &n), 0);
    EXPECT_EQ(text(n), "192.168.0.99/24");
    EXPECT_EQ(erase(*m_, key("192.168.0.0", 23)), -ENOENT) << "delete needs the exact prefix";
    EXPECT_EQ(erase(*m_, key("192.168.0.5", 24)), 0);
}

TEST_F(LpmTrie, NextKeyIsPostOrder) {
    // The kernel's own example order: 192.168.0.0/24, 192.168.1.0/24, 192.168.128.0/24, 192.168.0.0/16.
    ASSERT_EQ(add("192.168.0.0", 16, 0), 0);
    ASSERT_EQ(add("192.168.128.0", 24, 0), 0);
    ASSERT_EQ(add("192.168.1.0", 24, 0), 0);
    ASSERT_EQ(add("192.168.0.0", 24, 0), 0);
    ASSERT_EQ(add("10.0.0.0", 8, 0), 0);
    ASSERT_EQ(add("0.0.0.0", 0, 0), 0);
    std::vector<std::string> order;
    for (const Key4& k : keys<Key4>(*m_)) order.push_back(text(k));
    EXPECT_EQ(order, (std::vector<std::string>{"10.0.0.0/8", "192.168.0.0/24", "192.168.1.0/24", "192.168.128.0/24",
                                               "192.168.0.0/16", "0.0.0.0/0"}));
    Key4 n;
    const Key4 absent = key("1.2.3.4", 32);
    ASSERT_EQ(m_->next_key(&absent, &n), 0);
    EXPECT_EQ(text(n), "10.0.0.0/8") << "an absent key restarts at the first";
    const Key4 last = key("0.0.0.0", 0);
    EXPECT_EQ(m_->next_key(&last, &n), -ENOENT);
}

TEST_F(LpmTrie, ErrnoCodes) {
    EXPECT_EQ(add("1.0.0.0", 33, 0), -EINVAL) << "prefixlen above 32";
    EXPECT_EQ(add("1.0.0.0", 8, 0, 3), -EINVAL);
    EXPECT_EQ(add("1.0.0.0", 8, 0, update_flag::kExist), -ENOENT);
    EXPECT_EQ(erase(*m_, key("1.0.0.0", 40)), -EINVAL);
    EXPECT_EQ(erase(*m_, key("1.0.0.0", 8)), -ENOENT);
    for (uint32_t i = 0; i < 16; ++i) {
        const Key4 k{32, {10, 0, 0, static_cast<uint8_t>(i)}};
        ASSERT_EQ(m_->update(&k, &i, 0), 0);
    }
    EXPECT_EQ(add("11.0.0.0", 8, 0), -ENOSPC);
    EXPECT_EQ(add("10.0.0.3", 32, 7), 0) << "replacing in a full trie";
    EXPECT_EQ(find("10.0.0.3"), 7);
}

TEST(LpmTrieCreate, KernelChecks) {
    EXPECT_THROW(make_map(map_def("l", map_type::kLpmTrie, 8, 4, 4, 0)), Error) << "needs BPF_F_NO_PREALLOC";
    EXPECT_THROW(make_map(map_def("l", map_type::kLpmTrie, 4, 4, 4, kNoPrealloc)), Error);
    EXPECT_THROW(make_map(map_def("l", map_type::kLpmTrie, 261, 4, 4, kNoPrealloc)), Error);
    EXPECT_THROW(make_map(map_def("l", map_type::kLpmTrie, 8, 0, 4, kNoPrealloc)), Error);
    EXPECT_NO_THROW(make_map(map_def("l", map_type::kLpmTrie, 260, 1, 4, kNoPrealloc)));
}

TEST(LpmTrieV6, LongestMatch) {
    auto m = make_map(map_def("l6", map_type::kLpmTrie, 20, 8, 8, kNoPrealloc));
    struct Key6 {
        uint32_t prefixlen;
        uint8_t addr[16];
    };
    auto k6 = [](const char* a, uint32_t len) {
        Key6 k{len, {}};
        inet_pton(AF_INET6, a, k.addr);
        return k;
    };
    const uint64_t v32 = 32, v64 = 64, v127 = 127;
    ASSERT_EQ(m->update(std::array<Key6, 1>{k6("2001:db8::", 32)}.data(), &v32, 0), 0);
    ASSERT_EQ(m->update(std::array<Key6, 1>{k6("2001:db8:1::", 64)}.data(), &v64, 0), 0);
    ASSERT_EQ(m->update(std::array<Key6, 1>{k6("2001:db8:1::", 127)}.data(), &v127, 0), 0);
    auto find = [&](const char* a) {
        const Key6 k = k6(a, 128);
        auto* v = static_cast<uint64_t*>(m->lookup(&k));
        return v ? static_cast<int64_t>(*v) : -1;
    };
    EXPECT_EQ(find("2001:db8:1::1"), 127);
    EXPECT_EQ(find("2001:db8:1::2"), 64);
    EXPECT_EQ(find("2001:db8:2::"), 32);
    EXPECT_EQ(find("2001:db9::"), -1);
}

}  // namespace
}  // namespace bpfnic
