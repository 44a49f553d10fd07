// SPDX-License-Identifier: MIT
// Direction-independent flow hashing of Ethernet frames.
#include "host/regress/flow_part.h"

#include <algorithm>
#include <vector>

#include "host/regress/suite.h"

namespace bpfnic::regress {

namespace {

uint16_t be16(std::span<const uint8_t> f, size_t at) { return static_cast<uint16_t>(f[at] << 8 | f[at + 1]); }

}  // namespace

uint64_t flow_hash(std::span<const uint8_t> f) {
    size_t off = 12;
    if (f.size() < 14) return 0;
    uint16_t type = be16(f, off);
    for (int tags = 0; tags < 2 && (type == 0x8100 || type == 0x88a8); ++tags) {
        off += 4;
        if (f.size() < off + 2) return 0;
        type = be16(f, off);
    }
    off += 2;  // start of the IP header
    size_t addr_len = 0, src_at = 0, l4 = 0;
    uint8_t proto = 0;
    if (type == 0x0800) {
        if (f.size() < off + 20) return 0;
        const size_t ihl = size_t(f[off] & 0x0f) * 4;
        if (ihl < 20) return 0;
        proto = f[off + 9];
        addr_len = 4;
        src_at = off + 12;
        l4 = off + ihl;
        const bool fragment = (be16(f, off + 6) & 0x1fff) != 0;
        if (fragment) l4 = 0;  // no ports in later fragments
    } else if (type == 0x86dd) {
        if (f.size() < off + 40) return 0;
        proto = f[off + 6];
        addr_len = 16;
        src_at = off + 8;
        l4 = off + 40;
    } else {
        return 0;
    }
    uint16_t sport = 0, dport = 0;
    if (l4 && (proto == 6 || proto == 17) && f.size() >= l4 + 4) {
        sport = be16(f, l4);
        dport = be16(f, l4 + 2);
    } else if (l4 && (proto == 1 || proto == 58) && f.size() >= l4 + 6) {
        sport = dport = be16(f, l4 + 4);  // echo identifier
    }
    // The two endpoints as (address, port) byte strings, smaller first.
    std::vector<uint8_t> a(f.begin() + src_at, f.begin() + src_at + addr_len);
    std::vector<uint8_t> b(f.begin() + src_at + addr_len, f.begin() + src_at + 2 * addr_len);
    a.push_back(uint8_t(sport >> 8)), a.push_back(uint8_t(sport));
    b.push_back(uint8_t(dport >> 8)), b.push_back(uint8_t(dport));
    if (b < a) std::swap(a, b);
    std::string key(1, char(proto));
    key.append(a.begin(), a.end());
    key.append(b.begin(), b.end());
    return fnv1a(key);
}

uint32_t flow_part(std::span<const uint8_t> frame, uint32_t parts) {
    return parts <= 1 ? 0 : static_cast<uint32_t>(flow_hash(frame) % parts);
}

}  // namespace bpfnic::regress
