// SPDX-License-Identifier: MIT
/* extern_kconfig.c: a program reading a Kconfig value declared extern __kconfig, which the
 * loader reports as unsupported. Source of tests/elf/extern_kconfig.o.
 *
 * Build: clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -c tests/elf/src/extern_kconfig.c -o tests/elf/extern_kconfig.o
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern unsigned int CONFIG_HZ __kconfig;

SEC("xdp")
int xdp_reads_kconfig(struct xdp_md *ctx)
{
    return CONFIG_HZ > 100 ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
