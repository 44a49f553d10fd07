// SPDX-License-Identifier: MIT
// Shared pieces of the driver API tests: example object paths, generated traffic, and a device
// fixture that opens the device (the process's card when built) for every test and closes it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "driver/bpfnic.h"
#include "driver/traffic/generator.h"

namespace bpfnic::tests {

inline std::string example(const std::string& name) { return std::string(BPFNIC_BINARY_DIR) + "/examples/" + name + ".o"; }

/// `count` generated packets (a fixed seed: the same packets every run).
inline std::vector<std::vector<uint8_t>> traffic(uint64_t count, uint64_t seed = 7, uint32_t size_max = 512) {
    TrafficSpec spec;
    spec.count = count;
    spec.seed = seed;
    spec.size_max = size_max;
    TrafficGenerator gen(spec);
    std::vector<std::vector<uint8_t>> out;
    for (uint64_t i = 0; i < count; ++i) out.push_back(gen.packet(i).bytes);
    return out;
}

inline bpfnic_prog_load_opts load_opts(bpfnic_offload offload, bool xcheck = false, const char* name = nullptr) {
    bpfnic_prog_load_opts o = BPFNIC_PROG_LOAD_OPTS();
    o.offload = offload;
    o.xcheck = xcheck;
    o.prog_name = name;
    return o;
}

/// Opens the device before each test and closes it after; card() tells whether a card is there.
class DeviceTest : public ::testing::Test {
protected:
    void SetUp() override {
        bpfnic_dev_opts o = BPFNIC_DEV_OPTS();
        ASSERT_EQ(bpfnic_dev__open(&o, &dev_), 0) << bpfnic_last_error();
        ASSERT_EQ(bpfnic_dev__caps(dev_, &caps_), 0) << bpfnic_last_error();
    }
    void TearDown() override { bpfnic_dev__close(dev_); }

    bool card() const { return caps_.hardware; }
    /// Loads or fails the test.
    bpfnic_prog* load(const std::string& name, bpfnic_offload offload, bool xcheck = false) {
        bpfnic_prog* p = nullptr;
        const bpfnic_prog_load_opts o = load_opts(offload, xcheck);
        EXPECT_EQ(bpfnic_prog__load(dev_, example(name).c_str(), &o, &p), 0) << bpfnic_last_error();
        return p;
    }
    /// Runs one packet; returns the verdict and fills `out`.
    uint32_t run(bpfnic_prog* p, const std::vector<uint8_t>& pkt, std::vector<uint8_t>* out = nullptr) {
        std::vector<uint8_t> buf(16384);
        bpfnic_test_run_opts r = BPFNIC_TEST_RUN_OPTS();
        r.data_in = pkt.data();
        r.data_size_in = static_cast<uint32_t>(pkt.size());
        r.data_out = buf.data();
        r.data_size_out = static_cast<uint32_t>(buf.size());
        EXPECT_EQ(bpfnic_prog__run(p, &r), 0) << bpfnic_last_error();
        buf.resize(r.data_size_out);
        if (out) *out = buf;
        return r.retval;
    }
    bpfnic_counters counters() {
        bpfnic_counters c;
        EXPECT_EQ(bpfnic_dev__counters(dev_, &c), 0) << bpfnic_last_error();
        return c;
    }

    bpfnic_dev* dev_ = nullptr;
    bpfnic_caps caps_;
};

}  // namespace bpfnic::tests
