// SPDX-License-Identifier: MIT
/* katran_lb.c: an L4 load balancer in the style of Katran. TCP/UDP packets to a virtual IP
 * service (vip, port, protocol; port 0 matches any port) are sent to one of the service's real
 * servers, chosen by consistent hashing: a jhash of the flow's 5-tuple picks a slot of the
 * service's ring (a region of an ARRAY map the host fills with real indices, each real appearing
 * in proportion to its weight), so adding or removing a real moves few flows. An LRU connection
 * table keeps established flows on their real even when the ring changes. The packet is
 * encapsulated in IPIP toward the real (outer source 172.16.x.y derived from the source port, so
 * the reals' receive hashing spreads flows) and sent with XDP_TX to the default gateway, whose
 * MAC is in a control array. Packets and bytes are counted per VIP in a per-CPU array; the last
 * slot counts connection table misses. Non-VIP traffic, IPv6, fragments and IP options pass.
 *
 * Build: clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -I examples -c examples/katran_lb.c -o katran_lb.o
 */
#include "xdp_common.h"
#include <linux/tcp.h>
#include <linux/udp.h>

#define MAX_VIPS 16
#define MAX_REALS 256
#define RING_SIZE 1031          /* slots per VIP; a prime spreads the hash evenly */
#define STATS_LRU_MISS MAX_VIPS  /* stats slot counting connection table misses */
#define IP_FRAGMENTED 0x3fff     /* MF flag and fragment offset bits of frag_off */

struct vip_definition {
    __be32 vip;
    __be16 port;
    __u8 protocol;
    __u8 pad;
};

struct vip_meta {
    __u32 flags;
    __u32 vip_num;  /* index of the VIP's ring and stats slot, < MAX_VIPS */
};

struct real_definition {
    __be32 dst;
    __u32 flags;
};

struct flow_key {
    __be32 src;
    __be32 dst;
    __be16 sport;
    __be16 dport;
    __u8 protocol;
    __u8 pad[3];
};

struct real_pos_lru {
    __u32 pos;  /* index into reals */
};

struct ctl_value {
    __u8 mac[ETH_ALEN];  /* default gateway */
    __u8 pad[2];
};

struct lb_stats {
    __u64 packets;
    __u64 bytes;
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, struct vip_definition);
    __type(value, struct vip_meta);
    __uint(max_entries, MAX_VIPS);
} vip_map SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, __u32);
    __type(value, __u32);
    __uint(max_entries, MAX_VIPS * RING_SIZE);
} ch_rings SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, __u32);
    __type(value, struct real_definition);
    __uint(max_entries, MAX_REALS);
} reals SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __type(key, struct flow_key);
    __type(value, struct real_pos_lru);
    __uint(max_entries, 8192);
} lru_conn SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, __u32);
    __type(value, struct ctl_value);
    __uint(max_entries, 1);
} ctl_array SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __type(key, __u32);
    __type(value, struct lb_stats);
    __uint(max_entries, MAX_VIPS + 1);
} vip_stats SEC(".maps");

/* Bob Jenkins' lookup3 final mix over three words, as used by the Linux jhash_3words. */
static __always_inline __u32 rol32(__u32 word, unsigned int shift)
{
    return (word << shift) | (word >> (32 - shift));
}

static __always_inline __u32 jhash_3words(__u32 a, __u32 b, __u32 c, __u32 initval)
{
    const __u32 init = 0xdeadbeef + (3 << 2) + initval;
    a += init;
    b += init;
    c += init;
    c ^= b; c -= rol32(b, 14);
    a ^= c; a -= rol32(c, 11);
    b ^= a; b -= rol32(a, 25);
    c ^= b; c -= rol32(b, 16);
    a ^= c; a -= rol32(c, 4);
    b ^= a; b -= rol32(a, 14);
    c ^= b; c -= rol32(b, 24);
    return c;
}

static __always_inline __u32 flow_hash(const struct flow_key *flow)
{
    __u32 ports = ((__u32)flow->sport << 16) | flow->dport;
    return jhash_3words(flow->src, flow->dst ^ flow->protocol, ports, RING_SIZE);
}

/* Real server index for a new flow of a VIP, from the VIP's ring; -1 when the ring slot is bad. */
static __always_inline int pick_real(const struct flow_key *flow, __u32 vip_num)
{
    if (vip_num >= MAX_VIPS)
        return -1;
    __u32 ring_key = vip_num * RING_SIZE + flow_hash(flow) % RING_SIZE;
    __u32 *real = bpf_map_lookup_elem(&ch_rings, &ring_key);
    if (!real || *real >= MAX_REALS)
        return -1;
    return *real;
}

static __always_inline void count_stats(__u32 slot, __u64 bytes)
{
    struct lb_stats *st = bpf_map_lookup_elem(&vip_stats, &slot);
    if (st) {
        st->packets += 1;
        st->bytes += bytes;
    }
}

static __always_inline int encap_ipip(struct xdp_md *ctx, __be32 real_dst, __be16 sport, __u16 inner_len,
                                      const __u8 *gw_mac)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > data_end)
        return XDP_DROP;
    __u8 our_mac[ETH_ALEN];
    __builtin_memcpy(our_mac, eth->h_dest, ETH_ALEN);

    if (bpf_xdp_adjust_head(ctx, 0 - (int)sizeof(struct iphdr)))
        return XDP_DROP;
    data = (void *)(long)ctx->data;
    data_end = (void *)(long)ctx->data_end;
    eth = data;
    struct iphdr *outer = data + sizeof(*eth);
    if ((void *)(outer + 1) > data_end)
        return XDP_DROP;

    __builtin_memcpy(eth->h_dest, gw_mac, ETH_ALEN);
    __builtin_memcpy(eth->h_source, our_mac, ETH_ALEN);
    eth->h_proto = bpf_htons(ETH_P_IP);

    outer->version = 4;
    outer->ihl = 5;
    outer->tos = 0;
    outer->tot_len = bpf_htons(inner_len + sizeof(struct iphdr));
    outer->id = 0;
    outer->frag_off = 0;
    outer->ttl = 64;
    outer->protocol = IPPROTO_IPIP;
    /* 172.16.<sport high>.<sport low> in network byte order. */
    outer->saddr = bpf_htonl(0xac100000 | bpf_ntohs(sport));
    outer->daddr = real_dst;
    outer->check = ipv4_hdr_csum(outer);
    return XDP_TX;
}

SEC("xdp")
int xdp_katran_lb(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    struct iphdr *iph = data + sizeof(*eth);

    if ((void *)(iph + 1) > data_end)
        return XDP_PASS;
    if (eth->h_proto != bpf_htons(ETH_P_IP) || iph->ihl != 5)
        return XDP_PASS;
    if (iph->frag_off & bpf_htons(IP_FRAGMENTED))
        return XDP_PASS;

    struct flow_key flow = {};
    flow.src = iph->saddr;
    flow.dst = iph->daddr;
    flow.protocol = iph->protocol;
    if (iph->protocol == IPPROTO_TCP) {
        struct tcphdr *th = (void *)(iph + 1);
        if ((void *)(th + 1) > data_end)
            return XDP_DROP;
        flow.sport = th->source;
        flow.dport = th->dest;
    } else if (iph->protocol == IPPROTO_UDP) {
        struct udphdr *uh = (void *)(iph + 1);
        if ((void *)(uh + 1) > data_end)
            return XDP_DROP;
        flow.sport = uh->source;
        flow.dport = uh->dest;
    } else {
        return XDP_PASS;
    }

    struct vip_definition vip = { .vip = flow.dst, .port = flow.dport, .protocol = flow.protocol };
    struct vip_meta *meta = bpf_map_lookup_elem(&vip_map, &vip);
    if (!meta) {
        vip.port = 0;
        meta = bpf_map_lookup_elem(&vip_map, &vip);
        if (!meta)
            return XDP_PASS;
    }
    __u32 vip_num = meta->vip_num;
    __u16 inner_len = bpf_ntohs(iph->tot_len);
    count_stats(vip_num, data_end - data);

    __u32 real_num;
    struct real_pos_lru *cached = bpf_map_lookup_elem(&lru_conn, &flow);
    if (cached) {
        real_num = cached->pos;
    } else {
        int picked = pick_real(&flow, vip_num);
        if (picked < 0)
            return XDP_DROP;
        real_num = picked;
        struct real_pos_lru entry = { .pos = real_num };
        bpf_map_update_elem(&lru_conn, &flow, &entry, BPF_ANY);
        count_stats(STATS_LRU_MISS, 0);
    }

    struct real_definition *real = bpf_map_lookup_elem(&reals, &real_num);
    if (!real)
        return XDP_DROP;
    __u32 ctl_key = 0;
    struct ctl_value *gw = bpf_map_lookup_elem(&ctl_array, &ctl_key);
    if (!gw)
        return XDP_DROP;
    return encap_ipip(ctx, real->dst, flow.sport, inner_len, gw->mac);
}

char _license[] SEC("license") = "GPL";
