// SPDX-License-Identifier: MIT
/* simple_firewall.c: a stateful IPv4 TCP/UDP firewall. Frames arriving on the trusted
 * interface (the inside; its ifindex is a .rodata setting) are outbound: they create or refresh
 * a connection tracking entry for their 5-tuple in an LRU hash (old flows fall out when it is
 * full) and pass. Frames from any other interface are inbound: they pass only when they answer a
 * tracked flow (the reversed 5-tuple is found) or go to a port opened by the host in a hash map
 * of allowed services; everything else is dropped. ICMP and non-IP frames pass. A per-CPU array
 * counts each decision.
 *
 * Build: clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -I examples -c examples/simple_firewall.c -o simple_firewall.o
 */
#include "xdp_common.h"
#include <linux/tcp.h>
#include <linux/udp.h>

/* The inside interface: frames received here are trusted. */
const volatile __u32 trusted_ifindex = 1;

struct flow_key {
    __be32 saddr;    /* inside host */
    __be32 daddr;    /* outside peer */
    __be16 sport;
    __be16 dport;
    __u8 protocol;
    __u8 pad[3];
};

struct flow_state {
    __u64 packets_out;
    __u64 packets_in;
    __u64 bytes;
};

struct service_key {
    __be16 port;
    __u8 protocol;
    __u8 pad;
};

enum fw_stat {
    STAT_OUTBOUND_NEW = 0,
    STAT_OUTBOUND_KNOWN,
    STAT_INBOUND_FLOW,
    STAT_INBOUND_SERVICE,
    STAT_INBOUND_DROPPED,
    STAT_NOT_TCP_UDP,
    STAT_MALFORMED,
    STAT_MAX,
};

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __type(key, struct flow_key);
    __type(value, struct flow_state);
    __uint(max_entries, 4096);
} conntrack SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, struct service_key);
    __type(value, __u8);
    __uint(max_entries, 64);
} open_services SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, STAT_MAX);
} fw_stats SEC(".maps");

static __always_inline void count(__u32 stat)
{
    __u64 *c = bpf_map_lookup_elem(&fw_stats, &stat);
    if (c)
        *c += 1;
}

/* Fill the ports of the key from the L4 header; -1 when truncated. */
static __always_inline int read_ports(void *l4, void *data_end, __u8 protocol, __be16 *sport, __be16 *dport)
{
    if (protocol == IPPROTO_TCP) {
        struct tcphdr *th = l4;
        if ((void *)(th + 1) > data_end)
            return -1;
        *sport = th->source;
        *dport = th->dest;
        return 0;
    }
    struct udphdr *uh = l4;
    if ((void *)(uh + 1) > data_end)
        return -1;
    *sport = uh->source;
    *dport = uh->dest;
    return 0;
}

SEC("xdp")
int xdp_firewall(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct hdr_cursor nh = { .pos = data };
    struct ethhdr *eth;
    struct iphdr *iph;

    if (parse_ethhdr(&nh, data_end, &eth) != ETH_P_IP) {
        count(STAT_NOT_TCP_UDP);
        return XDP_PASS;
    }
    int protocol = parse_iphdr(&nh, data_end, &iph);
    if (protocol < 0) {
        count(STAT_MALFORMED);
        return XDP_DROP;
    }
    if (protocol != IPPROTO_TCP && protocol != IPPROTO_UDP) {
        count(STAT_NOT_TCP_UDP);
        return XDP_PASS;
    }
    __be16 sport, dport;
    if (read_ports(nh.pos, data_end, protocol, &sport, &dport) < 0) {
        count(STAT_MALFORMED);
        return XDP_DROP;
    }
    __u64 len = data_end - data;

    struct flow_key key = {};
    key.protocol = protocol;
    if (ctx->ingress_ifindex == trusted_ifindex) {
        key.saddr = iph->saddr;
        key.daddr = iph->daddr;
        key.sport = sport;
        key.dport = dport;
        struct flow_state *st = bpf_map_lookup_elem(&conntrack, &key);
        if (st) {
            __sync_fetch_and_add(&st->packets_out, 1);
            __sync_fetch_and_add(&st->bytes, len);
            count(STAT_OUTBOUND_KNOWN);
        } else {
            struct flow_state fresh = { .packets_out = 1, .packets_in = 0, .bytes = len };
            bpf_map_update_elem(&conntrack, &key, &fresh, BPF_NOEXIST);
            count(STAT_OUTBOUND_NEW);
        }
        return XDP_PASS;
    }

    /* Inbound: the reply of an inside flow has the addresses and ports reversed. */
    key.saddr = iph->daddr;
    key.daddr = iph->saddr;
    key.sport = dport;
    key.dport = sport;
    struct flow_state *st = bpf_map_lookup_elem(&conntrack, &key);
    if (st) {
        __sync_fetch_and_add(&st->packets_in, 1);
        __sync_fetch_and_add(&st->bytes, len);
        count(STAT_INBOUND_FLOW);
        return XDP_PASS;
    }
    struct service_key svc = { .port = dport, .protocol = protocol };
    if (bpf_map_lookup_elem(&open_services, &svc)) {
        count(STAT_INBOUND_SERVICE);
        return XDP_PASS;
    }
    count(STAT_INBOUND_DROPPED);
    return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
