// SPDX-License-Identifier: MIT
/* tail_call.c: loader coverage for tail calls. The entry program (section "xdp") dispatches on
 * the EtherType through a PROG_ARRAY: slot 0 holds xdp_ipv4 (section "xdp/ipv4"), slot 1 holds
 * xdp_ipv6 (section "xdp/ipv6"). The host fills the array. Each stage counts its packets in an
 * array map; when the tail call fails (empty slot) the entry program passes the frame.
 *
 * Build: clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -I examples -c examples/tail_call.c -o tail_call.o
 */
#include "xdp_common.h"

enum { SLOT_IPV4 = 0, SLOT_IPV6 = 1 };

struct {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(key_size, sizeof(__u32));
    __uint(value_size, sizeof(__u32));
    __uint(max_entries, 2);
} jump_table SEC(".maps");

/* Index 0: entry, 1: IPv4 stage, 2: IPv6 stage, 3: tail call failed. */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 4);
} stage_count SEC(".maps");

static __always_inline void count(__u32 stage)
{
    __u64 *c = bpf_map_lookup_elem(&stage_count, &stage);
    if (c)
        __sync_fetch_and_add(c, 1);
}

SEC("xdp/ipv4")
int xdp_ipv4(struct xdp_md *ctx)
{
    count(1);
    return XDP_DROP;
}

SEC("xdp/ipv6")
int xdp_ipv6(struct xdp_md *ctx)
{
    count(2);
    return XDP_TX;
}

SEC("xdp")
int xdp_dispatch(struct xdp_md *ctx)
{
    void *data_end = (void *)(long)ctx->data_end;
    struct hdr_cursor nh = { .pos = (void *)(long)ctx->data };
    struct ethhdr *eth;

    count(0);
    int proto = parse_ethhdr(&nh, data_end, &eth);
    if (proto == ETH_P_IP)
        bpf_tail_call(ctx, &jump_table, SLOT_IPV4);
    else if (proto == ETH_P_IPV6)
        bpf_tail_call(ctx, &jump_table, SLOT_IPV6);
    else
        return XDP_PASS;
    count(3);
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
