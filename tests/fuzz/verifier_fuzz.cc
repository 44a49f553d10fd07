// SPDX-License-Identifier: MIT
// Fuzz target of the verifier. Input: one mode byte (bit 0: conformance platform instead of XDP;
// bits 1-7: the raw memory size for conformance), then instruction slots (8 bytes each). The
// verifier must never crash, and a program it accepts must never fault in the bounds-checking
// interpreter (run on packets of 14, 20 and 64 bytes, or on the raw memory).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "compiler/error.h"
#include "compiler/platform.h"
#include "compiler/verifier/verifier.h"
#include "driver/engine.h"
#include "driver/maps.h"
#include "driver/test_run.h"
#include "driver/xdp_buff.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace bpfnic;
    if (size < 9) return 0;
    const bool conformance = data[0] & 1;
    const uint32_t mem_size = data[0] >> 1;
    Program p;
    p.name = "fuzz";
    p.type = conformance ? ProgType::Unspec : ProgType::Xdp;
    p.insns = insns_from_bytes(std::span<const uint8_t>(data + 1, (size - 1) / 8 * 8));
    MapDef m;
    m.name = "values";
    m.type = map_type::kArray;
    m.key_size = 4;
    m.value_size = 16;
    m.max_entries = 4;
    const std::vector<MapDef> defs = conformance ? std::vector<MapDef>{} : std::vector<MapDef>{m};
    VerifierOptions opts;
    opts.insn_budget = 100000;
    if (conformance) opts.mem_size = mem_size;
    const Platform& platform = conformance ? conformance_platform() : software_xdp_platform();
    const VerifierResult r = verify(p, defs, platform, opts);
    if (!r.ok) return 0;
    Object obj;
    obj.maps = defs;
    obj.programs.push_back(p);
    MapSet maps(defs);
    ExecEnv env;
    env.maps = &maps;
    env.num_programs = 1;
    try {
        auto engine = make_engine("interp");
        engine->load(obj, 0, maps, platform);
        if (conformance) {
            std::vector<uint8_t> mem(mem_size, 0x5a);
            test_run_raw(*engine, env, mem);
        } else {
            // The shortest Ethernet frame, a short and a full-size minimal one: the bounds proofs
            // must hold for every length.
            for (size_t len : {14, 20, 64}) {
                MapSet fresh(defs);
                env.maps = &fresh;
                engine->load(obj, 0, fresh, platform);
                XdpBuff buff;
                TestRunInput in;
                in.data_in.assign(len, 0x11);
                test_run_xdp(*engine, env, buff, in);
            }
        }
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::Runtime) {
            std::fprintf(stderr, "accepted program faulted: %s\n", e.what());
            std::abort();
        }
    }
    return 0;
}
