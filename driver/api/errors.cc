// SPDX-License-Identifier: MIT
// The API's error plumbing: the last message per thread and errno codes of bpfnic::Error kinds.
#include <cerrno>

#include "driver/api/internal.h"

namespace bpfnic::api {

namespace {
thread_local std::string g_last_error;
}

int fail(int err, const std::string& msg) {
    g_last_error = msg;
    return err;
}

void clear_error() { g_last_error.clear(); }

const char* last_error_text() { return g_last_error.c_str(); }

int errno_of(const Error& e) {
    switch (e.kind()) {
        case ErrorKind::BadInput: return -EINVAL;
        case ErrorKind::NotFound: return -ENOENT;
        case ErrorKind::Rejected: return -EACCES;
        case ErrorKind::Unsupported: return -EOPNOTSUPP;
        case ErrorKind::Runtime: return -EFAULT;
        case ErrorKind::Internal: return -EIO;
    }
    return -EIO;
}

}  // namespace bpfnic::api

const char* bpfnic_last_error() { return bpfnic::api::last_error_text(); }
