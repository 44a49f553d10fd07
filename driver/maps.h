// SPDX-License-Identifier: MIT
// Maps with the kernel's semantics and errno codes, shared by every software engine and by the
// host-side API. A program holds a map as a Map* (the value of an lddw map reference) and values
// as pointers into map storage; the host copies in and out.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "compiler/program.h"

namespace bpfnic {

/// Flags of update (BPF_ANY, BPF_NOEXIST, BPF_EXIST, BPF_F_LOCK).
namespace update_flag {
inline constexpr uint64_t kAny = 0, kNoExist = 1, kExist = 2, kLock = 4;
}

/// One possible CPU: per-CPU maps hold one value per CPU (round_up(value_size, 8) bytes each in
/// host copies, as the kernel's syscall interface lays them out).
inline constexpr uint32_t kPossibleCpus = 1;

class Map {
public:
    explicit Map(const MapDef& def) : def_(def) {}
    virtual ~Map() = default;
    const MapDef& def() const { return def_; }

    /// Program side (bpf_map_lookup_elem): the value in place, or nullptr. For map-in-map types,
    /// the inner Map* itself (as the kernel returns the inner map).
    virtual void* lookup(const void* key) = 0;
    /// Both sides: 0 or -errno (E2BIG when full or for an array index out of range, EEXIST/ENOENT
    /// for NOEXIST/EXIST, EINVAL for bad flags, EPERM for read-only maps, ...).
    virtual int update(const void* key, const void* value, uint64_t flags) = 0;
    virtual int erase(const void* key) = 0;
    /// key == nullptr: first key. Returns -ENOENT after the last key.
    virtual int next_key(const void* key, void* next_key) = 0;

    /// Host side copy-out lookup: 0 or -ENOENT. Per-CPU maps copy kPossibleCpus rounded values.
    virtual int lookup_copy(const void* key, void* value);
    /// Size of a host-side value copy (value_size, or the per-CPU layout).
    virtual uint32_t host_value_size() const { return def_.value_size; }

    /// Does [p, p+n) lie wholly inside one live value of this map? (bounds-checking engines)
    virtual bool owns(uint64_t p, uint64_t n) const = 0;
    /// Contiguous value storage of array-like maps (index * value_size), else nullptr. Used for
    /// global data and for inline array lookups.
    virtual uint8_t* array_base() { return nullptr; }

private:
    MapDef def_;
};

/// Creates a map; throws bpfnic::Error (Unsupported: unknown type; BadInput: sizes invalid for
/// the type, with the map's name).
std::unique_ptr<Map> make_map(const MapDef& def);

/// The instantiated maps of an object, by index; global data maps start with initial_data.
class MapSet {
public:
    MapSet() = default;
    explicit MapSet(const std::vector<MapDef>& defs);
    size_t size() const { return maps_.size(); }
    Map& at(size_t i) { return *maps_.at(i); }
    const Map& at(size_t i) const { return *maps_.at(i); }
    int find(const std::string& name) const;
    /// Does [p, p+n) lie inside a value of any map?
    bool owns(uint64_t p, uint64_t n) const;

private:
    std::vector<std::unique_ptr<Map>> maps_;
};

}  // namespace bpfnic
