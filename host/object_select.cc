// SPDX-License-Identifier: MIT
// Object opening and program selection for the bpfnic command.
#include "host/object_select.h"

#include <sys/stat.h>

#include "compiler/error.h"
#include "compiler/loader.h"
#include "compiler/platform.h"
#include "compiler/verifier/verifier.h"

namespace bpfnic {

namespace {

std::string program_list(const Object& obj) {
    std::string s;
    for (const auto& p : obj.programs) s += (s.empty() ? "" : ", ") + p.name;
    return s.empty() ? "none" : s;
}

size_t find_named(const Object& obj, const std::string& name) {
    const Program* p = obj.find_program(name);
    if (!p) throw Error(ErrorKind::NotFound, obj.path + ": no program '" + name + "' (programs: " + program_list(obj) + ")");
    return static_cast<size_t>(p - obj.programs.data());
}

}  // namespace

Object open_object(const std::string& path) {
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0) throw Error(ErrorKind::NotFound, path + ": no such file");
    if (S_ISDIR(st.st_mode)) throw Error(ErrorKind::BadInput, path + ": is a directory, not an object file");
    return load_object(path);
}

size_t select_entry(const Object& obj, const std::string& name) {
    if (!name.empty()) return find_named(obj, name);
    for (size_t i = 0; i < obj.programs.size(); ++i)
        if (obj.programs[i].type == ProgType::Xdp) return i;
    throw Error(ErrorKind::NotFound, obj.path + ": no XDP program (programs: " + program_list(obj) + ")");
}

void verify_entry(const Object& obj, size_t entry) {
    const Program& p = obj.programs.at(entry);
    VerifierOptions opts;
    opts.collect_facts = false;
    const VerifierResult res = verify(p, obj.maps, software_xdp_platform(), opts);
    if (!res.ok) throw Error(ErrorKind::Rejected, obj.path + ": " + p.name + ": rejected: " + res.headline());
}

std::vector<size_t> select_programs(const Object& obj, const std::string& name) {
    if (!name.empty()) return {find_named(obj, name)};
    if (obj.programs.empty()) throw Error(ErrorKind::NotFound, obj.path + ": no programs");
    std::vector<size_t> all(obj.programs.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = i;
    return all;
}

}  // namespace bpfnic
