// SPDX-License-Identifier: MIT
// run_program: one program, one engine, fresh inputs.
#include "tests/rtl/rtl_test_util.h"

#include "compiler/error.h"
#include "compiler/platform.h"
#include "driver/hw/hw_engine.h"
#include "driver/interp.h"
#include "driver/maps.h"

namespace bpfnic::tests {

HwOutcome run_program(const std::string& engine, const std::vector<RawInsn>& insns, const std::vector<uint8_t>& input,
                      bool xdp, unsigned lanes, bool cosim) {
    HwOutcome out;
    try {
        Object obj;
        obj.path = "<rtl test>";
        obj.programs.push_back(Program{"test", xdp ? "xdp" : "raw", xdp ? ProgType::Xdp : ProgType::Unspec, insns});
        MapSet maps(obj.maps);
        const Platform& platform = xdp ? software_xdp_platform() : conformance_platform();
        std::unique_ptr<Engine> e;
        if (engine == "hw") {
            HwEngine::Options o;
            o.lanes = lanes;
            o.cosim = cosim;
            o.max_cycles = 2'000'000;
            e = std::make_unique<HwEngine>(o);
        } else {
            e = std::make_unique<Interpreter>();
        }
        e->load(obj, 0, maps, platform);
        ExecEnv env;
        env.maps = &maps;
        if (xdp) {
            XdpBuff buf;
            buf.reset(input);
            env.xdp = &buf;
            out.r0 = e->run(env, reinterpret_cast<uint64_t>(buf.md()), 0);
            out.output = buf.packet();
        } else {
            std::vector<uint8_t> mem = input;
            out.r0 = e->run(env, mem.empty() ? 0 : reinterpret_cast<uint64_t>(mem.data()), mem.size());
            out.output = mem;
        }
        out.insns = e->last_stats().insns;
        out.cycles = e->last_stats().cycles;
        out.ok = true;
    } catch (const Error& err) {
        out.error = err.what();
    }
    return out;
}

}  // namespace bpfnic::tests
