// SPDX-License-Identifier: MIT
// Parser of the .data test format (see data_file.h).
#include "tests/support/data_file.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/error.h"

namespace bpfnic::tests {
namespace {

std::string trim(const std::string& s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return s.substr(b, e - b);
}

// A line without its '#' comment, trimmed.
std::string strip_comment(const std::string& line) {
    const size_t hash = line.find('#');
    return trim(hash == std::string::npos ? line : line.substr(0, hash));
}

class Parser {
public:
    explicit Parser(const std::string& name) : name_(name) {}

    [[noreturn]] void fail(size_t line, const std::string& what) const {
        throw Error(ErrorKind::BadInput, name_ + ":" + std::to_string(line) + ": " + what);
    }

    uint64_t parse_number(const std::string& tok, size_t line, const char* section) const {
        try {
            size_t used = 0;
            uint64_t v;
            if (!tok.empty() && tok[0] == '-') v = static_cast<uint64_t>(std::stoll(tok, &used, 0));
            else v = std::stoull(tok, &used, 0);
            if (used != tok.size()) throw std::invalid_argument(tok);
            return v;
        } catch (const std::logic_error&) {
            fail(line, std::string("-- ") + section + ": '" + tok + "' is not a number");
        }
    }

    void hex_bytes(const std::string& body_line, size_t line, const char* section, std::vector<uint8_t>& out) const {
        std::istringstream in(body_line);
        std::string tok;
        while (in >> tok) {
            if (tok.size() % 2 != 0 || tok.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
                fail(line, std::string("-- ") + section + ": '" + tok + "' is not hex bytes");
            for (size_t k = 0; k < tok.size(); k += 2)
                out.push_back(static_cast<uint8_t>(std::stoul(tok.substr(k, 2), nullptr, 16)));
        }
    }

private:
    std::string name_;
};

}  // namespace

std::optional<std::string> DataFile::opted_out(const std::string& engine) const {
    auto it = opt_outs.find(engine);
    if (it == opt_outs.end()) return std::nullopt;
    return it->second;
}

DataFile parse_data_file(const std::string& text, const std::string& name) {
    Parser p(name);
    DataFile f;
    f.name = name;
    std::istringstream in(text);
    std::string line;
    std::string section;  // "" = header
    std::string opt_out_engine;
    std::string result_text, error_text;
    size_t result_line = 0;
    bool has_result = false, has_error = false;
    std::vector<std::string> seen;
    for (size_t n = 1; std::getline(in, line); ++n) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.rfind("--", 0) == 0 && (line.size() == 2 || line[2] == ' ')) {
            const std::string header = trim(line.substr(2));
            std::istringstream hs(header);
            std::string word;
            hs >> word;
            if (word == "no") {
                std::string engine;
                hs >> engine;
                std::string reason;
                std::getline(hs, reason);
                reason = trim(reason);
                if (engine.empty()) p.fail(n, "'-- no' needs an engine name and a reason");
                if (reason.empty()) p.fail(n, "'-- no " + engine + "' needs a reason");
                f.opt_outs[engine] = reason;
                opt_out_engine = engine;
                section = "no";
                continue;
            }
            static const char* const known[] = {"asm", "raw", "mem", "packet", "result", "error", "c"};
            if (std::find(std::begin(known), std::end(known), word) == std::end(known) || header != word)
                p.fail(n, "unknown section '-- " + header + "'");
            if (std::find(seen.begin(), seen.end(), word) != seen.end())
                p.fail(n, "section '-- " + word + "' appears twice");
            seen.push_back(word);
            section = word;
            if (word == "asm") f.has_asm = true;
            if (word == "raw") f.has_raw = true;
            if (word == "packet") f.has_packet = true;
            if (word == "result") {
                has_result = true;
                result_line = n;
            }
            if (word == "error") has_error = true;
            continue;
        }
        if (section == "c") {
            f.c_source += line + "\n";
            continue;
        }
        if (section == "asm") {
            f.asm_text += line + "\n";
            continue;
        }
        const std::string body = strip_comment(line);
        if (section.empty()) {
            std::string t = trim(line);
            if (t.rfind('#', 0) == 0) t = trim(t.substr(1));
            static const std::string kSpdx = "SPDX-License-Identifier:";
            if (const size_t at = t.find(kSpdx); at != std::string::npos) {
                f.license = trim(t.substr(at + kSpdx.size()));
                continue;
            }
            if (t.empty() || t.rfind("Copyright", 0) == 0) continue;
            if (!f.description.empty()) f.description += ' ';
            f.description += t;
            continue;
        }
        if (body.empty()) continue;
        if (section == "no") {
            f.opt_outs[opt_out_engine] += " " + body;
        } else if (section == "raw") {
            std::istringstream words(body);
            std::string tok;
            while (words >> tok) f.raw.push_back(insn_from_word(p.parse_number(tok, n, "raw")));
        } else if (section == "mem") {
            p.hex_bytes(body, n, "mem", f.mem);
        } else if (section == "packet") {
            p.hex_bytes(body, n, "packet", f.packet);
        } else if (section == "result") {
            if (!result_text.empty()) p.fail(n, "-- result: more than one value");
            result_text = body;
            result_line = n;
        } else if (section == "error") {
            if (!error_text.empty()) error_text += ' ';
            error_text += body;
        }
    }
    if (!f.has_asm && !f.has_raw) p.fail(1, "no program: neither '-- asm' nor '-- raw'");
    if (f.has_raw && f.raw.empty()) p.fail(1, "'-- raw' holds no instruction words");
    if (has_result) {
        if (result_text.empty()) p.fail(result_line, "-- result: no value");
        f.result = p.parse_number(result_text, result_line, "result");
    }
    if (has_error) {
        if (error_text.empty()) p.fail(1, "-- error: no text");
        f.error = error_text;
    }
    if (!f.result && !f.error) p.fail(1, "no expectation: neither '-- result' nor '-- error'");
    if (f.result && f.error) p.fail(1, "both '-- result' and '-- error'");
    if (f.has_packet && !f.mem.empty()) p.fail(1, "both '-- mem' and '-- packet'");
    return f;
}

DataFile read_data_file(const std::string& root, const std::string& relative_name) {
    const std::filesystem::path path = std::filesystem::path(root) / relative_name;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorKind::BadInput, path.string() + ": cannot open");
    std::ostringstream s;
    s << in.rdbuf();
    return parse_data_file(s.str(), relative_name);
}

std::vector<std::string> list_data_files(const std::string& root) {
    std::vector<std::string> out;
    std::error_code ec;
    if (!std::filesystem::is_directory(root, ec)) return out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
        if (e.is_regular_file() && e.path().extension() == ".data")
            out.push_back(std::filesystem::relative(e.path(), root).generic_string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace bpfnic::tests
