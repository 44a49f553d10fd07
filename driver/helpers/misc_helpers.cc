// SPDX-License-Identifier: MIT
// Deterministic and arithmetic helpers:
//   ktime_get_ns / ktime_get_boot_ns: env->ktime_ns, which then advances by 1000 (one clock for
//     both, so every engine sees the same times for the same run).
//   get_prandom_u32: xorshift64 (shifts 13, 7, 17) of env->prandom_state, returning its low 32
//     bits; a zero state (a fixed point of xorshift) is first replaced by 0x9E3779B97F4A7C15.
//   get_smp_processor_id: env->cpu_id.
//   csum_diff: the current kernel's bpf_csum_diff, checked against Linux 6.18 on x86-64 (see
//     csum_diff below).
//   spin_lock / spin_unlock: one thread runs at a time, so there is never contention: lock
//     stores 1 to the 32-bit lock word and unlock stores 0.
//   unwind (conformance helper 5): returns r1 and asks the engine to stop with r0 = 0 when r1 == 0.
#include <cstring>

#include "driver/helpers/helpers_internal.h"

namespace bpfnic::helpers {

namespace {

constexpr uint64_t kKtimeStep = 1000;

/// 64-bit one's-complement accumulation (end-around carry), as x86's addq/adcq chains.
uint64_t add64(uint64_t a, uint64_t b) {
    const uint64_t r = a + b;
    return r + (r < b);
}

uint32_t add32(uint32_t a, uint32_t b) {
    const uint32_t r = a + b;
    return r + (r < b);
}

/// csum_partial of x86-64: 64-bit little-endian words (the last one zero-padded) summed with
/// end-around carry onto the seed, then folded to 32 bits with end-around carry.
uint32_t csum_partial(const uint8_t* p, uint32_t n, uint32_t seed) {
    uint64_t t = seed;
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        std::memcpy(&w, p, 8);
        t = add64(t, w);
    }
    if (n) {
        uint64_t w = 0;
        std::memcpy(&w, p, n);
        t = add64(t, w);
    }
    return add32(static_cast<uint32_t>(t >> 32), static_cast<uint32_t>(t));
}

/// csum_from32to16: the 16-bit end-around sum of the two halves.
uint16_t from32to16(uint32_t x) {
    x += (x >> 16) | (x << 16);
    return static_cast<uint16_t>(x >> 16);
}

}  // namespace

uint64_t ktime_get_ns(ExecEnv* env, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
    const uint64_t now = env->ktime_ns;
    env->ktime_ns += kKtimeStep;
    return now;
}

uint64_t get_prandom_u32(ExecEnv* env, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
    uint64_t x = env->prandom_state ? env->prandom_state : 0x9E3779B97F4A7C15ull;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    env->prandom_state = x;
    return static_cast<uint32_t>(x);
}

uint64_t get_smp_processor_id(ExecEnv* env, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
    return env->cpu_id;
}

// bpf_csum_diff(from, from_size, to, to_size, seed) as Linux 6.12+ computes it (and 6.18 on this
// machine answers): any sizes; to only: csum_partial(to, seed); from only:
// ~csum_partial(from, ~seed); both: csum_sub(csum_partial(to, seed), csum_partial(from, 0));
// neither: seed; the result folded to 16 bits. (Older kernels returned the unfolded 32-bit sum
// of ~from[] and to[] and refused sizes that are not multiples of 4; the folded checksum a
// program computes from either is the same.)
uint64_t csum_diff(ExecEnv*, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5) {
    const auto* from = reinterpret_cast<const uint8_t*>(r1);
    const auto* to = reinterpret_cast<const uint8_t*>(r3);
    const uint32_t from_size = static_cast<uint32_t>(r2), to_size = static_cast<uint32_t>(r4);
    uint32_t sum = static_cast<uint32_t>(r5);
    if (from_size && to_size)
        sum = add32(csum_partial(to, to_size, sum), ~csum_partial(from, from_size, 0));
    else if (to_size)
        sum = csum_partial(to, to_size, sum);
    else if (from_size)
        sum = ~csum_partial(from, from_size, ~sum);
    return from32to16(sum);
}

uint64_t spin_lock(ExecEnv*, uint64_t r1, uint64_t, uint64_t, uint64_t, uint64_t) {
    const uint32_t locked = 1;
    std::memcpy(reinterpret_cast<void*>(r1), &locked, 4);
    return 0;
}

uint64_t spin_unlock(ExecEnv*, uint64_t r1, uint64_t, uint64_t, uint64_t, uint64_t) {
    const uint32_t unlocked = 0;
    std::memcpy(reinterpret_cast<void*>(r1), &unlocked, 4);
    return 0;
}

uint64_t conformance_unwind(ExecEnv* env, uint64_t r1, uint64_t, uint64_t, uint64_t, uint64_t) {
    if (r1 == 0) env->unwind = true;
    return r1;
}

}  // namespace bpfnic::helpers
