// SPDX-License-Identifier: MIT
// Firmware image encoding and validation (docs/image-format.md).
#include "compiler/image.h"

#include <array>
#include <cstring>

#include "compiler/error.h"

namespace bpfnic {

namespace {

constexpr uint32_t kHeaderSize = 32;
enum Section : uint32_t { kBundles = 1, kMaps = 2, kHelpers = 3, kEntries = 4, kDebug = 5 };

class Writer {
public:
    void u8(uint8_t v) { out.push_back(v); }
    void u16(uint16_t v) { put(v, 2); }
    void u32(uint32_t v) { put(v, 4); }
    void u64(uint64_t v) { put(v, 8); }
    void bytes(std::span<const uint8_t> b) { out.insert(out.end(), b.begin(), b.end()); }
    void str(const std::string& s) {
        u8(static_cast<uint8_t>(s.size()));
        out.insert(out.end(), s.begin(), s.begin() + static_cast<std::ptrdiff_t>(std::min<size_t>(s.size(), 255)));
    }
    std::vector<uint8_t> out;

private:
    void put(uint64_t v, int n) {
        for (int i = 0; i < n; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
    }
};

class Reader {
public:
    Reader(std::span<const uint8_t> b, std::string what) : b_(b), what_(std::move(what)) {}
    uint64_t get(int n, const char* field) {
        need(static_cast<size_t>(n), field);
        uint64_t v = 0;
        for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(b_[pos_ + static_cast<size_t>(i)]) << (8 * i);
        pos_ += static_cast<size_t>(n);
        return v;
    }
    uint8_t u8(const char* f) { return static_cast<uint8_t>(get(1, f)); }
    uint32_t u32(const char* f) { return static_cast<uint32_t>(get(4, f)); }
    std::string str(const char* f) {
        const size_t n = u8(f);
        need(n, f);
        std::string s(reinterpret_cast<const char*>(b_.data() + pos_), n);
        pos_ += n;
        return s;
    }
    std::vector<uint8_t> bytes(size_t n, const char* f) {
        need(n, f);
        std::vector<uint8_t> v(b_.begin() + static_cast<std::ptrdiff_t>(pos_), b_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
        pos_ += n;
        return v;
    }
    bool done() const { return pos_ == b_.size(); }
    [[noreturn]] void fail(const std::string& msg) const { throw Error(ErrorKind::BadInput, what_ + ": " + msg); }

private:
    void need(size_t n, const char* field) const {
        if (b_.size() - pos_ < n) fail(std::string("truncated at field '") + field + "'");
    }
    std::span<const uint8_t> b_;
    std::string what_;
    size_t pos_ = 0;
};

void section(Writer& w, uint32_t type, const Writer& body) {
    w.u32(type);
    w.u32(static_cast<uint32_t>(body.out.size()));
    w.bytes(body.out);
}

}  // namespace

uint32_t crc32(std::span<const uint8_t> bytes) {
    static const auto table = [] {
        std::array<uint32_t, 256> t{};
        for (uint32_t i = 0; i < 256; ++i) {
            uint32_t c = i;
            for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    uint32_t c = 0xffffffffu;
    for (uint8_t b : bytes) c = table[(c ^ b) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

std::vector<uint8_t> serialize_image(const Image& img) {
    Writer bundles, maps, helpers, entries, debug;
    bundles.u32(img.bundles());
    for (uint64_t s : img.slots) bundles.u64(s);
    maps.u32(static_cast<uint32_t>(img.maps.size()));
    for (const ImageMap& m : img.maps) {
        maps.str(m.name);
        for (uint32_t v : {m.type, m.key_size, m.value_size, m.max_entries, m.flags}) maps.u32(v);
        maps.u8(m.read_only ? 1 : 0);
        maps.u32(static_cast<uint32_t>(m.initial.size()));
        maps.bytes(m.initial);
    }
    helpers.u32(static_cast<uint32_t>(img.helpers.size()));
    for (int32_t h : img.helpers) helpers.u32(static_cast<uint32_t>(h));
    entries.u32(static_cast<uint32_t>(img.entries.size()));
    for (const ImageEntry& e : img.entries) {
        entries.u32(e.bundle);
        entries.str(e.name);
    }
    debug.u32(static_cast<uint32_t>(img.source_pc.size()));
    for (int32_t pc : img.source_pc) debug.u32(static_cast<uint32_t>(pc));

    Writer body;
    section(body, kBundles, bundles);
    section(body, kMaps, maps);
    section(body, kHelpers, helpers);
    section(body, kEntries, entries);
    section(body, kDebug, debug);

    Writer w;
    w.bytes(std::span(reinterpret_cast<const uint8_t*>(Image::kMagic), 8));
    w.u16(Image::kVersion);
    w.u16(kHeaderSize);
    w.u8(img.lanes);
    w.u8(0), w.u8(0), w.u8(0);
    w.u32(5);                                                      // sections
    w.u32(static_cast<uint32_t>(kHeaderSize + body.out.size()));  // total size
    w.u32(0);                                                      // crc32, patched below
    w.u32(0);                                                      // flags
    w.bytes(body.out);
    const uint32_t crc = crc32(w.out);
    for (int i = 0; i < 4; ++i) w.out[24 + static_cast<size_t>(i)] = static_cast<uint8_t>(crc >> (8 * i));
    return w.out;
}

Image parse_image(std::span<const uint8_t> bytes, const std::string& what) {
    Reader r(bytes, what);
    const auto magic = r.bytes(8, "magic");
    if (std::memcmp(magic.data(), Image::kMagic, 8) != 0) r.fail("not a bpfnic firmware image (bad magic)");
    const auto version = static_cast<uint16_t>(r.get(2, "version"));
    if (version != Image::kVersion)
        r.fail("unsupported image version " + std::to_string(version) + " (this build reads version " +
               std::to_string(Image::kVersion) + ")");
    if (r.get(2, "header_size") != kHeaderSize) r.fail("bad header_size");
    Image img;
    img.lanes = r.u8("lanes");
    if (img.lanes < 1 || img.lanes > 8) r.fail("lanes " + std::to_string(img.lanes) + " outside 1..8");
    r.bytes(3, "reserved");
    const uint32_t nsections = r.u32("sections");
    const uint32_t total = r.u32("total_size");
    if (total != bytes.size())
        r.fail("total_size " + std::to_string(total) + " does not match the " + std::to_string(bytes.size()) + " bytes read");
    const uint32_t crc = r.u32("crc32");
    std::vector<uint8_t> copy(bytes.begin(), bytes.end());
    std::memset(copy.data() + 24, 0, 4);
    if (crc32(copy) != crc) r.fail("checksum mismatch (crc32)");
    r.u32("flags");
    uint32_t seen = 0;
    for (uint32_t i = 0; i < nsections; ++i) {
        const uint32_t type = r.u32("section type");
        const uint32_t size = r.u32("section size");
        const auto payload = r.bytes(size, "section payload");
        Reader s(payload, what + ": section " + std::to_string(type));
        if (type < kBundles || type > kDebug) r.fail("unknown section type " + std::to_string(type));
        if (seen & (1u << type)) r.fail("duplicate section " + std::to_string(type));
        seen |= 1u << type;
        if (type == kBundles) {
            const uint32_t n = s.u32("bundles");
            if (n == 0 || n > Image::kMaxBundles) s.fail("bundle count " + std::to_string(n) + " out of range");
            img.slots.resize(static_cast<size_t>(n) * img.lanes);
            for (uint64_t& slot : img.slots) slot = s.get(8, "slot");
        } else if (type == kMaps) {
            img.maps.resize(s.u32("map count"));
            for (ImageMap& m : img.maps) {
                m.name = s.str("map name");
                for (uint32_t* f : {&m.type, &m.key_size, &m.value_size, &m.max_entries, &m.flags}) *f = s.u32("map field");
                m.read_only = s.u8("read_only") != 0;
                m.initial = s.bytes(s.u32("initial size"), "initial data");
            }
        } else if (type == kHelpers) {
            img.helpers.resize(s.u32("helper count"));
            for (int32_t& h : img.helpers) h = static_cast<int32_t>(s.u32("helper id"));
        } else if (type == kEntries) {
            img.entries.resize(s.u32("entry count"));
            for (ImageEntry& e : img.entries) {
                e.bundle = s.u32("entry bundle");
                e.name = s.str("entry name");
            }
        } else {
            img.source_pc.resize(s.u32("debug count"));
            for (int32_t& pc : img.source_pc) pc = static_cast<int32_t>(s.u32("source pc"));
        }
        if (!s.done()) s.fail("trailing bytes in section");
    }
    if (!r.done()) r.fail("trailing bytes after the last section");
    if (!(seen & (1u << kBundles))) r.fail("no bundles section");
    if (img.entries.empty()) r.fail("no entry point");
    for (const ImageEntry& e : img.entries)
        if (e.bundle >= img.bundles()) r.fail("entry '" + e.name + "' at bundle " + std::to_string(e.bundle) + " outside the program");
    if (!img.source_pc.empty() && img.source_pc.size() != img.slots.size()) r.fail("debug map size does not match the slots");
    return img;
}

}  // namespace bpfnic
