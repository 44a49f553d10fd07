// SPDX-License-Identifier: MIT
/* extern_kfunc.c: a program calling a kernel function (kfunc) declared extern __ksym, which the
 * loader reports as unsupported. Source of tests/elf/extern_kfunc.o.
 *
 * Build: clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -c tests/elf/src/extern_kfunc.c -o tests/elf/extern_kfunc.o
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern int bpf_fictional_kfunc(struct xdp_md *ctx) __ksym;

SEC("xdp")
int xdp_calls_kfunc(struct xdp_md *ctx)
{
    return bpf_fictional_kfunc(ctx) ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
