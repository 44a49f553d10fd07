// SPDX-License-Identifier: MIT
// Internet checksum arithmetic.
#include "driver/traffic/checksum.h"

namespace bpfnic {

uint32_t csum_add(uint32_t sum, std::span<const uint8_t> bytes) {
    uint64_t s = sum;
    size_t i = 0;
    for (; i + 1 < bytes.size(); i += 2) s += (static_cast<uint32_t>(bytes[i]) << 8) | bytes[i + 1];
    if (i < bytes.size()) s += static_cast<uint32_t>(bytes[i]) << 8;
    while (s >> 32) s = (s & 0xffffffffu) + (s >> 32);
    return static_cast<uint32_t>(s);
}

uint16_t csum_fold(uint32_t sum) {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum & 0xffff);
}

uint32_t pseudo_sum_v4(const uint8_t src[4], const uint8_t dst[4], uint8_t proto, uint32_t l4_len) {
    uint32_t s = csum_add(0, {src, 4});
    s = csum_add(s, {dst, 4});
    return s + proto + l4_len;
}

uint32_t pseudo_sum_v6(const uint8_t src[16], const uint8_t dst[16], uint8_t next_header, uint32_t l4_len) {
    uint32_t s = csum_add(0, {src, 16});
    s = csum_add(s, {dst, 16});
    return s + (l4_len >> 16) + (l4_len & 0xffff) + next_header;
}

}  // namespace bpfnic
