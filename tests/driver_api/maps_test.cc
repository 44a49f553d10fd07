// SPDX-License-Identifier: MIT
// Host map access: the kernel's errno codes, identical for a program on the card (maps in the
// firmware, reached through the mailbox) and on the JIT, and map access while traffic flows.
#include <cerrno>
#include <cstring>
#include <string>

#include "tests/driver_api/api_test_util.h"

namespace bpfnic::tests {
namespace {

/// Every errno case on simple_firewall's maps (hash: open_services; LRU hash: conntrack;
/// per-CPU array: fw_stats); returns the codes in order.
std::vector<int> errno_script(bpfnic_prog* p) {
    std::vector<int> rc;
    bpfnic_map* svc = bpfnic_prog__map(p, "open_services");
    bpfnic_map* stats = bpfnic_prog__map(p, "fw_stats");
    if (!svc || !stats) return {-9999};
    const MapDef* d = bpfnic_map__def(svc);
    std::vector<uint8_t> key(d->key_size, 0x11), key2(d->key_size, 0x22), next(d->key_size);
    std::vector<uint8_t> val(bpfnic_map__value_size(svc), 1);
    rc.push_back(bpfnic_map__lookup_elem(svc, key.data(), key.size(), val.data(), val.size()));         // -ENOENT
    rc.push_back(bpfnic_map__delete_elem(svc, key.data(), key.size()));                                  // -ENOENT
    rc.push_back(bpfnic_map__update_elem(svc, key.data(), key.size(), val.data(), val.size(), 2));       // EXIST: -ENOENT
    rc.push_back(bpfnic_map__update_elem(svc, key.data(), key.size(), val.data(), val.size(), 1));       // NOEXIST: 0
    rc.push_back(bpfnic_map__update_elem(svc, key.data(), key.size(), val.data(), val.size(), 1));       // -EEXIST
    rc.push_back(bpfnic_map__update_elem(svc, key.data(), key.size(), val.data(), val.size(), 7));       // bad flags: -EINVAL
    rc.push_back(bpfnic_map__lookup_elem(svc, key.data(), key.size(), val.data(), val.size()));         // 0
    rc.push_back(bpfnic_map__get_next_key(svc, nullptr, next.data(), next.size()));                      // 0
    rc.push_back(next == key ? 0 : -1);
    rc.push_back(bpfnic_map__get_next_key(svc, key.data(), next.data(), next.size()));                   // -ENOENT
    rc.push_back(bpfnic_map__get_next_key(svc, key2.data(), next.data(), next.size()));                  // not there: first key, 0
    rc.push_back(bpfnic_map__delete_elem(svc, key.data(), key.size()));                                  // 0
    rc.push_back(bpfnic_map__lookup_elem(svc, key.data(), key.size() - 1, val.data(), val.size()));     // key size: -EINVAL
    uint32_t idx = 3, far = 1000;
    std::vector<uint8_t> v8(bpfnic_map__value_size(stats), 0);
    rc.push_back(bpfnic_map__lookup_elem(stats, &far, sizeof far, v8.data(), v8.size()));               // -ENOENT
    rc.push_back(bpfnic_map__update_elem(stats, &far, sizeof far, v8.data(), v8.size(), 0));            // -E2BIG
    rc.push_back(bpfnic_map__delete_elem(stats, &idx, sizeof idx));                                      // array: -EINVAL
    v8[0] = 42;
    rc.push_back(bpfnic_map__update_elem(stats, &idx, sizeof idx, v8.data(), v8.size(), 0));            // 0
    std::memset(v8.data(), 0, v8.size());
    rc.push_back(bpfnic_map__lookup_elem(stats, &idx, sizeof idx, v8.data(), v8.size()));               // 0
    rc.push_back(v8[0] == 42 ? 0 : -1);
    return rc;
}

class HostMaps : public DeviceTest {};

TEST_F(HostMaps, KernelErrnoCodesInSoftware) {
    bpfnic_prog* p = load("simple_firewall", BPFNIC_OFFLOAD_NEVER);
    ASSERT_NE(p, nullptr);
    const std::vector<int> want = {-ENOENT, -ENOENT, -ENOENT, 0,  -EEXIST, -EINVAL, 0, 0, 0, -ENOENT,
                                   0,       0,       -EINVAL, -ENOENT, -E2BIG, -EINVAL, 0, 0, 0};
    EXPECT_EQ(errno_script(p), want);
    bpfnic_prog__unload(p);
}

TEST_F(HostMaps, SameCodesOnTheCard) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    bpfnic_prog* sw = load("simple_firewall", BPFNIC_OFFLOAD_NEVER);
    ASSERT_NE(sw, nullptr);
    const std::vector<int> software = errno_script(sw);
    bpfnic_prog__unload(sw);
    bpfnic_prog* hw = load("simple_firewall", BPFNIC_OFFLOAD_REQUIRE);
    ASSERT_NE(hw, nullptr);
    ASSERT_TRUE(bpfnic_prog__offloaded(hw));
    EXPECT_EQ(errno_script(hw), software);
    EXPECT_GT(counters().fw_map_ops, 10u);
    bpfnic_prog__unload(hw);
}

TEST_F(HostMaps, AccessWhileTrafficFlows) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    bpfnic_prog* p = load("xdp1", BPFNIC_OFFLOAD_REQUIRE);
    ASSERT_NE(p, nullptr);
    bpfnic_map* m = bpfnic_prog__map(p, "rxcnt");
    ASSERT_NE(m, nullptr);
    const auto pkts = traffic(150, 9, 200);
    ASSERT_EQ(bpfnic_prog__send(p, pkts), 150) << bpfnic_last_error();
    // Read and write while the card works through the ring: each mailbox command lands between
    // two packets, so the counts read grow monotonically and a host write is never lost.
    uint64_t last = 0;
    const uint32_t marker = 255;  // no packet has IP protocol 255
    const uint64_t seeded = 1000;
    ASSERT_EQ(bpfnic_map__update_elem(m, &marker, sizeof marker, &seeded, sizeof seeded, 0), 0) << bpfnic_last_error();
    for (int step = 0; step < 6; ++step) {
        ASSERT_EQ(bpfnic_dev__advance(dev_, 3000), 0);
        uint64_t total = 0;
        for (uint32_t k = 0; k < 255; ++k) {
            uint64_t v = 0;
            ASSERT_EQ(bpfnic_map__lookup_elem(m, &k, sizeof k, &v, sizeof v), 0) << bpfnic_last_error();
            total += v;
        }
        EXPECT_GE(total, last);
        last = total;
    }
    bpfnic_batch_result r;
    ASSERT_EQ(bpfnic_prog__collect(p, &r), 0) << bpfnic_last_error();
    EXPECT_EQ(r.verdicts.drop, 150u);
    uint64_t total = 0, v = 0;
    for (uint32_t k = 0; k < 255; ++k) {
        ASSERT_EQ(bpfnic_map__lookup_elem(m, &k, sizeof k, &v, sizeof v), 0);
        total += v;
    }
    EXPECT_EQ(total, 150u);
    ASSERT_EQ(bpfnic_map__lookup_elem(m, &marker, sizeof marker, &v, sizeof v), 0);
    EXPECT_EQ(v, seeded);
    bpfnic_prog__unload(p);
}

}  // namespace
}  // namespace bpfnic::tests
