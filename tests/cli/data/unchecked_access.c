// SPDX-License-Identifier: MIT
/* unchecked_access.c: an XDP program that reads the packet without comparing against data_end,
 * which the verifier must reject. Used by the CLI tests for `bpfnic verify` and `bpfnic run`.
 *
 * Build (tests/cli/CMakeLists.txt): clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu \
 *   -c tests/cli/data/unchecked_access.c -o BUILD/tests/cli/unchecked_access.o
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_unchecked(struct xdp_md *ctx)
{
    unsigned char *data = (unsigned char *)(long)ctx->data;
    return data[12] == 0x08 ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";
