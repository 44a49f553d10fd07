// SPDX-License-Identifier: MIT
// Soundness: programs the verifier accepts never fault in the bounds-checking interpreter. Runs
// the conformance suite's programs (when the suite is present) and randomly generated XDP programs
// that mix packet bounds checks (some of them wrong), variable offsets, stack and map accesses.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "compiler/asm.h"
#include "compiler/error.h"
#include "compiler/platform.h"
#include "compiler/verifier/verifier.h"
#include "driver/engine.h"
#include "driver/maps.h"
#include "driver/test_run.h"
#include "driver/xdp_buff.h"

namespace bpfnic {
namespace {

std::vector<uint8_t> from_hex(const std::string& h) {
    std::vector<uint8_t> out;
    for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoul(h.substr(i, 2), nullptr, 16)));
    return out;
}

TEST(VerifierSoundness, ConformanceProgramsAcceptedNeverFault) {
    const std::filesystem::path jsonl = std::filesystem::path(BPFNIC_CONFORMANCE_DIR) / "tests_assembled.jsonl";
    if (!std::filesystem::exists(jsonl)) GTEST_SKIP() << "conformance suite absent: " << jsonl;
    std::ifstream in(jsonl);
    std::string line;
    size_t total = 0, accepted = 0;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        const auto j = nlohmann::json::parse(line);
        const std::string file = j.at("file");
        Program p;
        p.name = file;
        p.type = ProgType::Unspec;
        p.insns = insns_from_bytes(from_hex(j.at("code")));
        std::vector<uint8_t> mem = from_hex(j.at("mem"));
        ++total;
        VerifierOptions opts;
        opts.mem_size = static_cast<uint32_t>(mem.size());
        const VerifierResult r = verify(p, {}, conformance_platform(), opts);
        if (!r.ok) continue;
        ++accepted;
        Object obj;
        obj.programs.push_back(p);
        MapSet maps;
        auto engine = make_engine("interp");
        ExecEnv env;
        env.maps = &maps;
        env.num_programs = 1;
        try {
            engine->load(obj, 0, maps, conformance_platform());
            test_run_raw(*engine, env, mem);
        } catch (const Error& e) {
            EXPECT_NE(e.kind(), ErrorKind::Runtime) << file << ": accepted by the verifier but faulted: " << e.what();
        }
    }
    EXPECT_GT(total, 100u);
    EXPECT_GT(accepted, total / 2) << "the verifier accepts too few conformance programs";
    std::cout << "[ verifier ] conformance: " << accepted << " of " << total << " programs accepted\n";
}

// Random XDP programs over a small vocabulary of packet, stack and map operations.
class ProgramGen {
public:
    explicit ProgramGen(uint32_t seed) : rng_(seed) {}

    std::string generate() {
        out_.str("");
        labels_ = 0;
        calls_ = false;
        emit("r6 = r1");
        emit("r2 = *(u32 *)(r6 + 0)");
        emit("r3 = *(u32 *)(r6 + 4)");
        emit("r4 = 0");
        emit("r5 = 0");
        emit("r7 = 0");
        emit("r8 = 0");
        emit("if r3 == 0 goto bail");  // never taken (a pointer is not NULL); keeps bail reachable
        const int blocks = pick(3, 10);
        for (int b = 0; b < blocks; ++b) block();
        emit("r0 = " + std::to_string(pick(0, 4)));
        emit("exit");
        emit("bail:");
        emit("r0 = 1");
        emit("exit");
        if (!calls_) return out_.str();
        // A subprogram writing through the caller's stack pointer in r1 (sometimes out of the frame).
        emit("sub:");
        emit("r2 = " + std::to_string(pick(0, 9)));
        const int off = 8 * pick(-1, 2);
        emit("*(u64 *)(r1 " + std::string(off < 0 ? "- " : "+ ") + std::to_string(off < 0 ? -off : off) + ") = r2");
        emit("r0 = *(u64 *)(r1 + 0)");
        emit("exit");
        return out_.str();
    }

private:
    int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
    void emit(const std::string& s) { out_ << s << "\n"; }
    std::string sreg() { return "r" + std::to_string(std::array<int, 4>{4, 5, 7, 8}[pick(0, 3)]); }
    std::string size() {
        static const char* s[] = {"u8", "u16", "u32", "u64"};
        return s[pick(0, 3)];
    }

    void bounds_check(int k) {
        emit("r9 = r2");
        emit("r9 += " + std::to_string(k));
        switch (pick(0, 4)) {
            case 0: emit("if r9 > r3 goto bail"); break;
            case 1: emit("if r3 < r9 goto bail"); break;
            case 2: emit("if r9 >= r3 goto bail"); break;
            case 3: emit("if r9 <= r3 goto bail"); break;  // the wrong way round
            default: emit("if r3 <= r9 goto bail"); break;
        }
    }

    void block() {
        switch (pick(0, 11)) {
            case 10:  // bpf-to-bpf call with a pointer into this frame
                emit("*(u64 *)(r10 - 16) = 0");
                emit("r1 = r10");
                emit("r1 += " + std::to_string(-8 * pick(1, 3)));
                emit("call sub");
                calls_ = true;
                emit(sreg() + " = r0");
                emit("r2 = *(u32 *)(r6 + 0)");
                emit("r3 = *(u32 *)(r6 + 4)");
                break;
            case 0:
            case 1: bounds_check(pick(0, 40)); break;
            case 2: emit(sreg() + " = *(" + size() + " *)(r2 + " + std::to_string(pick(0, 40)) + ")"); break;
            case 3: emit("*(" + size() + " *)(r2 + " + std::to_string(pick(0, 40)) + ") = " + sreg()); break;
            case 4: {
                static const char* ops[] = {"+=", "-=", "&=", "|=", "<<=", ">>=", "*=", "/=", "%=", "^="};
                const std::string r = sreg();
                const bool w = pick(0, 3) == 0;
                const std::string reg = w ? "w" + r.substr(1) : r;
                const std::string src = pick(0, 1) ? std::to_string(pick(-5, 70)) : (w ? "w" + sreg().substr(1) : sreg());
                emit(reg + " " + ops[pick(0, 9)] + " " + src);
                break;
            }
            case 5: {  // variable offset into the packet
                const std::string r = sreg();
                emit(r + " = *(u32 *)(r6 + 16)");
                emit(r + " &= " + std::to_string(pick(0, 1) ? 15 : 63));
                emit("r9 = r2");
                emit("r9 += " + r);
                emit("r0 = r9");
                emit("r0 += " + std::to_string(pick(0, 8)));
                emit(pick(0, 4) ? "if r0 > r3 goto bail" : "if r0 < r3 goto bail");
                emit(sreg() + " = *(" + size() + " *)(r9 + " + std::to_string(pick(0, 4)) + ")");
                break;
            }
            case 6: {  // stack
                const int off = -8 * pick(1, 4);
                if (pick(0, 3)) emit("*(u64 *)(r10 " + std::to_string(off) + ") = " + sreg());
                if (pick(0, 2) == 0) emit("*(" + size() + " *)(r10 " + std::to_string(off + 4 * pick(0, 1)) + ") = " + sreg());
                emit(sreg() + " = *(" + size() + " *)(r10 " + std::to_string(off + pick(0, 4)) + ")");
                break;
            }
            case 11: {  // an index kept in a narrow stack slot, reloaded to index a map value
                const std::string r = sreg();
                emit(r + " = *(u32 *)(r6 + 16)");
                emit(r + " &= " + std::to_string(pick(0, 1) ? 7 : 15));
                emit("*(u32 *)(r10 - 20) = " + r);
                if (pick(0, 3) == 0) emit("*(u8 *)(r10 - " + std::to_string(pick(17, 20)) + ") = " + sreg());
                emit("*(u32 *)(r10 - 4) = 0");
                emit("r1 = map[0] ll");
                emit("r2 = r10");
                emit("r2 += -4");
                emit("call 1");
                emit("r2 = *(u32 *)(r6 + 0)");
                emit("r3 = *(u32 *)(r6 + 4)");
                const std::string l = "l" + std::to_string(labels_++);
                emit("if r0 == 0 goto " + l);
                emit("r9 = *(u32 *)(r10 - 20)");
                emit("r0 += r9");
                emit(sreg() + " = *(u8 *)(r0 + 0)");
                emit(l + ":");
                break;
            }
            case 7: {  // map lookup
                emit("*(u32 *)(r10 - 4) = " + std::to_string(pick(0, 5)));
                emit("r9 = r2");
                emit("r1 = map[0] ll");
                emit("r2 = r10");
                emit("r2 += -4");
                emit("call 1");
                emit("r2 = *(u32 *)(r6 + 0)");
                emit("r3 = *(u32 *)(r6 + 4)");
                const std::string l = "l" + std::to_string(labels_++);
                if (pick(0, 4)) emit("if r0 == 0 goto " + l);
                const int off = pick(0, 20);
                emit(sreg() + " = *(" + size() + " *)(r0 + " + std::to_string(off) + ")");
                emit(l + ":");
                break;
            }
            case 8: {  // forward branch on a scalar
                const std::string l = "l" + std::to_string(labels_++);
                emit("if " + sreg() + " > " + std::to_string(pick(0, 100)) + " goto " + l);
                emit(sreg() + " = " + std::to_string(pick(0, 1000)));
                emit(l + ":");
                break;
            }
            default: {  // r0 from a scalar, possibly out of the verdict range
                emit("r0 = " + sreg());
                emit("r0 &= " + std::to_string(pick(0, 1) ? 3 : 7));
                emit("if r0 > 4 goto bail");
                break;
            }
        }
    }

    std::mt19937 rng_;
    std::ostringstream out_;
    int labels_ = 0;
    bool calls_ = false;
};

TEST(VerifierSoundness, RandomProgramsAcceptedNeverFault) {
    MapDef m;
    m.name = "values";
    m.type = map_type::kArray;
    m.key_size = 4;
    m.value_size = 16;
    m.max_entries = 4;
    const std::vector<MapDef> defs{m};
    size_t accepted = 0, rejected = 0;
    std::mt19937 pkt_rng(7);
    for (uint32_t seed = 1; seed <= 2500; ++seed) {
        ProgramGen gen(seed);
        const std::string text = gen.generate();
        Program p;
        p.name = "random" + std::to_string(seed);
        p.section = "xdp";
        p.type = ProgType::Xdp;
        p.insns = assemble(text);
        const VerifierResult r = verify(p, defs, software_xdp_platform());
        if (!r.ok) {
            ++rejected;
            continue;
        }
        ++accepted;
        Object obj;
        obj.maps = defs;
        obj.programs.push_back(p);
        MapSet maps(defs);
        auto engine = make_engine("interp");
        engine->load(obj, 0, maps, software_xdp_platform());
        for (size_t len : {0, 1, 13, 14, 20, 33, 34, 41, 64, 90}) {
            ExecEnv env;
            env.maps = &maps;
            env.num_programs = 1;
            XdpBuff buff;
            TestRunInput in;
            in.data_in.resize(len);
            for (auto& b : in.data_in) b = static_cast<uint8_t>(pkt_rng());
            in.rx_queue_index = pkt_rng() & 0xff;
            try {
                const TestRunOutput out = test_run_xdp(*engine, env, buff, in);
                EXPECT_LE(out.retval, 4u) << p.name;
            } catch (const Error& e) {
                ADD_FAILURE() << p.name << " (packet of " << len << " bytes): accepted by the verifier but faulted: "
                              << e.what() << "\n" << text;
                return;
            }
        }
    }
    std::cout << "[ verifier ] random programs: " << accepted << " accepted, " << rejected << " rejected\n";
    EXPECT_GT(accepted, 100u);
    EXPECT_GT(rejected, 100u);
}

}  // namespace
}  // namespace bpfnic
