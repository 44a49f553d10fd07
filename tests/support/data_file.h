// SPDX-License-Identifier: MIT
// Reader of the bpf_conformance ".data" test format, shared by the project's own corpus
// (tests/data/) and the conformance suite. A file is a sequence of sections, each opened by a line
// "-- NAME":
//   -- asm      the program in the suite's assembly syntax
//   -- raw      the program as 64-bit instruction words (0x...), one or more a line; replaces asm
//   -- mem      input memory as hex bytes (raw mode: r1 points to a copy, r2 holds its length)
//   -- packet   input packet as hex bytes: run as XDP (r1 = struct xdp_md) instead of raw mode
//   -- result   expected r0 (hex "0x..", decimal, or negative decimal: two's complement)
//   -- error    expected error: a text that the engine's error message must contain
//   -- c        C source the program came from (informational)
//   -- no ENGINE WHY   this engine does not run the file, for the reason WHY (lines after it
//                      until the next section continue the reason)
// Lines starting with '#' are comments, except inside "-- c". Text before the first section is the
// file's header (SPDX line and a description of what the file checks).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/isa.h"

namespace bpfnic::tests {

struct DataFile {
    std::string name;         ///< file name relative to the corpus root ("alu32/add32.data")
    std::string description;  ///< header comment lines, without '#', SPDX and copyright lines
    std::string license;      ///< the header's SPDX-License-Identifier value ("MIT"), or empty
    std::string asm_text;     ///< body of "-- asm" (comments kept: the assembler skips them)
    bool has_asm = false;
    std::vector<RawInsn> raw;  ///< body of "-- raw"
    bool has_raw = false;
    std::vector<uint8_t> mem;
    std::vector<uint8_t> packet;
    bool has_packet = false;
    std::optional<uint64_t> result;
    std::optional<std::string> error;
    std::string c_source;
    std::map<std::string, std::string> opt_outs;  ///< engine -> reason

    /// The reason this engine must not run the file, or nullopt.
    std::optional<std::string> opted_out(const std::string& engine) const;
};

/// Parses the text of a .data file; throws bpfnic::Error(BadInput) naming the file, line and
/// section of any malformed content (unknown section, bad hex, no program, no expectation).
DataFile parse_data_file(const std::string& text, const std::string& name);

/// Reads and parses root/relative_name.
DataFile read_data_file(const std::string& root, const std::string& relative_name);

/// Every *.data file below root (recursively), as sorted paths relative to root.
std::vector<std::string> list_data_files(const std::string& root);


}  // namespace bpfnic::tests
