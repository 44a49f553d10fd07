// SPDX-License-Identifier: MIT
// bpfnic map dump|lookup|update: the maps of a finished run, read from its JSON report (--report)
// or produced by running the object over the given traffic first (OBJ with run's options; with
// neither --pcap nor --gen, the maps as loaded: global data and --init contents). update edits a
// report's map with the kernel's update rules, for the next run to start from.
#include <cstdio>
#include <fstream>
#include <iostream>

#include "compiler/error.h"
#include "driver/test_run.h"
#include "host/cli.h"
#include "host/exit_code.h"
#include "host/map_update.h"
#include "host/run_command.h"
#include "host/summary.h"

namespace bpfnic {

namespace po = boost::program_options;

namespace {

nlohmann::json maps_from_report(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw Error(ErrorKind::NotFound, path + ": no such file");
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw Error(ErrorKind::BadInput, path + ": not JSON: " + e.what());
    }
    if (!j.is_object() || !j.contains("maps") || !j["maps"].is_object())
        throw Error(ErrorKind::BadInput, path + ": not a bpfnic run report (no \"maps\" object)");
    for (const auto& [name, m] : j["maps"].items())
        if (!m.is_object() || !m.contains("type") || !m.contains("entries") || !m.contains("key_size") ||
            !m.contains("value_size") || !m.contains("max_entries"))
            throw Error(ErrorKind::BadInput, path + ": map '" + name + "' lacks type, sizes or entries");
    return j["maps"];
}

std::string map_names(const nlohmann::json& maps) {
    std::string s;
    for (const auto& [name, m] : maps.items()) s += (s.empty() ? "" : ", ") + name;
    return s.empty() ? "none" : s;
}

}  // namespace

int cmd_map(const std::vector<std::string>& args, Cli& cli) {
    po::options_description desc("Options");
    desc.add_options()
        ("help,h", "show this help")
        ("report", po::value<std::string>(), "read the maps from this run report (bpfnic run --report) instead of running OBJ")
        ("map", po::value<std::string>(), "the map to show (dump: default all; lookup: required)")
        ("key", po::value<std::string>(), "lookup, update: the key as hex bytes, e.g. \"06 00 00 00\"")
        ("value", po::value<std::string>(), "update: the value as hex bytes")
        ("flags", po::value<std::string>()->default_value("any"), "update: any, noexist (create only) or exist (replace only)")
        ("json,j", po::bool_switch(), "print JSON instead of text");
    add_run_options(desc, "init");
    const auto vm = parse_args(args, desc, {"verb", "object"});
    if (vm.count("help")) {
        print_help(cli, "bpfnic map dump|lookup|update (OBJ [RUN OPTIONS] | --report REPORT.json) [--map NAME] [--key HEX] [--value HEX]", desc,
                   "  bpfnic map dump build/examples/xdp1.o --gen count=500 --map rxcnt -j\n"
                   "  bpfnic run build/examples/xdp1.o --report r.json && bpfnic map dump --report r.json --map rxcnt\n"
                   "  bpfnic map lookup --report r.json --map rxcnt --key \"06 00 00 00\"\n"
                   "  bpfnic map dump build/examples/globals.o\n"
                   "  bpfnic map update --report r.json --map rxcnt --key \"06 00 00 00\" --value \"2a 00 00 00 00 00 00 00\"\n"
                   "  bpfnic run build/examples/xdp1.o --map rxcnt=r.json   # the next run starts from the edited map\n");
        return exit_code::kOk;
    }
    if (!vm.count("verb"))
        throw Error(ErrorKind::BadInput, "map: no verb given: dump, lookup or update (see 'bpfnic map --help')");
    const std::string verb = vm["verb"].as<std::string>();
    if (verb != "dump" && verb != "lookup" && verb != "update")
        throw Error(ErrorKind::BadInput, "map: unknown verb '" + verb + "' (known: dump, lookup, update)");
    if (verb == "update") {
        if (!vm.count("report")) throw Error(ErrorKind::BadInput, "map update: --report REPORT.json is required");
        if (!vm.count("map") || !vm.count("key") || !vm.count("value"))
            throw Error(ErrorKind::BadInput, "map update: --map NAME, --key HEX and --value HEX are required");
        const std::string path = vm["report"].as<std::string>(), name = vm["map"].as<std::string>();
        maps_from_report(path);  // validates the report
        std::ifstream in(path);
        nlohmann::json report = nlohmann::json::parse(in);
        if (!report["maps"].contains(name))
            throw Error(ErrorKind::NotFound, path + ": no map '" + name + "' (maps: " + map_names(report["maps"]) + ")");
        update_report_map(report["maps"][name], name, vm["key"].as<std::string>(), vm["value"].as<std::string>(),
                          vm["flags"].as<std::string>());
        const std::string tmp = path + ".tmp";
        {
            std::ofstream out(tmp);
            out << report.dump(2) << "\n";
            if (!out) throw Error(ErrorKind::BadInput, tmp + ": cannot write");
        }
        if (std::rename(tmp.c_str(), path.c_str()) != 0) throw Error(ErrorKind::BadInput, path + ": cannot replace");
        cli.out << path << ": map '" << name << "' updated\n";
        return exit_code::kOk;
    }
    const bool have_obj = vm.count("object") != 0, have_report = vm.count("report") != 0;
    if (have_obj == have_report) throw Error(ErrorKind::BadInput, "map " + verb + ": give either OBJ or --report REPORT.json");

    nlohmann::json maps;
    if (have_report) {
        maps = maps_from_report(vm["report"].as<std::string>());
    } else {
        RunArgs ra = run_args_from(vm, "init");
        ra.no_packets = !ra.pcap && !ra.gen;
        maps = execute_run(ra, cli).maps;
    }
    const std::string source = have_report ? vm["report"].as<std::string>() : vm["object"].as<std::string>();
    std::string selected;
    if (vm.count("map")) {
        selected = vm["map"].as<std::string>();
        if (!maps.contains(selected))
            throw Error(ErrorKind::NotFound, source + ": no map '" + selected + "' (maps: " + map_names(maps) + ")");
    }

    if (verb == "dump") {
        if (!selected.empty()) maps = nlohmann::json{{selected, maps[selected]}};
        if (vm["json"].as<bool>()) {
            cli.out << maps.dump(2) << "\n";
        } else {
            bool first = true;
            for (const auto& [name, m] : maps.items()) {
                if (!first) cli.out << "\n";
                first = false;
                print_map(cli.out, name, m);
            }
        }
        return exit_code::kOk;
    }

    // lookup
    if (selected.empty()) throw Error(ErrorKind::BadInput, "map lookup: --map NAME is required");
    if (!vm.count("key")) throw Error(ErrorKind::BadInput, "map lookup: --key HEX is required");
    const auto key = parse_hex_bytes(vm["key"].as<std::string>(), "--key");
    const auto& m = maps[selected];
    if (key.size() != m["key_size"].get<size_t>())
        throw Error(ErrorKind::BadInput, "--key: " + std::to_string(key.size()) + " bytes, map '" + selected + "' has " +
                                             std::to_string(m["key_size"].get<size_t>()) + "-byte keys");
    if (m["entries"].is_null()) throw Error(ErrorKind::Unsupported, "map '" + selected + "': contents not readable from the host");
    const std::string want = hex_bytes(key.data(), key.size());
    for (const auto& e : m["entries"]) {
        if (e["key"].get<std::string>() != want) continue;
        if (vm["json"].as<bool>()) cli.out << e.dump(2) << "\n";
        else cli.out << "key: " << want << "  value: " << e["value"].get<std::string>() << "\n";
        return exit_code::kOk;
    }
    throw Error(ErrorKind::NotFound, "map '" + selected + "': no entry with key " + want);
}

}  // namespace bpfnic
