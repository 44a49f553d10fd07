// SPDX-License-Identifier: MIT
/* xdp2.c: like xdp1.c, counts every packet per IP protocol number in a per-CPU array, but then
 * swaps the Ethernet source and destination addresses and transmits the frame back out of the
 * port it arrived on (XDP_TX). Frames too short for an Ethernet header are dropped. The same job
 * as the Linux kernel's samples/bpf xdp2.
 *
 * Build: clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -I examples -c examples/xdp2.c -o xdp2.o
 */
#include "xdp_common.h"

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 256);
} rxcnt SEC(".maps");

SEC("xdp")
int xdp_prog2(struct xdp_md *ctx)
{
    void *data_end = (void *)(long)ctx->data_end;
    struct hdr_cursor nh = { .pos = (void *)(long)ctx->data };
    struct ethhdr *eth;
    struct iphdr *iph;
    struct ipv6hdr *ip6h;
    __u32 key = 0;

    int proto = parse_ethhdr(&nh, data_end, &eth);
    if (proto < 0)
        return XDP_DROP;
    if (proto == ETH_P_IP) {
        int p = parse_iphdr(&nh, data_end, &iph);
        key = p < 0 ? 0 : p;
    } else if (proto == ETH_P_IPV6) {
        int p = parse_ip6hdr(&nh, data_end, &ip6h);
        key = p < 0 ? 0 : p;
    }

    __u64 *value = bpf_map_lookup_elem(&rxcnt, &key);
    if (value)
        *value += 1;

    swap_src_dst_mac(eth);
    return XDP_TX;
}

char _license[] SEC("license") = "GPL";
