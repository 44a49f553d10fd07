// SPDX-License-Identifier: MIT
// The bpf_conformance suite (tests_assembled.jsonl under BPFNIC_CONFORMANCE_DIR) on every engine of
// this build, two ways: in-process through the engine interface, one test per suite test; and
// through the bpfnic-conformance-plugin executable speaking the suite's plugin protocol, one test
// per engine that reports its pass count. Skipped when the suite is absent.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "driver/test_run.h"
#include "tests/engines/run_case.h"

namespace bpfnic::tests {
namespace {

const std::string kSuitePath = std::string(BPFNIC_CONFORMANCE_DIR) + "/tests_assembled.jsonl";

struct SuiteTest {
    std::string file;
    std::string code_hex;  // contiguous hex
    std::string mem_hex;   // contiguous hex
    uint64_t expected_r0 = 0;
    std::string expected_error;
};

std::vector<uint8_t> bytes_of(const std::string& contiguous_hex, const std::string& what) {
    return parse_hex_bytes(contiguous_hex, what);
}

std::string spaced(const std::string& contiguous_hex) {
    std::string s;
    for (size_t i = 0; i + 1 < contiguous_hex.size(); i += 2) {
        if (i) s += ' ';
        s += contiguous_hex.substr(i, 2);
    }
    return s;
}

const std::vector<SuiteTest>& suite() {
    static const std::vector<SuiteTest> tests = [] {
        std::vector<SuiteTest> out;
        std::ifstream in(kSuitePath);
        std::string line;
        for (size_t n = 1; std::getline(in, line); ++n) {
            if (line.empty()) continue;
            const auto j = nlohmann::json::parse(line);
            SuiteTest t;
            t.file = j.at("file").get<std::string>();
            t.code_hex = j.at("code").get<std::string>();
            t.mem_hex = j.value("mem", "");
            const std::string r0 = j.value("expected_r0", "");
            t.expected_r0 = r0.empty() ? 0 : std::stoull(r0, nullptr, 0);
            t.expected_error = j.value("expected_error", "");
            out.push_back(std::move(t));
        }
        return out;
    }();
    return tests;
}

bool suite_present() { return !suite().empty(); }

// ---- (a) in-process ----------------------------------------------------------------------------

struct InProcessParam {
    std::string engine;
    size_t index;
};

std::vector<InProcessParam> in_process_params(const char* engine) {
    std::vector<InProcessParam> out;
    if (!engine_available(engine)) return out;
    for (size_t i = 0; i < suite().size(); ++i) out.push_back({engine, i});
    return out;
}

void PrintTo(const InProcessParam& p, std::ostream* os) { *os << p.engine << " " << suite().at(p.index).file; }

class ConformanceInProcess : public ::testing::TestWithParam<InProcessParam> {};

TEST_P(ConformanceInProcess, Runs) {
    const InProcessParam& p = GetParam();
    const SuiteTest& t = suite().at(p.index);
    if (auto why = known_gap(p.engine, t.file)) GTEST_SKIP() << "known gap of " << p.engine << ": " << *why;
    Case c;
    c.insns = insns_from_bytes(bytes_of(t.code_hex, t.file + " code"));
    c.input = bytes_of(t.mem_hex, t.file + " mem");
    const Outcome got = run_case(p.engine, c);
    std::optional<std::string> error;
    if (!t.expected_error.empty()) error = "";  // the suite's messages are its own: any error passes
    EXPECT_EQ(check_expectation(got, error ? std::nullopt : std::optional<uint64_t>(t.expected_r0), error), "")
        << t.file << " on " << p.engine;
    if (p.engine != "interp") {
        const Outcome ref = run_case("interp", c);
        EXPECT_EQ(compare_outcomes(got, ref), "") << t.file << " on " << p.engine << " against the interpreter";
    }
}

std::string in_process_name(const ::testing::TestParamInfo<InProcessParam>& info) {
    return test_name_of(suite().at(info.param.index).file);
}

INSTANTIATE_TEST_SUITE_P(Interp, ConformanceInProcess, ::testing::ValuesIn(in_process_params("interp")), in_process_name);
INSTANTIATE_TEST_SUITE_P(Jit, ConformanceInProcess, ::testing::ValuesIn(in_process_params("jit")), in_process_name);
INSTANTIATE_TEST_SUITE_P(Hw, ConformanceInProcess, ::testing::ValuesIn(in_process_params("hw")), in_process_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ConformanceInProcess);

// ---- (b) through the plugin executable ---------------------------------------------------------

struct ProcessResult {
    int exit_code = -1;
    std::string out, err;
};

// Runs argv with stdin_text on its standard input; captures standard output and error.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& stdin_text) {
    std::signal(SIGPIPE, SIG_IGN);  // a plugin that exits before reading its input must not kill the test
    int in_pipe[2], out_pipe[2], err_pipe[2];
    if (pipe(in_pipe) || pipe(out_pipe) || pipe(err_pipe)) throw std::runtime_error(std::strerror(errno));
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error(std::strerror(errno));
    if (pid == 0) {
        dup2(in_pipe[0], 0);
        dup2(out_pipe[1], 1);
        dup2(err_pipe[1], 2);
        for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) close(fd);
        std::vector<char*> args;
        for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execv(args[0], args.data());
        _exit(127);
    }
    close(in_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    // The program is small and the plugin reads all of it before writing: write, then read.
    size_t done = 0;
    while (done < stdin_text.size()) {
        const ssize_t n = write(in_pipe[1], stdin_text.data() + done, stdin_text.size() - done);
        if (n <= 0) break;
        done += static_cast<size_t>(n);
    }
    close(in_pipe[1]);
    ProcessResult r;
    auto drain = [](int fd, std::string& into) {
        char buf[4096];
        ssize_t n;
        while ((n = read(fd, buf, sizeof buf)) > 0) into.append(buf, static_cast<size_t>(n));
        close(fd);
    };
    drain(out_pipe[0], r.out);
    drain(err_pipe[0], r.err);
    int status = 0;
    waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

class ConformancePlugin : public ::testing::TestWithParam<std::string> {};

TEST_P(ConformancePlugin, PassesTheSuite) {
    const std::string& engine = GetParam();
    if (!suite_present()) GTEST_SKIP() << "bpf_conformance suite not found at " << kSuitePath;
    size_t passed = 0, skipped = 0;
    std::string failures;
    for (const SuiteTest& t : suite()) {
        if (known_gap(engine, t.file)) {
            ++skipped;
            continue;
        }
        std::vector<std::string> argv = {BPFNIC_CONFORMANCE_PLUGIN};
        if (!t.mem_hex.empty()) argv.push_back(spaced(t.mem_hex));
        argv.push_back("--engine");
        argv.push_back(engine);
        const ProcessResult r = run_process(argv, spaced(t.code_hex) + "\n");
        bool ok;
        std::string got;
        if (!t.expected_error.empty()) {
            ok = r.exit_code != 0;
            got = "exit " + std::to_string(r.exit_code);
        } else {
            uint64_t r0 = 0;
            bool parsed = false;
            try {
                r0 = std::stoull(r.out, nullptr, 16);
                parsed = true;
            } catch (const std::logic_error&) {
            }
            ok = r.exit_code == 0 && parsed && r0 == t.expected_r0;
            got = "exit " + std::to_string(r.exit_code) + ", stdout '" + r.out + "', stderr '" + r.err + "'";
        }
        if (ok) ++passed;
        else failures += "  " + t.file + ": expected " + (t.expected_error.empty() ? hex(t.expected_r0) : "an error") +
                         ", got " + got + "\n";
    }
    const size_t total = suite().size();
    std::cout << "[ plugin   ] --engine " << engine << ": " << passed << "/" << total << " passed";
    if (skipped) std::cout << " (" << skipped << " known gaps skipped)";
    std::cout << "\n";
    RecordProperty("passed", static_cast<int>(passed));
    RecordProperty("total", static_cast<int>(total));
    EXPECT_EQ(passed + skipped, total) << "failures through the plugin:\n" << failures;
}

// The protocol itself: memory in the first argument (r2 = its length), r0 in hex on stdout, and a
// refused program gives a non-zero exit with the reason on stderr.
TEST_P(ConformancePlugin, SpeaksTheProtocol) {
    const std::string& engine = GetParam();
    // mov r0, r2; exit
    const std::string length_prog = "bf 20 00 00 00 00 00 00 95 00 00 00 00 00 00 00\n";
    ProcessResult r = run_process({BPFNIC_CONFORMANCE_PLUGIN, "01 02 03", "--engine", engine}, length_prog);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "0x3\n");
    r = run_process({BPFNIC_CONFORMANCE_PLUGIN, "--engine", engine}, length_prog);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "0x0\n") << "no memory argument: r2 = 0";
    // opcode 0xff: no such instruction.
    r = run_process({BPFNIC_CONFORMANCE_PLUGIN, "--engine", engine}, "ff 00 00 00 00 00 00 00 95 00 00 00 00 00 00 00\n");
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("unknown opcode 0xff"), std::string::npos) << r.err;
    r = run_process({BPFNIC_CONFORMANCE_PLUGIN, "--engine", engine}, "95 00 00\n");
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("not a whole number of 8-byte instructions"), std::string::npos) << r.err;
}

std::vector<std::string> plugin_params(const char* engine) {
    if (!engine_available(engine)) return {};
    return {engine};
}

INSTANTIATE_TEST_SUITE_P(Interp, ConformancePlugin, ::testing::ValuesIn(plugin_params("interp")));
INSTANTIATE_TEST_SUITE_P(Jit, ConformancePlugin, ::testing::ValuesIn(plugin_params("jit")));
INSTANTIATE_TEST_SUITE_P(Hw, ConformancePlugin, ::testing::ValuesIn(plugin_params("hw")));
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ConformancePlugin);

// The suite must be the one this test expects, or the pass counts above mean nothing.
TEST(ConformanceSuite, HoldsAllTests) {
    if (!suite_present()) GTEST_SKIP() << "bpf_conformance suite not found at " << kSuitePath;
    EXPECT_EQ(suite().size(), 313u);
}

// The suite's .data files through the project's reader and assembler: every file parses, its
// expected r0 is the one the suite's assembled form carries, and its program assembles to exactly
// the suite's own encoding.
TEST(ConformanceSuite, DataFilesParseAndAssembleToTheSuiteEncoding) {
    if (!suite_present()) GTEST_SKIP() << "bpf_conformance suite not found at " << kSuitePath;
    const std::string root = std::string(BPFNIC_CONFORMANCE_DIR) + "/tests";
    size_t checked = 0;
    for (const SuiteTest& t : suite()) {
        SCOPED_TRACE(t.file);
        DataFile f;
        ASSERT_NO_THROW(f = read_data_file(root, t.file));
        ASSERT_TRUE(f.result.has_value());
        EXPECT_EQ(hex(*f.result), hex(t.expected_r0));
        std::vector<RawInsn> insns;
        try {
            insns = program_of(f);
        } catch (const Error& e) {
            ADD_FAILURE() << t.file << ": " << e.what();
            continue;
        }
        EXPECT_EQ(hex_bytes(insns_to_bytes(insns)), hex_bytes(bytes_of(t.code_hex, t.file)));
        ++checked;
    }
    EXPECT_EQ(checked, suite().size());
}

}  // namespace
}  // namespace bpfnic::tests
