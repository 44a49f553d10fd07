// SPDX-License-Identifier: MIT
// Runs the built bpfnic executable with arguments and captures its exit code, stdout and stderr,
// for the CLI tests. Also a temporary folder per test that removes itself.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace bpfnic::testing {

struct CliResult {
    int rc = -1;
    std::string out, err;
};

inline std::string shell_quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

class TempDir {
public:
    TempDir() {
        static int counter = 0;
        path_ = std::filesystem::temp_directory_path() /
                ("bpfnic_cli_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

/// bpfnic ARGS..., with stdin from /dev/null.
inline CliResult run_cli(const std::vector<std::string>& args) {
    TempDir tmp;
    std::string cmd = shell_quote(BPFNIC_EXE);
    for (const auto& a : args) cmd += " " + shell_quote(a);
    cmd += " < /dev/null > " + shell_quote(tmp.file("out")) + " 2> " + shell_quote(tmp.file("err"));
    const int status = std::system(cmd.c_str());
    CliResult r;
    r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    r.out = slurp(tmp.file("out"));
    r.err = slurp(tmp.file("err"));
    return r;
}

inline std::string example(const std::string& name) { return std::string(BPFNIC_EXAMPLES_DIR) + "/" + name + ".o"; }

}  // namespace bpfnic::testing
