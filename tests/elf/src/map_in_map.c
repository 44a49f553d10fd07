// SPDX-License-Identifier: MIT
/* map_in_map.c: a valid object with an ARRAY_OF_MAPS whose inner map template is an ARRAY, to
 * check that the loader records the inner map. Source of tests/elf/map_in_map.o.
 *
 * Build: clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -c tests/elf/src/map_in_map.c -o tests/elf/map_in_map.o
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct inner_counts {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 8);
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
    __uint(max_entries, 4);
    __type(key, __u32);
    __array(values, struct inner_counts);
} outer SEC(".maps");

SEC("xdp")
int xdp_map_in_map(struct xdp_md *ctx)
{
    __u32 slot = ctx->rx_queue_index & 3, key = 0;
    void *inner = bpf_map_lookup_elem(&outer, &slot);
    if (!inner)
        return XDP_PASS;
    __u64 *count = bpf_map_lookup_elem(inner, &key);
    if (count)
        __sync_fetch_and_add(count, 1);
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
