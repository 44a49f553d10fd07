// SPDX-License-Identifier: MIT
// The compiler pipeline: capability check, the passes in order (pipeline.cc lists them), schedule,
// emission. Each pass can be dumped (--dump-after=PASS) or turned off to measure what it buys.
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "compiler/capability.h"
#include "compiler/image.h"
#include "compiler/platform.h"
#include "compiler/program.h"

namespace bpfnic {
struct Facts;

struct CompileOptions {
    unsigned lanes = 4;
    std::string dump_after;             ///< a pass name or "all": the module after it goes to *dump
    std::ostream* dump = nullptr;
    std::vector<std::string> disable;   ///< optional passes to skip
};

struct PassReport {
    std::string name;
    size_t insns = 0;                   ///< instructions after the pass
    std::map<std::string, uint64_t> counts;
};

struct CompileResult {
    bool offloadable = false;
    std::optional<Refusal> refusal;     ///< why not, when not offloadable
    bool verifier_rejected = false;     ///< the refusal is the verifier's (compile_program)
    size_t source_insns = 0;            ///< eBPF instructions in (an lddw counts once)
    size_t insns = 0;                   ///< instructions after the passes
    uint32_t bundles = 0;
    unsigned lanes = 0;
    double static_ipc = 0;              ///< insns / bundles
    std::vector<PassReport> passes;
    Image image;
};

struct PassInfo {
    const char* name;
    const char* summary;
    bool optional;  ///< may be disabled
};
/// Every pass, in pipeline order.
const std::vector<PassInfo>& pipeline_passes();

/// Compiles a program for `target` (a platform with hw set). `facts` from the verifier enable the
/// passes that rely on proofs (may be null). Throws Error(BadInput) for bad options.
CompileResult compile(const Program& prog, const std::vector<MapDef>& maps, const Platform& target, const Facts* facts,
                      const CompileOptions& opts);

/// Verifies `prog` on `software` (for its facts) and compiles it for the matching hardware
/// platform. A program the verifier rejects is refused with the verifier's instruction and reason;
/// `verify = false` compiles without facts (the passes that need proofs do nothing).
CompileResult compile_program(const Program& prog, const std::vector<MapDef>& maps, const Platform& software,
                              const CompileOptions& opts, bool verify = true);

}  // namespace bpfnic
