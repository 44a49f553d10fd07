// SPDX-License-Identifier: MIT
// The bpfnic command's exit codes (documented in docs/cli.md) and their mapping from
// bpfnic::ErrorKind.
#pragma once

#include "compiler/error.h"

namespace bpfnic {

namespace exit_code {
inline constexpr int kOk = 0;
inline constexpr int kRejected = 1;     ///< verifier rejection, cross-check mismatch
inline constexpr int kBadInput = 2;     ///< malformed input or bad usage
inline constexpr int kNotFound = 3;     ///< no such file, program, map or engine
inline constexpr int kUnsupported = 4;  ///< valid, but the engine cannot run it
inline constexpr int kRuntime = 5;      ///< a fault while running
inline constexpr int kInternal = 70;    ///< a bug of bpfnic (EX_SOFTWARE)
inline constexpr int kRegressFailed = 10;  ///< regress/merge: a case failed (mismatch, unmet expectation)
inline constexpr int kRegressInfra = 11;   ///< regress/merge: a case could not run, or results are missing
}  // namespace exit_code

int exit_code_for(ErrorKind kind);

}  // namespace bpfnic
