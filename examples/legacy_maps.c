// SPDX-License-Identifier: MIT
/* legacy_maps.c: loader coverage for legacy map definitions. Maps are declared the pre-BTF way,
 * as struct bpf_map_def variables in SEC("maps"), which libbpf 1.x no longer accepts (and no
 * longer declares, so the struct is defined here). The program counts packets per EtherType
 * class in an array and per source MAC hash in a hash map, then passes them.
 * The build also produces legacy_maps_nobtf.o from this file without -g (no .BTF section).
 *
 * Build: clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -I examples -c examples/legacy_maps.c -o legacy_maps.o
 */
#include "xdp_common.h"

/* The classic layout: five 32-bit fields, as in the kernel's old samples/bpf/bpf_helpers.h. */
struct bpf_map_def {
    unsigned int type;
    unsigned int key_size;
    unsigned int value_size;
    unsigned int max_entries;
    unsigned int map_flags;
};

/* Index 0: IPv4, 1: IPv6, 2: ARP, 3: other. */
struct bpf_map_def SEC("maps") proto_count = {
    .type = BPF_MAP_TYPE_ARRAY,
    .key_size = sizeof(__u32),
    .value_size = sizeof(__u64),
    .max_entries = 4,
};

struct bpf_map_def SEC("maps") mac_bytes = {
    .type = BPF_MAP_TYPE_HASH,
    .key_size = sizeof(__u32),
    .value_size = sizeof(__u64),
    .max_entries = 1024,
    .map_flags = 0,
};

SEC("xdp")
int xdp_legacy_count(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;

    if ((void *)(eth + 1) > data_end)
        return XDP_DROP;

    __u16 proto = bpf_ntohs(eth->h_proto);
    __u32 idx = proto == ETH_P_IP ? 0 : proto == ETH_P_IPV6 ? 1 : proto == ETH_P_ARP ? 2 : 3;
    __u64 *count = bpf_map_lookup_elem(&proto_count, &idx);
    if (count)
        __sync_fetch_and_add(count, 1);

    __u32 mac_key = ((__u32)eth->h_source[2] << 24) | ((__u32)eth->h_source[3] << 16) |
                    ((__u32)eth->h_source[4] << 8) | eth->h_source[5];
    __u64 len = data_end - data;
    __u64 *bytes = bpf_map_lookup_elem(&mac_bytes, &mac_key);
    if (bytes)
        __sync_fetch_and_add(bytes, len);
    else
        bpf_map_update_elem(&mac_bytes, &mac_key, &len, BPF_NOEXIST);
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
