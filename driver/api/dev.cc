// SPDX-License-Identifier: MIT
// Device handles: open (the process's card, or software only), close, capabilities, counters.
#include <cerrno>
#include <cstddef>

#include "driver/api/internal.h"
#ifdef BPFNIC_HAVE_CARD
#include "driver/api/card_target.h"
#include "firmware/card.h"
#endif

using namespace bpfnic;
using namespace bpfnic::api;

namespace {
bool g_card_held = false;  // one card per process, one holder at a time
}

bpfnic_dev::~bpfnic_dev() = default;

std::vector<bpfnic::api::Target*> bpfnic_prog::targets() {
    std::vector<api::Target*> out{primary};
    for (auto& s : software)
        if (s.get() != primary) out.push_back(s.get());
    return out;
}

int bpfnic_dev__open(const bpfnic_dev_opts* opts, bpfnic_dev** dev) {
    clear_error();
    if (!dev) return fail(-EINVAL, "dev__open: dev is null");
    *dev = nullptr;
    bool hardware = true;
    if (opts) {
        if (opts->sz < offsetof(bpfnic_dev_opts, hardware) + sizeof(bool))
            return fail(-EINVAL, "dev__open: opts.sz " + std::to_string(opts->sz) + " is too small");
        hardware = opts->hardware;
    }
    auto d = std::make_unique<bpfnic_dev>();
#ifdef BPFNIC_HAVE_CARD
    if (hardware) {
        if (g_card_held) return fail(-EBUSY, "dev__open: the card is already open in this process");
        try {
            d->card = std::make_unique<CardTarget>(fw::Card::get(), d->faults);
            d->card->clear_faults();
            d->card->reset();
            d->card->set_cycle_budget(CardTarget::kDefaultCycleBudget);
        } catch (const Error& e) {
            return fail(errno_of(e), std::string("dev__open: ") + e.what());
        } catch (const std::exception& e) {
            return fail(-EIO, std::string("dev__open: the card model failed: ") + e.what());
        }
        g_card_held = true;
        d->hardware = true;
    } else {
        d->why_no_hardware = "the device was opened without hardware (bpfnic_dev_opts.hardware = false)";
    }
#else
    (void)hardware;
    d->why_no_hardware = "this build has no simulated card (BPFNIC_HW=OFF)";
#endif
    *dev = d.release();
    return 0;
}

void bpfnic_dev__close(bpfnic_dev* dev) {
    if (!dev) return;
    while (!dev->progs.empty()) bpfnic_prog__unload(dev->progs.back());
#ifdef BPFNIC_HAVE_CARD
    if (dev->card) {
        try {
            dev->card->clear_faults();
            dev->card->reset();
        } catch (const std::exception&) {
            // The handle goes away regardless; the next open resets the card again.
        }
        g_card_held = false;
    }
#endif
    delete dev;
}

int bpfnic_dev__caps(bpfnic_dev* dev, bpfnic_caps* caps) {
    clear_error();
    if (!dev || !caps) return fail(-EINVAL, "dev__caps: null argument");
    *caps = bpfnic_caps{};
#ifdef BPFNIC_HAVE_CARD
    if (dev->card) {
        try {
            return dev->card->caps(*caps);
        } catch (const Error& e) {
            return fail(errno_of(e), e.what());
        }
    }
#endif
    caps->why_no_hardware = dev->why_no_hardware;
    return 0;
}

int bpfnic_dev__counters(bpfnic_dev* dev, bpfnic_counters* out) {
    clear_error();
    if (!dev || !out) return fail(-EINVAL, "dev__counters: null argument");
#ifdef BPFNIC_HAVE_CARD
    if (dev->card) {
        try {
            *out = bpfnic_counters{};
            dev->card->counters(*out);
            dev->faults.fill(*out);
            return 0;
        } catch (const Error& e) {
            return fail(errno_of(e), e.what());
        }
    }
#endif
    return fail(-ENODEV, "dev__counters: no card: " + dev->why_no_hardware);
}

int bpfnic_dev__advance(bpfnic_dev* dev, double ns) {
    clear_error();
    if (!dev) return fail(-EINVAL, "dev__advance: dev is null");
#ifdef BPFNIC_HAVE_CARD
    if (dev->card) {
        dev->card->advance(ns);
        return 0;
    }
#endif
    (void)ns;
    return fail(-ENODEV, "dev__advance: no card: " + dev->why_no_hardware);
}

int bpfnic_dev__inject_fault(bpfnic_dev* dev, const bpfnic_fault* fault) {
    clear_error();
    if (!dev || !fault) return fail(-EINVAL, "dev__inject_fault: null argument");
    if (fault->sz < offsetof(bpfnic_fault, bit) + sizeof(uint8_t))
        return fail(-EINVAL, "dev__inject_fault: fault.sz " + std::to_string(fault->sz) + " is too small");
#ifdef BPFNIC_HAVE_CARD
    if (dev->card) {
        try {
            dev->card->inject(*fault);
            return 0;
        } catch (const Error& e) {
            return fail(errno_of(e), e.what());
        }
    }
#endif
    return fail(-ENODEV, "dev__inject_fault: faults are injected on the card: " + dev->why_no_hardware);
}

int bpfnic_dev__fault_log(bpfnic_dev* dev, std::vector<bpfnic_fault_event>* events) {
    clear_error();
    if (!dev || !events) return fail(-EINVAL, "dev__fault_log: null argument");
    *events = dev->faults.log;
    return 0;
}

int bpfnic_dev__set_cycle_budget(bpfnic_dev* dev, uint32_t cycles) {
    clear_error();
    if (!dev) return fail(-EINVAL, "dev__set_cycle_budget: dev is null");
#ifdef BPFNIC_HAVE_CARD
    if (dev->card) {
        dev->card->set_cycle_budget(cycles);
        return 0;
    }
#endif
    (void)cycles;
    return fail(-ENODEV, "dev__set_cycle_budget: the budget is the card's: " + dev->why_no_hardware);
}
