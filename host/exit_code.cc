// SPDX-License-Identifier: MIT
// ErrorKind to exit code.
#include "host/exit_code.h"

namespace bpfnic {

int exit_code_for(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::BadInput: return exit_code::kBadInput;
        case ErrorKind::NotFound: return exit_code::kNotFound;
        case ErrorKind::Rejected: return exit_code::kRejected;
        case ErrorKind::Unsupported: return exit_code::kUnsupported;
        case ErrorKind::Runtime: return exit_code::kRuntime;
        case ErrorKind::Internal: return exit_code::kInternal;
    }
    return exit_code::kInternal;
}

}  // namespace bpfnic
