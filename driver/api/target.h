// SPDX-License-Identifier: MIT
// Target: one place a loaded program runs, behind the public API: the card (through rings and the
// mailbox) or a software engine (the JIT, the interpreter) with its own maps. The API's program
// handle holds a primary target and, in cross-check mode, the others, and drives them alike.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "compiler/program.h"
#include "driver/engine.h"
#include "driver/exec_env.h"
#include "driver/maps.h"
#include "driver/xdp_buff.h"

namespace bpfnic::api {

/// What one packet did on one target.
struct PacketOutcome {
    uint32_t verdict = 0;              ///< XDP action; invalid actions and faults count as aborted (0)
    std::vector<uint8_t> data;         ///< the frame that left (pass, tx, redirect), else empty
    RedirectTarget redirect;           ///< for XDP_REDIRECT
    uint64_t cycles = 0;               ///< core cycles (card)
    /// Instructions executed: on the card the core's retired instructions (of the compiled
    /// program: a fused pair counts once); in software the engine's own count (the interpreter's,
    /// every eBPF instruction; the JIT does not count and leaves 0).
    uint64_t insns = 0;
    double duration_ns = 0;
    std::string fault;                 ///< the engine's message when the run faulted
};

class Target {
public:
    virtual ~Target() = default;
    virtual const char* name() const = 0;
    virtual PacketOutcome run(const std::vector<uint8_t>& packet) = 0;
    /// Map i of the program; kernel errno semantics (0 or -errno).
    virtual int map_lookup(uint32_t map, const void* key, void* value) = 0;
    virtual int map_update(uint32_t map, const void* key, const void* value, uint64_t flags) = 0;
    virtual int map_delete(uint32_t map, const void* key) = 0;
    virtual int map_next_key(uint32_t map, const void* key, void* next) = 0;
    virtual uint32_t map_value_size(uint32_t map) = 0;
    /// map_digest() of every map, after the last run.
    virtual std::vector<uint64_t> map_digests() = 0;
};

/// A software engine ("jit" or "interp") running obj.programs[entry] on maps of its own.
class EngineTarget final : public Target {
public:
    EngineTarget(const std::string& engine, const Object& obj, size_t entry);
    const char* name() const override { return name_.c_str(); }
    PacketOutcome run(const std::vector<uint8_t>& packet) override;
    int map_lookup(uint32_t map, const void* key, void* value) override;
    int map_update(uint32_t map, const void* key, const void* value, uint64_t flags) override;
    int map_delete(uint32_t map, const void* key) override;
    int map_next_key(uint32_t map, const void* key, void* next) override;
    uint32_t map_value_size(uint32_t map) override;
    std::vector<uint64_t> map_digests() override;

    MapSet& maps() { return *maps_; }
    ExecEnv& env() { return env_; }
    /// Takes the contents of every map of `from` (same object) and its deterministic sources.
    void copy_state_from(EngineTarget& from);

private:
    Map* map_at(uint32_t i);

    std::string name_;
    std::unique_ptr<MapSet> maps_;
    std::unique_ptr<Engine> engine_;
    ExecEnv env_;
    XdpBuff buff_;
};

}  // namespace bpfnic::api
