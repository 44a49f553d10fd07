// SPDX-License-Identifier: MIT
// Differential test against the running kernel: the same map definitions and the same sequences
// of host-side operations go to real maps (bpf() through libbpf) and to ours, and every return
// code, looked-up value and iteration order (where the kernel's is defined) must agree. Skips
// when bpf() is not permitted.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <string>
#include <vector>

#include "compiler/error.h"
#include "tests/maps/map_test_util.h"

namespace bpfnic {
namespace {

using namespace test;

/// A real kernel map, closed on destruction.
class KernelMap {
public:
    explicit KernelMap(const MapDef& d, int inner_fd = -1) {
        LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = d.map_flags);
        if (inner_fd >= 0) opts.inner_map_fd = inner_fd;
        fd_ = bpf_map_create(static_cast<bpf_map_type>(d.type), d.name.c_str(), d.key_size, d.value_size, d.max_entries,
                             &opts);
        err_ = fd_ < 0 ? -errno : 0;
    }
    ~KernelMap() {
        if (fd_ >= 0) close(fd_);
    }
    int fd() const { return fd_; }
    int err() const { return err_; }

private:
    int fd_ = -1;
    int err_ = 0;
};

bool bpf_allowed() {
    static const bool allowed = [] {
        KernelMap probe(map_def("probe", map_type::kArray, 4, 4, 1));
        return probe.fd() >= 0;
    }();
    return allowed;
}

#define REQUIRE_BPF() \
    if (!bpf_allowed()) GTEST_SKIP() << "bpf() is not permitted here"

int ret(int r) { return r < 0 ? -errno : r; }

struct Op {
    enum Kind { Update, Delete, Lookup } kind;
    std::vector<uint8_t> key, value;
    uint64_t flags = 0;
};

template <typename T>
std::vector<uint8_t> bytes(const T& v) {
    const auto* p = reinterpret_cast<const uint8_t*>(&v);
    return {p, p + sizeof v};
}

Op upd(std::vector<uint8_t> k, std::vector<uint8_t> v, uint64_t f = 0) { return {Op::Update, std::move(k), std::move(v), f}; }
Op del(std::vector<uint8_t> k) { return {Op::Delete, std::move(k), {}, 0}; }
Op get(std::vector<uint8_t> k) { return {Op::Lookup, std::move(k), {}, 0}; }

/// Runs ops on both maps and compares every result.
void run_both(const MapDef& d, const std::vector<Op>& ops, int inner_fd = -1, MapSet* set = nullptr,
              size_t index = 0) {
    KernelMap km(d, inner_fd);
    ASSERT_GE(km.fd(), 0) << d.name << ": kernel refused the map: " << km.err();
    std::unique_ptr<Map> own;
    Map* m = set ? &set->at(index) : (own = make_map(d)).get();
    for (size_t i = 0; i < ops.size(); ++i) {
        const Op& op = ops[i];
        SCOPED_TRACE(d.name + " op " + std::to_string(i));
        switch (op.kind) {
        case Op::Update:
            EXPECT_EQ(m->update(op.key.data(), op.value.data(), op.flags),
                      ret(bpf_map_update_elem(km.fd(), op.key.data(), op.value.data(), op.flags)));
            break;
        case Op::Delete:
            EXPECT_EQ(m->erase(op.key.data()), ret(bpf_map_delete_elem(km.fd(), op.key.data())));
            break;
        case Op::Lookup: {
            std::vector<uint8_t> a(m->host_value_size()), b(m->host_value_size());
            const int ra = m->lookup_copy(op.key.data(), a.data());
            const int rb = ret(bpf_map_lookup_elem(km.fd(), op.key.data(), b.data()));
            EXPECT_EQ(ra, rb);
            if (ra == 0 && rb == 0) {
                EXPECT_EQ(a, b);
            }
            break;
        }
        }
    }
}

/// All keys of the kernel map in its get_next_key order.
std::vector<std::vector<uint8_t>> kernel_keys(int fd, uint32_t key_size) {
    std::vector<std::vector<uint8_t>> out;
    std::vector<uint8_t> cur(key_size), next(key_size);
    const void* prev = nullptr;
    while (bpf_map_get_next_key(fd, prev, next.data()) == 0 && out.size() < 10000) {
        out.push_back(next);
        cur = next;
        prev = cur.data();
    }
    return out;
}

std::vector<std::vector<uint8_t>> our_keys(Map& m, uint32_t key_size) {
    std::vector<std::vector<uint8_t>> out;
    std::vector<uint8_t> cur(key_size), next(key_size);
    const void* prev = nullptr;
    while (m.next_key(prev, next.data()) == 0 && out.size() < 10000) {
        out.push_back(next);
        cur = next;
        prev = cur.data();
    }
    return out;
}

const auto u32 = [](uint32_t v) { return bytes(v); };
const auto u64 = [](uint64_t v) { return bytes(v); };

TEST(KernelCrossCheck, Array) {
    REQUIRE_BPF();
    run_both(map_def("x_array", map_type::kArray, 4, 8, 4),
             {upd(u32(3), u64(42)), upd(u32(3), u64(43), 2), upd(u32(3), u64(1), 1), upd(u32(4), u64(1)),
              upd(u32(4), u64(1), 3), upd(u32(0), u64(1), 8), del(u32(0)), del(u32(9)), get(u32(3)), get(u32(4)),
              get(u32(0))});
}

TEST(KernelCrossCheck, Hash) {
    REQUIRE_BPF();
    run_both(map_def("x_hash", map_type::kHash, 4, 8, 2),
             {upd(u32(1), u64(10), 2), upd(u32(1), u64(10), 1), upd(u32(1), u64(11), 1), upd(u32(1), u64(12), 2),
              upd(u32(2), u64(20)), upd(u32(3), u64(30)), upd(u32(2), u64(21)), upd(u32(2), u64(1), 3),
              upd(u32(2), u64(1), 8), get(u32(1)), get(u32(2)), get(u32(3)), del(u32(3)), del(u32(1)), get(u32(1)),
              upd(u32(3), u64(30)), get(u32(3))});
}

TEST(KernelCrossCheck, HashNoPrealloc) {
    REQUIRE_BPF();
    run_both(map_def("x_hash_np", map_type::kHash, 8, 4, 2, 1),
             {upd(u64(1), u32(1)), upd(u64(2), u32(2)), upd(u64(3), u32(3)), upd(u64(2), u32(5)), del(u64(1)),
              upd(u64(3), u32(3)), get(u64(2)), get(u64(3))});
}

TEST(KernelCrossCheck, HashIterationCoversTheSameKeys) {
    REQUIRE_BPF();
    const MapDef d = map_def("x_hash_it", map_type::kHash, 4, 4, 64);
    KernelMap km(d);
    auto m = make_map(d);
    for (uint32_t k = 0; k < 40; k += 3) {
        ASSERT_EQ(bpf_map_update_elem(km.fd(), &k, &k, 0), 0);
        ASSERT_EQ(m->update(&k, &k, 0), 0);
    }
    auto a = kernel_keys(km.fd(), 4), b = our_keys(*m, 4);
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    EXPECT_EQ(a, b);
    // An absent key restarts at the first key in both.
    const uint32_t absent = 1000;
    uint32_t ka, kb, firsta, firstb;
    ASSERT_EQ(bpf_map_get_next_key(km.fd(), &absent, &ka), 0);
    ASSERT_EQ(bpf_map_get_next_key(km.fd(), nullptr, &firsta), 0);
    ASSERT_EQ(m->next_key(&absent, &kb), 0);
    ASSERT_EQ(m->next_key(nullptr, &firstb), 0);
    EXPECT_EQ(ka, firsta);
    EXPECT_EQ(kb, firstb);
}

TEST(KernelCrossCheck, LruHashFlags) {
    REQUIRE_BPF();
    run_both(map_def("x_lru", map_type::kLruHash, 4, 4, 64),
             {upd(u32(1), u32(1), 2), upd(u32(1), u32(1), 1), upd(u32(1), u32(2), 1), upd(u32(1), u32(3), 2),
              upd(u32(1), u32(3), 3), get(u32(1)), del(u32(1)), del(u32(1)), get(u32(1))});
}

/// Per-CPU maps: the kernel's host values span every possible CPU, the model's one; return codes
/// and the first CPU's value must agree.
TEST(KernelCrossCheck, PerCpuMaps) {
    REQUIRE_BPF();
    const int ncpus = libbpf_num_possible_cpus();
    ASSERT_GT(ncpus, 0);
    for (uint32_t type : {map_type::kPercpuArray, map_type::kPercpuHash, map_type::kLruPercpuHash}) {
        const MapDef d = map_def("x_percpu", type, 4, 4, 2);
        KernelMap km(d);
        ASSERT_GE(km.fd(), 0) << type;
        auto m = make_map(d);
        struct Step {
            Op::Kind kind;
            uint32_t key, value;
            uint64_t flags;
        };
        const std::vector<Step> steps = {
            {Op::Update, 0, 5, 2}, {Op::Update, 0, 5, 1}, {Op::Update, 0, 6, 1}, {Op::Update, 1, 7, 0},
            {Op::Update, 2, 8, 0}, {Op::Update, 1, 9, 3}, {Op::Lookup, 0, 0, 0}, {Op::Lookup, 1, 0, 0},
            {Op::Lookup, 2, 0, 0}, {Op::Delete, 1, 0, 0}, {Op::Delete, 5, 0, 0}, {Op::Lookup, 1, 0, 0},
        };
        for (size_t i = 0; i < steps.size(); ++i) {
            const Step& st = steps[i];
            SCOPED_TRACE("type " + std::to_string(type) + " step " + std::to_string(i));
            std::vector<uint64_t> kv(ncpus, st.value), mv(1, st.value);
            switch (st.kind) {
            case Op::Update:
                EXPECT_EQ(m->update(&st.key, mv.data(), st.flags),
                          ret(bpf_map_update_elem(km.fd(), &st.key, kv.data(), st.flags)));
                break;
            case Op::Delete: EXPECT_EQ(m->erase(&st.key), ret(bpf_map_delete_elem(km.fd(), &st.key))); break;
            case Op::Lookup: {
                const int ra = m->lookup_copy(&st.key, mv.data());
                const int rb = ret(bpf_map_lookup_elem(km.fd(), &st.key, kv.data()));
                EXPECT_EQ(ra, rb);
                if (ra == 0 && rb == 0) {
                    EXPECT_EQ(mv[0], kv[0]);
                }
                break;
            }
            }
        }
    }
}

struct LpmKey {
    uint32_t prefixlen;
    uint8_t a[4];
};
std::vector<uint8_t> lpm(uint32_t len, uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
    return bytes(LpmKey{len, {a, b, c, d}});
}

TEST(KernelCrossCheck, LpmTrie) {
    REQUIRE_BPF();
    const MapDef d = map_def("x_lpm", map_type::kLpmTrie, 8, 4, 5, 1);
    const std::vector<Op> ops = {
        upd(lpm(16, 192, 168, 0, 0), u32(16)), upd(lpm(24, 192, 168, 0, 0), u32(24)),
        upd(lpm(24, 192, 168, 1, 0), u32(241)), upd(lpm(24, 192, 168, 128, 0), u32(128)),
        upd(lpm(8, 10, 0, 0, 0), u32(8)), upd(lpm(32, 1, 2, 3, 4), u32(32)),  // full: -ENOSPC
        upd(lpm(24, 192, 168, 1, 9), u32(242)),                                 // replace while full
        upd(lpm(33, 1, 0, 0, 0), u32(0)), upd(lpm(8, 10, 0, 0, 0), u32(0), 1), upd(lpm(8, 11, 0, 0, 0), u32(0), 2),
        upd(lpm(8, 10, 0, 0, 0), u32(0), 4), get(lpm(32, 192, 168, 0, 7)), get(lpm(32, 192, 168, 1, 7)),
        get(lpm(32, 192, 168, 2, 7)), get(lpm(20, 192, 168, 0, 7)), get(lpm(32, 10, 1, 1, 1)),
        get(lpm(32, 11, 1, 1, 1)), del(lpm(23, 192, 168, 0, 0)), del(lpm(40, 192, 168, 0, 0)),
        del(lpm(16, 192, 168, 0, 0)), get(lpm(32, 192, 168, 2, 7)), upd(lpm(0, 0, 0, 0, 0), u32(0)),
        get(lpm(32, 192, 168, 2, 7)),
    };
    KernelMap km(d);
    ASSERT_GE(km.fd(), 0);
    auto m = make_map(d);
    for (size_t i = 0; i < ops.size(); ++i) {
        const Op& op = ops[i];
        SCOPED_TRACE("op " + std::to_string(i));
        if (op.kind == Op::Update)
            EXPECT_EQ(m->update(op.key.data(), op.value.data(), op.flags),
                      ret(bpf_map_update_elem(km.fd(), op.key.data(), op.value.data(), op.flags)));
        else if (op.kind == Op::Delete)
            EXPECT_EQ(m->erase(op.key.data()), ret(bpf_map_delete_elem(km.fd(), op.key.data())));
        else {
            uint32_t a = 0, b = 0;
            const int ra = m->lookup_copy(op.key.data(), &a);
            EXPECT_EQ(ra, ret(bpf_map_lookup_elem(km.fd(), op.key.data(), &b)));
            EXPECT_EQ(a, b);
        }
    }
    EXPECT_EQ(our_keys(*m, 8), kernel_keys(km.fd(), 8)) << "post-order iteration";
    const auto absent = lpm(32, 9, 9, 9, 9);
    uint8_t na[8], nb[8];
    ASSERT_EQ(m->next_key(absent.data(), na), 0);
    ASSERT_EQ(bpf_map_get_next_key(km.fd(), absent.data(), nb), 0);
    EXPECT_EQ(std::vector<uint8_t>(na, na + 8), std::vector<uint8_t>(nb, nb + 8));
}

TEST(KernelCrossCheck, Devmaps) {
    REQUIRE_BPF();
    // ifindex 1 (lo) exists in every network namespace.
    const std::vector<uint8_t> lo8 = bytes(std::array<uint32_t, 2>{1, 0});
    run_both(map_def("x_devmap", map_type::kDevmap, 4, 8, 4),
             {upd(u32(1), lo8, 1), upd(u32(4), lo8), upd(u32(1), lo8, 4), upd(u32(1), lo8, 2), get(u32(1)),
              get(u32(0)), upd(u32(1), bytes(std::array<uint32_t, 2>{0, 0})), get(u32(1)), del(u32(2)), del(u32(4))});
    run_both(map_def("x_devmap_hash", map_type::kDevmapHash, 4, 4, 2),
             {upd(u32(100), u32(0)), upd(u32(100), u32(1), 2), upd(u32(100), u32(1), 1), upd(u32(200), u32(1)),
              upd(u32(300), u32(1)), get(u32(100)), get(u32(300)), del(u32(300)), del(u32(100)), get(u32(100))});
}

TEST(KernelCrossCheck, Cpumap) {
    REQUIRE_BPF();
    if (sysconf(_SC_NPROCESSORS_CONF) < 2) GTEST_SKIP() << "needs two possible CPUs";
    run_both(map_def("x_cpumap", map_type::kCpumap, 4, 4, 2),
             {upd(u32(1), u32(16385)), upd(u32(1), u32(192), 1), upd(u32(2), u32(192)), upd(u32(1), u32(192), 4),
              upd(u32(1), u32(192)), get(u32(1)), get(u32(0)), upd(u32(1), u32(0)), get(u32(1)), del(u32(0)),
              del(u32(2))});
}

TEST(KernelCrossCheck, FdArrayDeletes) {
    REQUIRE_BPF();
    run_both(map_def("x_progs", map_type::kProgArray, 4, 4, 2), {del(u32(0)), del(u32(2)), get(u32(0))});
    const MapDef inner = map_def("x_inner", map_type::kArray, 4, 4, 1);
    KernelMap kinner(inner);
    ASSERT_GE(kinner.fd(), 0);
    MapDef outer = map_def("x_outer", map_type::kArrayOfMaps, 4, 4, 2);
    outer.inner_map = 0;
    MapSet set({inner, outer});
    run_both(outer, {del(u32(0)), del(u32(2)), get(u32(0))}, kinner.fd(), &set, 1);
}

TEST(KernelCrossCheck, CreationChecksAgree) {
    REQUIRE_BPF();
    const std::vector<MapDef> defs = {
        map_def("c_arr_key8", map_type::kArray, 8, 4, 1),      map_def("c_arr_val0", map_type::kArray, 4, 0, 1),
        map_def("c_arr_max0", map_type::kArray, 4, 4, 0),      map_def("c_arr_np", map_type::kArray, 4, 4, 1, 1),
        map_def("c_hash_key0", map_type::kHash, 0, 4, 1),      map_def("c_hash_ok", map_type::kHash, 16, 4, 1),
        map_def("c_hash_ncl", map_type::kHash, 4, 4, 1, 2),    map_def("c_lru_np", map_type::kLruHash, 4, 4, 1, 1),
        map_def("c_lru_ncl", map_type::kLruHash, 4, 4, 8, 2),  map_def("c_lpm_pre", map_type::kLpmTrie, 8, 4, 1),
        map_def("c_lpm_key4", map_type::kLpmTrie, 4, 4, 1, 1), map_def("c_lpm_ok", map_type::kLpmTrie, 20, 1, 1, 1),
        map_def("c_lpm_big", map_type::kLpmTrie, 261, 4, 1, 1), map_def("c_prog_v8", map_type::kProgArray, 4, 8, 1),
        map_def("c_dev_v12", map_type::kDevmap, 4, 12, 1),     map_def("c_dev_ok", map_type::kDevmap, 4, 8, 1),
        map_def("c_xsk_v8", map_type::kXskmap, 4, 8, 1),       map_def("c_pcpu_mm", map_type::kPercpuArray, 4, 4, 1, 1u << 10),
        map_def("c_arr_mm", map_type::kArray, 4, 4, 1, 1u << 10),
    };
    for (const MapDef& d : defs) {
        KernelMap km(d);
        bool ours = true;
        try {
            make_map(d);
        } catch (const Error&) {
            ours = false;
        }
        EXPECT_EQ(ours, km.fd() >= 0) << d.name << " (kernel: " << km.err() << ")";
    }
}

}  // namespace
}  // namespace bpfnic
