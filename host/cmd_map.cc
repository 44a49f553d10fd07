// SPDX-License-Identifier: MIT
// bpfnic map dump|lookup|update: the maps of a program through the driver's map calls
// (bpfnic_map__*). The program is either run on the spot (OBJ with run's options; with neither
// --pcap nor --gen, loaded only: global data and --init contents) or rebuilt from a finished
// run's report (--report: its object and program loaded on the interpreter, its maps filled from
// the report). update writes one entry with the kernel's rules and saves the map back into the
// report, for the next run to start from.
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "compiler/error.h"
#include "driver/report.h"
#include "driver/test_run.h"
#include "host/cli.h"
#include "host/driver_session.h"
#include "host/exit_code.h"
#include "host/map_json.h"
#include "host/map_update.h"
#include "host/object_select.h"
#include "host/run_command.h"
#include "host/summary.h"

namespace bpfnic {

namespace po = boost::program_options;

namespace {

nlohmann::json read_report(const std::string& path) {
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
    if (!j.contains("object") || !j["object"].is_string() || !j.contains("program") || !j["program"].is_string())
        throw Error(ErrorKind::BadInput, path + ": not a bpfnic run report (no \"object\" and \"program\")");
    for (const auto& [name, m] : j["maps"].items())
        if (!m.is_object() || !m.contains("entries"))
            throw Error(ErrorKind::BadInput, path + ": map '" + name + "' lacks its entries");
    return j;
}

/// A program whose maps the command works on: run on the spot, or rebuilt from a report.
struct LoadedMaps {
    std::unique_ptr<Device> device;
    std::unique_ptr<Session> session;
    std::string source;  ///< the object or report path, for messages
    bpfnic_prog* prog() const { return session->prog(); }
};

LoadedMaps from_report(const std::string& path, const nlohmann::json& report) {
    const std::string obj_path = report["object"].get<std::string>();
    Object obj;
    try {
        obj = open_object(obj_path);
    } catch (const Error& e) {
        throw Error(e.kind(), path + ": the report's object: " + e.what());
    }
    LoadedMaps l;
    l.source = path;
    l.device = std::make_unique<Device>(false);
    SessionSpec spec;
    spec.prog = report["program"].get<std::string>();
    spec.engine = "interp";
    spec.verify = false;  // no packet runs: the program only holds the maps
    l.session = std::make_unique<Session>(*l.device, obj, spec);
    for (const auto& [name, m] : report["maps"].items()) {
        bpfnic_map* map = bpfnic_prog__map(l.prog(), name.c_str());
        if (!map) throw Error(ErrorKind::BadInput, path + ": map '" + name + "' is not a map of " + obj_path);
        if (m["entries"].is_null() || bpfnic_map__def(map)->read_only) continue;  // as the object loads it
        prog_map_from_json(map, m, path + ": map '" + name + "'");
    }
    return l;
}

std::string map_names(bpfnic_prog* prog) {
    std::string s;
    for (const auto& name : bpfnic_prog__map_names(prog)) s += (s.empty() ? "" : ", ") + name;
    return s.empty() ? "none" : s;
}

bpfnic_map* find_map(const LoadedMaps& l, const std::string& name) {
    bpfnic_map* map = bpfnic_prog__map(l.prog(), name.c_str());
    if (!map) throw Error(ErrorKind::NotFound, l.source + ": no map '" + name + "' (maps: " + map_names(l.prog()) + ")");
    return map;
}

void write_report(const std::string& path, const nlohmann::json& report) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp);
        out << report.dump(2) << "\n";
        if (!out) throw Error(ErrorKind::BadInput, tmp + ": cannot write");
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) throw Error(ErrorKind::BadInput, path + ": cannot replace");
}

}  // namespace

int cmd_map(const std::vector<std::string>& args, Cli& cli) {
    po::options_description desc("Options");
    desc.add_options()
        ("help,h", "show this help")
        ("report", po::value<std::string>(), "work on the maps of this run report (bpfnic run --report) instead of running OBJ")
        ("map", po::value<std::string>(), "the map to show (dump: default all; lookup, update: required)")
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
                   "  bpfnic map lookup build/examples/xdp1.o --engine hw --gen count=100 --map rxcnt --key \"11 00 00 00\"\n"
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
    const bool have_obj = vm.count("object") != 0, have_report = vm.count("report") != 0;
    if (verb == "update") {
        if (!have_report) throw Error(ErrorKind::BadInput, "map update: --report REPORT.json is required");
        if (!vm.count("map") || !vm.count("key") || !vm.count("value"))
            throw Error(ErrorKind::BadInput, "map update: --map NAME, --key HEX and --value HEX are required");
    }
    if (have_obj == have_report) throw Error(ErrorKind::BadInput, "map " + verb + ": give either OBJ or --report REPORT.json");

    nlohmann::json report;
    LoadedMaps loaded;
    if (have_report) {
        const std::string path = vm["report"].as<std::string>();
        report = read_report(path);
        loaded = from_report(path, report);
    } else {
        RunArgs ra = run_args_from(vm, "init");
        ra.no_packets = !ra.pcap && !ra.gen;
        FinishedRun run = execute_run(ra, cli);
        loaded.device = std::move(run.device);
        loaded.session = std::move(run.session);
        loaded.source = ra.object;
    }
    bpfnic_map* selected = vm.count("map") ? find_map(loaded, vm["map"].as<std::string>()) : nullptr;

    if (verb == "update") {
        update_map_entry(selected, vm["key"].as<std::string>(), vm["value"].as<std::string>(), vm["flags"].as<std::string>());
        const std::string name = bpfnic_map__def(selected)->name, path = vm["report"].as<std::string>();
        report["maps"][name] = prog_map_to_json(selected);
        write_report(path, report);
        cli.out << path << ": map '" << name << "' updated\n";
        return exit_code::kOk;
    }

    if (verb == "dump") {
        nlohmann::json maps = selected ? nlohmann::json{{bpfnic_map__def(selected)->name, prog_map_to_json(selected)}}
                                       : prog_maps_to_json(loaded.prog());
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
    if (!selected) throw Error(ErrorKind::BadInput, "map lookup: --map NAME is required");
    if (!vm.count("key")) throw Error(ErrorKind::BadInput, "map lookup: --key HEX is required");
    const MapDef& d = *bpfnic_map__def(selected);
    const auto key = parse_hex_bytes(vm["key"].as<std::string>(), "--key");
    if (key.size() != d.key_size)
        throw Error(ErrorKind::BadInput, "--key: " + std::to_string(key.size()) + " bytes, map '" + d.name + "' has " +
                                             std::to_string(d.key_size) + "-byte keys");
    std::vector<uint8_t> value(bpfnic_map__value_size(selected));
    const std::string k = hex_bytes(key.data(), key.size());
    const int rc = bpfnic_map__lookup_elem(selected, key.data(), key.size(), value.data(), value.size());
    if (rc == -ENOENT) throw Error(ErrorKind::NotFound, "map '" + d.name + "': no entry with key " + k);
    if (rc == -EOPNOTSUPP) throw Error(ErrorKind::Unsupported, "map '" + d.name + "': contents not readable from the host");
    if (rc) throw_map_error(rc, "map '" + d.name + "'");
    const std::string v = hex_bytes(value.data(), value.size());
    if (vm["json"].as<bool>()) cli.out << nlohmann::json{{"key", k}, {"value", v}}.dump(2) << "\n";
    else cli.out << "key: " << k << "  value: " << v << "\n";
    return exit_code::kOk;
}

}  // namespace bpfnic
