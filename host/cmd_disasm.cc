// SPDX-License-Identifier: MIT
// bpfnic disasm: an object's programs as text in llvm-objdump's syntax (or the conformance
// suite's), one instruction a line with its slot index; for a firmware image (bpfnic compile -o),
// its maps, entries and bundles.
#include <cstring>
#include <fstream>
#include <iterator>

#include <iostream>

#include "compiler/disasm.h"
#include "compiler/error.h"
#include "compiler/image.h"
#include "compiler/image_disasm.h"
#include "host/cli.h"
#include "host/exit_code.h"
#include "host/object_select.h"

namespace bpfnic {

namespace po = boost::program_options;

int cmd_disasm(const std::vector<std::string>& args, Cli& cli) {
    po::options_description desc("Options");
    desc.add_options()
        ("help,h", "show this help")
        ("prog", po::value<std::string>()->default_value(""), "program to show, by function or section name (default: all)")
        ("syntax", po::value<std::string>()->default_value("llvm"), "llvm (llvm-objdump) or conformance (the bpf_conformance suite's asm)");
    const auto vm = parse_args(args, desc, {"object"});
    if (vm.count("help")) {
        print_help(cli, "bpfnic disasm OBJ [--prog NAME] [--syntax llvm|conformance]", desc,
                   "  bpfnic disasm build/examples/xdp_pass.o\n"
                   "  bpfnic disasm build/examples/subprog.o --prog xdp_classify --syntax conformance\n"
                   "  bpfnic compile build/examples/xdp1.o -o xdp1.fw && bpfnic disasm xdp1.fw\n");
        return exit_code::kOk;
    }
    if (!vm.count("object")) throw Error(ErrorKind::BadInput, "disasm: no object file given (see 'bpfnic disasm --help')");
    const std::string syntax_name = vm["syntax"].as<std::string>();
    Syntax syntax;
    if (syntax_name == "llvm") syntax = Syntax::Llvm;
    else if (syntax_name == "conformance") syntax = Syntax::Conformance;
    else throw Error(ErrorKind::BadInput, "--syntax '" + syntax_name + "': must be llvm or conformance");

    const std::string path = vm["object"].as<std::string>();
    {
        std::ifstream f(path, std::ios::binary);
        char magic[8] = {};
        if (f && f.read(magic, 8) && std::memcmp(magic, Image::kMagic, 8) == 0) {
            f.seekg(0);
            const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
            cli.out << disassemble_image(parse_image(bytes, path));
            return exit_code::kOk;
        }
    }
    const Object obj = open_object(path);
    bool first = true;
    for (size_t i : select_programs(obj, vm["prog"].as<std::string>())) {
        const Program& p = obj.programs[i];
        if (!first) cli.out << "\n";
        first = false;
        cli.out << p.name << " (section " << p.section << ", " << prog_type_name(p.type) << ", " << p.insns.size()
                << " instructions):\n";
        for (size_t pc = 0; pc < p.insns.size(); ++pc) {
            const bool wide = p.insns[pc].opcode == (op::kClsLd | op::kSizeDW | op::kModeImm);
            if (wide && pc + 1 >= p.insns.size())
                throw Error(ErrorKind::BadInput, obj.path + ": " + p.name + ": instruction " + std::to_string(pc) +
                                                     ": lddw without its second half");
            std::string idx = std::to_string(pc);
            if (idx.size() < 5) idx.insert(0, 5 - idx.size(), ' ');
            cli.out << idx << ":\t" << format_insn(&p.insns[pc], pc, syntax) << "\n";
            if (wide) ++pc;
        }
    }
    return exit_code::kOk;
}

}  // namespace bpfnic
