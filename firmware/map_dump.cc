// SPDX-License-Identifier: MIT
// Map dumps: serialization and restore.
#include "firmware/map_dump.h"

#include <cstring>
#include <string>

#include "compiler/error.h"

namespace bpfnic::fw {

namespace {
void put_u32(std::vector<uint8_t>& out, uint32_t v) {
    const size_t at = out.size();
    out.resize(at + 4);
    std::memcpy(out.data() + at, &v, 4);
}

class Reader {
public:
    explicit Reader(std::span<const uint8_t> b) : b_(b) {}
    uint32_t u32(const std::string& what) {
        uint32_t v;
        std::memcpy(&v, take(4, what), 4);
        return v;
    }
    const uint8_t* take(size_t n, const std::string& what) {
        if (n > b_.size() - off_)
            throw Error(ErrorKind::BadInput, "map dump: " + what + " at byte " + std::to_string(off_) + " runs past the end (" +
                                                 std::to_string(b_.size()) + " bytes)");
        const uint8_t* p = b_.data() + off_;
        off_ += n;
        return p;
    }

private:
    std::span<const uint8_t> b_;
    size_t off_ = 0;
};
}  // namespace

std::vector<uint8_t> dump_maps(MapSet& maps, MapDumpStats* stats) {
    std::vector<uint8_t> out;
    put_u32(out, kMapDumpMagic);
    put_u32(out, static_cast<uint32_t>(maps.size()));
    MapDumpStats st;
    for (size_t i = 0; i < maps.size(); ++i) {
        Map& m = maps.at(i);
        const uint32_t ks = m.def().key_size, vs = m.host_value_size();
        put_u32(out, ks);
        put_u32(out, vs);
        const size_t count_at = out.size();
        put_u32(out, 0);
        std::vector<uint8_t> key(ks), next(ks), value(vs);
        uint32_t n = 0;
        // Bounded: a map never holds more than max_entries keys.
        for (uint64_t k = 0; k <= m.def().max_entries; ++k) {
            if (m.next_key(k ? key.data() : nullptr, next.data()) != 0) break;
            key = next;
            if (m.lookup_copy(key.data(), value.data()) != 0) continue;
            out.insert(out.end(), key.begin(), key.end());
            out.insert(out.end(), value.begin(), value.end());
            ++n;
        }
        std::memcpy(out.data() + count_at, &n, 4);
        st.entries += n;
        ++st.maps;
    }
    if (stats) *stats = st;
    return out;
}

MapDumpStats restore_maps(MapSet& maps, std::span<const uint8_t> dump) {
    // Two passes: the first only reads the dump, so a malformed one is refused before any map
    // changes; the second writes the entries.
    MapDumpStats st;
    for (const bool apply : {false, true}) {
        Reader r(dump);
        if (r.u32("magic") != kMapDumpMagic) throw Error(ErrorKind::BadInput, "map dump: bad magic");
        const uint32_t n = r.u32("map count");
        if (n != maps.size())
            throw Error(ErrorKind::BadInput, "map dump: " + std::to_string(n) + " maps, the program has " + std::to_string(maps.size()));
        st = MapDumpStats{};
        for (uint32_t i = 0; i < n; ++i) {
            Map& m = maps.at(i);
            const std::string what = "map " + std::to_string(i) + " '" + m.def().name + "'";
            const uint32_t ks = r.u32(what + " key_size"), vs = r.u32(what + " value_size");
            if (ks != m.def().key_size || vs != m.host_value_size())
                throw Error(ErrorKind::BadInput, "map dump: " + what + ": " + std::to_string(ks) + "/" + std::to_string(vs) +
                                                     "-byte entries, the map has " + std::to_string(m.def().key_size) + "/" +
                                                     std::to_string(m.host_value_size()));
            const uint32_t count = r.u32(what + " entry count");
            ++st.maps;
            for (uint32_t e = 0; e < count; ++e) {
                const uint8_t* key = r.take(ks, what + " key");
                const uint8_t* value = r.take(vs, what + " value");
                if (!apply || m.def().read_only) continue;  // read-only: the program's own constant data
                if (m.update(key, value, update_flag::kAny) == 0) ++st.entries;
                else ++st.refused;
            }
        }
    }
    return st;
}

}  // namespace bpfnic::fw
