// SPDX-License-Identifier: MIT
/* xdp1.c: parses Ethernet (with up to two VLAN tags) down to IPv4 or IPv6, counts every packet
 * per IP protocol number in a per-CPU array (the host sums the CPUs) and drops it. Non-IP frames
 * are counted under protocol 0. The same job as the Linux kernel's samples/bpf xdp1.
 *
 * Build: clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -I examples -c examples/xdp1.c -o xdp1.o
 */
#include "xdp_common.h"

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 256);
} rxcnt SEC(".maps");

/* IP protocol of the packet, 0 when it is not IP or too short. */
static __always_inline __u32 ip_protocol(struct xdp_md *ctx)
{
    void *data_end = (void *)(long)ctx->data_end;
    struct hdr_cursor nh = { .pos = (void *)(long)ctx->data };
    struct ethhdr *eth;
    struct iphdr *iph;
    struct ipv6hdr *ip6h;
    int proto = parse_ethhdr(&nh, data_end, &eth);

    if (proto == ETH_P_IP) {
        int p = parse_iphdr(&nh, data_end, &iph);
        return p < 0 ? 0 : p;
    }
    if (proto == ETH_P_IPV6) {
        int p = parse_ip6hdr(&nh, data_end, &ip6h);
        return p < 0 ? 0 : p;
    }
    return 0;
}

SEC("xdp")
int xdp_prog1(struct xdp_md *ctx)
{
    __u32 key = ip_protocol(ctx);
    __u64 *value = bpf_map_lookup_elem(&rxcnt, &key);
    if (value)
        *value += 1;
    return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
