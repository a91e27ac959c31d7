// The features the server runs.
#include "server/feature_list.hpp"

#include <boost/asio/io_context.hpp>

#include <algorithm>

#include "features/caps/caps_feature.hpp"
#include "features/disco/disco_feature.hpp"
#include "features/last/last_feature.hpp"
#include "features/muc/muc_feature.hpp"
#include "features/offline/offline_feature.hpp"
#include "features/ping/ping_feature.hpp"
#include "features/presence/presence_feature.hpp"
#include "features/privacy/blocking_feature.hpp"
#include "features/privacy/privacy_feature.hpp"
#include "features/register/register_feature.hpp"
#include "features/roster/roster_feature.hpp"
#include "features/time/time_feature.hpp"
#include "features/vcard/vcard_feature.hpp"
#include "features/version/version_feature.hpp"
#include "features/accounts/account_store.hpp"
#include "server/version.hpp"
#include "storage/sqlite_connection.hpp"

namespace tern::server {

void add_features(xmpp::Pipeline& pipeline, const FeatureContext& context) {
  auto& [db, accounts, registry, router, config, new_home] = context;
  auto& roster = pipeline.add<features::roster::RosterFeature>(
      db, registry, router, features::roster::RosterOptions{.max_items = config.max_roster_items});
  auto& privacy = pipeline.add<features::privacy::PrivacyFeature>(
      db, roster.store(), registry, router,
      features::privacy::PrivacyOptions{.max_lists = config.max_privacy_lists,
                                        .max_items = config.max_privacy_items});
  pipeline.add<features::privacy::BlockingFeature>(privacy.service());
  auto& last = pipeline.add<features::last::LastFeature>(db, roster.store(), registry);
  pipeline.add<features::presence::PresenceFeature>(roster.store(), last.store(), registry, router);
  pipeline.add<features::offline::OfflineFeature>(
      db, registry, features::offline::OfflineOptions{.max_messages = config.max_offline_messages});
  pipeline.add<features::caps::CapsFeature>(db, router);
  pipeline.add<features::disco::DiscoFeature>(pipeline, roster.store(), registry,
                                              config.contact_addresses);
  pipeline.add<features::ping::PingFeature>();
  pipeline.add<features::register_::RegisterFeature>(
      accounts, pipeline, registry,
      features::register_::RegisterOptions{.in_band = config.in_band_registration});
  pipeline.add<features::time::TimeFeature>();
  pipeline.add<features::vcard::VCardFeature>(
      db, registry, pipeline, features::vcard::VCardOptions{.max_bytes = config.max_vcard_bytes});
  pipeline.add<features::version::VersionFeature>(std::string(tern_version));
  if (config.muc_enabled) {
    pipeline.add<features::muc::MucFeature>(
        features::muc::MucOptions{.domain = config.muc_service_domain(),
                                  .name = config.muc_name,
                                  .max_occupants = config.muc_max_occupants,
                                  .history_messages = config.muc_history_messages,
                                  .max_rooms_per_user = config.muc_max_rooms_per_user},
        router, new_home);
  }
}

std::string implementation_table() {
  // The features are only installed, never run: an empty database in memory is enough.
  storage::Database db([] { return std::make_unique<storage::SqliteConnection>(":memory:"); }, 1);
  features::accounts::AccountStore accounts(db);
  Config config;
  xmpp::Pipeline pipeline;
  xmpp::SessionRegistry registry;
  xmpp::Router router(config.domains, registry, pipeline, accounts);
  boost::asio::io_context io;
  add_features(pipeline, {db, accounts, registry, router, config, [&io] { return io.get_executor(); }});
  auto implementations = pipeline.implementations();
  std::sort(implementations.begin(), implementations.end(),
            [](const auto& a, const auto& b) { return a.spec < b.spec; });
  std::string table = "| Specification | Version | Support |\n|---|---|---|\n";
  for (const auto& implementation : implementations) {
    auto version = implementation.version.empty() ? std::string_view("-") : implementation.version;
    table += "| " + std::string(implementation.spec) + " | " + std::string(version) + " | " +
             (implementation.support == xmpp::Support::complete ? "complete" : "partial") + " |\n";
  }
  return table;
}

}  // namespace tern::server
