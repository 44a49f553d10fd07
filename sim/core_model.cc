// SPDX-License-Identifier: MIT
// The registry of built core configurations.
#include "sim/core_model.h"

#include <stdexcept>
#include <string>

namespace bpfnic::sim {

std::unique_ptr<CoreModel> make_core_model_l1();
std::unique_ptr<CoreModel> make_core_model_l4();

std::vector<unsigned> available_lane_configs() { return {1, 4}; }

std::unique_ptr<CoreModel> make_core_model(unsigned lanes) {
    if (lanes == 1) return make_core_model_l1();
    if (lanes == 4) return make_core_model_l4();
    throw std::invalid_argument("no bpfnic_core configuration with " + std::to_string(lanes) +
                                " lanes was built (built: 1, 4)");
}

}  // namespace bpfnic::sim
