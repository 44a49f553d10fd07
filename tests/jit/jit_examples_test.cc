// SPDX-License-Identifier: MIT
// Every XDP program of every example IO module, JIT against the interpreter, over generated
// traffic: each engine has its own maps (so state builds up across packets as in a device) and
// every packet's verdict, output bytes, metadata and redirect target must match, as must all maps
// at the end. Skips when the examples are not built.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "compiler/error.h"
#include "compiler/loader.h"
#include "compiler/platform.h"
#include "driver/interp.h"
#include "driver/jit/jit_engine.h"
#include "driver/test_run.h"
#include "driver/traffic/generator.h"
#include "tests/support/differential.h"

namespace bpfnic {
namespace {

std::vector<std::filesystem::path> example_objects() {
    std::vector<std::filesystem::path> out;
    const std::filesystem::path dir = std::filesystem::path(BPFNIC_BINARY_DIR) / "examples";
    if (!std::filesystem::is_directory(dir)) return out;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.path().extension() == ".o") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

void compare_examples(const JitEngine::Options& jo) {
    const auto objects = example_objects();
    if (objects.empty()) GTEST_SKIP() << "examples not built (ninja bpfnic_examples)";
    TrafficSpec spec;
    spec.count = 300;
    spec.size_min = 64;
    spec.size_max = 600;
    spec.ipv6_percent = 20;
    spec.vlan_percent = 10;
    const TrafficGenerator traffic(spec);
    int programs = 0;
    for (const auto& path : objects) {
        Object obj;
        try {
            obj = load_object(path.string());
        } catch (const Error&) {
            continue;  // objects the loader refuses (legacy sections) are the loader's tests' business
        }
        for (size_t entry = 0; entry < obj.programs.size(); ++entry) {
            if (obj.programs[entry].type != ProgType::Xdp) continue;
            SCOPED_TRACE(path.filename().string() + ":" + obj.programs[entry].name);
            MapSet maps_i(obj.maps), maps_j(obj.maps);
            Interpreter interp;
            JitEngine jit(jo);
            interp.load(obj, entry, maps_i, software_xdp_platform());
            jit.load(obj, entry, maps_j, software_xdp_platform());
            ExecEnv env_i, env_j;
            env_i.maps = &maps_i;
            env_j.maps = &maps_j;
            env_i.num_programs = env_j.num_programs = static_cast<uint32_t>(obj.programs.size());
            XdpBuff buff_i, buff_j;
            for (uint64_t n = 0; n < traffic.count(); ++n) {
                TestRunInput in;
                in.data_in = traffic.packet(n).bytes;
                in.ingress_ifindex = 1 + static_cast<uint32_t>(n % 2);
                const TestRunOutput a = test_run_xdp(interp, env_i, buff_i, in);
                const TestRunOutput b = test_run_xdp(jit, env_j, buff_j, in);
                ASSERT_EQ(a.retval, b.retval) << "packet " << n;
                ASSERT_EQ(a.data_out, b.data_out) << "packet " << n;
                ASSERT_EQ(a.meta_out, b.meta_out) << "packet " << n;
                ASSERT_EQ(a.redirect, b.redirect) << "packet " << n;
                ASSERT_EQ(a.trace, b.trace) << "packet " << n;
            }
            for (size_t m = 0; m < maps_i.size(); ++m)
                EXPECT_EQ(testing::map_contents(maps_i.at(m)), testing::map_contents(maps_j.at(m)))
                    << "map " << obj.maps[m].name;
            ++programs;
        }
    }
    std::cout << programs << " example programs matched the interpreter\n";
    EXPECT_GT(programs, 10);
}

TEST(JitExamples, EveryProgramMatchesTheInterpreterOnTraffic) { compare_examples({}); }

// With the verifier at load: every example is accepted, and dropping the packet bounds checks it
// proved redundant changes nothing.
TEST(JitExamples, VerifiedProgramsMatchTheInterpreterOnTraffic) {
    JitEngine::Options jo;
    jo.verify = true;
    compare_examples(jo);
}

}  // namespace
}  // namespace bpfnic
