// SPDX-License-Identifier: MIT
// Object-level compilation: checks every program, emits the shared entry trampoline and exit
// stubs and one body per program into a single code buffer, and seals it W^X. asmjit reports
// errors through an ErrorHandler that records them (asmjit's emit functions are noexcept, so the
// handler must not throw); they become bpfnic::Error after emission.
#include "driver/jit/jit_compiler.h"

#include <algorithm>
#include <optional>
#include <string>

#include "compiler/error.h"
#include "driver/jit/jit_emitter.h"

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

constexpr x86::Gpq kNativeSaved[] = {x86::rbp, x86::rbx, x86::r12, x86::r13, x86::r14, x86::r15};

// uint64_t trampoline(JitCtx* ctx, uint64_t r1, uint64_t r2, uint64_t body): rdi, rsi, rdx, rcx.
// eBPF r1 and r2 arrive in rsi and rdx, which is where the register map keeps them.
void emit_trampoline(x86::Assembler& a, const EmitShared& sh, uint32_t max_depth) {
    const int32_t frame = static_cast<int32_t>(sh.frame_size);
    for (const x86::Gpq& r : kNativeSaved) a.push(r);
    a.mov(kCtxReg, x86::rdi);
    a.sub(x86::rsp, frame);
    a.lea(x86::rbp, x86::ptr(x86::rsp, frame));
    // The body's rsp will be rsp - 8 (after the call pushes the return address).
    a.lea(x86::rax, x86::ptr(x86::rsp, -8));
    a.mov(x86::qword_ptr(kCtxReg, offsetof(JitCtx, entry_rsp)), x86::rax);
    // Each bpf-to-bpf call lowers rsp by 5 saved registers, a frame and a return address.
    const uint64_t per_call = 5 * 8 + sh.frame_size + 8;
    const uint64_t nested = max_depth > 1 ? max_depth - 1 : 0;
    a.mov(kTmpA, nested * per_call);
    a.sub(x86::rax, kTmpA);
    a.mov(x86::qword_ptr(kCtxReg, offsetof(JitCtx, call_limit)), x86::rax);
    // Registers start at zero, as in the interpreter (r1, r2 and r10 are set).
    a.mov(kTmpA, x86::rcx);
    for (int r : {0, 3, 4, 5, 6, 7, 8, 9}) a.xor_(kEbpfRegs[r].r32(), kEbpfRegs[r].r32());
    a.call(kTmpA);
    a.add(x86::rsp, frame);
    for (int i = 5; i >= 0; --i) a.pop(kNativeSaved[i]);
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

    asmjit::Label trampoline = a.newLabel();
    a.bind(trampoline);
    emit_trampoline(a, sh, platform.max_call_depth);
    emit_abort(a, sh);
    emit_tail_call(a, sh);

    std::vector<asmjit::Label> bodies(n);
    for (size_t i = 0; i < n; ++i) {
        eh.cur_prog = static_cast<uint32_t>(i);
        a.align(asmjit::AlignMode::kCode, 16);
        bodies[i] = a.newLabel();
        if (checked[i]) {
            ProgramEmitter(a, sh, static_cast<uint32_t>(i), *checked[i]).emit(bodies[i]);
        } else {
            a.bind(bodies[i]);
            emit_refused(a, sh, static_cast<uint32_t>(i));
        }
    }
    if (eh.failed()) throw Error(ErrorKind::Internal, eh.describe(obj));

    out.code = ExecMemory::from_code(code);
    for (size_t i = 0; i < n; ++i) out.tables->entries[i] = out.code.base() + code.labelOffsetFromBase(bodies[i]);
    out.trampoline = reinterpret_cast<TrampolineFn>(out.code.base() + code.labelOffsetFromBase(trampoline));
    return out;
}

}  // namespace bpfnic::jit
