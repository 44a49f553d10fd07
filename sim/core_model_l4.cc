// SPDX-License-Identifier: MIT
// The 4-lane configuration of bpfnic_core.
#include "Vbpfnic_core_l4.h"
#include "sim/core_model_impl.h"

namespace bpfnic::sim {

std::unique_ptr<CoreModel> make_core_model_l4() { return std::make_unique<CoreModelImpl<Vbpfnic_core_l4, 4>>(); }

}  // namespace bpfnic::sim
