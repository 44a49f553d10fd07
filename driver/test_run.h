// SPDX-License-Identifier: MIT
// The run interface, mirroring the kernel's BPF_PROG_TEST_RUN: data_in/ctx_in in, retval,
// data_out/ctx_out, redirect target and duration out, optionally repeated. Also the raw mode the
// conformance suite uses (r1 = a copy of the memory, r2 = its length).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "driver/engine.h"

namespace bpfnic {

/// XDP verdicts (enum xdp_action).
enum XdpAction : uint32_t { kXdpAborted = 0, kXdpDrop = 1, kXdpPass = 2, kXdpTx = 3, kXdpRedirect = 4 };
const char* xdp_action_name(uint64_t action);

struct TestRunInput {
    std::vector<uint8_t> data_in;
    uint32_t ingress_ifindex = 1;  ///< ctx_in fields (the kernel's test run defaults: lo, queue 0)
    uint32_t rx_queue_index = 0;
    uint32_t repeat = 1;
};

struct TestRunOutput {
    uint64_t retval = 0;
    std::vector<uint8_t> data_out;
    std::vector<uint8_t> meta_out;
    XdpMd ctx_out{};
    RedirectTarget redirect;
    std::vector<std::string> trace;
    std::vector<PerfRecord> perf;
    uint64_t duration_ns = 0;  ///< mean wall time per repetition
    RunStats stats;            ///< of the last repetition
};

/// Runs one XDP packet (repeat times; outputs are those of the last repetition). env supplies
/// maps, FIB and the deterministic sources; its xdp pointer is set to buff for the call.
TestRunOutput test_run_xdp(Engine& engine, ExecEnv& env, XdpBuff& buff, const TestRunInput& in);

/// Raw mode: runs the loaded program with r1 = mem.data(), r2 = mem.size(); mem is modified in
/// place. Returns r0.
uint64_t test_run_raw(Engine& engine, ExecEnv& env, std::vector<uint8_t>& mem);

/// Parses space-separated hex bytes ("b7 00 00 00 ..."); throws Error(BadInput) naming what.
std::vector<uint8_t> parse_hex_bytes(const std::string& text, const std::string& what);

}  // namespace bpfnic
