// SPDX-License-Identifier: MIT
// Text table layout.
#include "host/table.h"

#include <algorithm>
#include <ostream>

namespace bpfnic {

void TextTable::print(std::ostream& out) const {
    std::vector<size_t> width(header_.size(), 0);
    auto measure = [&](const std::vector<std::string>& row) {
        for (size_t i = 0; i < row.size() && i < width.size(); ++i) width[i] = std::max(width[i], row[i].size());
    };
    measure(header_);
    for (const auto& r : rows_) measure(r);
    auto line = [&](const std::vector<std::string>& row) {
        std::string s;
        for (size_t i = 0; i < width.size(); ++i) {
            const std::string cell = i < row.size() ? row[i] : "";
            const std::string pad(width[i] - cell.size(), ' ');
            if (i) s += "  ";
            s += i == 0 ? cell + pad : pad + cell;
        }
        while (!s.empty() && s.back() == ' ') s.pop_back();
        out << s << "\n";
    };
    line(header_);
    size_t total = 0;
    for (size_t w : width) total += w;
    out << std::string(total + 2 * (width.size() - 1), '-') << "\n";
    for (const auto& r : rows_) line(r);
}

}  // namespace bpfnic
