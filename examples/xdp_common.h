/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the example XDP programs: header parsing with the bounds checks the
 * verifier needs, MAC swapping and Internet checksum arithmetic. Every function is inlined, so
 * the programs stay single-function unless they opt into bpf-to-bpf calls themselves. */
#pragma once

#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* An 802.1Q / 802.1ad tag (linux/if_vlan.h only defines it for the kernel). */
struct vlan_hdr {
    __be16 h_vlan_tci;
    __be16 h_vlan_encapsulated_proto;
};

/* Cursor over the packet: the next header starts at pos. */
struct hdr_cursor {
    void *pos;
};

/* Parse the Ethernet header and up to two VLAN tags. Returns the EtherType in host order, or -1
 * when the packet is too short. */
static __always_inline int parse_ethhdr(struct hdr_cursor *nh, void *data_end, struct ethhdr **eth_out)
{
    struct ethhdr *eth = nh->pos;
    if ((void *)(eth + 1) > data_end)
        return -1;
    nh->pos = eth + 1;
    *eth_out = eth;
    __u16 proto = bpf_ntohs(eth->h_proto);

#pragma unroll
    for (int i = 0; i < 2; i++) {
        if (proto != ETH_P_8021Q && proto != ETH_P_8021AD)
            break;
        struct vlan_hdr *vh = nh->pos;
        if ((void *)(vh + 1) > data_end)
            return -1;
        nh->pos = vh + 1;
        proto = bpf_ntohs(vh->h_vlan_encapsulated_proto);
    }
    return proto;
}

/* Parse an IPv4 header (options included). Returns the IP protocol or -1. */
static __always_inline int parse_iphdr(struct hdr_cursor *nh, void *data_end, struct iphdr **iph_out)
{
    struct iphdr *iph = nh->pos;
    if ((void *)(iph + 1) > data_end)
        return -1;
    int hdrsize = iph->ihl * 4;
    if (hdrsize < (int)sizeof(*iph))
        return -1;
    if (nh->pos + hdrsize > data_end)
        return -1;
    nh->pos += hdrsize;
    *iph_out = iph;
    return iph->protocol;
}

/* Parse a fixed IPv6 header (extension headers are not followed). Returns next header or -1. */
static __always_inline int parse_ip6hdr(struct hdr_cursor *nh, void *data_end, struct ipv6hdr **ip6h_out)
{
    struct ipv6hdr *ip6h = nh->pos;
    if ((void *)(ip6h + 1) > data_end)
        return -1;
    nh->pos = ip6h + 1;
    *ip6h_out = ip6h;
    return ip6h->nexthdr;
}

/* Exchange source and destination MAC addresses in place. */
static __always_inline void swap_src_dst_mac(struct ethhdr *eth)
{
    __u8 tmp[ETH_ALEN];
    __builtin_memcpy(tmp, eth->h_source, ETH_ALEN);
    __builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
    __builtin_memcpy(eth->h_dest, tmp, ETH_ALEN);
}

/* Fold a 32-bit one's complement sum into 16 bits and complement it. */
static __always_inline __u16 csum_fold(__u32 sum)
{
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return (__u16)~sum;
}

/* Checksum of a 20-byte IPv4 header without options, summed as ten 16-bit words. The header
 * must live on the stack or in already bounds-checked packet memory. */
static __always_inline __u16 ipv4_hdr_csum(struct iphdr *iph)
{
    __u16 *words = (__u16 *)iph;
    __u32 sum = 0;
    iph->check = 0;
#pragma unroll
    for (int i = 0; i < (int)sizeof(*iph) / 2; i++)
        sum += words[i];
    return csum_fold(sum);
}
