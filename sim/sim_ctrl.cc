// SPDX-License-Identifier: MIT
// SimCtrl: clock, reset, tracing and the extension calls.
#include "sim/sim_ctrl.h"

#include <cstring>

namespace bpfnic::sim {

SimCtrl::~SimCtrl() {
    trace_off();
    if (!finished_) top_.finish();
}

bool SimCtrl::parse_args(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (std::strncmp(argv[i], "+trace=", 7) == 0 && !trace_on(argv[i] + 7)) return false;
    }
    for (SimExtension* e : exts_) {
        if (!e->parse_args(argc, argv)) return false;
    }
    return true;
}

void SimCtrl::reset(unsigned cycles) {
    top_.set_reset_n(false);
    top_.set_clock(false);
    top_.eval();
    for (unsigned i = 0; i < cycles; ++i) tick();
    top_.set_reset_n(true);
    top_.eval();
}

void SimCtrl::tick() {
    top_.set_clock(false);
    top_.eval();
    if (tracing_) top_.trace_dump(time_);
    ++time_;
    top_.set_clock(true);
    top_.eval();
    if (tracing_) top_.trace_dump(time_);
    ++time_;
    ++cycle_;
    for (SimExtension* e : exts_) e->on_clock(cycle_);
}

bool SimCtrl::trace_on(const std::string& path) {
    if (tracing_) return true;
    tracing_ = top_.trace_open(path);
    return tracing_;
}

void SimCtrl::trace_off() {
    if (!tracing_) return;
    top_.trace_close();
    tracing_ = false;
}

void SimCtrl::pre_exec() {
    for (SimExtension* e : exts_) e->pre_exec();
}

void SimCtrl::post_exec() {
    for (SimExtension* e : exts_) e->post_exec();
}

}  // namespace bpfnic::sim
