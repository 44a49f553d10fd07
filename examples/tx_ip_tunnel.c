// SPDX-License-Identifier: MIT
/* tx_ip_tunnel.c: IPIP encapsulation. TCP and UDP packets to a virtual IP (vip, port, protocol)
 * found in a hash map are wrapped in an outer IPv4 header toward the tunnel endpoint the map
 * names: bpf_xdp_adjust_head(-20) makes room, the Ethernet header moves to the new front with
 * the endpoint's next-hop MAC, the outer header gets protocol IPPROTO_IPIP and a fresh checksum,
 * and the frame is sent back out with XDP_TX. Other traffic passes. Encapsulated packets are
 * counted per inner IP protocol.
 *
 * Build: clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -I examples -c examples/tx_ip_tunnel.c -o tx_ip_tunnel.o
 */
#include "xdp_common.h"
#include <linux/tcp.h>
#include <linux/udp.h>

struct vip {
    __be32 daddr;
    __be16 dport;
    __u8 protocol;
    __u8 pad;
};

struct tunnel {
    __be32 saddr;          /* outer source: this host */
    __be32 daddr;          /* outer destination: the tunnel endpoint */
    __u8 dmac[ETH_ALEN];   /* next hop toward the endpoint */
    __u8 pad[2];
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, struct vip);
    __type(value, struct tunnel);
    __uint(max_entries, 256);
} vip2tnl SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 256);
} encap_count SEC(".maps");

/* Destination port of a TCP or UDP header at l4, 0 when absent or truncated. */
static __always_inline __be16 l4_dport(void *l4, void *data_end, __u8 protocol)
{
    if (protocol == IPPROTO_TCP) {
        struct tcphdr *th = l4;
        if ((void *)(th + 1) > data_end)
            return 0;
        return th->dest;
    }
    if (protocol == IPPROTO_UDP) {
        struct udphdr *uh = l4;
        if ((void *)(uh + 1) > data_end)
            return 0;
        return uh->dest;
    }
    return 0;
}

SEC("xdp")
int xdp_tx_iptunnel(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    struct iphdr *inner = data + sizeof(*eth);

    if ((void *)(inner + 1) > data_end)
        return XDP_PASS;
    if (eth->h_proto != bpf_htons(ETH_P_IP) || inner->ihl != 5)
        return XDP_PASS;

    struct vip key = {};
    key.protocol = inner->protocol;
    key.daddr = inner->daddr;
    key.dport = l4_dport(inner + 1, data_end, inner->protocol);
    if (!key.dport)
        return XDP_PASS;

    struct tunnel *tnl = bpf_map_lookup_elem(&vip2tnl, &key);
    if (!tnl)
        return XDP_PASS;

    __u32 proto_key = inner->protocol;
    __u16 payload_len = bpf_ntohs(inner->tot_len);
    __u8 old_dmac[ETH_ALEN];
    __builtin_memcpy(old_dmac, eth->h_dest, ETH_ALEN);

    if (bpf_xdp_adjust_head(ctx, 0 - (int)sizeof(struct iphdr)))
        return XDP_DROP;

    data = (void *)(long)ctx->data;
    data_end = (void *)(long)ctx->data_end;
    eth = data;
    struct iphdr *outer = data + sizeof(*eth);
    if ((void *)(outer + 1) > data_end)
        return XDP_DROP;

    /* The frame goes back toward the endpoint; our MAC (the old destination) becomes the source. */
    __builtin_memcpy(eth->h_dest, tnl->dmac, ETH_ALEN);
    __builtin_memcpy(eth->h_source, old_dmac, ETH_ALEN);
    eth->h_proto = bpf_htons(ETH_P_IP);

    outer->version = 4;
    outer->ihl = 5;
    outer->tos = 0;
    outer->tot_len = bpf_htons(payload_len + sizeof(struct iphdr));
    outer->id = 0;
    outer->frag_off = 0;
    outer->ttl = 8;
    outer->protocol = IPPROTO_IPIP;
    outer->saddr = tnl->saddr;
    outer->daddr = tnl->daddr;
    outer->check = ipv4_hdr_csum(outer);

    __u64 *count = bpf_map_lookup_elem(&encap_count, &proto_key);
    if (count)
        *count += 1;
    return XDP_TX;
}

char _license[] SEC("license") = "GPL";
