// SPDX-License-Identifier: MIT
/* globals.c: loader coverage for global data. The program reads a read-only configuration from
 * .rodata (const volatile, patched by the host before load), a tag string from .rodata.str1.1,
 * keeps mutable state in .data (initialised) and .bss (zeroed) and writes statistics there.
 * It drops frames shorter than min_len, and passes the rest after recording the last EtherType.
 *
 * Build: clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -I examples -c examples/globals.c -o globals.o
 */
#include "xdp_common.h"

/* .rodata: configuration, frozen once loaded. */
const volatile __u32 min_len = 60;
const volatile __u8 tag_byte_index = 3;

/* .data: initialised mutable state. */
__u64 seen_packets = 100;
__u32 last_proto = 0xffffffff;

/* .bss: zero-initialised counters. */
__u64 dropped_short;
__u64 passed_bytes;
__u8 last_tag;

static __noinline __u8 tag_byte(__u32 index)
{
    /* A string literal: clang places it in the mergeable-strings section .rodata.str1.1. */
    const char *tag = "bpfnic-globals";
    return index < 14 ? tag[index] : 0;
}

SEC("xdp")
int xdp_globals(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    __u64 len = data_end - data;

    seen_packets++;
    last_tag = tag_byte(tag_byte_index);
    if (len < min_len) {
        dropped_short++;
        return XDP_DROP;
    }
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > data_end)
        return XDP_DROP;
    last_proto = bpf_ntohs(eth->h_proto);
    passed_bytes += len;
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
