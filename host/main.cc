// SPDX-License-Identifier: MIT
// bpfnic: the command-line entry point; everything happens in cli_main (host/cli.cc).
#include <iostream>

#include "host/cli.h"

int main(int argc, char** argv) { return bpfnic::cli_main(argc, argv, std::cout, std::cerr); }
