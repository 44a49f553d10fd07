// SPDX-License-Identifier: MIT
// Map discovery for the ELF loader (see loader_maps.h).
#include "compiler/loader_maps.h"

#include <bpf/btf.h>
#include <elf.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

#include "compiler/error.h"

namespace bpfnic {

namespace {

constexpr const char* kLegacyMapsSection = "maps";
constexpr const char* kBtfMapsSection = ".maps";

bool has_prefix(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

bool is_data_section_name(const std::string& s) {
    for (const char* base : {".rodata", ".data", ".bss"})
        if (s == base || has_prefix(s, std::string(base) + ".")) return true;
    return false;
}

// Map definition symbols of a section, sorted by offset.
std::vector<const ElfSymbol*> map_symbols(const ElfFile& elf, int section) {
    std::vector<const ElfSymbol*> syms;
    for (const ElfSymbol& s : elf.symbols())
        if (s.shndx == section && (s.type == STT_OBJECT || s.type == STT_NOTYPE) && !s.name.empty())
            syms.push_back(&s);
    std::stable_sort(syms.begin(), syms.end(), [](const ElfSymbol* a, const ElfSymbol* b) { return a->value < b->value; });
    return syms;
}

struct BtfDeleter {
    void operator()(btf* b) const { btf__free(b); }
};
using BtfPtr = std::unique_ptr<btf, BtfDeleter>;

// Reads BTF map definitions: struct { __uint(type, ...); __type(key, ...); ... }.
class BtfMapReader {
public:
    BtfMapReader(const ElfFile& elf, const btf* b) : elf_(elf), btf_(b) {}

    // The type after modifiers and typedefs, or nullptr (with *id_out unchanged) when invalid.
    const btf_type* skip_mods(uint32_t id, uint32_t* id_out = nullptr) const {
        for (int depth = 0; depth < 32; ++depth) {
            const btf_type* t = btf__type_by_id(btf_, id);
            if (!t) return nullptr;
            if (!btf_is_mod(t) && !btf_is_typedef(t)) {
                if (id_out) *id_out = id;
                return t;
            }
            id = t->type;
        }
        return nullptr;
    }

    std::string name_of(uint32_t name_off) const {
        const char* n = btf__name_by_offset(btf_, name_off);
        return n ? n : "";
    }

    // Reads one definition struct into def. inner: the template of "values" for map-in-map.
    void read_def(const std::string& map, uint32_t struct_id, MapDef& def, std::optional<MapDef>* inner) const {
        const btf_type* st = skip_mods(struct_id);
        if (!st || !btf_is_struct(st)) fail(map, "definition is not a struct");
        const btf_member* m = btf_members(st);
        for (uint16_t i = 0; i < btf_vlen(st); ++i, ++m) {
            const std::string field = name_of(m->name_off);
            if (field == "type") def.type = uint_field(map, field, m->type);
            else if (field == "max_entries") def.max_entries = uint_field(map, field, m->type);
            else if (field == "map_flags") def.map_flags = uint_field(map, field, m->type);
            else if (field == "key_size") set_size(map, field, def.key_size, uint_field(map, field, m->type));
            else if (field == "value_size") set_size(map, field, def.value_size, uint_field(map, field, m->type));
            else if (field == "key") set_size(map, field, def.key_size, pointee_size(map, field, m->type));
            else if (field == "value") set_size(map, field, def.value_size, pointee_size(map, field, m->type));
            else if (field == "values" && inner) read_values(map, m->type, def, *inner);
            // pinning, numa_node, map_extra: no meaning without a kernel.
        }
    }

private:
    [[noreturn]] void fail(const std::string& map, const std::string& what) const {
        elf_.fail("section .maps: map " + map + ": " + what);
    }

    // __uint(name, N) is "int (*name)[N]".
    uint32_t uint_field(const std::string& map, const std::string& field, uint32_t type) const {
        const btf_type* p = skip_mods(type);
        if (!p || !btf_is_ptr(p)) fail(map, "field " + field + " is not a pointer to an array");
        const btf_type* a = skip_mods(p->type);
        if (!a || !btf_is_array(a)) fail(map, "field " + field + " is not a pointer to an array");
        return btf_array(a)->nelems;
    }

    // __type(name, T) is "T *name".
    uint32_t pointee_size(const std::string& map, const std::string& field, uint32_t type) const {
        const btf_type* p = skip_mods(type);
        if (!p || !btf_is_ptr(p)) fail(map, "field " + field + " is not a pointer");
        const long long size = btf__resolve_size(btf_, p->type);
        if (size < 0 || size > UINT32_MAX) fail(map, "field " + field + " has no valid size");
        return static_cast<uint32_t>(size);
    }

    void set_size(const std::string& map, const std::string& field, uint32_t& slot, uint32_t size) const {
        if (slot != 0 && slot != size)
            fail(map, "field " + field + " gives size " + std::to_string(size) + " but another field gave " +
                          std::to_string(slot));
        slot = size;
    }

    // __array(values, struct inner) is "struct inner *values[]": the inner map template.
    void read_values(const std::string& map, uint32_t type, const MapDef& outer, std::optional<MapDef>& inner) const {
        const btf_type* a = skip_mods(type);
        if (!a || !btf_is_array(a)) fail(map, "field values is not an array");
        const btf_type* p = skip_mods(btf_array(a)->type);
        if (!p || !btf_is_ptr(p)) fail(map, "field values is not an array of pointers");
        uint32_t target = 0;
        const btf_type* t = skip_mods(p->type, &target);
        if (!t) fail(map, "field values points to an invalid type");
        if (!btf_is_struct(t)) return;  // e.g. a PROG_ARRAY's "int (*values[])(void *)"
        if (outer.type != map_type::kArrayOfMaps && outer.type != map_type::kHashOfMaps && outer.type != 0)
            fail(map, "field values names an inner map but the map type " + std::to_string(outer.type) +
                          " is not a map-in-map type");
        MapDef def;
        def.name = map + ".inner";
        read_def(def.name, target, def, nullptr);
        inner = std::move(def);
    }

    const ElfFile& elf_;
    const btf* btf_;
};

}  // namespace

ObjectMaps::ObjectMaps(const ElfFile& elf) {
    read_legacy(elf);
    read_btf(elf);
    read_data(elf);
}

void ObjectMaps::read_legacy(const ElfFile& elf) {
    legacy_sec_ = elf.find_section(kLegacyMapsSection);
    if (legacy_sec_ < 0) return;
    const ElfSection& sec = elf.sections()[legacy_sec_];
    const auto syms = map_symbols(elf, legacy_sec_);
    if (syms.empty()) return;
    if (sec.type != SHT_PROGBITS) elf.fail("section maps: not a data section");
    if (sec.data.size() % syms.size() != 0)
        elf.fail("section maps: size " + std::to_string(sec.data.size()) + " is not a multiple of the " +
                 std::to_string(syms.size()) + " map definitions");
    const uint64_t def_size = sec.data.size() / syms.size();
    constexpr uint64_t kMinDef = 4 * sizeof(uint32_t);  // type, key_size, value_size, max_entries
    if (def_size < kMinDef)
        elf.fail("section maps: definitions of " + std::to_string(def_size) + " bytes are shorter than the " +
                 std::to_string(kMinDef) + " bytes of struct bpf_map_def's first four fields");
    for (const ElfSymbol* s : syms) {
        if (s->value % sizeof(uint32_t) != 0 || s->value > sec.data.size() || def_size > sec.data.size() - s->value)
            elf.fail("section maps: map " + s->name + " at offset " + std::to_string(s->value) +
                     " is not a whole definition inside the section");
        uint32_t fields[5] = {};
        std::memcpy(fields, sec.data.data() + s->value, std::min<uint64_t>(def_size, sizeof fields));
        MapDef def;
        def.name = s->name;
        def.type = fields[0];
        def.key_size = fields[1];
        def.value_size = fields[2];
        def.max_entries = fields[3];
        def.map_flags = fields[4];
        if (!by_location_.emplace(std::pair<uint16_t, uint64_t>(legacy_sec_, s->value), maps_.size()).second)
            elf.fail("section maps: two map symbols at offset " + std::to_string(s->value));
        maps_.push_back(std::move(def));
    }
}

void ObjectMaps::read_btf(const ElfFile& elf) {
    btf_sec_ = elf.find_section(kBtfMapsSection);
    if (btf_sec_ < 0) return;
    const auto syms = map_symbols(elf, btf_sec_);
    if (syms.empty()) return;
    const int btf_index = elf.find_section(".BTF");
    if (btf_index < 0) elf.fail("section .maps: map definitions need a .BTF section, and there is none");
    const ElfSection& btf_sec = elf.sections()[btf_index];
    if (btf_sec.data.empty() || btf_sec.data.size() > UINT32_MAX) elf.fail("section .BTF: empty or too large");
    BtfPtr btf_data(btf__new(btf_sec.data.data(), static_cast<uint32_t>(btf_sec.data.size())));
    if (!btf_data) elf.fail("section .BTF: malformed BTF (" + std::string(std::strerror(errno)) + ")");

    // The .maps DATASEC lists one VAR per map; its type is the definition struct.
    const int datasec_id = btf__find_by_name_kind(btf_data.get(), kBtfMapsSection, BTF_KIND_DATASEC);
    if (datasec_id <= 0) elf.fail("section .BTF: no DATASEC describes section .maps");
    const btf_type* datasec = btf__type_by_id(btf_data.get(), datasec_id);
    BtfMapReader reader(elf, btf_data.get());

    const ElfSection& maps_sec = elf.sections()[btf_sec_];
    for (const ElfSymbol* s : syms) {
        if (maps_sec.size != 0 && s->value >= maps_sec.size)
            elf.fail("section .maps: map " + s->name + " at offset " + std::to_string(s->value) +
                     " is beyond the section (size " + std::to_string(maps_sec.size) + ")");
        uint32_t def_type = 0;
        const btf_var_secinfo* vi = btf_var_secinfos(datasec);
        for (uint16_t i = 0; i < btf_vlen(datasec); ++i, ++vi) {
            const btf_type* var = btf__type_by_id(btf_data.get(), vi->type);
            if (var && btf_is_var(var) && reader.name_of(var->name_off) == s->name) {
                def_type = var->type;
                break;
            }
        }
        if (def_type == 0) elf.fail("section .maps: map " + s->name + " has no BTF description");
        MapDef def;
        def.name = s->name;
        std::optional<MapDef> inner;
        reader.read_def(s->name, def_type, def, &inner);
        if (!by_location_.emplace(std::pair<uint16_t, uint64_t>(btf_sec_, s->value), maps_.size()).second)
            elf.fail("section .maps: two map symbols at offset " + std::to_string(s->value));
        maps_.push_back(std::move(def));
        if (inner) {
            // The outer map's values are map ids as far as user space sees them.
            if (maps_.back().value_size == 0) maps_.back().value_size = sizeof(uint32_t);
            maps_.back().inner_map = static_cast<int32_t>(maps_.size());
            maps_.push_back(std::move(*inner));
        }
    }
}

void ObjectMaps::read_data(const ElfFile& elf) {
    const auto& secs = elf.sections();
    for (size_t i = 1; i < secs.size(); ++i) {
        const ElfSection& s = secs[i];
        if ((s.type != SHT_PROGBITS && s.type != SHT_NOBITS) || !is_data_section_name(s.name) || s.size == 0) continue;
        if (s.size > kMaxDataSize)
            elf.fail("section " + s.name + ": size " + std::to_string(s.size) + " exceeds the " +
                     std::to_string(kMaxDataSize) + " bytes a global data map may hold");
        MapDef def;
        def.name = s.name;
        def.type = map_type::kArray;
        def.key_size = sizeof(uint32_t);
        def.value_size = static_cast<uint32_t>(s.size);
        def.max_entries = 1;
        def.read_only = has_prefix(s.name, ".rodata");
        if (s.type == SHT_NOBITS) def.initial_data.assign(s.size, 0);
        else def.initial_data.assign(s.data.begin(), s.data.end());
        data_maps_[static_cast<uint16_t>(i)] = static_cast<int>(maps_.size());
        maps_.push_back(std::move(def));
    }
}

int ObjectMaps::map_at(uint16_t section, uint64_t offset) const {
    const auto it = by_location_.find({section, offset});
    return it == by_location_.end() ? -1 : it->second;
}

int ObjectMaps::data_map(uint16_t section) const {
    const auto it = data_maps_.find(section);
    return it == data_maps_.end() ? -1 : it->second;
}

}  // namespace bpfnic
