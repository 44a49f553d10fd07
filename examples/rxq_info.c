// SPDX-License-Identifier: MIT
/* rxq_info.c: per receive queue statistics. Every frame is counted (packets and bytes) in an
 * array slot chosen by ctx->rx_queue_index; queue numbers beyond the array are counted in the
 * last slot as "out of range". The verdict comes from a configuration in .data that the host may
 * change while the program runs: XDP_DROP or XDP_TX, with an optional MAC swap before XDP_TX.
 * The ingress ifindex of the last frame is recorded in .bss.
 *
 * Build: clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -I examples -c examples/rxq_info.c -o rxq_info.o
 */
#include "xdp_common.h"

#define MAX_RXQS 64

struct rxq_config {
    __u32 action;    /* XDP_DROP or XDP_TX; anything else behaves as XDP_PASS */
    __u32 swap_mac;  /* non-zero: swap the Ethernet addresses (useful with XDP_TX) */
};

/* .data: writable configuration. */
struct rxq_config config = { .action = XDP_DROP, .swap_mac = 0 };

/* .bss: the interface of the most recent frame. */
__u32 last_ifindex;

struct rxq_stats {
    __u64 packets;
    __u64 bytes;
};

/* Slots 0..MAX_RXQS-1: per queue; slot MAX_RXQS: queue index out of range. */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, __u32);
    __type(value, struct rxq_stats);
    __uint(max_entries, MAX_RXQS + 1);
} rx_queue_stats SEC(".maps");

SEC("xdp")
int xdp_rxq_info(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    __u32 queue = ctx->rx_queue_index;
    __u32 key = queue < MAX_RXQS ? queue : MAX_RXQS;

    last_ifindex = ctx->ingress_ifindex;
    struct rxq_stats *st = bpf_map_lookup_elem(&rx_queue_stats, &key);
    if (!st)
        return XDP_ABORTED;
    __sync_fetch_and_add(&st->packets, 1);
    __sync_fetch_and_add(&st->bytes, data_end - data);

    __u32 action = config.action;
    if (action == XDP_TX && config.swap_mac) {
        struct ethhdr *eth = data;
        if ((void *)(eth + 1) > data_end)
            return XDP_DROP;
        swap_src_dst_mac(eth);
    }
    if (action == XDP_DROP || action == XDP_TX)
        return action;
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
