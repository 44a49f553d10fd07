// SPDX-License-Identifier: MIT
/* subprog.c: loader coverage for bpf-to-bpf calls. Two programs share non-inlined static
 * functions in .text: parse_l3 (called by both), csum_add16 (called twice from one program and
 * also from another subprogram) and classify (calls parse_l3 itself, so calls nest). The first
 * program counts frames per class in an array; the second adds up a 16-bit checksum over the
 * Ethernet header and passes the frame when it is odd.
 *
 * Build: clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -I examples -c examples/subprog.c -o subprog.o
 */
#include "xdp_common.h"

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 4);
} class_count SEC(".maps");

/* EtherType of the frame in host order, or 0 when it is shorter than an Ethernet header. */
static __noinline __u32 parse_l3(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > data_end)
        return 0;
    return bpf_ntohs(eth->h_proto);
}

/* One's complement add of a 16-bit word. */
static __noinline __u32 csum_add16(__u32 sum, __u32 word)
{
    sum += word & 0xffff;
    return (sum & 0xffff) + (sum >> 16);
}

/* 0: runt, 1: IPv4, 2: IPv6, 3: other. */
static __noinline __u32 classify(struct xdp_md *ctx)
{
    __u32 proto = parse_l3(ctx);
    if (proto == 0)
        return 0;
    if (proto == ETH_P_IP)
        return 1;
    if (proto == ETH_P_IPV6)
        return 2;
    return 3;
}

SEC("xdp")
int xdp_count_classes(struct xdp_md *ctx)
{
    __u32 key = classify(ctx);
    __u64 *count = bpf_map_lookup_elem(&class_count, &key);
    if (count)
        *count += 1;
    return key == 0 ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int xdp_odd_csum(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    __u16 *w = data;
    if ((void *)(w + 3) > data_end)
        return XDP_DROP;
    __u32 sum = csum_add16(0, w[0]);
    sum = csum_add16(sum, w[1]);
    sum = csum_add16(sum, w[2]);
    sum = csum_add16(sum, parse_l3(ctx));
    return (sum & 1) ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";
