// SPDX-License-Identifier: MIT
// The firmware's image check: decoding (compiler/image.cc) then resources.
#include "firmware/image_check.h"

#include <cstring>

#include "compiler/error.h"
#include "driver/maps.h"

namespace bpfnic::fw {

namespace {
constexpr uint32_t kHeaderBytes = 32;
constexpr uint32_t kBundlesSection = 1;

uint32_t u32_at(std::span<const uint8_t> b, size_t off) {
    uint32_t v = 0;
    if (off + 4 <= b.size()) std::memcpy(&v, b.data() + off, 4);
    return v;
}
}  // namespace

std::optional<std::string> resource_fault(const Image& img, const CardResources& card) {
    const Platform& p = card.platform ? *card.platform : hardware_platform();
    const HwParams hw = p.hw.value_or(HwParams{});
    if (img.lanes != card.lanes)
        return "scheduled for " + std::to_string(img.lanes) + " lanes, the core has " + std::to_string(card.lanes);
    if (img.bundles() > card.imem_bundles)
        return std::to_string(img.bundles()) + " bundles exceed the instruction memory (" +
               std::to_string(card.imem_bundles) + " bundles)";
    if (img.entries.empty()) return "no entry point";
    if (img.entries[0].bundle >= img.bundles())
        return "entry '" + img.entries[0].name + "' at bundle " + std::to_string(img.entries[0].bundle) + " outside the program";
    if (img.maps.size() > hw.max_maps)
        return std::to_string(img.maps.size()) + " maps exceed the map unit's " + std::to_string(hw.max_maps);
    uint64_t map_bytes = 0;
    for (size_t i = 0; i < img.maps.size(); ++i) {
        const ImageMap& m = img.maps[i];
        const std::string what = "map " + std::to_string(i) + " '" + m.name + "'";
        if (!p.supports_map_type(m.type))
            return what + ": type " + map_type_name(m.type) + " is not supported by the map unit";
        if (!m.initial.empty() && m.initial.size() != m.value_size)
            return what + ": " + std::to_string(m.initial.size()) + " initial bytes for a " +
                   std::to_string(m.value_size) + "-byte value";
        MapDef def{m.name, m.type, m.key_size, m.value_size, m.max_entries, m.flags, -1, m.initial, m.read_only};
        try {
            (void)make_map(def);
        } catch (const Error& e) {
            return what + ": " + e.what();
        }
        map_bytes += uint64_t{m.max_entries} * (m.key_size + m.value_size);
    }
    if (p.max_map_memory && map_bytes > p.max_map_memory)
        return std::to_string(map_bytes) + " bytes of maps exceed the map memory (" + std::to_string(p.max_map_memory) + ")";
    for (int32_t h : img.helpers)
        if (!p.find_helper(h)) return "helper " + std::to_string(h) + " has no unit on this card";
    return std::nullopt;
}

Image check_image(std::span<const uint8_t> bytes, const CardResources& card) {
    Image img = parse_image(bytes, "image");
    if (auto fault = resource_fault(img, card)) throw Error(ErrorKind::BadInput, "image: " + *fault);
    return img;
}

uint32_t bundles_offset(std::span<const uint8_t> bytes) {
    const uint32_t sections = u32_at(bytes, 16);
    size_t off = kHeaderBytes;
    for (uint32_t i = 0; i < sections && off + 8 <= bytes.size(); ++i) {
        const uint32_t type = u32_at(bytes, off), size = u32_at(bytes, off + 4);
        if (type == kBundlesSection) return static_cast<uint32_t>(off + 8 + 4);  // after u32 n
        off += 8 + size;
    }
    throw Error(ErrorKind::BadInput, "image: no bundles section");
}

}  // namespace bpfnic::fw
