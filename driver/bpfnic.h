// SPDX-License-Identifier: MIT
// The bpfnic host driver API: one header, one prefix (bpfnic_), opaque handles and negative errno
// returns, in libbpf's manner. Open the device, query what the card offers, load a program with
// offload=auto|require|never (a program the card cannot run falls back to the asmjit engine and
// says why: instruction index and cause), run packets through it (as BPF_PROG_TEST_RUN does, one
// at a time or in batches; on the card they travel through descriptor rings in host memory by
// DMA), read and write its maps with the kernel's errno codes, read counters, swap programs under
// traffic, and cross-check every packet between the card, the JIT and the interpreter.
// docs/driver-api.md is the guide; docs/mailbox.md the protocol underneath.
//
// Ownership and order: a bpfnic_dev outlives the programs loaded on it (close unloads them); a
// bpfnic_map belongs to its program. Every call that fails returns -errno and leaves a message for
// bpfnic_last_error(). Not thread-safe: one thread drives one device.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/program.h"
#include "driver/exec_env.h"

struct bpfnic_dev;
struct bpfnic_prog;
struct bpfnic_map;

/// Where a program runs.
enum bpfnic_offload {
    BPFNIC_OFFLOAD_AUTO = 0,     ///< on the card when it can run the program, else the JIT (with the reason)
    BPFNIC_OFFLOAD_REQUIRE = 1,  ///< on the card or not at all (-EOPNOTSUPP with the reason)
    BPFNIC_OFFLOAD_NEVER = 2,    ///< on the JIT
};

/// Options structs begin with their size, as libbpf's do: fill with the *_OPTS() macro.
#define BPFNIC_OPTS_INIT(TYPE) \
    ([] {                      \
        TYPE o_{};             \
        o_.sz = sizeof(TYPE);  \
        return o_;             \
    }())

struct bpfnic_dev_opts {
    size_t sz;
    /// Use the simulated card when the build has it (BPFNIC_HW); false: software engines only.
    bool hardware = true;
};
#define BPFNIC_DEV_OPTS() BPFNIC_OPTS_INIT(bpfnic_dev_opts)

/// What the device offers (bpfnic_dev__caps).
struct bpfnic_caps {
    bool hardware = false;          ///< a card is present (else everything runs in software)
    unsigned lanes = 0;             ///< slots per bundle of the card's core
    unsigned ports = 0;             ///< Ethernet ports
    uint32_t imem_bundles = 0;      ///< instruction memory depth
    uint32_t max_maps = 0;          ///< maps the map unit configures
    uint32_t nic_version = 0;       ///< major << 16 | minor
    uint32_t firmware_version = 0;
    std::vector<uint32_t> map_types;  ///< kernel map type numbers the map unit supports
    std::vector<int32_t> helpers;     ///< helper ids with a helper unit
    std::string why_no_hardware;      ///< when hardware is false
};

struct bpfnic_prog_load_opts {
    size_t sz;
    const char* prog_name = nullptr;          ///< function or section name; null: the first program
    bpfnic_offload offload = BPFNIC_OFFLOAD_AUTO;
    /// Run every packet also on the JIT and the interpreter and compare (bpfnic_prog__xcheck_report).
    bool xcheck = false;
};
#define BPFNIC_PROG_LOAD_OPTS() BPFNIC_OPTS_INIT(bpfnic_prog_load_opts)

/// One run, as BPF_PROG_TEST_RUN's attributes.
struct bpfnic_test_run_opts {
    size_t sz;
    const void* data_in = nullptr;
    uint32_t data_size_in = 0;
    void* data_out = nullptr;        ///< may be null
    uint32_t data_size_out = 0;      ///< in: buffer size; out: bytes of the output packet (-ENOSPC if larger)
    uint32_t repeat = 1;
    uint32_t retval = 0;             ///< out: the XDP action
    uint64_t duration = 0;           ///< out: ns per run (simulated time on the card, wall time in software)
    uint64_t cycles = 0;             ///< out: core cycles of the last run (card only)
    bpfnic::RedirectTarget redirect; ///< out: where XDP_REDIRECT sent it
};
#define BPFNIC_TEST_RUN_OPTS() BPFNIC_OPTS_INIT(bpfnic_test_run_opts)

/// Verdict counts (the kernel's xdp_action names).
struct bpfnic_verdicts {
    uint64_t aborted = 0, drop = 0, pass = 0, tx = 0, redirect = 0;
    uint64_t total() const { return aborted + drop + pass + tx + redirect; }
};

/// Result of a batch: counts and the frames that came out, in order per destination.
struct bpfnic_batch_result {
    uint64_t packets_in = 0;
    bpfnic_verdicts verdicts;
    std::vector<std::vector<uint8_t>> passed;       ///< XDP_PASS frames delivered to the host
    std::vector<std::vector<uint8_t>> transmitted;  ///< XDP_TX frames
    std::vector<std::vector<uint8_t>> redirected;   ///< XDP_REDIRECT frames
    uint64_t cycles = 0;                            ///< core cycles (card only)
    double duration_ns = 0;                         ///< simulated (card) or wall (software) time
    /// Accounting (docs/reliability.md): packets_in == verdicts.total() + errors, and
    /// verdicts.pass == passed.size() + pass_lost.
    uint64_t errors = 0;      ///< packets that got no verdict (the card could not fetch them)
    uint64_t pass_lost = 0;   ///< XDP_PASS frames not delivered (no RX descriptor, DMA error)
    uint64_t replayed = 0;    ///< packets run again after a card reset (their first outcome discarded)
};

/// Device counters (bpfnic_dev__counters).
struct bpfnic_counters {
    uint64_t rx_frames = 0, rx_bytes = 0;
    bpfnic_verdicts verdicts;
    uint64_t rx_no_desc = 0, rx_too_big = 0, host_rx = 0, host_tx = 0, wire_tx = 0;
    uint64_t dma_reads = 0, dma_writes = 0;
    uint64_t core_cycles = 0, core_insns = 0, core_bundles = 0, core_packets = 0, core_errors = 0;
    uint64_t fw_loads = 0, fw_swaps = 0, fw_images_refused = 0, fw_commands_refused = 0, fw_map_ops = 0, fw_maps_kept = 0;
    /// The driver's own counters (docs/reliability.md): faults it saw and what it did. They survive
    /// card resets, which clear the card's counters above; without a card they stay 0.
    uint64_t faults_image = 0, faults_mailbox = 0, faults_dma = 0, faults_reset = 0, faults_bounds = 0, faults_budget = 0;
    uint64_t recoveries = 0, fallbacks = 0, packets_replayed = 0, packets_lost = 0;
    uint64_t tx_errors = 0;   ///< packets whose frame the card could not fetch (DMA error)
    uint64_t rx_errors = 0;   ///< XDP_PASS frames the card could not deliver (DMA error)
    uint64_t rx_dropped = 0;  ///< XDP_PASS frames dropped for lack of an RX descriptor (ring overflow)
};

/// One engine's result for one packet, as the cross-check compares them.
struct bpfnic_packet_result {
    uint32_t verdict = 0;
    std::vector<uint8_t> data;           ///< the frame that left (pass, tx, redirect)
    bpfnic::RedirectTarget redirect;
    std::vector<uint64_t> map_digests;   ///< per map, after the packet
};

/// Cross-check summary (bpfnic_prog__xcheck_report).
struct bpfnic_xcheck_report {
    std::vector<std::string> engines;    ///< reference (interp) first
    uint64_t packets = 0;
    uint64_t mismatches = 0;             ///< packets where any engine differed from the interpreter
    // The first mismatch:
    uint64_t first_packet = 0;
    std::vector<uint8_t> first_input;
    std::string first_engine;            ///< the engine that differed
    std::string first_what;              ///< "verdict", "data", "length", "redirect" or "map NAME"
    bpfnic_packet_result first_expected, first_actual;
    /// The hw engine with co-simulation on, re-running that packet: the first diverging instruction
    /// and its values, or why co-simulation could not show one.
    std::string first_divergence;
};

/// The message of the last failed call on this thread ("" when none).
const char* bpfnic_last_error();

/// Opens the device. There is one card per process: a second open while one is held gives -EBUSY.
/// @param[in] opts  may be null (defaults)
/// @param[out] dev  the handle, owned by the caller until bpfnic_dev__close
int bpfnic_dev__open(const bpfnic_dev_opts* opts, bpfnic_dev** dev);
/// Unloads every program of the device (the card is reset) and frees the handle. Null is a no-op.
void bpfnic_dev__close(bpfnic_dev* dev);
int bpfnic_dev__caps(bpfnic_dev* dev, bpfnic_caps* caps);
/// The card's counters (-ENODEV without a card).
int bpfnic_dev__counters(bpfnic_dev* dev, bpfnic_counters* out);

/// Loads a program from an object file (libbpf-style ELF) or an already loaded Object.
/// @param[out] prog  the handle, owned by the caller until bpfnic_prog__unload
/// @retval -ENOENT no such file or program; -EINVAL bad object; -EACCES the verifier rejected it;
///         -EOPNOTSUPP offload=require and the card cannot run it; -EBUSY the card already runs a
///         program (swap it instead)
int bpfnic_prog__load(bpfnic_dev* dev, const char* obj_path, const bpfnic_prog_load_opts* opts, bpfnic_prog** prog);
int bpfnic_prog__load_object(bpfnic_dev* dev, const bpfnic::Object& obj, const bpfnic_prog_load_opts* opts,
                             bpfnic_prog** prog);
/// Stops and unloads (the card is free again). Null is a no-op.
void bpfnic_prog__unload(bpfnic_prog* prog);

const char* bpfnic_prog__name(const bpfnic_prog* prog);
bool bpfnic_prog__offloaded(const bpfnic_prog* prog);
/// Why the program is not on the card ("" when it is): "instruction N: cause" or a whole-program cause.
const char* bpfnic_prog__fallback_reason(const bpfnic_prog* prog);
/// The instruction the refusal names (-1 for whole-program causes or when offloaded).
int64_t bpfnic_prog__fallback_insn(const bpfnic_prog* prog);
/// Where the program runs: "hw" (the card), "jit", or "interp" (programs the JIT cannot take, such
/// as callx ones, which it runs only verified).
const char* bpfnic_prog__engine(const bpfnic_prog* prog);
/// Bundles of the compiled program (0 when not compiled).
uint32_t bpfnic_prog__bundles(const bpfnic_prog* prog);

/// Runs one packet (repeat times; outputs of the last run).
int bpfnic_prog__run(bpfnic_prog* prog, bpfnic_test_run_opts* opts);
/// Runs packets as traffic: on the card they are queued on the TX ring as fast as it drains.
int bpfnic_prog__run_batch(bpfnic_prog* prog, const std::vector<std::vector<uint8_t>>& packets,
                           bpfnic_batch_result* result);

/// Traffic in flight (card only): queue packets without waiting for them, then collect.
/// @retval packets queued, or -ENOSPC when the TX ring cannot hold them
int bpfnic_prog__send(bpfnic_prog* prog, const std::vector<std::vector<uint8_t>>& packets);
/// Runs the card for about `ns` of simulated time (frames move meanwhile).
int bpfnic_dev__advance(bpfnic_dev* dev, double ns);
/// Waits until every queued packet went through and collects what came out.
int bpfnic_prog__collect(bpfnic_prog* prog, bpfnic_batch_result* result);

/// Replaces the program by the one in `obj_path`/`obj` between two packets. On the card no packet
/// is lost or run twice, and maps the two programs declare alike (name, type, sizes) keep their
/// contents; a program that cannot be offloaded, or an image the firmware refuses, leaves the
/// running program untouched. The handle then names the new program.
int bpfnic_prog__swap(bpfnic_prog* prog, const char* obj_path, const bpfnic_prog_load_opts* opts);
int bpfnic_prog__swap_object(bpfnic_prog* prog, const bpfnic::Object& obj, const bpfnic_prog_load_opts* opts);
/// Swaps in raw firmware image bytes (as `bpfnic compile -o` writes), for testing the firmware's
/// checks; the program's maps must match the image's.
int bpfnic_prog__swap_image(bpfnic_prog* prog, const std::vector<uint8_t>& image);

/// Cross-check results since load (-EINVAL when loaded without xcheck).
int bpfnic_prog__xcheck_report(const bpfnic_prog* prog, bpfnic_xcheck_report* report);

/// The program's map of that name, or null (errno-style: bpfnic_last_error says why).
bpfnic_map* bpfnic_prog__map(bpfnic_prog* prog, const char* name);
std::vector<std::string> bpfnic_prog__map_names(const bpfnic_prog* prog);
const bpfnic::MapDef* bpfnic_map__def(const bpfnic_map* map);
/// Bytes of a host-side value (value_size, or the per-CPU layout).
uint32_t bpfnic_map__value_size(const bpfnic_map* map);

/// Kernel semantics and errno codes, the same for maps on the card and in software.
int bpfnic_map__lookup_elem(bpfnic_map* map, const void* key, size_t key_sz, void* value, size_t value_sz);
int bpfnic_map__update_elem(bpfnic_map* map, const void* key, size_t key_sz, const void* value, size_t value_sz,
                            uint64_t flags);
int bpfnic_map__delete_elem(bpfnic_map* map, const void* key, size_t key_sz);
/// key null: the first key. -ENOENT after the last.
int bpfnic_map__get_next_key(bpfnic_map* map, const void* key, void* next_key, size_t key_sz);

// ---- Sessions: a program over a stream of packets, for tools (driver/api/session*.cc) ----------
// What a command-line tool needs beyond the calls above: the engine chosen by name (the
// interpreter included), each packet's result with faults reported, time per engine, the card's
// core counters (instructions, cycles, stall cycles by cause) over the session, the cross-check
// through the driver, and an FST waveform of the core running the session's packets.

struct bpfnic_session;

struct bpfnic_session_opts {
    size_t sz;
    const char* prog_name = nullptr;  ///< function or section name; null: the first program
    /// "hw" (offload=auto: the card, else the JIT with the reason), "jit" (offload=never),
    /// "interp" (the bounds-checking interpreter) or "xcheck" (offload=auto, cross-checked).
    const char* engine = "hw";
    bool verify = true;               ///< false: load without the verifier ("interp" only)
    uint32_t repeat = 1;              ///< runs per packet (the outputs are the last run's)
    /// When set (the program must be on the card): every packet is also replayed on the card's
    /// core model with FST tracing into this file (the card model has no waveform output).
    const char* trace_path = nullptr;
};
#define BPFNIC_SESSION_OPTS() BPFNIC_OPTS_INIT(bpfnic_session_opts)

/// One packet's result (the card's, or the JIT's when not offloaded; in cross-check mode the
/// first engine compared with the interpreter).
struct bpfnic_session_packet {
    uint32_t verdict = 0;
    std::vector<uint8_t> data;       ///< the frame that left (pass, tx, redirect)
    bpfnic::RedirectTarget redirect;
    uint64_t cycles = 0;             ///< core cycles of the last run (card only)
    /// Instructions the last run executed: on engine "hw" with the program on the card the core's
    /// retired instructions (compiled program); in cross-check mode the reference's (interpreter's)
    /// count; on the interpreter its count; 0 from the JIT, which does not count.
    uint64_t insns = 0;
};

/// Stall cycles of the card's core by cause.
struct bpfnic_stalls {
    uint64_t load_use = 0, divide = 0, helper = 0, extension = 0, atomic = 0, branch_flush = 0, stack_scrub = 0;
};

/// The card's core counters (BAR0, read without a mailbox command).
struct bpfnic_core_counters {
    uint64_t cycles = 0, bundles = 0, insns = 0, packets = 0, errors = 0;
    bpfnic_stalls stalls;
};

/// Wall (software) or simulated (card) time one engine spent on the session's runs.
struct bpfnic_engine_time {
    std::string engine;
    uint64_t runs = 0;
    double ns_total = 0;
};

struct bpfnic_session_stats {
    uint64_t packets = 0;
    bpfnic_verdicts verdicts;                 ///< of the packets' results
    std::vector<bpfnic_engine_time> engines;  ///< every engine, the cross-check's reference first
    bool on_card = false;                     ///< the program runs on the card: `core` is set
    bpfnic_core_counters core;                ///< counted over every run since the session opened
    uint64_t trace_lines = 0, perf_records = 0;  ///< bpf_trace_printk lines, perf records (software)
    /// Instructions executed in software, one run per packet (the last of its repeats): the
    /// interpreter's count (the cross-check's reference in that mode), every eBPF instruction.
    /// insns_counted is false when no interpreter ran (the JIT alone, or the card alone: then
    /// `core.insns` counts the card's retired instructions).
    uint64_t insns = 0;
    bool insns_counted = false;
};

/// Loads the program of `obj` on the engine named in opts.
/// @retval -ENOENT no such program or engine; -EINVAL verify=false off the interpreter, or a
///         trace without the card; -EACCES the verifier rejected it; -EOPNOTSUPP trace_path set
///         and the program is not on the card (the message says why)
int bpfnic_session__open(bpfnic_dev* dev, const bpfnic::Object& obj, const bpfnic_session_opts* opts,
                         bpfnic_session** session);
/// Unloads the program and frees the session. Null is a no-op.
void bpfnic_session__close(bpfnic_session* session);
/// The loaded program: its maps, offload facts and cross-check report through the calls above.
bpfnic_prog* bpfnic_session__prog(bpfnic_session* session);
/// The engines the packets run on, reference first in cross-check mode ("interp", "hw", "jit").
std::vector<std::string> bpfnic_session__engines(const bpfnic_session* session);
/// Runs one packet (opts.repeat times).
/// @retval -EINVAL empty or oversized packet; -EFAULT the engine faulted (an out-of-bounds
///         access the interpreter caught: the message names the engine and the instruction) or
///         the card did not finish; in cross-check mode a fault is an aborted verdict, compared
int bpfnic_session__run(bpfnic_session* session, const void* data, uint32_t size, bpfnic_session_packet* out);
int bpfnic_session__stats(bpfnic_session* session, bpfnic_session_stats* stats);
/// The card's core counters now (-ENODEV without a card).
int bpfnic_dev__core_counters(bpfnic_dev* dev, bpfnic_core_counters* out);

// ---- Fault injection and reliability (docs/reliability.md) ----

/// A fault to arm on the simulated card. Each breaks the real path it names; the driver notices
/// on its own, reports (bpfnic_dev__fault_log, bpfnic_counters.faults_*) and recovers.
enum bpfnic_fault_kind {
    BPFNIC_FAULT_IMAGE_BITFLIP = 1,   ///< the next image the card reads has bit `bit` of byte `offset` flipped
    BPFNIC_FAULT_IMAGE_TRUNCATE = 2,  ///< the next image the card reads stops after `offset` bytes
    BPFNIC_FAULT_MAILBOX_HANG = 3,    ///< the firmware stops answering at its next command
    BPFNIC_FAULT_DMA_TX = 4,          ///< fetching the frame of the packet sent `after_packets` from now fails
    BPFNIC_FAULT_DMA_RX = 5,          ///< delivering the `after_packets`-th XDP_PASS frame from now fails
    BPFNIC_FAULT_RESET = 6,           ///< the card resets itself once it has received `after_packets` more frames
};

struct bpfnic_fault {
    size_t sz;
    bpfnic_fault_kind kind = BPFNIC_FAULT_IMAGE_BITFLIP;
    uint64_t after_packets = 0;  ///< DMA_TX, DMA_RX (0: the next one), RESET (at least 1)
    uint32_t offset = 0;         ///< IMAGE_*: byte offset (bit flip: taken modulo the image size)
    uint8_t bit = 0;             ///< IMAGE_BITFLIP: bit 0..7
};
#define BPFNIC_FAULT() BPFNIC_OPTS_INIT(bpfnic_fault)

/// Arms a fault (-ENODEV without a card, -EINVAL for a bad kind or field).
int bpfnic_dev__inject_fault(bpfnic_dev* dev, const bpfnic_fault* fault);

/// One fault the driver saw: its kind ("image", "mailbox", "dma", "reset", "bounds", "budget",
/// "ring") and what happened and what the driver did.
struct bpfnic_fault_event {
    std::string kind;
    std::string message;
};
/// The device's fault events, oldest first (the latest 256).
int bpfnic_dev__fault_log(bpfnic_dev* dev, std::vector<bpfnic_fault_event>* events);

/// The card's per-packet cycle budget (default 10,000,000; 0 turns it off): a run that reaches it
/// is stopped as XDP_ABORTED and counted in faults_budget (-ENODEV without a card). Software
/// engines stop unverified programs at the interpreter's instruction budget (2^26).
int bpfnic_dev__set_cycle_budget(bpfnic_dev* dev, uint32_t cycles);
