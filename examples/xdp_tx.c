// SPDX-License-Identifier: MIT
/* xdp_tx.c: bounces every packet back out of the port it arrived on, unchanged.
 *
 * Build: clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -I examples -c examples/xdp_tx.c -o xdp_tx.o
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_tx_prog(struct xdp_md *ctx)
{
    return XDP_TX;
}

char _license[] SEC("license") = "GPL";
