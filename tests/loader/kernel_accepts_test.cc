// SPDX-License-Identifier: MIT
// The examples are real XDP code: the running Linux kernel's verifier accepts every BTF example
// (loaded through libbpf with maps created in the kernel). Skips where bpf() is not permitted.
#include <gtest/gtest.h>

#include <bpf/libbpf.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "tests/loader/loader_test_util.h"

namespace bpfnic {
namespace {

std::string* g_log = nullptr;

int capture(enum libbpf_print_level level, const char* fmt, va_list args) {
    if (level == LIBBPF_DEBUG || !g_log) return 0;
    char buf[1024];
    std::vsnprintf(buf, sizeof buf, fmt, args);
    *g_log += buf;
    return 0;
}

class KernelAccepts : public testing::TestWithParam<const char*> {};

TEST_P(KernelAccepts, Example) {
    const std::string path = test::example(std::string(GetParam()) + ".o");
    std::string log;
    g_log = &log;
    libbpf_set_print(capture);
    bpf_object* obj = bpf_object__open_file(path.c_str(), nullptr);
    ASSERT_NE(obj, nullptr) << path;
    bpf_program* prog;
    bpf_object__for_each_program(prog, obj) {
        if (bpf_program__type(prog) == BPF_PROG_TYPE_UNSPEC) bpf_program__set_type(prog, BPF_PROG_TYPE_XDP);
    }
    const int err = bpf_object__load(obj);
    bpf_object__close(obj);
    libbpf_set_print(nullptr);
    g_log = nullptr;
    if (err == -EPERM || err == -EACCES || err == -ENOSYS) GTEST_SKIP() << "bpf() not permitted here: " << std::strerror(-err);
    EXPECT_EQ(err, 0) << path << "\n" << log;
}

INSTANTIATE_TEST_SUITE_P(Examples, KernelAccepts,
                         testing::Values("xdp_drop", "xdp_pass", "xdp_tx", "xdp_redirect", "xdp1", "xdp2",
                                         "xdp_adjust_tail", "router_ipv4", "rxq_info", "tx_ip_tunnel",
                                         "simple_firewall", "katran_lb", "globals", "subprog", "tail_call",
                                         "multi_prog"));

}  // namespace
}  // namespace bpfnic
