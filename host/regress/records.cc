// SPDX-License-Identifier: MIT
// Atomic JSON Lines output and its reader.
#include "host/regress/records.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "compiler/error.h"

namespace bpfnic::regress {

namespace fs = std::filesystem;

void write_records_atomic(const std::string& path, const std::vector<nlohmann::json>& records) {
    std::string text;
    for (const auto& r : records) text += r.dump() + "\n";
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    auto fail = [&](const char* what) {
        const std::string why = std::strerror(errno);
        ::unlink(tmp.c_str());
        throw Error(ErrorKind::BadInput, path + ": cannot write the results (" + what + ": " + why + ")");
    };
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail("create");
    size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ::close(fd);
            fail("write");
        }
        done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) {
        ::close(fd);
        fail("fsync");
    }
    if (::close(fd) != 0) fail("close");
    if (std::rename(tmp.c_str(), path.c_str()) != 0) fail("rename");
}

std::vector<SourcedRecord> read_records(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) throw Error(ErrorKind::NotFound, path + ": no such file");
    std::ifstream in(path);
    if (!in) throw Error(ErrorKind::BadInput, path + ": cannot read");
    std::vector<SourcedRecord> out;
    std::string line;
    for (size_t n = 1; std::getline(in, line); ++n) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        const std::string where = path + ":" + std::to_string(n);
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(line);
        } catch (const nlohmann::json::exception& e) {
            throw Error(ErrorKind::BadInput, where + ": not JSON: " + e.what());
        }
        if (!j.is_object()) throw Error(ErrorKind::BadInput, where + ": a record must be a JSON object");
        out.push_back({std::move(j), where});
    }
    return out;
}

}  // namespace bpfnic::regress
