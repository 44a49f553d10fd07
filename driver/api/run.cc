// SPDX-License-Identifier: MIT
// Runs: one packet as BPF_PROG_TEST_RUN, batches, and traffic in flight on the card.
#include <cerrno>
#include <cstring>

#include "driver/api/fallback.h"
#include "driver/api/internal.h"
#include "driver/test_run.h"
#ifdef BPFNIC_HAVE_CARD
#include "driver/api/card_target.h"
#endif

using namespace bpfnic;
using namespace bpfnic::api;

void bpfnic::api::count_verdict(bpfnic_verdicts& v, uint32_t verdict) {
    switch (verdict) {
        case kXdpDrop: ++v.drop; break;
        case kXdpPass: ++v.pass; break;
        case kXdpTx: ++v.tx; break;
        case kXdpRedirect: ++v.redirect; break;
        default: ++v.aborted; break;
    }
}

namespace {

PacketOutcome run_packet(bpfnic_prog& p, const std::vector<uint8_t>& packet) {
    if (p.xcheck) {
        std::vector<Target*> others;
        for (Target* t : p.targets())
            if (std::string(t->name()) != "interp") others.push_back(t);
        return p.xcheck->run(packet, others);
    }
    return p.primary->run(packet);
}

/// A software engine's fault (the card's own are counted where it runs) in the device's counters
/// and fault log: the packet is XDP_ABORTED, the next one runs normally.
void note_fault(bpfnic_prog& p, const PacketOutcome& o) {
    if (o.fault.empty() || std::string(p.primary->name()) == "hw") return;
    FaultStats& f = p.dev->faults;
    if (o.fault.find("budget") != std::string::npos) {
        ++f.faults_budget;
        f.note("budget", p.name + " on " + p.primary->name() + ": " + o.fault + ": the packet is XDP_ABORTED");
    } else if (o.fault.find("out-of-bounds") != std::string::npos) {
        ++f.faults_bounds;
        f.note("bounds", p.name + " on " + p.primary->name() + ": " + o.fault + ": the packet is XDP_ABORTED");
    } else {
        f.note("engine", p.name + " on " + p.primary->name() + ": " + o.fault + ": the packet is XDP_ABORTED");
    }
}

/// Runs packets one by one on the program's software primary, adding to `r`.
void run_software(bpfnic_prog& prog, const std::vector<std::vector<uint8_t>>& packets, bpfnic_batch_result& r) {
    for (const auto& pkt : packets) {
        const PacketOutcome o = run_packet(prog, pkt);
        note_fault(prog, o);
        ++r.packets_in;
        count_verdict(r.verdicts, o.verdict);
        r.cycles += o.cycles;
        r.duration_ns += o.duration_ns;
        if (o.verdict == kXdpPass) r.passed.push_back(o.data);
        if (o.verdict == kXdpTx) r.transmitted.push_back(o.data);
        if (o.verdict == kXdpRedirect) r.redirected.push_back(o.data);
    }
}

}  // namespace

int bpfnic_prog__run(bpfnic_prog* prog, bpfnic_test_run_opts* opts) {
    clear_error();
    if (!prog || !opts) return fail(-EINVAL, "prog run: null argument");
    if (opts->sz < offsetof(bpfnic_test_run_opts, redirect) + sizeof(RedirectTarget))
        return fail(-EINVAL, "prog run: opts.sz " + std::to_string(opts->sz) + " is too small");
    if (!opts->data_in || opts->data_size_in == 0) return fail(-EINVAL, "prog run: no packet (data_in is empty)");
    if (opts->data_size_in > XdpBuff::kMaxPacket)
        return fail(-EINVAL, "prog run: packet of " + std::to_string(opts->data_size_in) + " bytes exceeds " +
                                 std::to_string(XdpBuff::kMaxPacket));
    const auto* in = static_cast<const uint8_t*>(opts->data_in);
    const std::vector<uint8_t> packet(in, in + opts->data_size_in);
    const uint32_t repeat = opts->repeat ? opts->repeat : 1;
    PacketOutcome out;
    double total_ns = 0;
    auto runs = [&] {
        total_ns = 0;
        for (uint32_t i = 0; i < repeat; ++i) {
            out = run_packet(*prog, packet);
            note_fault(*prog, out);
            total_ns += out.duration_ns;
        }
    };
    try {
        try {
            runs();
#ifdef BPFNIC_HAVE_CARD
        } catch (const CardLost& e) {
            (void)fall_back_to_software(*prog, e.what());  // the run starts over in software
            runs();
#endif
        }
    } catch (const Error& e) {
        return fail(errno_of(e), prog->name + ": " + e.what());
    }
    opts->retval = out.verdict;
    opts->duration = static_cast<uint64_t>(total_ns / repeat);
    opts->cycles = out.cycles;
    opts->redirect = out.redirect;
    const uint32_t room = opts->data_size_out;
    opts->data_size_out = static_cast<uint32_t>(out.data.size());
    if (opts->data_out && !out.data.empty()) {  // an empty vector's data() may be null: no memcpy
        std::memcpy(opts->data_out, out.data.data(), std::min<size_t>(room, out.data.size()));
        if (out.data.size() > room) return fail(-ENOSPC, prog->name + ": data_out holds " + std::to_string(room) +
                                                             " bytes, the packet has " + std::to_string(out.data.size()));
    }
    return 0;
}

int bpfnic_prog__run_batch(bpfnic_prog* prog, const std::vector<std::vector<uint8_t>>& packets,
                           bpfnic_batch_result* result) {
    clear_error();
    if (!prog || !result) return fail(-EINVAL, "prog run batch: null argument");
    *result = bpfnic_batch_result{};
    for (size_t i = 0; i < packets.size(); ++i)
        if (packets[i].empty() || packets[i].size() > XdpBuff::kMaxPacket)
            return fail(-EINVAL, prog->name + ": packet " + std::to_string(i) + " of " + std::to_string(packets[i].size()) +
                                     " bytes: every engine takes 1.." + std::to_string(XdpBuff::kMaxPacket));
    try {
#ifdef BPFNIC_HAVE_CARD
        if (prog->offloaded && !prog->xcheck) {
            // Traffic: keep the TX ring full, collect whenever it is.
            auto* card = static_cast<CardTarget*>(prog->primary);
            size_t i = 0;
            std::vector<std::vector<uint8_t>> again;
            try {
                for (; i < packets.size(); ++i) {
                    while (!card->send(packets[i])) card->collect(*result);
                }
                card->collect(*result);
                return 0;
            } catch (const CardLost& e) {
                // The traffic in flight and the rest run in software.
                again = fall_back_to_software(*prog, e.what());
            }
            again.insert(again.end(), packets.begin() + static_cast<std::ptrdiff_t>(i), packets.end());
            run_software(*prog, again, *result);
            return 0;
        }
#endif
        run_software(*prog, packets, *result);
    } catch (const Error& e) {
        return fail(errno_of(e), prog->name + ": " + e.what());
    }
    return 0;
}

int bpfnic_prog__send(bpfnic_prog* prog, const std::vector<std::vector<uint8_t>>& packets) {
    clear_error();
    if (!prog) return fail(-EINVAL, "prog send: prog is null");
#ifdef BPFNIC_HAVE_CARD
    if (prog->offloaded) {
        auto* card = static_cast<CardTarget*>(prog->primary);
        int sent = 0;
        try {
            for (const auto& pkt : packets) {
                if (pkt.empty() || pkt.size() > XdpBuff::kMaxPacket)
                    return sent ? sent : fail(-EINVAL, prog->name + ": packet of " + std::to_string(pkt.size()) +
                                                           " bytes: every engine takes 1.." + std::to_string(XdpBuff::kMaxPacket));
                if (!card->send(pkt))
                    return sent ? sent : fail(-ENOSPC, prog->name + ": the TX ring is full (collect first)");
                ++sent;
            }
        } catch (const CardLost& e) {
            try {
                prog->pending = fall_back_to_software(*prog, e.what());
            } catch (const Error& e2) {
                return fail(errno_of(e2), prog->name + ": " + e2.what());
            }
            return fail(-EIO, prog->name + ": " + e.what() + ": the program now runs in software; the packets in flight run "
                                                            "there at the next collect");
        } catch (const Error& e) {
            return fail(errno_of(e), prog->name + ": " + e.what());
        }
        return sent;
    }
#endif
    (void)packets;
    return fail(-EOPNOTSUPP, prog->name + ": traffic in flight needs the program on the card");
}

int bpfnic_prog__collect(bpfnic_prog* prog, bpfnic_batch_result* result) {
    clear_error();
    if (!prog || !result) return fail(-EINVAL, "prog collect: null argument");
#ifdef BPFNIC_HAVE_CARD
    try {
        if (prog->offloaded) {
            try {
                static_cast<CardTarget*>(prog->primary)->collect(*result);
                return 0;
            } catch (const CardLost& e) {
                prog->pending = fall_back_to_software(*prog, e.what());
            }
        }
        if (!prog->pending.empty()) {
            // In flight on a card that was lost: they run in software now.
            const auto pending = std::move(prog->pending);
            prog->pending.clear();
            run_software(*prog, pending, *result);
            return 0;
        }
    } catch (const Error& e) {
        return fail(errno_of(e), prog->name + ": " + e.what());
    }
#endif
    return fail(-EOPNOTSUPP, prog->name + ": traffic in flight needs the program on the card");
}
