// The features the server runs.
#include "server/feature_list.hpp"

#include "features/disco/disco_feature.hpp"
#include "features/offline/offline_feature.hpp"
#include "features/ping/ping_feature.hpp"
#include "features/presence/presence_feature.hpp"
#include "features/roster/roster_feature.hpp"
#include "features/version/version_feature.hpp"
#include "server/version.hpp"

namespace tern::server {

void add_features(xmpp::Pipeline& pipeline, const FeatureContext& context) {
  auto& [db, registry, router, config] = context;
  auto& roster = pipeline.add<features::roster::RosterFeature>(
      db, registry, router, features::roster::RosterOptions{.max_items = config.max_roster_items});
  pipeline.add<features::presence::PresenceFeature>(roster.store(), registry, router);
  pipeline.add<features::offline::OfflineFeature>(
      db, registry, features::offline::OfflineOptions{.max_messages = config.max_offline_messages});
  pipeline.add<features::disco::DiscoFeature>(pipeline);
  pipeline.add<features::ping::PingFeature>();
  pipeline.add<features::version::VersionFeature>(std::string(tern_version));
}

}  // namespace tern::server
