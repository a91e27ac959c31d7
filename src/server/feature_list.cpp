// The features the server runs.
#include "server/feature_list.hpp"

#include "features/disco/disco_feature.hpp"
#include "features/ping/ping_feature.hpp"
#include "features/version/version_feature.hpp"
#include "server/version.hpp"

namespace tern::server {

void add_features(xmpp::Pipeline& pipeline) {
  pipeline.add<features::disco::DiscoFeature>(pipeline);
  pipeline.add<features::ping::PingFeature>();
  pipeline.add<features::version::VersionFeature>(std::string(tern_version));
}

}  // namespace tern::server
