// SPDX-License-Identifier: MIT
// Program handles: load with the offload decision (card, or the JIT with the reason), unload,
// and swap (on the card between packets, keeping maps both programs declare alike).
#include <algorithm>
#include <cerrno>
#include <cstddef>

#include "compiler/loader.h"
#include "driver/api/internal.h"
#include "driver/api/map_state.h"
#include "driver/api/offload.h"
#ifdef BPFNIC_HAVE_CARD
#include "driver/api/card_target.h"
#include "firmware/card.h"
#endif

using namespace bpfnic;
using namespace bpfnic::api;

namespace {

struct LoadChoice {
    const char* prog_name = nullptr;
    bpfnic_offload offload = BPFNIC_OFFLOAD_AUTO;
    bool xcheck = false;
};

int read_opts(const bpfnic_prog_load_opts* opts, LoadChoice& c) {
    if (!opts) return 0;
    if (opts->sz < offsetof(bpfnic_prog_load_opts, xcheck) + sizeof(bool))
        return fail(-EINVAL, "prog load: opts.sz " + std::to_string(opts->sz) + " is too small");
    if (opts->offload != BPFNIC_OFFLOAD_AUTO && opts->offload != BPFNIC_OFFLOAD_REQUIRE && opts->offload != BPFNIC_OFFLOAD_NEVER)
        return fail(-EINVAL, "prog load: offload " + std::to_string(static_cast<int>(opts->offload)) + " is not auto, require or never");
    c = LoadChoice{opts->prog_name, opts->offload, opts->xcheck};
    return 0;
}

/// Index of the program to load, or -1 (message recorded).
long find_entry(const Object& obj, const char* name) {
    if (obj.programs.empty()) return fail(-ENOENT, obj.path + ": no programs"), -1;
    if (!name) return 0;
    const Program* p = obj.find_program(name);
    if (!p) return fail(-ENOENT, obj.path + ": no program named '" + name + "'"), -1;
    return static_cast<long>(p - obj.programs.data());
}

/// The software side of a program: the JIT (primary unless offloaded) and, for the cross-check,
/// the interpreter as reference (and the JIT beside the card).
void build_software(bpfnic_prog& p, bool xcheck, bpfnic_prog* carry_from) {
    std::vector<std::unique_ptr<EngineTarget>> sw;
    if (!p.offloaded || xcheck) {
        try {
            // Programs the verifier did not check (raw ones, no program type) run on the
            // interpreter: it bounds-checks every access and stops a run at its instruction
            // budget, where the JIT would trust the program (docs/reliability.md).
            if (p.obj.programs[p.entry].type == ProgType::Unspec)
                throw Error(ErrorKind::Unsupported, "unverified programs do not run on the JIT");
            sw.push_back(std::make_unique<EngineTarget>("jit", p.obj, p.entry));
        } catch (const Error& e) {
            // A program the JIT cannot take (callx, which it runs only verified) runs on the interpreter.
            if (e.kind() != ErrorKind::Rejected && e.kind() != ErrorKind::Unsupported) throw;
            if (!xcheck) sw.push_back(std::make_unique<EngineTarget>("interp", p.obj, p.entry));
        }
    }
    EngineTarget* reference = nullptr;
    if (xcheck) {
        sw.push_back(std::make_unique<EngineTarget>("interp", p.obj, p.entry));
        reference = sw.back().get();
    }
    // Maps both programs declare alike keep their contents (as the firmware does on the card).
    if (carry_from) {
        for (auto& n : sw) {
            EngineTarget* old = nullptr;
            for (auto& o : carry_from->software)
                if (std::string(o->name()) == n->name()) old = o.get();
            if (!old && !carry_from->software.empty()) old = carry_from->software.front().get();
            if (!old) continue;
            for (size_t i = 0; i < n->maps().size(); ++i)
                for (size_t j = 0; j < old->maps().size(); ++j)
                    if (!n->maps().at(i).def().read_only && same_map_shape(n->maps().at(i).def(), old->maps().at(j).def()))
                        copy_map_entries(old->maps().at(j), n->maps().at(i));
        }
    }
    p.software = std::move(sw);
    if (!p.offloaded) p.primary = p.software.front().get();
    std::unique_ptr<CrossCheck> xc;
    if (reference) {
#ifdef BPFNIC_HAVE_CARD
        xc = std::make_unique<CrossCheck>(p.obj, p.entry, *reference, fw::Card::kLanes);
#else
        xc = std::make_unique<CrossCheck>(p.obj, p.entry, *reference);
#endif
        if (p.xcheck) xc->continue_from(p.xcheck->report());
    }
    p.xcheck = std::move(xc);
}

void build_maps(bpfnic_prog& p) {
    p.maps.clear();
    for (size_t i = 0; i < p.obj.maps.size(); ++i)
        p.maps.push_back(std::make_unique<bpfnic_map>(bpfnic_map{&p, static_cast<uint32_t>(i), p.obj.maps[i]}));
}

}  // namespace

int bpfnic_prog__load(bpfnic_dev* dev, const char* obj_path, const bpfnic_prog_load_opts* opts, bpfnic_prog** prog) {
    clear_error();
    if (!obj_path) return fail(-EINVAL, "prog load: obj_path is null");
    try {
        const Object obj = load_object(obj_path);
        return bpfnic_prog__load_object(dev, obj, opts, prog);
    } catch (const Error& e) {
        return fail(errno_of(e), e.what());
    }
}

int bpfnic_prog__load_object(bpfnic_dev* dev, const Object& obj, const bpfnic_prog_load_opts* opts, bpfnic_prog** prog) {
    clear_error();
    if (!dev || !prog) return fail(-EINVAL, "prog load: null argument");
    *prog = nullptr;
    LoadChoice c;
    if (const int rc = read_opts(opts, c)) return rc;
    const long entry = find_entry(obj, c.prog_name);
    if (entry < 0) return -ENOENT;
    auto p = std::make_unique<bpfnic_prog>();
    p->dev = dev;
    p->obj = obj;
    p->entry = static_cast<size_t>(entry);
    p->name = obj.programs[p->entry].name;
    try {
        OffloadPlan plan;
        if (c.offload == BPFNIC_OFFLOAD_NEVER) {
            verify_or_throw(p->obj, p->entry);
            p->fallback_reason = "offload=never";
        } else if (!dev->card) {
            verify_or_throw(p->obj, p->entry);
            plan.refusal = Refusal{-1, "no card: " + dev->why_no_hardware};
        } else if (dev->offloaded) {
            if (c.offload == BPFNIC_OFFLOAD_REQUIRE)
                return fail(-EBUSY, p->name + ": the card already runs '" + dev->offloaded->name + "' (swap or unload it)");
            verify_or_throw(p->obj, p->entry);
            plan.refusal = Refusal{-1, "the card already runs '" + dev->offloaded->name + "'"};
        } else {
#ifdef BPFNIC_HAVE_CARD
            plan = plan_offload(p->obj, p->entry, fw::Card::kLanes);
#endif
        }
        if (plan.refusal) {
            p->refusal = plan.refusal;
            p->fallback_reason = plan.refusal->text();
            if (c.offload == BPFNIC_OFFLOAD_REQUIRE)
                return fail(-EOPNOTSUPP, p->name + ": cannot be offloaded: " + p->fallback_reason);
        }
#ifdef BPFNIC_HAVE_CARD
        if (c.offload != BPFNIC_OFFLOAD_NEVER && !plan.refusal && dev->card) {
            std::string msg;
            if (const int rc = dev->card->load_and_start(plan.image, msg)) {
                dev->card->reset();
                if (c.offload == BPFNIC_OFFLOAD_REQUIRE) return fail(rc, p->name + ": the card refused the image: " + msg);
                // offload=auto: the program runs on the JIT, saying why.
                p->refusal = Refusal{-1, "the card refused the image: " + msg};
                p->fallback_reason = p->refusal->text();
                ++dev->faults.fallbacks;
                dev->faults.note("fallback", p->name + ": " + p->fallback_reason + " (running on the JIT)");
            } else {
                p->offloaded = true;
                p->bundles = plan.bundles;
                p->primary = dev->card.get();
                dev->offloaded = p.get();
            }
        }
#endif
        build_software(*p, c.xcheck, nullptr);
    } catch (const Error& e) {
        if (p->offloaded) {
            dev->offloaded = nullptr;
#ifdef BPFNIC_HAVE_CARD
            dev->card->reset();
#endif
        }
        return fail(errno_of(e), e.what());
    }
    build_maps(*p);
    dev->progs.push_back(p.get());
    *prog = p.release();
    return 0;
}

void bpfnic_prog__unload(bpfnic_prog* prog) {
    if (!prog) return;
    bpfnic_dev* dev = prog->dev;
    if (dev->offloaded == prog) {
        dev->offloaded = nullptr;
#ifdef BPFNIC_HAVE_CARD
        try {
            dev->card->reset();
        } catch (const std::exception&) {
            // The program is gone from the host's view either way.
        }
#endif
    }
    dev->progs.erase(std::remove(dev->progs.begin(), dev->progs.end(), prog), dev->progs.end());
    delete prog;
}

const char* bpfnic_prog__name(const bpfnic_prog* prog) { return prog ? prog->name.c_str() : ""; }
bool bpfnic_prog__offloaded(const bpfnic_prog* prog) { return prog && prog->offloaded; }
const char* bpfnic_prog__fallback_reason(const bpfnic_prog* prog) { return prog ? prog->fallback_reason.c_str() : ""; }
int64_t bpfnic_prog__fallback_insn(const bpfnic_prog* prog) { return prog && prog->refusal ? prog->refusal->pc : -1; }
uint32_t bpfnic_prog__bundles(const bpfnic_prog* prog) { return prog ? prog->bundles : 0; }
const char* bpfnic_prog__engine(const bpfnic_prog* prog) { return prog && prog->primary ? prog->primary->name() : ""; }

int bpfnic_prog__swap(bpfnic_prog* prog, const char* obj_path, const bpfnic_prog_load_opts* opts) {
    clear_error();
    if (!obj_path) return fail(-EINVAL, "prog swap: obj_path is null");
    try {
        const Object obj = load_object(obj_path);
        return bpfnic_prog__swap_object(prog, obj, opts);
    } catch (const Error& e) {
        return fail(errno_of(e), e.what());
    }
}

int bpfnic_prog__swap_object(bpfnic_prog* prog, const Object& obj, const bpfnic_prog_load_opts* opts) {
    clear_error();
    if (!prog) return fail(-EINVAL, "prog swap: prog is null");
    LoadChoice c;
    if (const int rc = read_opts(opts, c)) return rc;
    const long entry = find_entry(obj, c.prog_name);
    if (entry < 0) return -ENOENT;
    // The replacement, built aside: the running program stays until the new one is in place.
    auto next = std::make_unique<bpfnic_prog>();
    next->dev = prog->dev;
    next->obj = obj;
    next->entry = static_cast<size_t>(entry);
    next->name = obj.programs[next->entry].name;
    next->offloaded = prog->offloaded;
    next->xcheck = std::move(prog->xcheck);
    try {
        if (prog->offloaded) {
#ifdef BPFNIC_HAVE_CARD
            const OffloadPlan plan = plan_offload(next->obj, next->entry, fw::Card::kLanes);
            if (plan.refusal) {
                prog->xcheck = std::move(next->xcheck);
                return fail(-EOPNOTSUPP, next->name + ": cannot be offloaded: " + plan.refusal->text() +
                                             " (the running program is unchanged)");
            }
            std::string msg;
            if (const int rc = prog->dev->card->swap(plan.image, msg)) {
                prog->xcheck = std::move(next->xcheck);
                return fail(rc, next->name + ": the card refused the swap: " + msg + " (the running program is unchanged)");
            }
            next->bundles = plan.bundles;
            next->primary = prog->primary;
#endif
        } else {
            verify_or_throw(next->obj, next->entry);
            next->fallback_reason = prog->fallback_reason;
        }
        build_software(*next, next->xcheck != nullptr || c.xcheck, prog);
    } catch (const Error& e) {
        if (!prog->xcheck) prog->xcheck = std::move(next->xcheck);
        return fail(errno_of(e), e.what());
    }
    // The handle now names the new program.
    prog->obj = std::move(next->obj);
    prog->entry = next->entry;
    prog->name = next->name;
    prog->bundles = next->bundles;
    prog->fallback_reason = next->fallback_reason;
    prog->refusal = next->refusal;
    prog->software = std::move(next->software);
    prog->primary = prog->offloaded ? next->primary : prog->software.front().get();
    prog->xcheck = std::move(next->xcheck);
    build_maps(*prog);
    return 0;
}

int bpfnic_prog__swap_image(bpfnic_prog* prog, const std::vector<uint8_t>& image) {
    clear_error();
    if (!prog) return fail(-EINVAL, "prog swap: prog is null");
    if (!prog->offloaded) return fail(-EOPNOTSUPP, prog->name + ": not on the card: images swap only there");
#ifdef BPFNIC_HAVE_CARD
    std::string msg;
    if (const int rc = prog->dev->card->swap(image, msg))
        return fail(rc, prog->name + ": the card refused the swap: " + msg + " (the running program is unchanged)");
    return 0;
#else
    (void)image;
    return fail(-EOPNOTSUPP, "no card");
#endif
}

int bpfnic_prog__xcheck_report(const bpfnic_prog* prog, bpfnic_xcheck_report* report) {
    clear_error();
    if (!prog || !report) return fail(-EINVAL, "xcheck report: null argument");
    if (!prog->xcheck) return fail(-EINVAL, prog->name + ": not loaded in cross-check mode");
    *report = prog->xcheck->report();
    return 0;
}
