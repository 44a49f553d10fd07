// SPDX-License-Identifier: MIT
// The firmware's image check: after parse_image (magic, version, checksum, sections), the image's
// demands against what this card has: lanes, instruction memory, map unit (count, types, sizes),
// helper units and the entry point. Nothing touches the core before an image passes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "compiler/image.h"
#include "compiler/platform.h"

namespace bpfnic::fw {

/// What the card offers (the NIC's configuration and the hardware platform).
struct CardResources {
    unsigned lanes = 4;
    uint32_t imem_bundles = 4096;
    const Platform* platform = nullptr;  ///< hardware_platform() unless a test narrows it
};

/// Decodes and checks an image; throws Error(BadInput) with "image: <what>" at the first fault.
Image check_image(std::span<const uint8_t> bytes, const CardResources& card);

/// The first resource the image needs that the card lacks, as a message; nullopt when it fits.
std::optional<std::string> resource_fault(const Image& img, const CardResources& card);

/// Byte offset of the first slot of the bundles section inside a well-formed image.
uint32_t bundles_offset(std::span<const uint8_t> bytes);

}  // namespace bpfnic::fw
