// The features the server runs, in one list: adding a feature adds one line to feature_list.cpp.
#pragma once
#include "xmpp/pipeline/pipeline.hpp"

namespace tern::server {

void add_features(xmpp::Pipeline& pipeline);

}  // namespace tern::server
