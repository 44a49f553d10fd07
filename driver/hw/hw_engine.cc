// SPDX-License-Identifier: MIT
// HwEngine: program relocation and bundling, packet and raw-memory staging, run and results.
#ifdef BPFNIC_HAVE_HW

#include "driver/hw/hw_engine.h"

#include <cstring>

#include "compiler/error.h"
#include "compiler/ir.h"
#include "sim/address_map.h"
#include "sim/retire_tracer.h"

namespace bpfnic {

namespace A = sim::addr;

namespace {
constexpr uint32_t kImemDepth = 4096;   // bundles (bpfnic_core IMEM_DEPTH)
constexpr uint64_t kRawOffset = 256;    // raw memory starts after the packet headroom

[[noreturn]] void unsupported(const Program& p, size_t pc, const std::string& why) {
    throw Error(ErrorKind::Unsupported, "hw: " + p.name + ": instruction " + std::to_string(pc) + ": " + why);
}

bool map_type_ok(uint32_t t) {
    return t != map_type::kProgArray && t != map_type::kArrayOfMaps && t != map_type::kHashOfMaps;
}
}  // namespace

HwEngine::HwEngine(Options o) : opts_(o) {
    try {
        dev_ = std::make_unique<sim::Device>(o.lanes);
    } catch (const std::invalid_argument& e) {
        throw Error(ErrorKind::Unsupported, std::string("hw: ") + e.what());
    }
}

HwEngine::~HwEngine() = default;

std::vector<uint64_t> HwEngine::bundle_program(const Program& prog, unsigned lanes, const MapSet& maps,
                                               const Platform& platform, const HelperTable& helpers) {
    const auto errors = validate(prog.insns);
    if (!errors.empty()) throw Error(ErrorKind::BadInput, "hw: " + prog.name + ": " + errors.front());
    if (prog.insns.size() > kImemDepth)
        throw Error(ErrorKind::Unsupported, "hw: " + prog.name + ": " + std::to_string(prog.insns.size()) +
                                                " instructions exceed the instruction memory (" +
                                                std::to_string(kImemDepth) + " bundles)");
    std::vector<RawInsn> raw = prog.insns;
    const IrProgram ir = decode(raw);
    for (const IrInsn& ii : ir.insns) {
        const size_t pc = ii.pc;
        if (std::holds_alternative<Callx>(ii.ins)) unsupported(prog, pc, "callx is not implemented in hardware");
        if (std::holds_alternative<CallKfunc>(ii.ins)) unsupported(prog, pc, "kernel function calls are not supported");
        if (std::holds_alternative<PacketLoad>(ii.ins))
            unsupported(prog, pc, "legacy packet loads (ld_abs/ld_ind) are not implemented in hardware");
        if (auto c = std::get_if<Call>(&ii.ins)) {
            if (!platform.find_helper(c->helper) || !helpers.get(c->helper))
                unsupported(prog, pc, "unknown helper " + std::to_string(c->helper));
            if (c->helper == helper_id::kTailCall && platform.name != "conformance")
                unsupported(prog, pc, "tail calls are not implemented in hardware");
        }
        if (auto l = std::get_if<LoadImm64>(&ii.ins)) {
            uint64_t v = l->value();
            if (l->pseudo == op::kPseudoMapIdx || l->pseudo == op::kPseudoMapIdxValue) {
                if (l->imm_lo < 0 || static_cast<size_t>(l->imm_lo) >= maps.size())
                    throw Error(ErrorKind::BadInput, "hw: " + prog.name + ": instruction " + std::to_string(pc) +
                                                         ": map index " + std::to_string(l->imm_lo) + " out of range");
                const Map& m = maps.at(static_cast<size_t>(l->imm_lo));
                if (!map_type_ok(m.def().type))
                    unsupported(prog, pc, std::string("map type ") + map_type_name(m.def().type) +
                                              " is not supported by the map unit");
                if (l->pseudo == op::kPseudoMapIdx) {
                    v = HwMapMemory::handle(static_cast<uint32_t>(l->imm_lo));
                } else {
                    if (!const_cast<Map&>(m).array_base())
                        throw Error(ErrorKind::BadInput, "hw: " + prog.name + ": instruction " + std::to_string(pc) +
                                                             ": direct value access into a map without array storage");
                    v = A::map_region(static_cast<uint32_t>(l->imm_lo)) + static_cast<uint32_t>(l->imm_hi);
                }
            } else if (l->pseudo != op::kPseudoImm64) {
                unsupported(prog, pc, "lddw pseudo source " + std::to_string(l->pseudo) + " is not resolved");
            }
            raw[pc].src = 0;
            raw[pc].imm = static_cast<int32_t>(static_cast<uint32_t>(v));
            raw[pc + 1].imm = static_cast<int32_t>(static_cast<uint32_t>(v >> 32));
        }
    }
    std::vector<uint64_t> slots(raw.size() * lanes, 0);
    for (size_t i = 0; i < raw.size(); ++i) slots[i * lanes] = word_from_insn(raw[i]);
    // The second half of an lddw is never executed: its opcode 0 makes it a NOP bundle.
    return slots;
}

void HwEngine::load(const Object& obj, size_t entry, MapSet& maps, const Platform& platform) {
    if (entry >= obj.programs.size())
        throw Error(ErrorKind::NotFound, "hw: program index " + std::to_string(entry) + " out of range");
    const HelperTable& table = platform.name == conformance_platform().name ? conformance_helper_table()
                                                                            : xdp_helper_table();
    compiled_.reset();
    // Malformed programs are refused as BadInput on both paths (the compiler assumes valid input).
    const auto errors = validate(obj.programs[entry].insns);
    if (!errors.empty())
        throw Error(ErrorKind::BadInput, "hw: " + obj.programs[entry].name + ": " + errors.front());
    if (opts_.compile && !opts_.cosim) {
        compiled_ = compile_for_device(obj, entry, platform, opts_.lanes);
        dev_->load_program(compiled_->image.slots);
    } else {
        dev_->load_program(bundle_program(obj.programs[entry], opts_.lanes, maps, platform, table));
    }
    maps_ = &maps;
    map_mem_.bind(&maps);
    helper_unit_.bind(&platform, &table);
    dev_->clear_retire_sinks();
    if (opts_.trace) {
        tracer_ = std::make_unique<sim::RetireTracer>(*opts_.trace);
        dev_->add_retire_sink(tracer_.get());
    }
    if (opts_.cosim) {
        cosim_ = std::make_unique<HwCosim>();
        cosim_->load(obj, entry, platform);
        checker_ = std::make_unique<sim::CosimChecker>(*cosim_);
        dev_->add_retire_sink(checker_.get());
    }
    loaded_ = true;
}

uint64_t HwEngine::run(ExecEnv& env, uint64_t r1, uint64_t r2) {
    if (!loaded_) throw Error(ErrorKind::Internal, "hw: run before load");
    helper_unit_.set_env(&env);
    map_mem_.bind(maps_);  // value slots are per run
    uint64_t dev_r1 = r1, dev_r2 = r2;
    if (env.xdp) {
        HwHelperUnit::sync_packet_to_device(*dev_, *env.xdp);
        dev_r1 = A::kCtxBase;
    } else {
        if (r2 > A::kPktBytes - kRawOffset)
            throw Error(ErrorKind::Unsupported, "hw: raw memory of " + std::to_string(r2) +
                                                    " bytes exceeds the packet buffer");
        const uint64_t base = A::kPktBase + kRawOffset;
        if (r2) dev_->write_mem(base, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(r1), r2));
        dev_->write_u32(A::kCtxBase + 0, static_cast<uint32_t>(base));
        dev_->write_u32(A::kCtxBase + 4, static_cast<uint32_t>(base + r2));
        dev_->write_u32(A::kCtxBase + 8, static_cast<uint32_t>(base));
        dev_r1 = r2 ? base : r1;
    }
    if (cosim_) cosim_->begin(env, r1, r2, *maps_);

    const sim::RunResult res = dev_->run(0, dev_r1, dev_r2, map_mem_, helper_unit_, opts_.max_cycles);
    counters_ = res.delta;
    stats_ = {res.delta.insns, res.delta.cycles};

    if (res.stopped) {
        std::string msg = "hw: co-simulation mismatch";
        for (const auto& e : cosim_->get_errors()) msg += "\n" + e;
        throw Error(ErrorKind::Internal, msg);
    }
    if (res.timed_out) throw Error(ErrorKind::Runtime, "hw: cycle budget exceeded");
    if (cosim_ && !res.trapped && !cosim_->reference_finished())
        throw Error(ErrorKind::Internal, "hw: co-simulation mismatch: the device ended the program, the interpreter did not");
    if (res.trapped) {
        // Compiled programs trap at a bundle: name the source instruction of its lane-0 slot.
        std::string where = "instruction " + std::to_string(res.trap_pc);
        if (compiled_) {
            const auto& img = compiled_->image;
            const size_t slot = static_cast<size_t>(res.trap_pc) * img.lanes;
            const int32_t pc = slot < img.source_pc.size() ? img.source_pc[slot] : -1;
            where = (pc >= 0 ? "instruction " + std::to_string(pc) + " (bundle " : "bundle ") +
                    std::to_string(res.trap_pc) + (pc >= 0 ? ")" : "");
        }
        throw Error(ErrorKind::Runtime, "hw: " + where + ": " + sim::trap_name(res.trap_cause));
    }
    if (env.xdp) {
        HwHelperUnit::sync_packet_to_host(*dev_, *env.xdp);
    } else if (r2) {
        const auto bytes = dev_->read_mem(A::kPktBase + kRawOffset, r2);
        std::memcpy(reinterpret_cast<void*>(r1), bytes.data(), r2);
    }
    return res.r0;
}

}  // namespace bpfnic

#endif  // BPFNIC_HAVE_HW
