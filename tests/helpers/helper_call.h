// SPDX-License-Identifier: MIT
// Test utility: call a helper of a table by id with r1..r5 as a program would.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>

#include "driver/exec_env.h"

namespace bpfnic::test {

inline uint64_t call(const HelperTable& t, int32_t id, ExecEnv& env, uint64_t r1 = 0, uint64_t r2 = 0,
                     uint64_t r3 = 0, uint64_t r4 = 0, uint64_t r5 = 0) {
    HelperFn fn = t.get(id);
    EXPECT_NE(fn, nullptr) << "helper " << id;
    return fn ? fn(&env, r1, r2, r3, r4, r5) : ~uint64_t{0};
}

inline uint64_t xdp_call(int32_t id, ExecEnv& env, uint64_t r1 = 0, uint64_t r2 = 0, uint64_t r3 = 0,
                         uint64_t r4 = 0, uint64_t r5 = 0) {
    return call(xdp_helper_table(), id, env, r1, r2, r3, r4, r5);
}

template <typename T>
uint64_t u(T* p) {
    return reinterpret_cast<uint64_t>(p);
}

inline int64_t s(uint64_t r0) { return static_cast<int64_t>(r0); }

}  // namespace bpfnic::test
