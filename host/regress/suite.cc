// SPDX-License-Identifier: MIT
// Suite file parsing and expansion into cases.
#include "host/regress/suite.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "compiler/error.h"
#include "driver/traffic/spec.h"

namespace bpfnic::regress {

namespace fs = std::filesystem;
using nlohmann::json;

uint64_t fnv1a(const std::string& bytes, uint64_t h) {
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

std::string hex64(uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

json HwConfig::to_json() const {
    json j = {{"name", name}, {"lanes", lanes}, {"cores", cores}};
    j["mem_latency"] = mem_latency ? json(*mem_latency) : json(nullptr);
    j["map_latency"] = map_latency ? json(*map_latency) : json(nullptr);
    return j;
}

const RegressCase* Suite::find(const std::string& id) const {
    for (const auto& c : cases)
        if (c.id == id) return &c;
    return nullptr;
}

namespace {

// Relative work of one packet on each engine (the RTL simulation is far slower than software).
double engine_weight(const std::string& engine) {
    if (engine == "interp") return 1.0;
    if (engine == "jit") return 0.5;
    if (engine == "hw") return 200.0;
    return 201.5;  // xcheck: all three
}

bool engine_has_hw(const std::string& engine) { return engine == "hw" || engine == "xcheck"; }

class Reader {
public:
    Reader(std::string file) : file_(std::move(file)) {}

    [[noreturn]] void fail(const std::string& where, const std::string& why) const {
        throw Error(ErrorKind::BadInput, file_ + ": " + where + ": " + why);
    }

    void only_keys(const json& obj, const std::string& where, std::initializer_list<const char*> keys) const {
        if (!obj.is_object()) fail(where, "expected an object");
        for (const auto& item : obj.items()) {
            const std::string& k = item.key();  // not a structured binding: clang 14 cannot capture those
            if (std::none_of(keys.begin(), keys.end(), [&](const char* x) { return k == x; })) {
                std::string known;
                for (const char* x : keys) known += std::string(known.empty() ? "" : ", ") + x;
                fail(where, "unknown key '" + k + "' (known: " + known + ")");
            }
        }
    }

    std::string str(const json& v, const std::string& where) const {
        if (!v.is_string()) fail(where, "expected a string");
        return v.get<std::string>();
    }

    uint64_t uint(const json& v, const std::string& where, uint64_t lo, uint64_t hi) const {
        if (!v.is_number_integer() || (v.is_number_integer() && !v.is_number_unsigned() && v.get<int64_t>() < 0))
            fail(where, "expected an integer " + std::to_string(lo) + ".." + std::to_string(hi));
        const uint64_t x = v.get<uint64_t>();
        if (x < lo || x > hi) fail(where, std::to_string(x) + " is out of range " + std::to_string(lo) + ".." + std::to_string(hi));
        return x;
    }

    std::vector<std::string> str_list(const json& v, const std::string& where) const {
        if (!v.is_array() || v.empty()) fail(where, "expected a non-empty array of strings");
        std::vector<std::string> out;
        for (const auto& e : v) out.push_back(str(e, where));
        return out;
    }

private:
    std::string file_;
};

bool valid_name(const std::string& s) {
    if (s.empty() || s.size() > 64) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'; });
}

bool spec_has_seed(const std::string& spec) {
    std::stringstream ss(spec);
    std::string item;
    while (std::getline(ss, item, ','))
        if (item.rfind("seed=", 0) == 0) return true;
    return false;
}

std::string resolve_path(const std::string& p, const fs::path& base, const std::string& examples_dir, bool& used_examples) {
    std::string s = p;
    const std::string var = "${examples}";
    if (const size_t at = s.find(var); at != std::string::npos) {
        if (examples_dir.empty())
            throw Error(ErrorKind::NotFound, p + ": no examples folder was found for ${examples} (pass --examples DIR)");
        used_examples = true;
        s.replace(at, var.size(), examples_dir);
    }
    fs::path path(s);
    if (path.is_relative()) path = base / path;
    return path.lexically_normal().string();
}

HwConfig parse_config(const Reader& rd, const std::string& name, const json& j) {
    const std::string where = "configs." + name;
    rd.only_keys(j, where, {"lanes", "cores", "mem_latency", "map_latency"});
    if (!valid_name(name)) rd.fail(where, "a configuration name is 1..64 of [A-Za-z0-9_.-]");
    HwConfig c;
    c.name = name;
    if (j.contains("lanes")) c.lanes = static_cast<uint32_t>(rd.uint(j["lanes"], where + ".lanes", 1, 64));
    if (j.contains("cores")) c.cores = static_cast<uint32_t>(rd.uint(j["cores"], where + ".cores", 1, 4096));
    if (j.contains("mem_latency")) c.mem_latency = static_cast<uint32_t>(rd.uint(j["mem_latency"], where + ".mem_latency", 0, 100000));
    if (j.contains("map_latency")) c.map_latency = static_cast<uint32_t>(rd.uint(j["map_latency"], where + ".map_latency", 0, 100000));
    return c;
}

void check_expect(const Reader& rd, const json& e, const std::string& where) {
    rd.only_keys(e, where, {"packets", "verdicts", "error", "offloaded", "mismatches"});
    if (e.contains("packets")) rd.uint(e["packets"], where + ".packets", 0, UINT64_MAX);
    if (e.contains("mismatches")) rd.uint(e["mismatches"], where + ".mismatches", 0, UINT64_MAX);
    if (e.contains("verdicts")) {
        rd.only_keys(e["verdicts"], where + ".verdicts", {"aborted", "drop", "pass", "tx", "redirect", "invalid"});
        for (const auto& [k, v] : e["verdicts"].items()) rd.uint(v, where + ".verdicts." + k, 0, UINT64_MAX);
    }
    if (e.contains("error")) {
        const std::string k = rd.str(e["error"], where + ".error");
        if (k != "rejected" && k != "unsupported" && k != "runtime" && k != "bad_input" && k != "not_found")
            rd.fail(where + ".error", "'" + k + "' is not one of rejected, unsupported, runtime, bad_input, not_found");
    }
    if (e.contains("offloaded") && !e["offloaded"].is_boolean()) rd.fail(where + ".offloaded", "expected true or false");
}

}  // namespace

Suite load_suite(const std::string& path, const std::string& examples_dir) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(fs::exists(path) ? ErrorKind::BadInput : ErrorKind::NotFound,
                         path + (fs::exists(path) ? ": cannot read the suite" : ": no such file"));
    std::stringstream buf;
    buf << in.rdbuf();
    const std::string text = buf.str();
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::exception& e) {
        throw Error(ErrorKind::BadInput, path + ": not JSON: " + e.what());
    }
    const Reader rd(path);
    rd.only_keys(doc, "suite", {"suite", "configs", "defaults", "cases"});

    Suite s;
    s.path = fs::absolute(path).lexically_normal().string();
    s.digest = hex64(fnv1a(text));
    s.name = doc.contains("suite") ? rd.str(doc["suite"], "suite") : fs::path(path).stem().string();
    const fs::path base = fs::path(s.path).parent_path();

    std::map<std::string, HwConfig> configs;
    if (doc.contains("configs")) {
        if (!doc["configs"].is_object()) rd.fail("configs", "expected an object of named configurations");
        for (const auto& [name, j] : doc["configs"].items()) configs[name] = parse_config(rd, name, j);
    }
    if (configs.empty()) configs["base"] = HwConfig{"base"};

    const json defaults = doc.value("defaults", json::object());
    rd.only_keys(defaults, "defaults", {"engines", "configs", "traffic", "repeat", "verify"});
    if (!doc.contains("cases") || !doc["cases"].is_array() || doc["cases"].empty()) rd.fail("cases", "expected a non-empty array");

    bool used_examples = false;
    std::set<std::string> names;
    for (size_t i = 0; i < doc["cases"].size(); ++i) {
        const json& cj = doc["cases"][i];
        std::string where = "cases[" + std::to_string(i) + "]";
        rd.only_keys(cj, where, {"name", "object", "program", "traffic", "engines", "configs", "expect", "maps",
                                 "flow_parts", "map_init", "repeat", "verify", "cost"});
        if (!cj.contains("name")) rd.fail(where, "missing 'name'");
        const std::string name = rd.str(cj["name"], where + ".name");
        if (!valid_name(name)) rd.fail(where + ".name", "'" + name + "': a case name is 1..64 of [A-Za-z0-9_.-]");
        where = "case '" + name + "'";
        if (!names.insert(name).second) rd.fail(where, "a case of that name already exists");
        if (!cj.contains("object")) rd.fail(where, "missing 'object'");
        auto field = [&](const char* key) -> const json* {
            if (cj.contains(key)) return &cj[key];
            if (defaults.contains(key)) return &defaults[key];
            return nullptr;
        };

        RegressCase base_case;
        base_case.name = name;
        base_case.object = resolve_path(rd.str(cj["object"], where + ".object"), base, examples_dir, used_examples);
        if (cj.contains("program")) base_case.program = rd.str(cj["program"], where + ".program");
        if (const json* r = field("repeat")) base_case.repeat = static_cast<uint32_t>(rd.uint(*r, where + ".repeat", 1, 1000000));
        if (const json* v = field("verify")) {
            if (!v->is_boolean()) rd.fail(where + ".verify", "expected true or false");
            base_case.verify = v->get<bool>();
        }

        // Traffic: a generator spec (seeded from the case name unless it names a seed) or a pcap.
        const json* traffic = field("traffic");
        const json tj = traffic ? *traffic : json{{"gen", ""}};
        rd.only_keys(tj, where + ".traffic", {"gen", "pcap"});
        if (tj.contains("gen") == tj.contains("pcap")) rd.fail(where + ".traffic", "give exactly one of 'gen' and 'pcap'");
        if (tj.contains("gen")) {
            std::string spec = rd.str(tj["gen"], where + ".traffic.gen");
            if (!spec_has_seed(spec)) spec += std::string(spec.empty() ? "" : ",") + "seed=" + std::to_string(fnv1a(name));
            try {
                base_case.input = parse_traffic_spec(spec).to_string();
            } catch (const Error& e) {
                rd.fail(where + ".traffic.gen", e.what());
            }
            base_case.input_kind = "gen";
        } else {
            base_case.input = resolve_path(rd.str(tj["pcap"], where + ".traffic.pcap"), base, examples_dir, used_examples);
            base_case.input_kind = "pcap";
        }

        const std::string maps_kind = cj.contains("maps") ? rd.str(cj["maps"], where + ".maps") : "shared";
        if (maps_kind != "shared" && maps_kind != "per-flow") rd.fail(where + ".maps", "'" + maps_kind + "': expected 'shared' or 'per-flow'");
        base_case.per_flow = maps_kind == "per-flow";
        const uint32_t parts = cj.contains("flow_parts") ? static_cast<uint32_t>(rd.uint(cj["flow_parts"], where + ".flow_parts", 1, 4096)) : 1;
        if (parts > 1 && !base_case.per_flow)
            rd.fail(where + ".flow_parts", "a trace may be split by flow only when the module's maps are per-flow (\"maps\": \"per-flow\")");

        if (cj.contains("map_init")) {
            if (!cj["map_init"].is_object()) rd.fail(where + ".map_init", "expected an object of map name to JSON file");
            for (const auto& [m, f] : cj["map_init"].items())
                base_case.map_files.emplace_back(m, resolve_path(rd.str(f, where + ".map_init." + m), base, examples_dir, used_examples));
        }
        if (cj.contains("expect")) {
            check_expect(rd, cj["expect"], where + ".expect");
            base_case.expect = cj["expect"];
        }
        std::optional<double> cost;
        if (cj.contains("cost")) {
            if (!cj["cost"].is_number() || cj["cost"].get<double>() <= 0) rd.fail(where + ".cost", "expected a positive number");
            cost = cj["cost"].get<double>();
        }

        const json* engines_j = field("engines");
        const std::vector<std::string> engines = engines_j ? rd.str_list(*engines_j, where + ".engines") : std::vector<std::string>{"interp"};
        std::vector<std::string> config_names;
        if (const json* cfg = field("configs")) config_names = rd.str_list(*cfg, where + ".configs");
        else config_names = {configs.begin()->first};
        for (const auto& c : config_names)
            if (!configs.count(c)) rd.fail(where + ".configs", "no configuration named '" + c + "'");

        // Estimated packets: the generator's count, or a pcap's size over a typical frame.
        double packets = 1000;
        if (base_case.input_kind == "gen") {
            packets = double(parse_traffic_spec(base_case.input).count);
        } else {
            std::error_code ec;
            const auto size = fs::file_size(base_case.input, ec);
            packets = ec ? 1000.0 : std::max(1.0, double(size) / 500.0);
        }

        std::set<std::string> seen_engines;
        for (const std::string& engine : engines) {
            if (engine != "interp" && engine != "jit" && engine != "hw" && engine != "xcheck")
                rd.fail(where + ".engines", "unknown engine '" + engine + "' (known: interp, jit, hw, xcheck)");
            if (!seen_engines.insert(engine).second) rd.fail(where + ".engines", "engine '" + engine + "' listed twice");
            // Configurations multiply only the engines that include the hardware.
            const std::vector<std::string> cfgs = engine_has_hw(engine) ? config_names : std::vector<std::string>{""};
            for (const std::string& cfg : cfgs) {
                for (uint32_t p = 0; p < parts; ++p) {
                    RegressCase c = base_case;
                    c.engine = engine;
                    if (!cfg.empty()) c.config = configs.at(cfg);
                    c.group = name + "/" + engine + (cfg.empty() ? "" : "/" + cfg);
                    c.part = p;
                    c.parts = parts;
                    c.id = parts > 1 ? c.group + "/flow" + std::to_string(p) + "of" + std::to_string(parts) : c.group;
                    c.cost = cost ? *cost / parts : packets * c.repeat * engine_weight(engine) / parts;
                    s.cases.push_back(std::move(c));
                }
            }
        }
    }
    if (used_examples) s.examples_dir = examples_dir;
    std::sort(s.cases.begin(), s.cases.end(), [](const RegressCase& a, const RegressCase& b) { return a.id < b.id; });
    return s;
}

}  // namespace bpfnic::regress
