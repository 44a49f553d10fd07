#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Regenerates the seed corpora of the fuzz targets added with the card (pcap, firmware, rtl_diff)
# from a build directory: captures `bpfnic run --out` writes, firmware images `bpfnic compile -o`
# writes, mailbox commands the host driver sends, and generated or example programs for the RTL
# differential. The older corpora (asm, loader, verifier, jit_diff) are kept as they are.
# Regression inputs (crash_*) are never touched. Usage: tests/fuzz/make_corpus.sh BUILD_DIR
set -euo pipefail
build="$(cd "${1:?usage: make_corpus.sh BUILD_DIR}" && pwd)"
here="$(cd "$(dirname "$0")" && pwd)"
corpus="$here/corpus"
bpfnic="$build/host/bpfnic"
examples="$build/examples"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# --- pcap: captures the CLI wrote, nanosecond stamps, pcapng, truncations -------------------
mkdir -p "$corpus/pcap"
"$bpfnic" run "$examples/xdp_tx.o" --gen count=3,seed=1,sizes=64-128 --out "$tmp/tx.pcap" > /dev/null
"$bpfnic" run "$examples/xdp_pass.o" --gen count=2,seed=2,ipv6=100,sizes=64-96 --out "$tmp/pass6.pcap" > /dev/null
cp "$tmp/tx.pcap" "$corpus/pcap/cli_tx.pcap"
cp "$tmp/pass6.pcap" "$corpus/pcap/cli_ipv6.pcap"
if command -v tcpdump > /dev/null; then
  tcpdump -q -r "$tmp/tx.pcap" --time-stamp-precision=nano -w "$corpus/pcap/nano.pcap" 2> /dev/null
fi
python3 - "$tmp/tx.pcap" "$corpus/pcap" <<'EOF'
import struct, sys
src, out = sys.argv[1], sys.argv[2]
raw = open(src, 'rb').read()
open(out + '/truncated_record.pcap', 'wb').write(raw[:24 + 16 + 10])
open(out + '/header_only.pcap', 'wb').write(raw[:24])
# Big-endian classic pcap of the same packets.
magic, vmaj, vmin, zone, sig, snap, link = struct.unpack('<IHHiIII', raw[:24])
be = struct.pack('>IHHiIII', magic, vmaj, vmin, zone, sig, snap, link)
off = 24
while off + 16 <= len(raw):
    ts, us, cap, ln = struct.unpack('<IIII', raw[off:off + 16])
    be += struct.pack('>IIII', ts, us, cap, ln) + raw[off + 16:off + 16 + cap]
    off += 16 + cap
open(out + '/big_endian.pcap', 'wb').write(be)
# Link type other than Ethernet (raw IP).
open(out + '/linktype_raw.pcap', 'wb').write(raw[:20] + struct.pack('<I', 101) + raw[24:])
# pcapng: section header, one Ethernet interface, the packets as enhanced packet blocks.
def block(kind, body):
    body += b'\0' * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack('<II', kind, n) + body + struct.pack('<I', n)
ng = block(0x0A0D0D0A, struct.pack('<IHHq', 0x1A2B3C4D, 1, 0, -1))
ng += block(1, struct.pack('<HHI', 1, 0, 65535))
off = 24
while off + 16 <= len(raw):
    ts, us, cap, ln = struct.unpack('<IIII', raw[off:off + 16])
    t = ts * 1000000 + us
    ng += block(6, struct.pack('<IIIII', 0, t >> 32, t & 0xffffffff, cap, ln) + raw[off + 16:off + 16 + cap])
    off += 16 + cap
open(out + '/pcapng.pcapng', 'wb').write(ng)
EOF

# --- firmware: images, mailbox commands ------------------------------------------------------
mkdir -p "$corpus/firmware"
for ex in xdp_drop xdp_pass xdp1 simple_firewall xdp_tx; do
  if "$bpfnic" compile "$examples/$ex.o" -o "$tmp/$ex.fw" > /dev/null 2>&1; then
    # byte 0: 1 = swap into the running card, 3 = load into the stopped card
    { printf '\x01'; cat "$tmp/$ex.fw"; } > "$corpus/firmware/swap_$ex"
    { printf '\x03'; cat "$tmp/$ex.fw"; } > "$corpus/firmware/load_$ex"
  fi
done
python3 - "$corpus/firmware" "$tmp" <<'EOF'
import os, struct, sys
out, tmp = sys.argv[1], sys.argv[2]
fw = open(os.path.join(tmp, 'xdp1.fw'), 'rb').read()
open(out + '/swap_truncated', 'wb').write(b'\x01' + fw[:len(fw) // 2])
flipped = bytearray(fw); flipped[len(fw) // 3] ^= 0x10
open(out + '/swap_bitflip', 'wb').write(b'\x01' + bytes(flipped))
open(out + '/swap_header_only', 'wb').write(b'\x01' + fw[:32])

def cmd(name, c, args=(), data=b''):
    a = list(args) + [0] * (16 - len(args))
    open(out + '/cmd_' + name, 'wb').write(b'\x00' + struct.pack('<I16I', c, *a) + data)
key6 = struct.pack('<I', 6)
cmd('caps', 0x01)
cmd('start', 0x03)
cmd('stop', 0x04)
cmd('load_busy', 0x02, (0x100000, 0, 4096))
cmd('swap_past_host_memory', 0x05, (0xfffff000, 0xffffffff, 4096))
cmd('lookup', 0x10, (0,), key6)
cmd('update', 0x11, (0, 0, 0), key6 + b'\x22' * 64)
cmd('update_bad_flags', 0x11, (0, 7, 0), key6 + b'\x22' * 64)
cmd('delete', 0x12, (0,), key6)
cmd('next_key', 0x13, (0, 1), key6)
cmd('next_key_first', 0x13, (0, 0))
cmd('lookup_no_map', 0x10, (9,), key6)
cmd('lookup_created_missing', 0x10, (0x80000000,), key6)
cmd('map_create', 0x14, (2, 4, 8, 16, 0), b'fuzzmap\0')
cmd('map_create_bad', 0x14, (99, 0, 0, 0, 0), b'x\0')
cmd('map_info', 0x15, (0,))
cmd('map_digest', 0x16)
cmd('map_dump', 0x17, (0x2000000, 0, 1 << 20))
cmd('map_dump_small', 0x17, (0x2000000, 0, 8))
cmd('map_restore', 0x18, (0x2000000, 0, 64))
cmd('counters', 0x20)
cmd('fw_counters', 0x21)
cmd('reset', 0x30)
cmd('unknown', 0x99)
EOF

# --- rtl_diff: generated programs, example-sized instruction forms ----------------------------
mkdir -p "$corpus/rtl_diff"
python3 - "$corpus/rtl_diff" "$corpus/verifier" <<'EOF'
import os, struct, sys
out, verifier = sys.argv[1], sys.argv[2]
# Generated form: byte 0 even, seed, switches (bit 0 XDP), size.
for i, (seed, flags, size) in enumerate([(5000, 4, 8), (5001, 5, 8), (6002, 5, 12), (77, 3, 4),
                                         (91, 5, 10), (123, 13, 13), (4242, 21, 6), (9, 0, 13)]):
    open(f'{out}/gen_{i:02d}', 'wb').write(b'\x00' + struct.pack('<QBB', seed, flags, size))
# Instruction form: byte 0 odd, packet size, then the slots of the verifier corpus's XDP programs.
for name in sorted(os.listdir(verifier)):
    data = open(os.path.join(verifier, name), 'rb').read()
    if len(data) < 9 or data[0] & 1:
        continue
    open(f'{out}/insns_{name}', 'wb').write(b'\x01' + bytes([50]) + data[1:])
EOF
echo "seed corpora written under $corpus"
