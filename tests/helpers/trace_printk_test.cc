// SPDX-License-Identifier: MIT
// bpf_trace_printk: the kernel's accepted conversions, widths and flags, argument limits, format
// checks, and the returned length.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

#include "compiler/platform.h"
#include "tests/helpers/helper_call.h"

namespace bpfnic {
namespace {

int64_t printk(ExecEnv& env, const char* fmt, uint64_t a = 0, uint64_t b = 0, uint64_t c = 0) {
    return test::s(test::xdp_call(helper_id::kTracePrintk, env, test::u(fmt), strlen(fmt) + 1, a, b, c));
}

TEST(TracePrintk, FormatsKernelConversions) {
    ExecEnv env;
    EXPECT_EQ(printk(env, "x=%d y=%u z=%x\n", static_cast<uint64_t>(-5), 4000000000u, 255), 23);
    EXPECT_EQ(env.trace.back(), "x=-5 y=4000000000 z=ff\n");
    printk(env, "%i %lld %llu", static_cast<uint64_t>(-1), static_cast<uint64_t>(-2), static_cast<uint64_t>(-3));
    EXPECT_EQ(env.trace.back(), "-1 -2 18446744073709551613");
    printk(env, "%lx %X %ld", 0x1234567890ull, 0xabcu, static_cast<uint64_t>(-7));
    EXPECT_EQ(env.trace.back(), "1234567890 ABC -7");
    printk(env, "[%5d|%-4u|%08x]", 42, 7, 0xbeef);
    EXPECT_EQ(env.trace.back(), "[   42|7   |0000beef]");
    printk(env, "%+d|% d", 3, 4);
    EXPECT_EQ(env.trace.back(), "+3| 4");
    printk(env, "%c%c 100%%", 'o', 'k');
    EXPECT_EQ(env.trace.back(), "ok 100%");
    printk(env, "%p %px", 0x1000, 0xffff888000000000ull);
    EXPECT_EQ(env.trace.back(), "0000000000001000 ffff888000000000");
    printk(env, "%d", uint64_t{1} << 32 | 9);
    EXPECT_EQ(env.trace.back(), "9") << "%d takes the low 32 bits";
    EXPECT_EQ(env.trace.size(), 8u);
}

TEST(TracePrintk, RefusesWhatTheKernelRefuses) {
    ExecEnv env;
    EXPECT_EQ(printk(env, "%d %d %d %d", 1, 2, 3), -EINVAL) << "four conversions, three arguments";
    EXPECT_EQ(printk(env, "%s", 0), -EINVAL);
    EXPECT_EQ(printk(env, "%f", 0), -EINVAL);
    EXPECT_EQ(printk(env, "%.3d", 0), -EINVAL) << "no precision";
    EXPECT_EQ(printk(env, "%lllu", 0), -EINVAL);
    EXPECT_EQ(printk(env, "%pI4", 0), -EINVAL);
    EXPECT_EQ(printk(env, "bell\a"), -EINVAL) << "non-printable";
    EXPECT_EQ(printk(env, "caf\xc3\xa9"), -EINVAL) << "non-ASCII";
    const char no_nul[4] = {'a', 'b', 'c', 'd'};
    EXPECT_EQ(test::s(test::xdp_call(helper_id::kTracePrintk, env, test::u(no_nul), 4)), -EINVAL);
    EXPECT_EQ(test::s(test::xdp_call(helper_id::kTracePrintk, env, test::u(no_nul), 0)), -EINVAL);
    EXPECT_TRUE(env.trace.empty());
}

TEST(TracePrintk, StopsAtTheFirstNul) {
    ExecEnv env;
    const char fmt[] = "ab\0%d";
    EXPECT_EQ(test::s(test::xdp_call(helper_id::kTracePrintk, env, test::u(fmt), sizeof fmt, 1)), 2);
    EXPECT_EQ(env.trace.back(), "ab");
}

}  // namespace
}  // namespace bpfnic
