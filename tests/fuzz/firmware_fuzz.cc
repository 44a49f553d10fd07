// SPDX-License-Identifier: MIT
// libFuzzer target for the card's firmware (needs BPFNIC_HW): arbitrary mailbox commands and
// arbitrary firmware images, sent through BAR0 and host memory exactly as the host driver does
// (driver/api/mailbox_client.h). The card runs a known program (xdp1, with a map entry written by
// the host after a dump of its maps was put at the driver's dump address) before every input. Input byte 0:
//  - even: a mailbox command: bytes 1-4 the command word, 5-68 the 16 argument words (zero
//    padded), the rest the data window;
//  - odd: an image, bytes 1 on, placed at the driver's image address and sent with kCmdSwap to
//    the running card, or (bit 1 set) with kCmdLoadImage to the stopped card, which then restarts.
// The firmware must answer every command (no hang, no crash), refuse with a status and, for the
// firmware's own refusals, a message in the data window; a refused command must leave the
// running program, its image and its maps as they were, and the card must still run packets.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "compiler/error.h"
#include "compiler/image.h"
#include "compiler/loader.h"
#include "compiler/passes/pipeline.h"
#include "compiler/platform.h"
#include "driver/api/mailbox_client.h"
#include "driver/api/rings.h"
#include "firmware/card.h"
#include "firmware/firmware.h"
#include "firmware/mailbox.h"

namespace {

using namespace bpfnic;
using api::MailboxClient;
using api::MailboxReply;
using Args = std::array<uint32_t, 16>;
namespace reg = sim::nic::reg;
namespace layout = api::layout;

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "firmware_fuzz: %s\n", what.c_str());
    std::abort();
}

std::string hex32(uint32_t v) {
    char b[16];
    std::snprintf(b, sizeof b, "0x%x", v);
    return b;
}

/// The card, the host's view of it, and the program it runs between inputs.
struct Bench {
    fw::Card& card = fw::Card::get();
    MailboxClient mbox{card};
    api::Rings rings{card};
    std::vector<uint8_t> image_bytes;
    Image image;
    std::vector<uint8_t> frame;
    bool dirty = false;  ///< the last input may have changed the card: restore before the next

    Bench() {
        const Object obj = load_object(std::string(BPFNIC_BINARY_DIR) + "/examples/xdp1.o");
        CompileOptions o;
        o.lanes = fw::Card::kLanes;
        const CompileResult r = compile_program(obj.programs.at(0), obj.maps, software_xdp_platform(), o);
        if (!r.offloadable) die("xdp1 does not compile for the card");
        image = r.image;
        image_bytes = serialize_image(r.image);
        // An IPv4 UDP frame: xdp1 counts it under protocol 17 and drops it.
        frame.assign(64, 0);
        frame[12] = 0x08;
        frame[14] = 0x45;
        frame[23] = 17;
        restore();
    }

    MailboxReply call(uint32_t cmd, const Args& a, const std::vector<uint8_t>& data = {}, uint32_t out = 0) {
        try {
            return mbox.call(cmd, a, data, out);
        } catch (const api::MailboxTimeout& e) {
            die("command " + hex32(cmd) + ": " + e.what());
        }
    }

    void expect_ok(uint32_t cmd, const MailboxReply& r, const char* what) {
        if (r.status != fw::kStOk) die(std::string(what) + " (command " + hex32(cmd) + ") failed: " + r.message);
    }

    int put_image(uint32_t cmd, const std::vector<uint8_t>& bytes, MailboxReply* reply = nullptr) {
        card.host_write(layout::kImageAddr, bytes.data(), bytes.size());
        Args a{};
        a[0] = static_cast<uint32_t>(layout::kImageAddr);
        a[1] = static_cast<uint32_t>(layout::kImageAddr >> 32);
        a[2] = static_cast<uint32_t>(bytes.size());
        const MailboxReply r = call(cmd, a, std::vector<uint8_t>(256, 0));  // a clean message area
        if (reply) *reply = r;
        return static_cast<int>(r.status);
    }

    /// Reset, load and start xdp1, give map 0 an entry, post the rings.
    void restore() {
        expect_ok(fw::kCmdReset, call(fw::kCmdReset, Args{}), "reset");
        card.write32(reg::kIrqStatus, ~0u);
        rings.setup();
        (void)card.take_wire();
        MailboxReply r;
        put_image(fw::kCmdLoadImage, image_bytes, &r);
        expect_ok(fw::kCmdLoadImage, r, "loading xdp1");
        expect_ok(fw::kCmdStart, call(fw::kCmdStart, Args{}), "start");
        // A dump of the maps as loaded, at the driver's dump address: a restore command finds a
        // well-formed dump there (which differs from the maps by the entry written next).
        Args d{};
        d[0] = static_cast<uint32_t>(layout::kDumpAddr);
        d[1] = static_cast<uint32_t>(layout::kDumpAddr >> 32);
        d[2] = 1u << 20;
        expect_ok(fw::kCmdMapDump, call(fw::kCmdMapDump, d), "map dump");
        Args a{};
        const MailboxReply info = call(fw::kCmdMapInfo, a);
        expect_ok(fw::kCmdMapInfo, info, "map info");
        std::vector<uint8_t> kv(info.args[1] + info.args[5], 0x11);
        std::memset(kv.data(), 0, info.args[1]);
        kv[0] = 6;  // key 6 (TCP) of xdp1's per-protocol counters
        expect_ok(fw::kCmdMapUpdate, call(fw::kCmdMapUpdate, a, kv), "map update");
    }

    bool at_baseline() {
        const uint32_t status = card.read32(reg::kStatus);
        return (status & sim::nic::kStatusEnabled) && card.firmware().has_program() && card.firmware().image() == image;
    }

    std::vector<uint8_t> digest() {
        const MailboxReply r = call(fw::kCmdMapDigest, Args{}, {}, 8 * 16);
        expect_ok(fw::kCmdMapDigest, r, "map digest");
        r.args[0] <= 16 ? void() : die("more maps than expected");
        return std::vector<uint8_t>(r.data.begin(), r.data.begin() + 8 * r.args[0]);
    }

    uint64_t verdicts() {
        uint64_t n = 0;
        for (uint32_t c = sim::nic::kCntAborted; c <= sim::nic::kCntRedirect; ++c) n += card.read64(reg::kNicCounters + 8 * c);
        return n;
    }

    /// One frame through the loopback cable into the program: it must get a verdict other than
    /// aborted.
    void check_runs(const std::string& after) {
        const uint64_t before = verdicts();
        const uint64_t aborted = card.read64(reg::kNicCounters + 8 * sim::nic::kCntAborted);
        if (!rings.post_tx(frame, fw::Card::kLoopbackPort)) {
            (void)rings.reap_tx();
            if (!rings.post_tx(frame, fw::Card::kLoopbackPort)) die(after + ": the TX ring stays full");
        }
        if (!card.run_until_idle(5e6)) die(after + ": the card does not go idle");
        (void)rings.reap_tx();
        (void)rings.reap_rx();
        if (verdicts() != before + 1) die(after + ": a frame did not reach the program");
        if (card.read64(reg::kNicCounters + 8 * sim::nic::kCntAborted) != aborted) die(after + ": the program aborted");
    }
};

Bench& bench() {
    static Bench b;
    return b;
}

/// Refusals that carry the firmware's message (an unknown command included).
bool firmware_refusal(uint32_t status) {
    return status == fw::kStUnsupported || status == fw::kStBadArgs || status == fw::kStBadImage || status == fw::kStNoProgram ||
           status == fw::kStBusy || status == fw::kStNoMap;
}

/// Commands that leave the program, its image and its maps' definitions alone when they succeed.
bool keeps_program(uint32_t cmd) {
    switch (cmd) {
        case fw::kCmdCaps:
        case fw::kCmdMapLookup:
        case fw::kCmdMapUpdate:
        case fw::kCmdMapDelete:
        case fw::kCmdMapNextKey:
        case fw::kCmdMapInfo:
        case fw::kCmdMapDigest:
        case fw::kCmdCounters:
        case fw::kCmdFwCounters: return true;
        default: return false;
    }
}

/// Commands that change no map when they succeed.
bool reads_only(uint32_t cmd) {
    return keeps_program(cmd) && cmd != fw::kCmdMapUpdate && cmd != fw::kCmdMapDelete;
}

/// BPFNIC_FUZZ_VERBOSE=1 prints every answer (to see what a corpus exercises).
void trace(const MailboxReply& r, const std::string& what) {
    static const bool on = std::getenv("BPFNIC_FUZZ_VERBOSE") != nullptr;
    if (on) std::fprintf(stderr, "%s: status %u %s\n", what.c_str(), r.status, r.message.c_str());
}

void check_refusal(const MailboxReply& r, const std::string& what) {
    trace(r, what);
    if (!firmware_refusal(r.status)) return;
    // The window was cleared before the command (commands send at least 256 bytes, zero padded),
    // and MailboxClient substitutes the status name for an empty window: the firmware's own text
    // is longer, printable, and names what it refused.
    bool printable = !r.message.empty();
    for (char c : r.message) printable = printable && c >= 0x20 && c < 0x7f;
    if (!printable || r.message == fw::status_name(r.status))
        die(what + ": refused with status " + std::to_string(r.status) + " but no message");
}

void mailbox_command(Bench& b, const uint8_t* data, size_t size) {
    uint32_t cmd = 0;
    std::memcpy(&cmd, data, std::min<size_t>(size, 4));
    Args a{};
    if (size > 4) std::memcpy(a.data(), data + 4, std::min<size_t>(size - 4, sizeof a));
    std::vector<uint8_t> window;
    if (size > 4 + sizeof a) window.assign(data + 4 + sizeof a, data + std::min<size_t>(size, 4 + sizeof a + reg::kMboxDataBytes));
    if (window.size() < 256) window.resize(256, 0);  // no stale text where a message belongs
    const std::vector<uint8_t> digest_before = b.digest();
    const MailboxReply r = b.call(cmd, a, window, 256);
    const std::string what = "command " + hex32(cmd);
    check_refusal(r, what);
    if (r.status == fw::kStOk && !keeps_program(cmd)) {
        b.dirty = true;  // a new program, a stopped or reset card, or host memory written
        return;
    }
    if (!b.at_baseline()) die(what + " (status " + std::to_string(r.status) + ") changed the running program");
    if ((r.status != fw::kStOk || reads_only(cmd)) && b.digest() != digest_before)
        die(what + " (status " + std::to_string(r.status) + ") changed the maps");
    if (cmd == fw::kCmdMapDump) {
        b.dirty = true;  // a dump that failed part way may have written host memory (the rings)
        return;
    }
    b.check_runs(what);
}

void image(Bench& b, bool stopped, const uint8_t* data, size_t size) {
    const std::vector<uint8_t> bytes(data, data + size);
    const std::vector<uint8_t> digest_before = b.digest();
    MailboxReply r;
    if (stopped) {
        b.call(fw::kCmdStop, Args{});
        b.put_image(fw::kCmdLoadImage, bytes, &r);
    } else {
        b.put_image(fw::kCmdSwap, bytes, &r);
    }
    const std::string what = stopped ? "load of a fuzzed image" : "swap to a fuzzed image";
    check_refusal(r, what);
    if (r.status == fw::kStOk) {
        // Accepted: whatever it is must run (or trap) without breaking the card.
        b.dirty = true;
        if (stopped) b.call(fw::kCmdStart, Args{});
        (void)b.rings.post_tx(b.frame, fw::Card::kLoopbackPort);
        if (!b.card.run_until_idle(50e6)) die(what + ": the card does not go idle");
        return;
    }
    if (r.status != fw::kStBadImage && r.status != fw::kStBadArgs && r.status != fw::kStFailed)
        die(what + ": refused with status " + std::to_string(r.status) + ": " + r.message);
    if (stopped) b.expect_ok(fw::kCmdStart, b.call(fw::kCmdStart, Args{}), "restart after a refused load");
    if (!b.at_baseline()) die(what + ": the refused image replaced the running program");
    if (b.digest() != digest_before) die(what + ": the refused image changed the maps");
    b.check_runs(what);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    Bench& b = bench();
    if (b.dirty || !b.at_baseline()) {
        b.restore();
        b.dirty = false;
    }
    if (data[0] & 1)
        image(b, data[0] & 2, data + 1, size - 1);
    else
        mailbox_command(b, data + 1, size - 1);
    return 0;
}
