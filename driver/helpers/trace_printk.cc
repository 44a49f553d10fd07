// SPDX-License-Identifier: MIT
// bpf_trace_printk(fmt, fmt_size, a1, a2, a3) with the kernel's format checks
// (bpf_bprintf_prepare): the format must hold a NUL within fmt_size bytes, only printable ASCII
// and white space, at most three conversions, each "%[0 +-]*[width][l|ll](d|i|u|x|X)", "%c",
// "%p"/"%px"/"%pK", or "%%". Any other conversion is -EINVAL. "%s" and the "%p" forms that read
// memory (%pI4, %pS, ...) are not modelled (the model cannot tell a valid kernel pointer) and are
// -EINVAL too. Pointers print as %px does (16 hex digits), where the kernel prints hashed values.
// The formatted line goes to env->trace; the return value is its length, as bstr_printf's.
#include <cctype>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>

#include "driver/helpers/helpers_internal.h"

namespace bpfnic::helpers {

namespace {

constexpr size_t kMaxArgs = 3;
constexpr size_t kMaxOutput = 1024;  // MAX_BPRINTF_BUF

/// Formats fmt (NUL-terminated) with args; false on a format the kernel refuses.
bool format(const char* fmt, const uint64_t* args, std::string* out) {
    size_t used = 0;
    char buf[64];
    for (size_t i = 0; fmt[i]; ++i) {
        const unsigned char c = static_cast<unsigned char>(fmt[i]);
        if (!isascii(c) || (!isprint(c) && !isspace(c))) return false;
        if (c != '%') {
            out->push_back(static_cast<char>(c));
            continue;
        }
        if (fmt[i + 1] == '%') {
            out->push_back('%');
            ++i;
            continue;
        }
        if (used >= kMaxArgs) return false;
        std::string spec = "%";
        ++i;
        while (fmt[i] == '0' || fmt[i] == '+' || fmt[i] == '-' || fmt[i] == ' ') spec.push_back(fmt[i++]);
        if (fmt[i] >= '1' && fmt[i] <= '9')
            while (fmt[i] >= '0' && fmt[i] <= '9') spec.push_back(fmt[i++]);
        const uint64_t a = args[used++];
        if (fmt[i] == 'p') {
            // Plain %p ends at the string end, white space or punctuation; %px and %pK are the
            // pointer forms that read nothing.
            const char n = fmt[i + 1];
            if (n == 'x' || n == 'K') {
                ++i;
            } else if (n != 0 && !isspace(static_cast<unsigned char>(n)) && !ispunct(static_cast<unsigned char>(n))) {
                return false;
            }
            snprintf(buf, sizeof buf, (spec + "016" PRIx64).c_str(), a);
            *out += buf;
            continue;
        }
        if (fmt[i] == 'c') {
            snprintf(buf, sizeof buf, (spec + "c").c_str(), static_cast<int>(static_cast<unsigned char>(a)));
            *out += buf;
            continue;
        }
        int longs = 0;
        while (longs < 2 && fmt[i] == 'l') ++longs, ++i;
        const char conv = fmt[i];
        if (conv != 'd' && conv != 'i' && conv != 'u' && conv != 'x' && conv != 'X') return false;
        if (longs == 0) {
            spec.push_back(conv == 'i' ? 'd' : conv);
            if (conv == 'd' || conv == 'i')
                snprintf(buf, sizeof buf, spec.c_str(), static_cast<int32_t>(a));
            else
                snprintf(buf, sizeof buf, spec.c_str(), static_cast<uint32_t>(a));
        } else {
            spec += "ll";
            spec.push_back(conv == 'i' ? 'd' : conv);
            if (conv == 'd' || conv == 'i')
                snprintf(buf, sizeof buf, spec.c_str(), static_cast<long long>(a));
            else
                snprintf(buf, sizeof buf, spec.c_str(), static_cast<unsigned long long>(a));
        }
        *out += buf;
    }
    return true;
}

}  // namespace

uint64_t trace_printk(ExecEnv* env, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5) {
    const auto* fmt = reinterpret_cast<const char*>(r1);
    const uint32_t size = static_cast<uint32_t>(r2);
    if (!fmt || size == 0 || !memchr(fmt, 0, size)) return err(EINVAL);
    const uint64_t args[kMaxArgs] = {r3, r4, r5};
    std::string line;
    if (!format(fmt, args, &line)) return err(EINVAL);
    const size_t len = line.size();
    if (line.size() > kMaxOutput - 1) line.resize(kMaxOutput - 1);
    env->trace.push_back(std::move(line));
    return len;
}

}  // namespace bpfnic::helpers
