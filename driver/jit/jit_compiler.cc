// SPDX-License-Identifier: MIT
// Object-level compilation: checks every program, emits the shared entry trampoline and exit
// stubs and one body per program into a single code buffer, and seals it W^X. asmjit reports
// errors through an ErrorHandler that records them (asmjit's emit functions are noexcept, so the
// handler must not throw); they become bpfnic::Error after emission.
#include "driver/jit/jit_compiler.h"

#include <algorithm>
#include <array>
#include <optional>
#include <type_traits>
#include <string>
#include <variant>

#include "compiler/error.h"
#include "driver/jit/jit_emitter.h"
#include "driver/jit/perf_map.h"

namespace bpfnic::jit {

namespace {

class RecordingErrorHandler : public asmjit::ErrorHandler {
public:
    void handleError(asmjit::Error err, const char* message, asmjit::BaseEmitter*) override {
        if (err_ != asmjit::kErrorOk) return;
        err_ = err;
        message_ = message ? message : asmjit::DebugUtils::errorAsString(err);
        where_pc_ = cur_pc;
        where_prog_ = cur_prog;
    }
    bool failed() const { return err_ != asmjit::kErrorOk; }
    std::string describe(const Object& obj) const {
        std::string where = where_prog_ < obj.programs.size()
                                ? "program '" + obj.programs[where_prog_].name + "': instruction " +
                                      std::to_string(where_pc_) + ": "
                                : std::string();
        return "jit: " + where + "asmjit: " + message_;
    }

    uint32_t cur_pc = 0;
    uint32_t cur_prog = UINT32_MAX;

private:
    asmjit::Error err_ = asmjit::kErrorOk;
    std::string message_;
    uint32_t where_pc_ = 0, where_prog_ = UINT32_MAX;
};

// What the object's code needs from the entry trampoline, from every program (tail calls run any
// of them on the entry's frame).
struct ObjectUse {
    std::array<bool, 11> reg{};  // eBPF registers some instruction names
    bool local_calls = false;    // bpf-to-bpf calls: call-depth limit, r6..r10 saved per call
    bool ctx = false;            // the code reads r12 (helpers, faults, packet loads, spills)
};

ObjectUse object_use(const std::vector<std::optional<CheckedProgram>>& checked) {
    ObjectUse u;
    u.reg[0] = true;
    auto reg = [&](const Reg& r) { u.reg[r.v] = true; };
    auto val = [&](const Value& v) {
        if (const Reg* r = std::get_if<Reg>(&v)) reg(*r);
    };
    // A helper reads r1..r5 whether or not the program names them (an unverified program may pass
    // registers it never set: they must be zero, as in the interpreter).
    auto helper_args = [&] {
        for (int r = 1; r <= 5; ++r) u.reg[static_cast<size_t>(r)] = true;
        u.ctx = true;
    };
    for (const auto& c : checked) {
        if (!c) continue;
        for (const IrInsn& insn : c->ir.insns)
            std::visit(
                [&](const auto& i) {
                    using T = std::decay_t<decltype(i)>;
                    if constexpr (std::is_same_v<T, Bin>) {
                        reg(i.dst);
                        val(i.v);
                    } else if constexpr (std::is_same_v<T, Un> || std::is_same_v<T, LoadImm64>) {
                        reg(i.dst);
                    } else if constexpr (std::is_same_v<T, Load>) {
                        reg(i.dst);
                        reg(i.base);
                    } else if constexpr (std::is_same_v<T, Store>) {
                        reg(i.base);
                        val(i.v);
                    } else if constexpr (std::is_same_v<T, Atomic>) {
                        reg(i.base);
                        reg(i.src);
                        // The fetch forms of or/and/xor park r0 in the context's spill slot.
                        u.ctx |= i.fetch && (i.op == Atomic::Op::Or || i.op == Atomic::Op::And || i.op == Atomic::Op::Xor);
                    } else if constexpr (std::is_same_v<T, Jmp>) {
                        reg(i.left);
                        val(i.right);
                    } else if constexpr (std::is_same_v<T, Callx>) {
                        reg(i.reg);
                        helper_args();
                    } else if constexpr (std::is_same_v<T, CallLocal>) {
                        u.local_calls = u.ctx = true;
                    } else if constexpr (std::is_same_v<T, Call> || std::is_same_v<T, CallKfunc>) {
                        helper_args();
                    } else if constexpr (std::is_same_v<T, PacketLoad>) {
                        if (i.indirect) reg(i.src);
                        u.ctx = true;
                    }
                },
                insn.ins);
    }
    if (u.local_calls)
        for (int r = 6; r <= 10; ++r) u.reg[static_cast<size_t>(r)] = true;
    return u;
}

// uint64_t trampoline(JitCtx* ctx, uint64_t r1, uint64_t r2): rdi, rsi, rdx. eBPF r1 and r2
// arrive in rsi and rdx, which is where the register map keeps them. The trampoline saves only
// the native callee-saved registers the object's code uses, builds frame 0 only when r10 is used,
// and records the entry rsp (abort) and call-depth limit only when the code can need them (an
// object whose code never jumps to the abort stub needs no entry rsp). An
// object that needs none of that (no calls, no r6..r10) is entered with a jump.
void emit_trampoline(x86::Assembler& a, const EmitShared& sh, uint32_t max_depth, const asmjit::Label& body,
                     const ObjectUse& use, bool needs_abort) {
    const int32_t frame = static_cast<int32_t>(sh.frame_size);
    std::vector<x86::Gpq> saved;
    if (use.ctx) saved.push_back(kCtxReg);
    for (int r = 6; r <= 10; ++r)
        if (use.reg[static_cast<size_t>(r)]) saved.push_back(kEbpfRegs[r]);
    // Registers start at zero, as in the interpreter (r1, r2 and r10 are set).
    auto zero_regs = [&] {
        for (int r : {0, 3, 4, 5, 6, 7, 8, 9})
            if (use.reg[static_cast<size_t>(r)]) a.xor_(kEbpfRegs[r].r32(), kEbpfRegs[r].r32());
    };
    if (saved.empty()) {
        zero_regs();
        a.jmp(body);  // the body's exit returns straight to the caller
        return;
    }
    // rsp is 8 mod 16 here; it must be again before `call body` (the body calls helpers with
    // rsp 16-aligned), so an odd number of saves gets 8 bytes of padding.
    const int32_t pad = saved.size() % 2 ? 8 : 0;
    for (const x86::Gpq& r : saved) a.push(r);
    if (pad) a.sub(x86::rsp, pad);
    if (use.reg[10]) {
        a.sub(x86::rsp, frame);
        a.lea(x86::rbp, x86::ptr(x86::rsp, frame));
    }
    if (use.ctx) a.mov(kCtxReg, x86::rdi);
    if (use.ctx && (needs_abort || use.local_calls)) {
        // The body's rsp will be rsp - 8 (after the call pushes the return address).
        a.lea(x86::rax, x86::ptr(x86::rsp, -8));
        a.mov(x86::qword_ptr(kCtxReg, offsetof(JitCtx, entry_rsp)), x86::rax);
        if (use.local_calls) {
            // Each bpf-to-bpf call lowers rsp by 5 saved registers, a frame and a return address.
            const uint64_t per_call = 5 * 8 + sh.frame_size + 8;
            const uint64_t nested = max_depth > 1 ? max_depth - 1 : 0;
            a.sub(x86::rax, static_cast<int32_t>(nested * per_call));
            a.mov(x86::qword_ptr(kCtxReg, offsetof(JitCtx, call_limit)), x86::rax);
        }
    }
    zero_regs();
    a.call(body);
    if (use.reg[10]) a.add(x86::rsp, frame);
    if (pad) a.add(x86::rsp, pad);
    for (size_t i = saved.size(); i-- > 0;) a.pop(saved[i]);
    a.ret();
}

// abort: r0 = 0 and return to the trampoline from any depth.
void emit_abort(x86::Assembler& a, const EmitShared& sh) {
    a.bind(sh.abort);
    a.xor_(x86::eax, x86::eax);
    a.mov(x86::rsp, x86::qword_ptr(kCtxReg, offsetof(JitCtx, entry_rsp)));
    a.ret();
}

// tail_call: entered with rdi = env whose tail_call_target >= 0. The target body starts on the
// current frame (rsp and rbp unchanged, so its exit returns where the current body would have),
// with r1 as it was passed to the helper.
void emit_tail_call(x86::Assembler& a, const EmitShared& sh) {
    asmjit::Label bad = a.newLabel();
    a.bind(sh.tail_call);
    a.movsxd(kTmpA, x86::dword_ptr(kTmpC, sh.env_tail_call_off));
    a.mov(x86::dword_ptr(kTmpC, sh.env_tail_call_off), -1);
    a.cmp(kTmpA, sh.num_programs);
    a.jae(bad);
    a.mov(kTmpB, reinterpret_cast<uint64_t>(sh.tables->entries.data()));
    a.mov(kTmpB, x86::ptr(kTmpB, kTmpA, 3));
    a.mov(x86::rsi, x86::qword_ptr(kCtxReg, offsetof(JitCtx, tail_r1)));
    a.jmp(kTmpB);
    a.bind(bad);
    a.mov(x86::dword_ptr(kCtxReg, offsetof(JitCtx, fault_prog)), kTmpA.r32());
    a.mov(x86::dword_ptr(kCtxReg, offsetof(JitCtx, fault)), static_cast<int32_t>(Fault::TailCallTarget));
    a.jmp(sh.abort);
}

// The body of a program the JIT refused: a tail call into it faults.
void emit_refused(x86::Assembler& a, const EmitShared& sh, uint32_t index) {
    a.mov(x86::dword_ptr(kCtxReg, offsetof(JitCtx, fault)), static_cast<int32_t>(Fault::ProgramNotLoaded));
    a.mov(x86::dword_ptr(kCtxReg, offsetof(JitCtx, fault_prog)), index);
    a.jmp(sh.abort);
}

}  // namespace

bool direct_call_helper(int32_t id) {
    namespace h = helper_id;
    switch (id) {
    case h::kKtimeGetNs:
    case h::kKtimeGetBootNs:
    case h::kGetPrandomU32:
    case h::kGetSmpProcessorId:
    case h::kCsumDiff:
    case h::kRedirect:
    case h::kRedirectMap:
    case h::kXdpAdjustHead:
    case h::kXdpAdjustMeta:
    case h::kXdpAdjustTail:
    case h::kXdpGetBuffLen:
    case h::kXdpLoadBytes:
    case h::kXdpStoreBytes:
        return true;
    default:
        return false;
    }
}

bool direct_lookup_map_type(uint32_t type) {
    namespace t = map_type;
    switch (type) {
    case t::kHash:
    case t::kArray:
    case t::kPercpuHash:
    case t::kPercpuArray:
    case t::kLruHash:
    case t::kLruPercpuHash:
    case t::kArrayOfMaps:
    case t::kHashOfMaps:
        return true;
    default:
        return false;
    }
}

CompiledObject compile_object(const Object& obj, size_t entry, MapSet& maps, const Platform& platform,
                              const HelperTable& helpers, const CompileOptions& opts) {
    const size_t n = obj.programs.size();
    if (entry >= n)
        throw Error(ErrorKind::NotFound, "jit: program index " + std::to_string(entry) + " out of range (object '" +
                                             obj.path + "' has " + std::to_string(n) + " programs)");
    CompiledObject out;
    out.refused.assign(n, std::string());
    std::vector<std::optional<CheckedProgram>> checked(n);
    for (size_t i = 0; i < n; ++i) {
        try {
            checked[i] = check_program(obj.programs[i], maps, obj.maps, platform, helpers,
                                       opts.verify || (opts.verify_typed && platform.prog_type != ProgType::Unspec));
        } catch (const Error& e) {
            if (i == entry) throw;
            out.refused[i] = e.what();
        }
    }

    out.tables = std::make_unique<JitTables>();
    out.tables->entries.assign(n, 0);
    for (int32_t id = 0; id < HelperTable::kMaxId; ++id)
        out.tables->helpers[static_cast<size_t>(id)] = helpers.get(id);

    asmjit::CodeHolder code;
    code.init(asmjit::Environment::host());
    RecordingErrorHandler eh;
    code.setErrorHandler(&eh);
    x86::Assembler a(&code);

    EmitShared sh;
    sh.opts = opts;
    sh.bmi2 = opts.use_bmi2 && asmjit::CpuInfo::host().features().x86().hasBMI2();
    sh.maps = &maps;
    sh.helpers = &helpers;
    sh.platform = &platform;
    sh.tables = out.tables.get();
    if (opts.direct_helper_calls && &helpers == &xdp_helper_table()) {
        for (int32_t id = 0; id < HelperTable::kMaxId; ++id) sh.direct[static_cast<size_t>(id)] = direct_call_helper(id);
        sh.direct_lookups = true;
    }
    sh.num_programs = static_cast<uint32_t>(n);
    sh.frame_size = (std::max<uint32_t>(platform.stack_size, 16) + 15) / 16 * 16;
    static const ExecEnv probe;
    sh.env_tail_call_off = static_cast<int32_t>(reinterpret_cast<const char*>(&probe.tail_call_target) -
                                                reinterpret_cast<const char*>(&probe));
    sh.env_unwind_off = static_cast<int32_t>(reinterpret_cast<const char*>(&probe.unwind) -
                                             reinterpret_cast<const char*>(&probe));
    sh.cur_pc = &eh.cur_pc;
    sh.abort = a.newLabel();
    sh.tail_call = a.newLabel();

    std::vector<asmjit::Label> bodies(n);
    for (asmjit::Label& l : bodies) l = a.newLabel();
    const ObjectUse use = object_use(checked);

    // Stubs, then the bodies, then the trampoline: the trampoline records the entry rsp only when
    // some emitted code can abort, which is known once the bodies are emitted.
    bool needs_abort = false;
    sh.needs_abort = &needs_abort;
    asmjit::Label trampoline = a.newLabel(), stubs = a.newLabel(), end = a.newLabel();
    a.bind(stubs);
    emit_abort(a, sh);
    emit_tail_call(a, sh);

    for (size_t i = 0; i < n; ++i) {
        eh.cur_prog = static_cast<uint32_t>(i);
        a.align(asmjit::AlignMode::kCode, 16);
        if (checked[i]) {
            ProgramEmitter(a, sh, static_cast<uint32_t>(i), *checked[i]).emit(bodies[i]);
        } else {
            a.bind(bodies[i]);
            emit_refused(a, sh, static_cast<uint32_t>(i));
        }
    }
    eh.cur_prog = UINT32_MAX;
    a.align(asmjit::AlignMode::kCode, 16);
    a.bind(trampoline);
    emit_trampoline(a, sh, platform.max_call_depth, bodies[entry], use, needs_abort);
    out.may_fault = needs_abort;
    a.bind(end);
    if (eh.failed()) throw Error(ErrorKind::Internal, eh.describe(obj));

    out.code = ExecMemory::from_code(code);
    for (size_t i = 0; i < n; ++i) out.tables->entries[i] = out.code.base() + code.labelOffsetFromBase(bodies[i]);
    out.trampoline = reinterpret_cast<TrampolineFn>(out.code.base() + code.labelOffsetFromBase(trampoline));
    if (perf_map_enabled()) {
        auto at = [&](const asmjit::Label& l) { return out.code.base() + code.labelOffsetFromBase(l); };
        std::vector<PerfSymbol> syms{{at(trampoline), at(end) - at(trampoline), "bpf_jit:trampoline"}};
        for (size_t i = 0; i < n; ++i) {
            const uint64_t next = i + 1 < n ? at(bodies[i + 1]) : at(trampoline);
            syms.push_back({at(bodies[i]), next - at(bodies[i]), "bpf_jit:" + obj.programs[i].name});
        }
        syms.push_back({at(stubs), at(bodies[0]) - at(stubs), "bpf_jit:stubs"});
        write_perf_map(syms);
    }
    return out;
}

}  // namespace bpfnic::jit
