// SPDX-License-Identifier: MIT
// Parser of traffic generator spec strings.
#include "driver/traffic/spec.h"

#include <charconv>
#include <set>
#include <vector>

#include "compiler/error.h"

namespace bpfnic {

namespace {

[[noreturn]] void bad(const std::string& msg) { throw Error(ErrorKind::BadInput, "traffic spec: " + msg); }

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    while (true) {
        const size_t pos = s.find(sep, start);
        out.push_back(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
        if (pos == std::string::npos) return out;
        start = pos + 1;
    }
}

uint64_t number(const std::string& key, const std::string& text, uint64_t lo, uint64_t hi) {
    uint64_t v = 0;
    const char* end = text.data() + text.size();
    auto [p, ec] = std::from_chars(text.data(), end, v);
    if (text.empty() || ec != std::errc() || p != end)
        bad("key '" + key + "': '" + text + "' is not a non-negative integer");
    if (v < lo || v > hi)
        bad("key '" + key + "': " + text + " is out of range (" + std::to_string(lo) + ".." + std::to_string(hi) + ")");
    return v;
}

void parse_mix(TrafficSpec& spec, const std::string& text) {
    spec.weight_tcp = spec.weight_udp = spec.weight_icmp = 0;
    std::set<std::string> seen;
    for (const auto& part : split(text, '/')) {
        const size_t colon = part.find(':');
        if (colon == std::string::npos) bad("key 'mix': '" + part + "' is not PROTO:WEIGHT");
        const std::string proto = part.substr(0, colon);
        const auto w = static_cast<uint32_t>(number("mix", part.substr(colon + 1), 0, 1000000));
        if (!seen.insert(proto).second) bad("key 'mix': protocol '" + proto + "' given twice");
        if (proto == "tcp") spec.weight_tcp = w;
        else if (proto == "udp") spec.weight_udp = w;
        else if (proto == "icmp") spec.weight_icmp = w;
        else bad("key 'mix': unknown protocol '" + proto + "' (known: tcp, udp, icmp)");
    }
    if (spec.weight_tcp + spec.weight_udp + spec.weight_icmp == 0) bad("key 'mix': all weights are zero");
}

void parse_sizes(TrafficSpec& spec, const std::string& text) {
    const size_t dash = text.find('-');
    if (dash == std::string::npos) {
        spec.size_min = spec.size_max = static_cast<uint32_t>(number("sizes", text, kTrafficMinSize, kTrafficMaxSize));
        return;
    }
    spec.size_min = static_cast<uint32_t>(number("sizes", text.substr(0, dash), kTrafficMinSize, kTrafficMaxSize));
    spec.size_max = static_cast<uint32_t>(number("sizes", text.substr(dash + 1), kTrafficMinSize, kTrafficMaxSize));
    if (spec.size_min > spec.size_max) bad("key 'sizes': minimum " + std::to_string(spec.size_min) +
                                           " is above maximum " + std::to_string(spec.size_max));
}

}  // namespace

const char* l4_proto_name(L4Proto p) {
    switch (p) {
        case L4Proto::Tcp: return "tcp";
        case L4Proto::Udp: return "udp";
        case L4Proto::Icmp: return "icmp";
    }
    return "?";
}

std::string TrafficSpec::to_string() const {
    std::string mix;
    auto add = [&](const char* name, uint32_t w) {
        if (w == 0) return;
        if (!mix.empty()) mix += '/';
        mix += std::string(name) + ":" + std::to_string(w);
    };
    add("tcp", weight_tcp);
    add("udp", weight_udp);
    add("icmp", weight_icmp);
    const std::string sizes = size_min == size_max ? std::to_string(size_min)
                                                   : std::to_string(size_min) + "-" + std::to_string(size_max);
    return "count=" + std::to_string(count) + ",mix=" + mix + ",sizes=" + sizes + ",flows=" + std::to_string(flows) +
           ",ipv6=" + std::to_string(ipv6_percent) + ",vlan=" + std::to_string(vlan_percent) +
           ",seed=" + std::to_string(seed);
}

TrafficSpec parse_traffic_spec(const std::string& text) {
    TrafficSpec spec;
    if (text.empty()) return spec;
    std::set<std::string> seen;
    for (const auto& item : split(text, ',')) {
        const size_t eq = item.find('=');
        if (eq == std::string::npos) bad("'" + item + "' is not KEY=VALUE");
        const std::string key = item.substr(0, eq);
        const std::string value = item.substr(eq + 1);
        if (!seen.insert(key).second) bad("key '" + key + "' given twice");
        if (key == "count") spec.count = number(key, value, 1, kTrafficMaxCount);
        else if (key == "mix") parse_mix(spec, value);
        else if (key == "sizes") parse_sizes(spec, value);
        else if (key == "flows") spec.flows = static_cast<uint32_t>(number(key, value, 1, kTrafficMaxFlows));
        else if (key == "ipv6") spec.ipv6_percent = static_cast<uint32_t>(number(key, value, 0, 100));
        else if (key == "vlan") spec.vlan_percent = static_cast<uint32_t>(number(key, value, 0, 100));
        else if (key == "seed") spec.seed = number(key, value, 0, UINT64_MAX);
        else bad("unknown key '" + key + "' (known: count, mix, sizes, flows, ipv6, vlan, seed)");
    }
    return spec;
}

}  // namespace bpfnic
