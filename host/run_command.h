// SPDX-License-Identifier: MIT
// The options and the packet loop shared by `bpfnic run` and `bpfnic map OBJ`: input from --pcap
// or --gen, the engine, repetitions, initial map contents, PASS/TX output to a pcap file. The
// packets run through a driver session (host/driver_session.h).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "driver/report.h"
#include "host/cli.h"
#include "host/driver_session.h"

namespace bpfnic {

struct RunArgs {
    std::string object;
    std::string prog;
    std::string engine = "interp";
    std::optional<std::string> pcap, gen, out;
    uint32_t repeat = 1;
    std::vector<std::string> map_inits;  ///< NAME=FILE
    bool verify = true;                  ///< run the verifier first (--no-verify: off)
    bool no_packets = false;             ///< load only: maps as loaded (and filled from map_inits)
    std::optional<std::string> trace;    ///< hw: FST waveform file
    std::string init_option = "map";     ///< the NAME=FILE option's name, for messages
};

/// Adds --prog, --engine, --pcap, --gen, --repeat and the NAME=FILE map option (init_option
/// names it: "map" for run, "init" for map dump).
void add_run_options(boost::program_options::options_description& desc, const char* init_option);

/// Reads the options add_run_options added; throws Error (BadInput) on conflicting or invalid
/// values.
RunArgs run_args_from(const boost::program_options::variables_map& vm, const char* init_option);

/// A finished run: its report, and the device and session it ran on (the program and its maps
/// stay loaded until this goes away).
struct FinishedRun {
    RunReport report;
    std::unique_ptr<Device> device;
    std::unique_ptr<Session> session;
};

/// Loads the object on the driver, fills maps from args.map_inits, runs every packet of the input
/// and returns the run (PASS and TX packets written to args.out when set). Shows progress on a
/// terminal.
FinishedRun execute_run(const RunArgs& args, Cli& cli);

/// Fills the program's maps from NAME=FILE arguments (a report's map object or an entries array).
void fill_maps(bpfnic_prog* prog, const std::vector<std::string>& map_inits, const char* option);

}  // namespace bpfnic
