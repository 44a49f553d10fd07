// SPDX-License-Identifier: MIT
// The project's error type: every user-triggerable failure carries a kind (which becomes the CLI's
// exit code and the API's negative errno) and a message naming the file, section, instruction or
// field at fault.
#pragma once

#include <stdexcept>
#include <string>

namespace bpfnic {

enum class ErrorKind {
    BadInput,     ///< unreadable or malformed input: missing file, not ELF, bad pcap, bad option
    NotFound,     ///< no such program, section, map or key
    Rejected,     ///< the verifier refused the program
    Unsupported,  ///< valid, but this engine or the hardware cannot run it
    Runtime,      ///< a fault while running (out-of-bounds access in a checking engine, budget exceeded)
    Internal,     ///< a bug of bpfnic itself
};

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& msg) : std::runtime_error(msg), kind_(kind) {}
    ErrorKind kind() const { return kind_; }

private:
    ErrorKind kind_;
};

}  // namespace bpfnic
