// SPDX-License-Identifier: MIT
// The compiler's pass interface: every pass transforms a mir::Module in place and reports what
// it changed. The pipeline (pipeline.cc) lists the passes in order.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "compiler/mir.h"

namespace bpfnic::passes {

struct PassOptions {
    unsigned lanes = 4;
};

/// What a pass did, for reports ("removed 3 bounds checks").
struct PassStats {
    std::map<std::string, uint64_t> counts;
    void add(const std::string& what, uint64_t n = 1) { counts[what] += n; }
};

using PassFn = void (*)(mir::Module&, const PassOptions&, PassStats&);

// One entry point per pass (one file each in compiler/passes/).
void cfg(mir::Module& m, const PassOptions& o, PassStats& s);
void lower_maps(mir::Module& m, const PassOptions& o, PassStats& s);
void lower_lookups(mir::Module& m, const PassOptions& o, PassStats& s);
void forward_stores(mir::Module& m, const PassOptions& o, PassStats& s);
void dead_stores(mir::Module& m, const PassOptions& o, PassStats& s);
void remove_checks(mir::Module& m, const PassOptions& o, PassStats& s);
void lower_ctx(mir::Module& m, const PassOptions& o, PassStats& s);
void const_prop(mir::Module& m, const PassOptions& o, PassStats& s);
void copy_prop(mir::Module& m, const PassOptions& o, PassStats& s);
void fuse_counter(mir::Module& m, const PassOptions& o, PassStats& s);
void combine_copies(mir::Module& m, const PassOptions& o, PassStats& s);
void combine_stores(mir::Module& m, const PassOptions& o, PassStats& s);
void combine_loads(mir::Module& m, const PassOptions& o, PassStats& s);
void remove_zeroing(mir::Module& m, const PassOptions& o, PassStats& s);
void fuse_alu3(mir::Module& m, const PassOptions& o, PassStats& s);
void fuse_exit(mir::Module& m, const PassOptions& o, PassStats& s);
void fuse_bounds(mir::Module& m, const PassOptions& o, PassStats& s);
void dce(mir::Module& m, const PassOptions& o, PassStats& s);
void hoist(mir::Module& m, const PassOptions& o, PassStats& s);
void schedule(mir::Module& m, const PassOptions& o, PassStats& s);

}  // namespace bpfnic::passes
