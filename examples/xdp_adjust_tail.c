// SPDX-License-Identifier: MIT
/* xdp_adjust_tail.c: answers IPv4 packets longer than a threshold with an ICMP "destination
 * unreachable / fragmentation needed" (type 3, code 4) carrying the allowed MTU, the way a router
 * with a small next-hop MTU would. The frame is trimmed with bpf_xdp_adjust_tail to the original
 * IP header plus 8 payload bytes, grown at the front with bpf_xdp_adjust_head to make room for
 * the new IP and ICMP headers, checksummed with bounded loops, and sent back with XDP_TX.
 * Answers are counted in an array map. Shorter packets, IP options and non-IPv4 frames pass.
 *
 * Build: clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -I examples -c examples/xdp_adjust_tail.c -o xdp_adjust_tail.o
 */
#include "xdp_common.h"

/* The ICMP header of a "destination unreachable" message (linux/icmp.h drags in libc headers
 * that do not exist for the BPF target). */
struct icmphdr {
    __u8 type;
    __u8 code;
    __sum16 checksum;
    __be16 unused;
    __be16 mtu;
};
#define ICMP_DEST_UNREACH 3
#define ICMP_FRAG_NEEDED 4

/* Packets whose frame is longer than this get the ICMP answer (set by the host before load). */
const volatile __u32 max_pckt_size = 600;
/* The MTU announced in the answer. */
const volatile __u16 next_hop_mtu = 576;

/* The quoted part of the original packet: its IP header and the first 8 bytes of payload. */
#define ORIG_QUOTE (sizeof(struct iphdr) + 8)
/* The ICMP message: header and quote. */
#define ICMP_LEN (sizeof(struct icmphdr) + ORIG_QUOTE)
/* The final frame: Ethernet, new IP header, ICMP message. */
#define REPLY_LEN (sizeof(struct ethhdr) + sizeof(struct iphdr) + ICMP_LEN)

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 1);
} icmpcnt SEC(".maps");

static __always_inline void count_icmp(void)
{
    __u32 key = 0;
    __u64 *c = bpf_map_lookup_elem(&icmpcnt, &key);
    if (c)
        __sync_fetch_and_add(c, 1);
}

static __always_inline int send_frag_needed(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    struct iphdr *orig = data + sizeof(*eth);

    if ((void *)(orig + 1) > data_end)
        return XDP_PASS;
    __be32 client = orig->saddr;
    __be32 server = orig->daddr;
    __u8 client_mac[ETH_ALEN], server_mac[ETH_ALEN];
    __builtin_memcpy(client_mac, eth->h_source, ETH_ALEN);
    __builtin_memcpy(server_mac, eth->h_dest, ETH_ALEN);

    /* Keep Ethernet + original IP header + 8 bytes. */
    int trim = (int)(data_end - data) - (int)(sizeof(*eth) + ORIG_QUOTE);
    if (bpf_xdp_adjust_tail(ctx, -trim))
        return XDP_PASS;
    /* Room for the new IP header and the ICMP header in front of the quote. */
    if (bpf_xdp_adjust_head(ctx, -(int)(sizeof(struct iphdr) + sizeof(struct icmphdr))))
        return XDP_PASS;

    data = (void *)(long)ctx->data;
    data_end = (void *)(long)ctx->data_end;
    if (data + REPLY_LEN > data_end)
        return XDP_DROP;

    eth = data;
    struct iphdr *iph = data + sizeof(*eth);
    struct icmphdr *icmp = (void *)(iph + 1);

    __builtin_memcpy(eth->h_dest, client_mac, ETH_ALEN);
    __builtin_memcpy(eth->h_source, server_mac, ETH_ALEN);
    eth->h_proto = bpf_htons(ETH_P_IP);

    icmp->type = ICMP_DEST_UNREACH;
    icmp->code = ICMP_FRAG_NEEDED;
    icmp->checksum = 0;
    icmp->unused = 0;
    icmp->mtu = bpf_htons(next_hop_mtu);

    /* ICMP checksum over header and quote: a bounded loop over 16-bit words. */
    __u16 *words = (__u16 *)icmp;
    __u32 sum = 0;
#pragma unroll
    for (int i = 0; i < (int)ICMP_LEN / 2; i++)
        sum += words[i];
    icmp->checksum = csum_fold(sum);

    iph->version = 4;
    iph->ihl = 5;
    iph->tos = 0;
    iph->tot_len = bpf_htons(sizeof(struct iphdr) + ICMP_LEN);
    iph->id = 0;
    iph->frag_off = 0;
    iph->ttl = 64;
    iph->protocol = IPPROTO_ICMP;
    iph->saddr = server;
    iph->daddr = client;
    iph->check = ipv4_hdr_csum(iph);

    count_icmp();
    return XDP_TX;
}

SEC("xdp")
int xdp_icmp_too_big(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    struct iphdr *iph = data + sizeof(*eth);

    if ((void *)(iph + 1) > data_end)
        return XDP_PASS;
    if (eth->h_proto != bpf_htons(ETH_P_IP) || iph->ihl != 5)
        return XDP_PASS;
    if (data_end - data <= max_pckt_size)
        return XDP_PASS;
    return send_frag_needed(ctx);
}

char _license[] SEC("license") = "GPL";
