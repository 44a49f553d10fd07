// SPDX-License-Identifier: MIT
// The 1-lane configuration of bpfnic_core.
#include "Vbpfnic_core_l1.h"
#include "sim/core_model_impl.h"

namespace bpfnic::sim {

std::unique_ptr<CoreModel> make_core_model_l1() { return std::make_unique<CoreModelImpl<Vbpfnic_core_l1, 1>>(); }

}  // namespace bpfnic::sim
