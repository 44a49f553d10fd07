// SPDX-License-Identifier: MIT
// Firmware: mailbox dispatch, image load and hot swap, map commands, capabilities.
#include "firmware/firmware.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "compiler/error.h"
#include "driver/api/map_state.h"
#include "firmware/map_dump.h"

namespace bpfnic::fw {

namespace {
constexpr uint32_t kCreatedBit = 0x80000000u;  // map ids of kCmdMapCreate maps
constexpr uint32_t kDataBytes = nic::reg::kMboxDataBytes;

MapDef def_of(const ImageMap& m) {
    return MapDef{m.name, m.type, m.key_size, m.value_size, m.max_entries, m.flags, -1, m.initial, m.read_only};
}
}  // namespace

const char* status_name(uint32_t s) {
    switch (s) {
        case kStOk: return "ok";
        case kStUnsupported: return "unsupported command";
        case kStBadArgs: return "bad arguments";
        case kStFailed: return "failed";
        case kStBadImage: return "bad image";
        case kStNoProgram: return "no program loaded";
        case kStBusy: return "busy";
        case kStNoMap: return "no such map";
        case kStMapErrno: return "map operation failed";
        default: return "unknown status";
    }
}

Firmware::Firmware(HwMapMemory& map_unit, HelperPort& helper_port, CardFaults& faults)
    : map_unit_(map_unit), helper_port_(helper_port), faults_(faults) {}

void Firmware::restart() {
    maps_.reset();
    image_ = Image{};
    entry_ = 0;
    created_.clear();
    running_ = false;
    counters_.fill(0);
    map_unit_.bind(nullptr);
    helper_port_.bind(nullptr);
}

void Firmware::release_hang() {
    if (!hung_) return;
    hung_ = false;
    unhang_.notify(sc_core::SC_ZERO_TIME);
}

uint32_t Firmware::hang(uint8_t* data) {
    faults_.mailbox_hang = false;
    ++faults_.mailbox_hangs;
    hung_ = true;
    while (hung_) sc_core::wait(unhang_);
    return refuse(kStFailed, "the command was aborted by a function reset", data);
}

void Firmware::corrupt_image(std::vector<uint8_t>& bytes) {
    if (faults_.image == CardFaults::ImageFault::None || bytes.empty()) return;
    if (faults_.image == CardFaults::ImageFault::BitFlip)
        bytes[faults_.image_offset % bytes.size()] ^= static_cast<uint8_t>(1u << (faults_.image_bit & 7));
    else
        bytes.resize(std::min<size_t>(bytes.size(), faults_.image_offset));
    faults_.image = CardFaults::ImageFault::None;
    ++faults_.images_corrupted;
}

uint32_t Firmware::refuse(uint32_t status, const std::string& msg, uint8_t* data) {
    const size_t n = std::min<size_t>(msg.size(), kDataBytes - 1);
    std::memcpy(data, msg.data(), n);
    data[n] = 0;
    ++counters_[kFwCommandsRefused];
    return status;
}

uint32_t Firmware::command(nic::Nic& nic, uint32_t cmd, Args& args, uint8_t* data, sc_core::sc_time& delay) {
    if (faults_.mailbox_hang) return hang(data);
    switch (cmd) {
        case kCmdCaps: return caps(nic, args, data);
        case kCmdLoadImage: return load(nic, args, data, delay, false);
        case kCmdSwap: return load(nic, args, data, delay, true);
        case kCmdStart:
            if (!has_program()) return refuse(kStNoProgram, "start: no program loaded", data);
            running_ = true;
            return kStUnsupported;  // the NIC enables its ports
        case kCmdStop:
            running_ = false;
            return kStUnsupported;
        case kCmdMapLookup:
        case kCmdMapUpdate:
        case kCmdMapDelete:
        case kCmdMapNextKey: return map_command(cmd, args, data);
        case kCmdMapCreate: return map_create(args, data);
        case kCmdMapInfo: return map_info(args, data);
        case kCmdMapDigest: return map_digest_cmd(args, data);
        case kCmdMapDump: return map_dump(nic, args, data, delay);
        case kCmdMapRestore: return map_restore(nic, args, data, delay);
        case kCmdFwCounters:
            for (uint32_t i = 0; i < kFwCounterCount; ++i) args[i] = static_cast<uint32_t>(counters_[i]);
            return kStOk;
        case kCmdReset:
            restart();
            return kStUnsupported;  // the NIC resets the core, rings and counters
        case kCmdCounters: return kStUnsupported;  // answered by the NIC
        default: {
            char hex[16];
            std::snprintf(hex, sizeof hex, "0x%x", cmd);
            return refuse(kStUnsupported, std::string("command ") + hex + " is not supported", data);
        }
    }
}

uint32_t Firmware::caps(nic::Nic& nic, Args& args, uint8_t* data) {
    const Platform& p = hardware_platform();
    const auto& cfg = nic.config();
    args.fill(0);
    args[0] = cfg.lanes | (cfg.ports << 8) | (1u << 16);
    args[1] = nic::Nic::kImemBundles;
    args[2] = nic::kVersion;
    args[3] = cfg.ports;
    args[4] = cfg.lanes;
    args[5] = p.hw ? p.hw->max_maps : 0;
    args[6] = kFirmwareVersion;
    uint64_t mask = 0;
    for (uint32_t t : p.map_types)
        if (t < 64) mask |= uint64_t{1} << t;
    args[7] = static_cast<uint32_t>(mask);
    args[8] = static_cast<uint32_t>(mask >> 32);
    args[9] = static_cast<uint32_t>(p.helpers.size());
    for (size_t i = 0; i < p.helpers.size() && 4 * (i + 1) <= kDataBytes; ++i) std::memcpy(data + 4 * i, &p.helpers[i].id, 4);
    return kStOk;
}

uint64_t Firmware::carry_over(MapSet& fresh, const Image& img, bool from_running) {
    uint64_t kept = 0;
    for (size_t i = 0; i < img.maps.size(); ++i) {
        const MapDef def = def_of(img.maps[i]);
        if (def.read_only) continue;  // read-only data belongs to the new program
        Map* src = nullptr;
        if (from_running && maps_) {
            for (size_t j = 0; j < maps_->size() && !src; ++j)
                if (same_map_shape(maps_->at(j).def(), def)) src = &maps_->at(j);
        }
        for (auto& c : created_)
            if (!src && c.map && same_map_shape(c.def, def)) src = c.map.get();
        if (!src) continue;
        copy_map_entries(*src, fresh.at(i));
        ++kept;
    }
    return kept;
}

uint32_t Firmware::load(nic::Nic& nic, Args& args, uint8_t* data, sc_core::sc_time& delay, bool swap) {
    const char* what = swap ? "swap" : "load";
    if (swap && !has_program()) return refuse(kStNoProgram, "swap: no program is running", data);
    if (!swap && running_) return refuse(kStBusy, "load: the card is running a program (stop it or swap)", data);
    const uint64_t addr = args[0] | (uint64_t{args[1]} << 32);
    const uint32_t len = args[2];
    if (len == 0 || len > kMaxImageBytes)
        return refuse(kStBadArgs, std::string(what) + ": image size " + std::to_string(len) + " outside 1.." +
                                      std::to_string(kMaxImageBytes), data);
    std::vector<uint8_t> bytes(len);
    constexpr uint32_t kChunk = 4096;
    for (uint32_t off = 0; off < len; off += kChunk) {
        if (!nic.dma.read(addr + off, bytes.data() + off, std::min(kChunk, len - off), delay))
            return refuse(kStFailed, std::string(what) + ": DMA read of the image failed", data);
    }
    corrupt_image(bytes);
    Image img;
    std::unique_ptr<MapSet> fresh;
    try {
        img = check_image(bytes, CardResources{nic.config().lanes, nic::Nic::kImemBundles, &hardware_platform()});
        std::vector<MapDef> defs;
        for (const ImageMap& m : img.maps) defs.push_back(def_of(m));
        fresh = std::make_unique<MapSet>(defs);
    } catch (const Error& e) {
        ++counters_[kFwImagesRefused];
        return refuse(kStBadImage, std::string(what) + ": " + e.what(), data);
    }
    const uint32_t entry = img.entries[0].bundle;
    if (swap && entry != entry_) {
        ++counters_[kFwImagesRefused];
        return refuse(kStBadImage, "swap: entry bundle " + std::to_string(entry) + " differs from the running program's " +
                                       std::to_string(entry_) + " (stop and load instead)", data);
    }
    const uint64_t slots_addr = addr + bundles_offset(bytes);
    if (swap && !nic.load_image(slots_addr, img.bundles(), delay))
        return refuse(kStFailed, "swap: the instruction memory load failed", data);
    const uint64_t kept = carry_over(*fresh, img, swap);
    created_.clear();
    maps_ = std::move(fresh);
    image_ = std::move(img);
    entry_ = entry;
    map_unit_.bind(maps_.get());
    helper_port_.bind(maps_.get());
    counters_[kFwMapsKept] += kept;
    ++counters_[swap ? kFwSwaps : kFwLoads];
    args.fill(0);
    args[0] = static_cast<uint32_t>(kept);
    if (swap) return kStOk;
    // The NIC's load engine fills the instruction memory from the checked image's bundles.
    args[0] = static_cast<uint32_t>(slots_addr);
    args[1] = static_cast<uint32_t>(slots_addr >> 32);
    args[2] = image_.bundles();
    args[3] = entry_;
    return kStUnsupported;
}

uint32_t Firmware::map_command(uint32_t cmd, Args& args, uint8_t* data) {
    const uint32_t id = args[0];
    Map* map = nullptr;
    if (id & kCreatedBit) {
        const uint32_t i = id & ~kCreatedBit;
        if (i >= created_.size()) return refuse(kStNoMap, "map id " + std::to_string(id) + " does not exist", data);
        map = created_[i].map.get();
    } else {
        if (!maps_) return refuse(kStNoProgram, "map access: no program loaded", data);
        if (id >= maps_->size()) return refuse(kStNoMap, "map " + std::to_string(id) + " does not exist", data);
        map = &maps_->at(id);
    }
    ++counters_[kFwMapOps];
    const uint32_t ks = map->def().key_size, vs = map->host_value_size();
    if (ks + vs > kDataBytes) return refuse(kStBadArgs, "map '" + map->def().name + "': key and value exceed the data window", data);
    int rc = 0;
    switch (cmd) {
        case kCmdMapLookup: {
            const std::vector<uint8_t> key(data, data + ks);
            rc = map->lookup_copy(key.data(), data);
            args[0] = vs;
            break;
        }
        case kCmdMapUpdate: {
            const uint64_t flags = args[1] | (uint64_t{args[2]} << 32);
            rc = map->update(data, data + ks, flags);
            break;
        }
        case kCmdMapDelete: rc = map->erase(data); break;
        case kCmdMapNextKey: {
            const std::vector<uint8_t> key(data, data + ks);
            rc = map->next_key(args[1] ? key.data() : nullptr, data);
            args[0] = ks;
            break;
        }
        default: return kStUnsupported;
    }
    if (rc == 0) return kStOk;
    args[0] = static_cast<uint32_t>(-rc);
    return kStMapErrno;
}

uint32_t Firmware::map_create(Args& args, uint8_t* data) {
    MapDef def;
    def.type = args[0];
    def.key_size = args[1];
    def.value_size = args[2];
    def.max_entries = args[3];
    def.map_flags = args[4];
    def.name.assign(reinterpret_cast<const char*>(data), strnlen(reinterpret_cast<const char*>(data), 255));
    if (!std::all_of(def.name.begin(), def.name.end(), [](char c) { return c >= 0x20 && c < 0x7f; }))
        return refuse(kStBadArgs, "map create: the name is not printable text", data);
    if (!hardware_platform().supports_map_type(def.type))
        return refuse(kStBadArgs, "map create '" + def.name + "': type " + map_type_name(def.type) +
                                      " is not supported by the map unit", data);
    try {
        created_.push_back(Created{def, make_map(def)});
    } catch (const Error& e) {
        return refuse(kStBadArgs, std::string("map create: ") + e.what(), data);
    }
    args.fill(0);
    args[0] = kCreatedBit | static_cast<uint32_t>(created_.size() - 1);
    return kStOk;
}

uint32_t Firmware::map_info(Args& args, uint8_t* data) {
    if (!maps_) return refuse(kStNoProgram, "map info: no program loaded", data);
    const uint32_t i = args[0];
    if (i >= maps_->size()) return refuse(kStNoMap, "map " + std::to_string(i) + " does not exist", data);
    const Map& m = maps_->at(i);
    const MapDef& d = m.def();
    args.fill(0);
    args[0] = d.type;
    args[1] = d.key_size;
    args[2] = d.value_size;
    args[3] = d.max_entries;
    args[4] = d.map_flags;
    args[5] = m.host_value_size();
    args[6] = d.read_only ? 1 : 0;
    args[7] = static_cast<uint32_t>(maps_->size());
    const size_t n = std::min<size_t>(d.name.size(), 255);
    std::memcpy(data, d.name.data(), n);
    data[n] = 0;
    return kStOk;
}

uint32_t Firmware::map_digest_cmd(Args& args, uint8_t* data) {
    if (!maps_) return refuse(kStNoProgram, "map digest: no program loaded", data);
    const std::vector<uint64_t> d = map_digests(*maps_);
    if (d.size() * 8 > kDataBytes) return refuse(kStBadArgs, "map digest: too many maps for the data window", data);
    if (!d.empty()) std::memcpy(data, d.data(), d.size() * 8);  // no maps: data() may be null
    args.fill(0);
    args[0] = static_cast<uint32_t>(d.size());
    return kStOk;
}

}  // namespace bpfnic::fw

namespace bpfnic::fw {

uint32_t Firmware::map_dump(nic::Nic& nic, Args& args, uint8_t* data, sc_core::sc_time& delay) {
    if (!maps_) return refuse(kStNoProgram, "map dump: no program loaded", data);
    const uint64_t addr = args[0] | (uint64_t{args[1]} << 32);
    const uint32_t room = args[2];
    MapDumpStats st;
    const std::vector<uint8_t> dump = dump_maps(*maps_, &st);
    if (dump.size() > room)
        return refuse(kStBadArgs, "map dump: " + std::to_string(dump.size()) + " bytes exceed the " + std::to_string(room) +
                                      "-byte host buffer", data);
    constexpr uint32_t kChunk = 4096;
    for (size_t off = 0; off < dump.size(); off += kChunk) {
        const uint32_t n = static_cast<uint32_t>(std::min<size_t>(kChunk, dump.size() - off));
        if (!nic.dma.write(addr + off, dump.data() + off, n, delay))
            return refuse(kStFailed, "map dump: DMA write at byte " + std::to_string(off) + " failed", data);
    }
    args.fill(0);
    args[0] = static_cast<uint32_t>(dump.size());
    args[1] = static_cast<uint32_t>(st.maps);
    args[2] = static_cast<uint32_t>(st.entries);
    return kStOk;
}

uint32_t Firmware::map_restore(nic::Nic& nic, Args& args, uint8_t* data, sc_core::sc_time& delay) {
    if (!maps_) return refuse(kStNoProgram, "map restore: no program loaded", data);
    const uint64_t addr = args[0] | (uint64_t{args[1]} << 32);
    const uint32_t len = args[2];
    // No dump of these maps is longer than all of them full: refuse before allocating.
    uint64_t largest = 8;
    for (size_t i = 0; i < maps_->size(); ++i) {
        const Map& m = maps_->at(i);
        largest += 12 + uint64_t{m.def().max_entries} * (m.def().key_size + m.host_value_size());
    }
    if (len > largest)
        return refuse(kStBadArgs, "map restore: " + std::to_string(len) + " bytes exceed the largest dump of these maps (" +
                                      std::to_string(largest) + " bytes)", data);
    std::vector<uint8_t> dump(len);
    constexpr uint32_t kChunk = 4096;
    for (uint32_t off = 0; off < len; off += kChunk) {
        if (!nic.dma.read(addr + off, dump.data() + off, std::min(kChunk, len - off), delay))
            return refuse(kStFailed, "map restore: DMA read at byte " + std::to_string(off) + " failed", data);
    }
    MapDumpStats st;
    try {
        st = restore_maps(*maps_, dump);
    } catch (const Error& e) {
        return refuse(kStBadArgs, std::string("map restore: ") + e.what(), data);
    }
    counters_[kFwMapOps] += st.entries;
    args.fill(0);
    args[0] = static_cast<uint32_t>(st.entries);
    args[1] = static_cast<uint32_t>(st.refused);
    return kStOk;
}

}  // namespace bpfnic::fw
