// SPDX-License-Identifier: MIT
// The run report's JSON (driver/report.h): hardware-derived keys computed from cycles, null off
// hardware, and map contents written and read back.
#include <gtest/gtest.h>

#include "compiler/error.h"
#include "driver/report.h"

namespace bpfnic {
namespace {

TEST(RunReportJson, HardwareKeysFromCycles) {
    RunReport r;
    r.engine = "hw";
    r.packets = 10;
    r.instructions_executed = 400;
    r.cycles = 500;  // 50 cycles per packet
    r.stalls = {{"load_use", 20}, {"helper", 30}};
    const auto j = to_json(r);
    EXPECT_DOUBLE_EQ(j["cycles_per_packet"].get<double>(), 50.0);
    EXPECT_DOUBLE_EQ(j["ipc"].get<double>(), 0.8);
    EXPECT_DOUBLE_EQ(j["mpps_at_mhz"]["156.25"].get<double>(), 156.25 / 50.0);
    EXPECT_DOUBLE_EQ(j["mpps_at_mhz"]["250"].get<double>(), 5.0);
    EXPECT_EQ(j["stalls"]["helper"], 30);
}

TEST(RunReportJson, SoftwareRunHasNullHardwareKeys) {
    RunReport r;
    r.engine = "interp";
    r.packets = 3;
    r.instructions_executed = 30;
    r.verdicts.add(1);
    r.verdicts.add(2);
    r.verdicts.add(7);
    const auto j = to_json(r);
    for (const char* key : {"cycles_per_packet", "ipc", "stalls", "mpps_at_mhz", "bundles", "mismatches", "fallback_reason", "output"})
        EXPECT_TRUE(j[key].is_null()) << key;
    EXPECT_EQ(j["verdicts"]["drop"], 1);
    EXPECT_EQ(j["verdicts"]["pass"], 1);
    EXPECT_EQ(j["verdicts"]["invalid"], 1);
    EXPECT_DOUBLE_EQ(j["instructions_per_packet"].get<double>(), 10.0);
}

TEST(MapJson, HashMapRoundTrip) {
    MapDef def;
    def.name = "flows";
    def.type = map_type::kHash;
    def.key_size = 4;
    def.value_size = 2;
    def.max_entries = 8;
    MapSet a({def}), b({def});
    const nlohmann::json entries = nlohmann::json::parse(
        R"([{"key": "01 00 00 00", "value": "aa bb"}, {"key": "02 00 00 00", "value": "cc dd"}])");
    map_from_json(a.at(0), entries, "flows.json");
    const auto dumped = map_to_json(a.at(0));
    EXPECT_EQ(dumped["type"], "hash");
    EXPECT_EQ(dumped["entries"].size(), 2u);
    map_from_json(b.at(0), dumped, "dump");  // a dump seeds another instance
    EXPECT_EQ(map_to_json(b.at(0)), dumped);
    try {
        map_from_json(a.at(0), nlohmann::json::parse(R"([{"key": "01 00", "value": "aa bb"}])"), "f.json");
        ADD_FAILURE() << "short key accepted";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), "f.json: entry 0: key has 2 bytes, map 'flows' needs 4");
    }
    try {
        map_from_json(a.at(0), nlohmann::json::parse(R"({"entries": [{"key": "zz 00 00 00", "value": "aa bb"}]})"), "f.json");
        ADD_FAILURE() << "bad hex accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::BadInput);
        EXPECT_EQ(std::string(e.what()).rfind("f.json: entry 0 key: 'zz' is not hex bytes", 0), 0u) << e.what();
    }
}

}  // namespace
}  // namespace bpfnic
