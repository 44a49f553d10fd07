// SPDX-License-Identifier: MIT
// Parser of the verifier corpus files.
#include "tests/verifier/corpus.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "compiler/error.h"

namespace bpfnic::tests {
namespace {

[[noreturn]] void bad(const std::string& file, int line, const std::string& what) {
    throw Error(ErrorKind::BadInput, file + ":" + std::to_string(line) + ": " + what);
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

uint32_t map_type_of(const std::string& name, const std::string& file, int line) {
    static const std::map<std::string, uint32_t> types = {
        {"hash", map_type::kHash},
        {"array", map_type::kArray},
        {"prog_array", map_type::kProgArray},
        {"perf_event_array", map_type::kPerfEventArray},
        {"percpu_hash", map_type::kPercpuHash},
        {"percpu_array", map_type::kPercpuArray},
        {"lru_hash", map_type::kLruHash},
        {"lru_percpu_hash", map_type::kLruPercpuHash},
        {"lpm_trie", map_type::kLpmTrie},
        {"array_of_maps", map_type::kArrayOfMaps},
        {"hash_of_maps", map_type::kHashOfMaps},
        {"devmap", map_type::kDevmap},
        {"cpumap", map_type::kCpumap},
        {"xskmap", map_type::kXskmap},
        {"devmap_hash", map_type::kDevmapHash},
    };
    const auto it = types.find(name);
    if (it == types.end()) bad(file, line, "unknown map type '" + name + "'");
    return it->second;
}

// "name type key=K value=V entries=N [ro] [inner=I] [data=HEX]"
MapDef parse_map(const std::string& text, const std::string& file, int line) {
    std::istringstream in(text);
    MapDef m;
    std::string type, word;
    if (!(in >> m.name >> type)) bad(file, line, "map line needs a name and a type");
    m.type = map_type_of(type, file, line);
    while (in >> word) {
        const auto eq = word.find('=');
        const std::string key = word.substr(0, eq);
        const std::string val = eq == std::string::npos ? "" : word.substr(eq + 1);
        try {
            if (key == "key") m.key_size = static_cast<uint32_t>(std::stoul(val));
            else if (key == "value") m.value_size = static_cast<uint32_t>(std::stoul(val));
            else if (key == "entries") m.max_entries = static_cast<uint32_t>(std::stoul(val));
            else if (key == "inner") m.inner_map = std::stoi(val);
            else if (key == "ro") m.read_only = true;
            else if (key == "data") {
                if (val.size() % 2) bad(file, line, "odd number of hex digits in data=");
                for (size_t i = 0; i < val.size(); i += 2)
                    m.initial_data.push_back(static_cast<uint8_t>(std::stoul(val.substr(i, 2), nullptr, 16)));
            } else bad(file, line, "unknown map attribute '" + key + "'");
        } catch (const std::logic_error&) {
            bad(file, line, "bad number in '" + word + "'");
        }
    }
    return m;
}

}  // namespace

std::vector<VerifierCase> parse_verifier_cases(const std::string& text, const std::string& file) {
    std::vector<VerifierCase> cases;
    std::istringstream in(text);
    std::string raw;
    int line = 0;
    std::string section;
    auto finish = [&](int at) {
        if (cases.empty()) return;
        const VerifierCase& c = cases.back();
        if (c.asm_text.empty()) bad(file, at, "case '" + c.name + "' has no -- asm section");
        if (!c.expect_accept && c.expected_error.empty())
            bad(file, at, "case '" + c.name + "' has neither -- accept nor a -- reject message");
    };
    while (std::getline(in, raw)) {
        ++line;
        const std::string t = trim(raw);
        if (t.rfind("===", 0) == 0) {
            finish(line);
            VerifierCase c;
            c.file = file;
            c.line = line;
            c.name = trim(t.substr(3));
            if (c.name.empty()) bad(file, line, "case without a name");
            cases.push_back(std::move(c));
            section.clear();
            continue;
        }
        if (section != "asm" && (t.empty() || t[0] == '#')) continue;
        if (t.rfind("-- ", 0) == 0) {
            if (cases.empty()) bad(file, line, "section before the first '=== name' line");
            std::istringstream hs(t.substr(3));
            hs >> section;
            VerifierCase& c = cases.back();
            if (section == "platform") {
                std::string p, opt;
                hs >> p;
                if (p == "conformance") c.conformance = true;
                else if (p != "xdp") bad(file, line, "platform must be xdp or conformance");
                while (hs >> opt) {
                    if (opt.rfind("mem=", 0) == 0) c.mem_size = static_cast<uint32_t>(std::stoul(opt.substr(4)));
                    else if (opt.rfind("budget=", 0) == 0) c.budget = std::stoull(opt.substr(7));
                    else bad(file, line, "unknown platform option '" + opt + "'");
                }
            } else if (section == "accept") {
                c.expect_accept = true;
            } else if (section != "maps" && section != "asm" && section != "reject") {
                bad(file, line, "unknown section '" + section + "'");
            }
            continue;
        }
        if (cases.empty()) continue;
        VerifierCase& c = cases.back();
        if (section == "maps") c.maps.push_back(parse_map(t, file, line));
        else if (section == "asm") c.asm_text += raw + "\n";
        else if (section == "reject") {
            if (!c.expected_error.empty()) bad(file, line, "a rejection is one line");
            c.expected_error = t;
        } else bad(file, line, "text outside a section");
    }
    finish(line);
    return cases;
}

std::vector<VerifierCase> load_verifier_corpus(const std::string& dir) {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.path().extension() == ".vcase") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::vector<VerifierCase> all;
    for (const auto& f : files) {
        std::ifstream in(f);
        std::stringstream ss;
        ss << in.rdbuf();
        auto cases = parse_verifier_cases(ss.str(), f.filename().string());
        all.insert(all.end(), cases.begin(), cases.end());
    }
    return all;
}

}  // namespace bpfnic::tests
