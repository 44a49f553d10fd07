// SPDX-License-Identifier: MIT
// Map contents that make the example modules do their real work on generated traffic (the maps
// the host fills before traffic in a deployment): tunnel and load-balancer VIPs for some of the
// generator's flows, routes for the router. Modules not named here start with empty maps.
#pragma once

#include <string>

#include "compiler/program.h"
#include "driver/maps.h"
#include "driver/traffic/generator.h"

namespace bpfnic::bench {

/// Fills the maps of `module` (an example's name) for the flows of `gen`; returns a one-line
/// description of what it put there ("" for a module it has nothing for). Throws Error when the
/// object's maps are not the example's.
std::string fill_module_maps(const std::string& module, const Object& obj, MapSet& maps, const TrafficGenerator& gen);

}  // namespace bpfnic::bench
