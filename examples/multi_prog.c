// SPDX-License-Identifier: MIT
/* multi_prog.c: loader coverage for several programs in one object, in several section name
 * forms ("xdp", "xdp/<name>", "xdp.frags", "tc"), sharing one hash map of per-EtherType packet
 * counts. Each program is a complete filter on its own:
 *   xdp_count_pass   counts the EtherType, passes
 *   xdp_drop_arp     drops ARP, passes the rest
 *   xdp_frags_pass   a multi-buffer capable program that passes everything
 *   tc_count         a TC classifier that counts by skb->protocol and returns TC_ACT_OK (0)
 *
 * Build: clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -I examples -c examples/multi_prog.c -o multi_prog.o
 */
#include "xdp_common.h"

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 64);
} ethertype_count SEC(".maps");

static __always_inline void bump(__u32 key)
{
    __u64 one = 1;
    __u64 *c = bpf_map_lookup_elem(&ethertype_count, &key);
    if (c)
        __sync_fetch_and_add(c, 1);
    else
        bpf_map_update_elem(&ethertype_count, &key, &one, BPF_ANY);
}

SEC("xdp")
int xdp_count_pass(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > data_end)
        return XDP_PASS;
    bump(bpf_ntohs(eth->h_proto));
    return XDP_PASS;
}

SEC("xdp/drop_arp")
int xdp_drop_arp(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > data_end)
        return XDP_DROP;
    return eth->h_proto == bpf_htons(ETH_P_ARP) ? XDP_DROP : XDP_PASS;
}

SEC("xdp.frags")
int xdp_frags_pass(struct xdp_md *ctx)
{
    return XDP_PASS;
}

SEC("tc")
int tc_count(struct __sk_buff *skb)
{
    bump(bpf_ntohs(skb->protocol));
    return 0;
}

char _license[] SEC("license") = "GPL";
