// SPDX-License-Identifier: MIT
// The explicit engine registry: every engine is listed here, nowhere else.
#include "driver/engine.h"

#include "compiler/error.h"
#include "driver/interp.h"

namespace bpfnic {

std::unique_ptr<Engine> make_engine(const std::string& name) {
    if (name == "interp") return std::make_unique<Interpreter>();
    throw Error(ErrorKind::NotFound, "unknown engine '" + name + "' (known: interp)");
}

}  // namespace bpfnic
