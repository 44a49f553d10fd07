// SPDX-License-Identifier: MIT
// posix_spawn and waitpid for the local shard processes.
#include "host/regress/local_jobs.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "compiler/error.h"

extern char** environ;

namespace bpfnic::regress {

std::vector<int> run_children(const std::vector<ChildCommand>& commands) {
    std::vector<pid_t> pids;
    std::vector<int> codes(commands.size(), -1);
    auto wait_all = [&] {
        for (size_t i = 0; i < pids.size(); ++i) {
            int status = 0;
            while (::waitpid(pids[i], &status, 0) < 0 && errno == EINTR) {
            }
            codes[i] = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        }
    };
    for (const ChildCommand& c : commands) {
        std::vector<char*> argv;
        for (const auto& a : c.argv) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 1, c.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_adddup2(&fa, 1, 2);
        pid_t pid = 0;
        const int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&fa);
        if (rc != 0) {
            wait_all();  // the ones already started
            throw Error(ErrorKind::Internal, "cannot start " + c.argv[0] + ": " + std::strerror(rc));
        }
        pids.push_back(pid);
    }
    wait_all();
    return codes;
}

}  // namespace bpfnic::regress
