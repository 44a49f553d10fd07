// SPDX-License-Identifier: MIT
// The example IO modules (examples/*.o) on the simulated core, for generated traffic: the same
// verdicts, output packets, redirect targets and final map contents as the interpreter. Once one
// instruction per bundle with the co-simulation checker on (4 lanes), and once compiled into VLIW
// bundles for every lane configuration this build has. Programs the hardware declines at load
// time (Unsupported, e.g. tail calls) are listed with the reason and not run.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "compiler/error.h"
#include "compiler/loader.h"
#include "compiler/platform.h"
#include "driver/hw/hw_engine.h"
#include "driver/interp.h"
#include "driver/traffic/generator.h"
#include "sim/core_model.h"

namespace bpfnic::tests {
namespace {

constexpr uint64_t kPackets = 48;

std::vector<std::string> example_objects() {
    std::vector<std::string> out;
    const std::filesystem::path dir = std::filesystem::path(BPFNIC_BINARY_DIR) / "examples";
    if (!std::filesystem::exists(dir)) return out;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.path().extension() == ".o") out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

// Every key and value of a map, in iteration order of its keys sorted.
std::vector<std::pair<std::vector<uint8_t>, std::vector<uint8_t>>> dump(Map& m) {
    std::vector<std::pair<std::vector<uint8_t>, std::vector<uint8_t>>> out;
    const MapDef& d = m.def();
    if (d.key_size == 0 || d.key_size > 256) return out;
    std::vector<uint8_t> key(d.key_size), next(d.key_size), val(m.host_value_size());
    for (int rc = m.next_key(nullptr, next.data()); rc == 0 && out.size() < 100000;
         rc = m.next_key(key.data(), next.data())) {
        if (m.lookup_copy(next.data(), val.data()) == 0) out.emplace_back(next, val);
        key = next;
    }
    std::sort(out.begin(), out.end());
    return out;
}

struct Config {
    unsigned lanes;
    bool compiled;  // compiled bundles, else one instruction per bundle with cosim
};

std::vector<Config> configs() {
    std::vector<Config> out = {{4, false}};
    for (unsigned l : sim::available_lane_configs()) out.push_back({l, true});
    return out;
}

std::string config_name(const ::testing::TestParamInfo<Config>& i) {
    return (i.param.compiled ? "Compiled" : "Cosim") + std::to_string(i.param.lanes) + "Lanes";
}

class RtlExamples : public ::testing::TestWithParam<Config> {};

TEST_P(RtlExamples, SameResultsAsTheInterpreter) {
    const Config cfg = GetParam();
    const auto objects = example_objects();
    if (objects.empty()) GTEST_SKIP() << "no example objects under " << BPFNIC_BINARY_DIR << "/examples";
    TrafficSpec spec;
    spec.count = kPackets;
    spec.size_max = 600;
    const TrafficGenerator gen(spec);
    int programs_run = 0;
    for (const std::string& path : objects) {
        Object obj;
        try {
            obj = load_object(path);
        } catch (const Error& e) {
            std::cout << "[ rtl      ] " << path << ": not loadable here: " << e.what() << "\n";
            continue;
        }
        for (size_t p = 0; p < obj.programs.size(); ++p) {
            if (obj.programs[p].type != ProgType::Xdp) continue;
            SCOPED_TRACE(path + " " + obj.programs[p].name);
            MapSet ref_maps(obj.maps), hw_maps(obj.maps);
            Interpreter interp;
            HwEngine::Options o;
            o.lanes = cfg.lanes;
            o.cosim = !cfg.compiled;
            o.compile = cfg.compiled;
            HwEngine hw(o);
            try {
                interp.load(obj, p, ref_maps, software_xdp_platform());
                hw.load(obj, p, hw_maps, software_xdp_platform());
            } catch (const Error& e) {
                std::cout << "[ rtl      ] " << obj.programs[p].name << " (" << path << ") left out: " << e.what() << "\n";
                continue;
            }
            ++programs_run;
            uint64_t cycles = 0, insns = 0;
            for (uint64_t i = 0; i < kPackets; ++i) {
                const auto pkt = gen.packet(i).bytes;
                XdpBuff rb, hb;
                rb.reset(pkt);
                hb.reset(pkt);
                ExecEnv re, he;
                re.maps = &ref_maps;
                he.maps = &hw_maps;
                re.xdp = &rb;
                he.xdp = &hb;
                re.ktime_ns = he.ktime_ns = 1000 * i;
                uint64_t r_ref = 0, r_hw = 0;
                std::string e_ref, e_hw;
                try {
                    r_ref = interp.run(re, reinterpret_cast<uint64_t>(rb.md()), 0);
                } catch (const Error& e) {
                    e_ref = e.what();
                }
                try {
                    r_hw = hw.run(he, reinterpret_cast<uint64_t>(hb.md()), 0);
                } catch (const Error& e) {
                    e_hw = e.what();
                }
                ASSERT_EQ(e_ref.empty(), e_hw.empty()) << "packet " << i << ": interp: " << e_ref << " hw: " << e_hw;
                if (!e_ref.empty()) continue;
                EXPECT_EQ(r_hw, r_ref) << "packet " << i;
                EXPECT_EQ(hb.packet(), rb.packet()) << "packet " << i;
                EXPECT_EQ(hb.meta(), rb.meta()) << "packet " << i;
                EXPECT_EQ(he.redirect, re.redirect) << "packet " << i;
                cycles += hw.last_stats().cycles;
                insns += hw.last_stats().insns;
            }
            for (size_t m = 0; m < obj.maps.size(); ++m)
                EXPECT_EQ(dump(hw_maps.at(m)), dump(ref_maps.at(m))) << "map " << obj.maps[m].name;
            std::cout << "[ rtl      ] " << obj.programs[p].name << ": " << kPackets << " packets, "
                      << (insns / kPackets) << " insns and " << (cycles / kPackets) << " cycles per packet";
            if (const CompileResult* c = hw.compiled()) std::cout << ", " << c->bundles << " bundles";
            std::cout << "\n";
        }
    }
    EXPECT_GT(programs_run, 0);
}

INSTANTIATE_TEST_SUITE_P(Hw, RtlExamples, ::testing::ValuesIn(configs()), config_name);

}  // namespace
}  // namespace bpfnic::tests
