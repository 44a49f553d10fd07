// SPDX-License-Identifier: MIT
// Executable memory for JIT code with strict W^X: pages are mapped read-write, the code is copied
// and relocated, then the pages become read-execute. No page is ever writable and executable at
// the same time, and no writable alias of the code exists.
//
// asmjit's JitRuntime is not used for this: on Linux its default JitAllocator maps code pages
// read-write-execute (checked with the installed 2022-12 snapshot: the pages show as rwxp in
// /proc/self/maps), and its dual-mapping mode keeps a writable alias of the code alive.
#pragma once

#include <asmjit/core.h>

#include <cstddef>
#include <cstdint>

namespace bpfnic::jit {

class ExecMemory {
public:
    ExecMemory() = default;
    ~ExecMemory();
    ExecMemory(ExecMemory&& o) noexcept;
    ExecMemory& operator=(ExecMemory&& o) noexcept;
    ExecMemory(const ExecMemory&) = delete;
    ExecMemory& operator=(const ExecMemory&) = delete;

    /// Lays out the finished code of `code` in fresh pages and seals them read-execute. Throws
    /// bpfnic::Error (Internal) when mapping, relocation or sealing fails.
    static ExecMemory from_code(asmjit::CodeHolder& code);

    uint64_t base() const { return reinterpret_cast<uint64_t>(base_); }
    size_t code_size() const { return code_size_; }
    size_t mapped_size() const { return mapped_; }

private:
    void release();

    void* base_ = nullptr;
    size_t mapped_ = 0;
    size_t code_size_ = 0;
};

}  // namespace bpfnic::jit
