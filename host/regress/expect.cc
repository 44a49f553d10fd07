// SPDX-License-Identifier: MIT
// Checking expectations.
#include "host/regress/expect.h"

namespace bpfnic::regress {

const char* error_kind_name(ErrorKind k) {
    switch (k) {
        case ErrorKind::BadInput: return "bad_input";
        case ErrorKind::NotFound: return "not_found";
        case ErrorKind::Rejected: return "rejected";
        case ErrorKind::Unsupported: return "unsupported";
        case ErrorKind::Runtime: return "runtime";
        case ErrorKind::Internal: return "internal";
    }
    return "internal";
}

bool is_failure_kind(const std::string& kind) { return kind == "rejected" || kind == "runtime" || kind == "unsupported"; }

std::vector<std::string> unmet_expectations(const nlohmann::json& expect, const Outcome& o) {
    std::vector<std::string> out;
    if (expect.is_null()) return out;
    if (expect.contains("error")) {
        const std::string want = expect["error"];
        if (!o.error) out.push_back("expected a '" + want + "' error, but the case ran to the end");
        else if (*o.error != want) out.push_back("expected a '" + want + "' error, got '" + *o.error + "'");
        return out;
    }
    if (o.error) return out;  // reported as the error itself
    if (expect.contains("packets") && expect["packets"].get<uint64_t>() != o.packets)
        out.push_back("packets: expected " + std::to_string(expect["packets"].get<uint64_t>()) + ", got " + std::to_string(o.packets));
    if (expect.contains("verdicts")) {
        for (const auto& [k, v] : expect["verdicts"].items()) {
            const uint64_t got = o.verdicts.value(k, uint64_t{0});
            if (got != v.get<uint64_t>())
                out.push_back("verdict " + k + ": expected " + std::to_string(v.get<uint64_t>()) + ", got " + std::to_string(got));
        }
    }
    if (expect.contains("offloaded") && expect["offloaded"].get<bool>() != o.offloaded)
        out.push_back(std::string("expected the program ") + (o.offloaded ? "not " : "") + "to run on the hardware engine");
    if (expect.contains("mismatches") && expect["mismatches"].get<uint64_t>() != o.mismatches)
        out.push_back("mismatches: expected " + std::to_string(expect["mismatches"].get<uint64_t>()) + ", got " + std::to_string(o.mismatches));
    return out;
}

}  // namespace bpfnic::regress
