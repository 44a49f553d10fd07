// SPDX-License-Identifier: MIT
// A plain text table with right-aligned numeric columns, for the demo's per-module summary.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace bpfnic {

class TextTable {
public:
    explicit TextTable(std::vector<std::string> header) : header_(std::move(header)) {}
    void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
    /// First column left-aligned, the others right-aligned, two spaces between columns.
    void print(std::ostream& out) const;

private:
    std::vector<std::string> header_;
    std::vector<std::vector<std::string>> rows_;
};

}  // namespace bpfnic
