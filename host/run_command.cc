// SPDX-License-Identifier: MIT
// The packet loop of `bpfnic run`, over a driver session.
#include "host/run_command.h"

#include <fstream>

#include "compiler/error.h"
#include "driver/pcap_io.h"
#include "driver/test_run.h"
#include "host/map_json.h"
#include "host/object_select.h"
#include "host/packet_source.h"
#include "host/progress.h"

namespace bpfnic {

namespace po = boost::program_options;

void add_run_options(po::options_description& desc, const char* init_option) {
    const std::string init = std::string(init_option) + ",";  // no short name
    desc.add_options()
        ("prog", po::value<std::string>()->default_value(""), "program to run, by function or section name (default: the first XDP program)")
        ("engine", po::value<std::string>()->default_value("interp"), "interp, jit, hw (offload to the card, falling back to the JIT) or xcheck (the driver's cross-check: interp against the card and the JIT)")
        ("pcap", po::value<std::string>(), "read packets from this pcap file (Ethernet)")
        ("gen", po::value<std::string>(), "generate packets from SPEC, e.g. count=1000,mix=tcp:60/udp:30/icmp:10,sizes=64-1500,flows=16,ipv6=10,vlan=5,seed=42 (the default input: count=1000 and the defaults of docs/cli.md)")
        ("no-verify", po::bool_switch(), "interp only: run without verifying the program first (the interpreter still checks every memory access)")
        ("repeat", po::value<int64_t>()->default_value(1), "runs per packet, for timing (maps see every run; outputs are the last run's)")
        (init_option, po::value<std::vector<std::string>>()->composing(), "NAME=FILE: fill map NAME from a JSON file before the run (a report's map object or an entries array); repeatable");
}

RunArgs run_args_from(const po::variables_map& vm, const char* init_option) {
    RunArgs a;
    if (vm.count("object")) a.object = vm["object"].as<std::string>();
    a.prog = vm["prog"].as<std::string>();
    a.engine = vm["engine"].as<std::string>();
    if (vm.count("pcap")) a.pcap = vm["pcap"].as<std::string>();
    if (vm.count("gen")) a.gen = vm["gen"].as<std::string>();
    if (a.pcap && a.gen) throw Error(ErrorKind::BadInput, "--pcap and --gen exclude each other");
    if (vm.count("out")) a.out = vm["out"].as<std::string>();
    const int64_t repeat = vm["repeat"].as<int64_t>();
    if (repeat < 1 || repeat > 1000000000) throw Error(ErrorKind::BadInput, "--repeat " + std::to_string(repeat) + ": must be 1..1000000000");
    a.repeat = static_cast<uint32_t>(repeat);
    a.verify = !vm["no-verify"].as<bool>();
    a.init_option = init_option;
    if (vm.count(init_option)) a.map_inits = vm[init_option].as<std::vector<std::string>>();
    return a;
}

void fill_maps(bpfnic_prog* prog, const std::vector<std::string>& map_inits, const char* option) {
    for (const auto& m : map_inits) {
        const size_t eq = m.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == m.size())
            throw Error(ErrorKind::BadInput, std::string("--") + option + " '" + m + "': expected NAME=FILE");
        const std::string name = m.substr(0, eq), path = m.substr(eq + 1);
        bpfnic_map* map = bpfnic_prog__map(prog, name.c_str());
        if (!map)
            throw Error(ErrorKind::NotFound, std::string("--") + option + " " + m + ": the object has no map '" + name + "'");
        std::ifstream in(path);
        if (!in) throw Error(ErrorKind::NotFound, path + ": no such file");
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(in);
        } catch (const nlohmann::json::exception& e) {
            throw Error(ErrorKind::BadInput, path + ": not JSON: " + e.what());
        }
        prog_map_from_json(map, j, path);
    }
}

FinishedRun execute_run(const RunArgs& args, Cli& cli) {
    const Object obj = open_object(args.object);
    const size_t entry = select_entry(obj, args.prog);
    if (obj.programs[entry].type != ProgType::Xdp)
        throw Error(ErrorKind::Unsupported, obj.path + ": " + obj.programs[entry].name + ": program type " +
                                                prog_type_name(obj.programs[entry].type) + " is not supported (XDP only)");
    if (args.engine != "interp" && args.engine != "jit" && args.engine != "hw" && args.engine != "xcheck")
        throw Error(ErrorKind::NotFound, "unknown engine '" + args.engine + "' (known: interp, jit, hw, xcheck)");
    if (!args.verify && args.engine != "interp")
        throw Error(ErrorKind::BadInput, "--no-verify needs --engine interp (the other engines run verified programs only)");
    // The verifier's message in the command's words ("OBJ: PROG: rejected: instruction N: ...").
    if (args.verify) verify_entry(obj, entry);
    // Open the input before loading so a bad pcap is reported first.
    std::optional<PacketSource> src;
    if (args.pcap) src = PacketSource::from_pcap(*args.pcap);
    else if (!args.no_packets) src = PacketSource::from_spec(args.gen.value_or(""));

    FinishedRun run;
    run.device = std::make_unique<Device>(args.engine == "hw" || args.engine == "xcheck");
    SessionSpec spec;
    spec.prog = obj.programs[entry].name;
    spec.engine = args.engine;
    spec.verify = args.verify;
    spec.repeat = args.repeat;
    spec.trace = args.trace;
    run.session = std::make_unique<Session>(*run.device, obj, spec);
    fill_maps(run.session->prog(), args.map_inits, args.init_option.c_str());
    std::optional<PcapWriter> writer;
    if (args.out) writer.emplace(*args.out);

    Progress progress(cli.err, cli.err_is_tty, "bpfnic run " + obj.programs[entry].name, src ? src->total() : std::optional<uint64_t>());
    PcapPacket pkt;
    uint64_t written = 0;
    while (src && src->next(pkt)) {
        bpfnic_session_packet out;
        try {
            out = run.session->run(pkt.data);
        } catch (const Error& e) {
            // Name the input and the packet (1-based) the message is about.
            throw Error(e.kind(), (src->kind() == "gen" ? "generated traffic" : src->description()) + ": packet " +
                                      std::to_string(src->index()) + ": " + e.what());
        }
        if (writer && (out.verdict == kXdpPass || out.verdict == kXdpTx)) {
            writer->write(out.data, pkt.ts_ns);
            ++written;
        }
        progress.update(src->index());
    }
    progress.finish();
    if (writer) writer->close();

    run.report = run.session->report(obj, entry);
    run.report.input_kind = src ? src->kind() : "none";
    run.report.input = src ? src->description() : "";
    if (args.out) {
        run.report.output_path = *args.out;
        run.report.output_packets = written;
    }
    return run;
}

}  // namespace bpfnic
