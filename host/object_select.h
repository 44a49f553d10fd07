// SPDX-License-Identifier: MIT
// Opening an object file for the command and choosing its programs, with the command's errors:
// a missing file is NotFound, an unreadable one BadInput, an unknown --prog NotFound naming the
// programs the object has.
#pragma once

#include <string>
#include <vector>

#include "compiler/program.h"

namespace bpfnic {

/// Loads the object (compiler/loader.h) after checking that the file exists.
Object open_object(const std::string& path);

/// The entry program to run: the one named (function or section name), else the first XDP
/// program. Throws Error (NotFound) when there is no such program or no XDP program.
size_t select_entry(const Object& obj, const std::string& name);

/// Runs the verifier over obj.programs[entry] for the software XDP platform; throws Error
/// (Rejected) "OBJ: PROG: rejected: instruction N: ..." when it refuses the program.
void verify_entry(const Object& obj, size_t entry);

/// Programs to show or verify: the one named, else all of them.
std::vector<size_t> select_programs(const Object& obj, const std::string& name);

}  // namespace bpfnic
