// SPDX-License-Identifier: MIT
/* xdp_redirect.c: redirects every packet to one egress interface. The ifindex is a
 * read-only global (.rodata) that the host sets before loading the program.
 *
 * Build: clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -I examples -c examples/xdp_redirect.c -o xdp_redirect.o
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Egress interface; patched by the host in .rodata before load. */
const volatile __u32 redirect_ifindex = 2;

SEC("xdp")
int xdp_redirect_prog(struct xdp_md *ctx)
{
    return bpf_redirect(redirect_ifindex, 0);
}

char _license[] SEC("license") = "GPL";
