// SPDX-License-Identifier: MIT
// Differential fuzzing of the compiler plus the RTL against the interpreter (needs BPFNIC_HW).
// Programs the compiler can offload (in the instruction form: that the verifier accepts too) are
// compiled into bundles for the 4-lane core and run on the simulated device (HwEngine) and on the
// bounds-checking interpreter;
// any difference prints the program and both final states and aborts. Two input forms (byte 0):
//  - even: a generated program (tests/support/random_program.h, valid by construction, so not
//    gated on the verifier, which refuses the generator's dead branches): bytes 1-8 the seed,
//    byte 9 feature switches (bit 0 XDP instead of raw mode, 1 no maps, 2 no helpers, 3 no local
//    calls, 4 no packet helpers), byte 10 the size (2 + n % 14 blocks: short programs);
//  - odd: raw instruction slots from byte 2 on, an XDP program with one array map (4 x 16 bytes),
//    run on a packet of 14 + byte 1 % 114 bytes. This is the verifier's soundness on the hardware:
//    an accepted program must not trip the core's bounds checks (nor the interpreter's). Its full
//    state is compared only when it calls no helper beyond the map ones (time and random helpers
//    differ between engines by nature); otherwise the two must agree on whether it faulted.
// The hardware engine is costly to build: one per process.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "compiler/error.h"
#include "compiler/platform.h"
#include "compiler/verifier/verifier.h"
#include "driver/hw/hw_engine.h"
#include "driver/interp.h"
#include "driver/test_run.h"
#include "driver/xdp_buff.h"
#include "tests/support/differential.h"
#include "tests/support/random_program.h"

namespace {

using namespace bpfnic;
using namespace bpfnic::testing;

constexpr unsigned kLanes = 4;
constexpr uint64_t kMaxCycles = 2'000'000;
constexpr uint64_t kInsnBudget = 200'000;

HwEngine& hw_engine() {
    static HwEngine engine([] {
        HwEngine::Options o;
        o.lanes = kLanes;
        o.max_cycles = kMaxCycles;
        return o;
    }());
    return engine;
}

/// BPFNIC_FUZZ_VERBOSE=1 prints what happened to every input (to see what a corpus exercises).
void note(const std::string& what) {
    static const bool on = std::getenv("BPFNIC_FUZZ_VERBOSE") != nullptr;
    if (on) std::fprintf(stderr, "rtl_diff_fuzz: %s\n", what.c_str());
}

[[noreturn]] void die(const std::string& what, const std::string& report) {
    std::fprintf(stderr, "rtl_diff_fuzz: %s\n%s\n", what.c_str(), report.c_str());
    std::abort();
}

/// True when the compiler offloads obj.programs[0] for the core; false when it declines.
bool offloadable(const Object& obj) {
    try {
        compile_for_device(obj, 0, software_xdp_platform(), kLanes);
        return true;
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::Unsupported) {
            note(std::string("declined: ") + e.what());
            return false;
        }
        die(std::string("compile_for_device failed on a verified program: ") + e.what(), listing(obj));
    }
}

void generated(const uint8_t* data, size_t size) {
    uint64_t seed = 0;
    std::memcpy(&seed, data, size < 8 ? size : 8);
    const uint8_t flags = size > 8 ? data[8] : 0;
    const uint8_t length = size > 9 ? data[9] : 8;
    RandomProgramOptions o;
    o.mode = flags & 1 ? RandomProgramOptions::Mode::Xdp : RandomProgramOptions::Mode::Raw;
    o.maps = !(flags & 2);
    o.helpers = !(flags & 4);
    o.local_calls = !(flags & 8);
    o.packet_helpers = !(flags & 16);
    o.tail_calls = false;     // no prog_array in the map unit
    o.legacy_packet = false;  // no ld_abs/ld_ind in hardware
    o.blocks = 2 + length % 14;
    const RandomProgram prog = generate_random_program(seed, o);
    // Generated programs are safe by construction (the generator's contract) but often keep dead
    // branches the verifier refuses ("unreachable insn"): they are compiled without its facts, as
    // the hardware engine does for programs the verifier rejects.
    if (!offloadable(prog.object)) return;
    Interpreter::Options io;
    io.insn_budget = kInsnBudget;
    Interpreter interp(io);
    const DiffOutcome d = compare_engines(prog, interp, hw_engine());
    if (d.reference_failed) die("the interpreter faulted on a generated program", d.report);
    if (!d.same) die("seed " + std::to_string(seed) + ": hardware and interpreter differ", d.report);
    note("seed " + std::to_string(seed) + ": same on both");
}

struct Outcome {
    uint64_t r0 = 0;
    std::string error;
    ErrorKind kind = ErrorKind::Internal;
    std::vector<uint8_t> packet;
    MapContents map;
};

Outcome run_xdp(Engine& engine, const Object& obj, const std::vector<uint8_t>& packet) {
    Outcome out;
    MapSet maps(obj.maps);
    ExecEnv env;
    env.maps = &maps;
    env.num_programs = 1;
    try {
        engine.load(obj, 0, maps, software_xdp_platform());
        XdpBuff buff;
        TestRunInput in;
        in.data_in = packet;
        TestRunOutput r = test_run_xdp(engine, env, buff, in);
        out.r0 = r.retval;
        out.packet = std::move(r.data_out);
    } catch (const Error& e) {
        out.error = e.what();
        out.kind = e.kind();
    }
    out.map = map_contents(maps.at(0));
    return out;
}

std::string describe(const Outcome& o) {
    std::string s = "  r0 = " + std::to_string(o.r0) + (o.error.empty() ? "" : ", error: " + o.error) + "\n  packet:";
    char hex[4];
    for (uint8_t b : o.packet) {
        std::snprintf(hex, sizeof hex, " %02x", b);
        s += hex;
    }
    return s + "\n  map entries: " + std::to_string(o.map.size()) + "\n";
}

/// Whether every helper the program calls gives the same result on every engine.
bool deterministic_helpers(const std::vector<RawInsn>& insns) {
    for (const RawInsn& i : insns)
        if (i.opcode == 0x85 && i.src == 0 && (i.imm < 1 || i.imm > 3)) return false;
    return true;
}

void instructions(const uint8_t* data, size_t size) {
    if (size < 9) return;
    Object obj;
    Program p;
    p.name = "fuzz";
    p.type = ProgType::Xdp;
    p.insns = insns_from_bytes(std::span<const uint8_t>(data + 1, (size - 1) / 8 * 8));
    MapDef m;
    m.name = "values";
    m.type = map_type::kArray;
    m.key_size = 4;
    m.value_size = 16;
    m.max_entries = 4;
    obj.maps.push_back(m);
    obj.programs.push_back(p);
    VerifierOptions vo;
    vo.insn_budget = 100000;
    const VerifierResult v = verify(p, obj.maps, software_xdp_platform(), vo);
    if (!v.ok) {
        note("verifier rejects: " + v.reason);
        return;
    }
    if (!offloadable(obj)) return;
    std::vector<uint8_t> packet(14 + data[0] % 114);
    for (size_t i = 0; i < packet.size(); ++i) packet[i] = static_cast<uint8_t>(i * 7 + 3);
    Interpreter::Options io;
    io.insn_budget = kInsnBudget;
    Interpreter interp(io);
    const Outcome ref = run_xdp(interp, obj, packet);
    if (!ref.error.empty() && ref.kind == ErrorKind::Runtime && ref.error.find("budget") == std::string::npos)
        die("the interpreter faulted on a program the verifier accepted", listing(obj) + describe(ref));
    if (!ref.error.empty()) return;  // an instruction budget: the two engines count differently
    const Outcome hw = run_xdp(hw_engine(), obj, packet);
    if (!hw.error.empty() && hw.error.find("cycle budget") == std::string::npos)
        die("the hardware faulted on a program the verifier accepted", listing(obj) + "interp:\n" + describe(ref) +
                                                                             "hw:\n" + describe(hw));
    if (!hw.error.empty() || !deterministic_helpers(p.insns)) {
        note("ran on both, states not compared");
        return;
    }
    if (ref.r0 != hw.r0 || ref.packet != hw.packet || ref.map != hw.map)
        die("hardware and interpreter differ", listing(obj) + "interp:\n" + describe(ref) + "hw:\n" + describe(hw));
    note("instructions: same on both");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    if (data[0] & 1)
        instructions(data + 1, size - 1);
    else
        generated(data + 1, size - 1);
    return 0;
}
