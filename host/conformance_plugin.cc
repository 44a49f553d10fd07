// SPDX-License-Identifier: MIT
// bpfnic-conformance-plugin: the bpf_conformance plugin protocol over bpfnic's engines.
//   bpfnic-conformance-plugin [MEMORY-HEX] [--engine interp|jit|hw]  < PROGRAM-HEX
// The program (space-separated hex bytes) comes on stdin, the memory in the first argument. Prints
// r0 in hex and exits 0, or prints the error on stderr and exits 1 (rejected or failed) / 2 (bad
// input or usage).
#include <iostream>
#include <iterator>
#include <string>

#include "compiler/error.h"
#include "driver/test_run.h"

int main(int argc, char** argv) {
    using namespace bpfnic;
    std::string engine_name = "interp";
    std::string memory_hex;
    bool have_memory = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--engine" && i + 1 < argc) {
            engine_name = argv[++i];
        } else if (a.rfind("--engine=", 0) == 0) {
            engine_name = a.substr(9);
        } else if (a == "--help" || a == "-h") {
            std::cout << "usage: bpfnic-conformance-plugin [MEMORY-HEX] [--engine interp|jit|hw] < PROGRAM-HEX\n\n"
                         "Runs one raw eBPF program (r1 = the memory, r2 = its length) and prints r0 in hex.\n"
                         "Exit codes: 0 ran, 1 rejected or failed, 2 bad input, 3 internal error.\n\n"
                         "Examples:\n"
                         "  echo \"b7 00 00 00 2a 00 00 00 95 00 00 00 00 00 00 00\" | bpfnic-conformance-plugin\n"
                         "  bpfnic-conformance-plugin \"01 02 03 04\" --engine jit < prog.hex\n";
            return 0;
        } else if (!have_memory && a.rfind("--", 0) != 0) {
            memory_hex = a;
            have_memory = true;
        } else if (a.rfind("--", 0) == 0) {
            // The suite's runner may pass options of its own (e.g. --elf); ignore unknown ones.
        }
    }
    try {
        const std::string program_hex((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
        const auto bytes = parse_hex_bytes(program_hex, "program");
        if (bytes.empty()) throw Error(ErrorKind::BadInput, "program: no instructions on standard input");
        if (bytes.size() % 8 != 0)
            throw Error(ErrorKind::BadInput, "program: " + std::to_string(bytes.size()) +
                                                 " bytes is not a whole number of 8-byte instructions");
        auto memory = parse_hex_bytes(memory_hex, "memory");

        Object obj;
        obj.path = "<stdin>";
        obj.programs.push_back({"conformance", "conformance", ProgType::Unspec, insns_from_bytes(bytes)});
        MapSet maps;
        auto engine = make_engine(engine_name);
        engine->load(obj, 0, maps, conformance_platform());
        ExecEnv env;
        const uint64_t r0 = test_run_raw(*engine, env, memory);
        std::cout << std::hex << "0x" << r0 << "\n";
        return 0;
    } catch (const Error& e) {
        std::cerr << e.what() << "\n";
        return e.kind() == ErrorKind::BadInput ? 2 : 1;
    } catch (const std::exception& e) {
        std::cerr << "internal error: " << e.what() << "\n";
        return 3;
    }
}
