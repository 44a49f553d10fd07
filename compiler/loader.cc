// SPDX-License-Identifier: MIT
// The ELF loader's entry points: read the file, collect maps, link programs, read the license,
// and check every linked program against the ISA table.
#include "compiler/loader.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compiler/error.h"
#include "compiler/isa.h"
#include "compiler/loader_elf.h"
#include "compiler/loader_link.h"
#include "compiler/loader_maps.h"

namespace bpfnic {

namespace {

std::string read_license(const ElfFile& elf) {
    const int sec = elf.find_section("license");
    if (sec < 0) return "";
    const std::span<const uint8_t> data = elf.sections()[sec].data;
    if (data.empty()) return "";  // an empty or SHT_NOBITS license section
    const void* nul = std::memchr(data.data(), 0, data.size());
    const size_t len = nul ? static_cast<const uint8_t*>(nul) - data.data() : data.size();
    return std::string(reinterpret_cast<const char*>(data.data()), len);
}

void check_program(const ElfFile& elf, const Program& prog) {
    const std::vector<std::string> problems = validate(prog.insns);
    if (problems.empty()) return;
    std::string msg = "program " + prog.name + " (section " + prog.section + "): " + problems.front();
    if (problems.size() > 1) msg += " (and " + std::to_string(problems.size() - 1) + " more problems)";
    elf.fail(msg);
}

}  // namespace

Object load_object_from_memory(std::span<const uint8_t> bytes, const std::string& name) {
    const ElfFile elf(bytes, name);
    ObjectMaps maps(elf);
    Object obj;
    obj.path = name;
    obj.programs = link_programs(elf, maps);
    obj.maps = maps.take_maps();
    obj.license = read_license(elf);
    for (const Program& p : obj.programs) check_program(elf, p);
    return obj;
}

Object load_object(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(ErrorKind::BadInput, path + ": cannot open: " + std::strerror(errno));
    std::vector<uint8_t> bytes;
    struct stat st {};
    int err = ::fstat(fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
    uint8_t buf[1 << 16];
    while (err == 0) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) err = errno;
        if (n <= 0) break;
        bytes.insert(bytes.end(), buf, buf + n);
    }
    ::close(fd);
    if (err != 0) throw Error(ErrorKind::BadInput, path + ": cannot read: " + std::strerror(err));
    return load_object_from_memory(bytes, path);
}

}  // namespace bpfnic
