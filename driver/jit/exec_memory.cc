// SPDX-License-Identifier: MIT
// W^X executable memory: map read-write, copy and relocate, seal read-execute.
#include "driver/jit/exec_memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "compiler/error.h"

namespace bpfnic::jit {

namespace {
[[noreturn]] void fail(const std::string& what) { throw Error(ErrorKind::Internal, "jit: " + what); }
}  // namespace

ExecMemory::~ExecMemory() { release(); }

ExecMemory::ExecMemory(ExecMemory&& o) noexcept
    : base_(std::exchange(o.base_, nullptr)), mapped_(std::exchange(o.mapped_, 0)),
      code_size_(std::exchange(o.code_size_, 0)) {}

ExecMemory& ExecMemory::operator=(ExecMemory&& o) noexcept {
    if (this != &o) {
        release();
        base_ = std::exchange(o.base_, nullptr);
        mapped_ = std::exchange(o.mapped_, 0);
        code_size_ = std::exchange(o.code_size_, 0);
    }
    return *this;
}

void ExecMemory::release() {
    if (base_) munmap(base_, mapped_);
    base_ = nullptr;
    mapped_ = 0;
    code_size_ = 0;
}

ExecMemory ExecMemory::from_code(asmjit::CodeHolder& code) {
    using asmjit::kErrorOk;
    if (code.flatten() != kErrorOk) fail("cannot flatten code sections");
    if (code.resolveUnresolvedLinks() != kErrorOk) fail("unresolved label links");
    const size_t estimate = code.codeSize();
    if (estimate == 0) fail("no code emitted");

    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    ExecMemory m;
    m.mapped_ = (estimate + page - 1) / page * page;
    void* p = mmap(nullptr, m.mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) fail(std::string("mmap of code pages failed: ") + std::strerror(errno));
    m.base_ = p;

    if (code.relocateToBase(m.base()) != kErrorOk) fail("relocation failed");
    m.code_size_ = code.codeSize();
    if (m.code_size_ > m.mapped_) fail("code grew during relocation");
    if (code.copyFlattenedData(m.base_, m.mapped_, asmjit::CopySectionFlags::kPadTargetBuffer) != kErrorOk)
        fail("copying code failed");
    if (mprotect(m.base_, m.mapped_, PROT_READ | PROT_EXEC) != 0)
        fail(std::string("sealing code pages read-execute failed: ") + std::strerror(errno));
    // x86 keeps instruction caches coherent with stores; no explicit flush is needed.
    return m;
}

}  // namespace bpfnic::jit
