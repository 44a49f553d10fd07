// SPDX-License-Identifier: MIT
// The progress line of long runs: drawn on a terminal after the first second, erased at the end,
// never drawn when stderr is not a terminal.
#include <gtest/gtest.h>

#include <sstream>
#include <thread>

#include "host/progress.h"

namespace bpfnic {
namespace {

void run_for_a_while(Progress& p) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(1150);
    uint64_t done = 0;
    while (std::chrono::steady_clock::now() < end) {
        done += 64;
        p.update(done);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    p.update(done + 64);
}

TEST(Progress, DrawnOnATerminalAndErased) {
    std::ostringstream err;
    Progress p(err, true, "bpfnic run xdp1", 1000000);
    run_for_a_while(p);
    const std::string shown = err.str();
    EXPECT_EQ(shown.rfind("\rbpfnic run xdp1: ", 0), 0u) << shown;
    EXPECT_NE(shown.find("/1000000 ("), std::string::npos) << shown;
    EXPECT_NE(shown.find(" packets/s\x1b[K"), std::string::npos) << shown;
    p.finish();
    EXPECT_EQ(err.str().substr(err.str().size() - 4), "\r\x1b[K");
}

TEST(Progress, HiddenWhenNotATerminal) {
    std::ostringstream err;
    {
        Progress p(err, false, "bpfnic run xdp1", std::nullopt);
        run_for_a_while(p);
    }
    EXPECT_EQ(err.str(), "");
}

}  // namespace
}  // namespace bpfnic
