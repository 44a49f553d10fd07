// SPDX-License-Identifier: MIT
// Shared pieces of the fault-injection tests: full map dumps through the public API, the batch
// accounting invariant, arming a fault, and crafted programs from the project's assembler.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "compiler/asm.h"
#include "compiler/program.h"
#include "tests/driver_api/api_test_util.h"

namespace bpfnic::tests {

/// Every entry of every map of a program: map name -> key bytes -> value bytes.
using MapDump = std::map<std::string, std::map<std::vector<uint8_t>, std::vector<uint8_t>>>;

inline MapDump dump_all(bpfnic_prog* p) {
    MapDump out;
    for (const std::string& name : bpfnic_prog__map_names(p)) {
        bpfnic_map* m = bpfnic_prog__map(p, name.c_str());
        if (!m) {
            ADD_FAILURE() << bpfnic_last_error();
            continue;
        }
        auto& entries = out[name];
        const uint32_t ks = bpfnic_map__def(m)->key_size, vs = bpfnic_map__value_size(m);
        std::vector<uint8_t> key(ks), next(ks), value(vs);
        bool first = true;
        for (uint64_t n = 0; n <= bpfnic_map__def(m)->max_entries; ++n) {
            if (bpfnic_map__get_next_key(m, first ? nullptr : key.data(), next.data(), ks) != 0) break;
            first = false;
            key = next;
            if (bpfnic_map__lookup_elem(m, key.data(), ks, value.data(), vs) == 0) entries[key] = value;
        }
    }
    return out;
}

/// Nothing vanished: every packet has a verdict or is counted as an error, and every XDP_PASS
/// frame was delivered or is counted as lost.
inline void expect_accounted(const bpfnic_batch_result& r, uint64_t sent) {
    EXPECT_EQ(r.packets_in, sent);
    EXPECT_EQ(r.packets_in, r.verdicts.total() + r.errors);
    EXPECT_EQ(r.verdicts.pass, r.passed.size() + r.pass_lost);
    EXPECT_EQ(r.verdicts.tx, r.transmitted.size());
    EXPECT_EQ(r.verdicts.redirect, r.redirected.size());
}

inline void inject(bpfnic_dev* dev, bpfnic_fault_kind kind, uint64_t after = 0, uint32_t offset = 0, uint8_t bit = 0) {
    bpfnic_fault f = BPFNIC_FAULT();
    f.kind = kind;
    f.after_packets = after;
    f.offset = offset;
    f.bit = bit;
    ASSERT_EQ(bpfnic_dev__inject_fault(dev, &f), 0) << bpfnic_last_error();
}

/// Whether the device's fault log holds an event of `kind` whose message contains `text`.
inline bool logged(bpfnic_dev* dev, const std::string& kind, const std::string& text) {
    std::vector<bpfnic_fault_event> events;
    EXPECT_EQ(bpfnic_dev__fault_log(dev, &events), 0);
    for (const auto& e : events)
        if (e.kind == kind && e.message.find(text) != std::string::npos) return true;
    return false;
}

/// An object with one program assembled from `text` (type XDP, or raw for unverified programs).
inline Object asm_object(const std::string& name, const std::string& text, ProgType type = ProgType::Xdp,
                         std::vector<MapDef> maps = {}) {
    Object obj;
    obj.path = name + ".s";
    obj.license = "GPL";
    Program p;
    p.name = name;
    p.section = type == ProgType::Xdp ? "xdp" : "raw";
    p.type = type;
    p.insns = assemble(text);
    obj.programs.push_back(p);
    obj.maps = std::move(maps);
    return obj;
}

/// The same batch result, field by field (frames in order).
inline void expect_same_result(const bpfnic_batch_result& a, const bpfnic_batch_result& b) {
    EXPECT_EQ(a.packets_in, b.packets_in);
    EXPECT_EQ(a.verdicts.aborted, b.verdicts.aborted);
    EXPECT_EQ(a.verdicts.drop, b.verdicts.drop);
    EXPECT_EQ(a.verdicts.pass, b.verdicts.pass);
    EXPECT_EQ(a.verdicts.tx, b.verdicts.tx);
    EXPECT_EQ(a.verdicts.redirect, b.verdicts.redirect);
    EXPECT_EQ(a.passed, b.passed);
    EXPECT_EQ(a.transmitted, b.transmitted);
    EXPECT_EQ(a.redirected, b.redirected);
}

}  // namespace bpfnic::tests
