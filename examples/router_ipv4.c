// SPDX-License-Identifier: MIT
/* router_ipv4.c: an IPv4 forwarding plane. The destination address is looked up in a longest
 * prefix match trie of routes; the route gives the egress port (a slot of a DEVMAP) and the
 * next hop's and the egress port's MAC addresses. The frame gets the new MACs, the TTL is
 * decremented with an incremental checksum update (RFC 1624) and the frame leaves through
 * bpf_redirect_map. Frames without a route are dropped; TTL <= 1 and non-IPv4 frames go to the
 * host stack (XDP_PASS), which answers with ICMP or handles ARP. Per-port forwarded counts are kept.
 *
 * Build: clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -I examples -c examples/router_ipv4.c -o router_ipv4.o
 */
#include "xdp_common.h"

#define MAX_PORTS 64

struct route_key {
    __u32 prefixlen;  /* LPM trie keys start with the prefix length in bits */
    __be32 addr;
};

struct route {
    __u32 port;                /* slot in tx_ports */
    __u8 src_mac[ETH_ALEN];    /* MAC of the egress port */
    __u8 dst_mac[ETH_ALEN];    /* MAC of the next hop */
};

struct {
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __type(key, struct route_key);
    __type(value, struct route);
    __uint(max_entries, 1024);
    __uint(map_flags, BPF_F_NO_PREALLOC);
} routes SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_DEVMAP);
    __type(key, __u32);
    __type(value, __u32);
    __uint(max_entries, MAX_PORTS);
} tx_ports SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, MAX_PORTS);
} forwarded SEC(".maps");

/* TTL minus one; the checksum covers the TTL/protocol word, whose high byte drops by one. */
static __always_inline void ip_decrease_ttl(struct iphdr *iph)
{
    __u32 check = iph->check;
    check += bpf_htons(0x0100);
    iph->check = (__sum16)(check + (check >= 0xffff));
    iph->ttl--;
}

SEC("xdp")
int xdp_router_ipv4(struct xdp_md *ctx)
{
    void *data_end = (void *)(long)ctx->data_end;
    struct hdr_cursor nh = { .pos = (void *)(long)ctx->data };
    struct ethhdr *eth;
    struct iphdr *iph;

    if (parse_ethhdr(&nh, data_end, &eth) != ETH_P_IP)
        return XDP_PASS;
    if (parse_iphdr(&nh, data_end, &iph) < 0)
        return XDP_DROP;
    if (iph->ttl <= 1)
        return XDP_PASS;

    struct route_key key = { .prefixlen = 32, .addr = iph->daddr };
    struct route *rt = bpf_map_lookup_elem(&routes, &key);
    if (!rt)
        return XDP_DROP;

    __u32 port = rt->port;
    __builtin_memcpy(eth->h_dest, rt->dst_mac, ETH_ALEN);
    __builtin_memcpy(eth->h_source, rt->src_mac, ETH_ALEN);
    ip_decrease_ttl(iph);

    __u64 *count = bpf_map_lookup_elem(&forwarded, &port);
    if (count)
        *count += 1;
    return bpf_redirect_map(&tx_ports, port, XDP_DROP);
}

char _license[] SEC("license") = "GPL";
