// SPDX-License-Identifier: MIT
// The firmware image: what the compiler hands the device. A header (magic, version, lanes, sizes,
// CRC-32) and sections: bundles, map configuration, helper bindings, entry points and a debug map
// from slots back to source instructions. docs/image-format.md describes the bytes.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace bpfnic {

struct ImageMap {
    std::string name;
    uint32_t type = 0, key_size = 0, value_size = 0, max_entries = 0, flags = 0;
    bool read_only = false;
    std::vector<uint8_t> initial;  ///< initial value bytes (global data), empty otherwise
    bool operator==(const ImageMap&) const = default;
};

struct ImageEntry {
    std::string name;
    uint32_t bundle = 0;
    bool operator==(const ImageEntry&) const = default;
};

struct Image {
    static constexpr char kMagic[8] = {'B', 'P', 'F', 'N', 'I', 'C', 'F', 'W'};
    static constexpr uint16_t kVersion = 1;
    static constexpr uint32_t kMaxBundles = 1u << 20;

    uint8_t lanes = 1;
    std::vector<uint64_t> slots;      ///< bundles x lanes, bundle-major, little-endian eBPF slots
    std::vector<ImageMap> maps;
    std::vector<int32_t> helpers;     ///< helper ids the program calls (bound to helper units)
    std::vector<ImageEntry> entries;  ///< entries[0] is the program
    std::vector<int32_t> source_pc;   ///< per slot: source instruction index, -1 for NOP/filler

    uint32_t bundles() const { return lanes ? static_cast<uint32_t>(slots.size() / lanes) : 0; }
    bool operator==(const Image&) const = default;
};

std::vector<uint8_t> serialize_image(const Image& img);
/// Checks and decodes an image; throws Error(BadInput) naming `what` and the field at fault.
Image parse_image(std::span<const uint8_t> bytes, const std::string& what);

uint32_t crc32(std::span<const uint8_t> bytes);

}  // namespace bpfnic
