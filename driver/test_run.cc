// SPDX-License-Identifier: MIT
#include "driver/test_run.h"

#include <chrono>
#include <cctype>

#include "compiler/error.h"

namespace bpfnic {

const char* xdp_action_name(uint64_t a) {
    switch (a) {
        case kXdpAborted: return "aborted";
        case kXdpDrop: return "drop";
        case kXdpPass: return "pass";
        case kXdpTx: return "tx";
        case kXdpRedirect: return "redirect";
        default: return "invalid";
    }
}

TestRunOutput test_run_xdp(Engine& engine, ExecEnv& env, XdpBuff& buff, const TestRunInput& in) {
    TestRunOutput out;
    const uint32_t repeat = in.repeat ? in.repeat : 1;
    env.xdp = &buff;
    auto t0 = std::chrono::steady_clock::now();
    for (uint32_t i = 0; i < repeat; ++i) {
        buff.reset(in.data_in, in.ingress_ifindex, in.rx_queue_index);
        env.reset_outputs();
        out.retval = engine.run(env, reinterpret_cast<uint64_t>(buff.md()), 0);
    }
    auto t1 = std::chrono::steady_clock::now();
    out.duration_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count() / repeat;
    out.data_out = buff.packet();
    out.meta_out = buff.meta();
    out.ctx_out = *buff.md();
    out.redirect = env.redirect;
    out.trace = env.trace;
    out.perf = env.perf;
    out.stats = engine.last_stats();
    env.xdp = nullptr;
    return out;
}

uint64_t test_run_raw(Engine& engine, ExecEnv& env, std::vector<uint8_t>& mem) {
    env.xdp = nullptr;
    env.reset_outputs();
    return engine.run(env, mem.empty() ? 0 : reinterpret_cast<uint64_t>(mem.data()), mem.size());
}

std::vector<uint8_t> parse_hex_bytes(const std::string& text, const std::string& what) {
    std::vector<uint8_t> out;
    size_t i = 0;
    while (i < text.size()) {
        if (std::isspace(static_cast<unsigned char>(text[i]))) {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j]))) ++j;
        const std::string tok = text.substr(i, j - i);
        // Tokens are single bytes ("b7") or runs of bytes ("b7000000...").
        if (tok.size() % 2 != 0 || tok.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
            throw Error(ErrorKind::BadInput, what + ": '" + tok + "' is not hex bytes (at character " +
                                                 std::to_string(i) + ")");
        for (size_t k = 0; k < tok.size(); k += 2)
            out.push_back(static_cast<uint8_t>(std::stoul(tok.substr(k, 2), nullptr, 16)));
        i = j;
    }
    return out;
}

}  // namespace bpfnic
