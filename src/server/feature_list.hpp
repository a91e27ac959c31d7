// The features the server runs, in one list: adding a feature adds one line to feature_list.cpp.
#pragma once
#include "server/config.hpp"
#include "storage/database.hpp"
#include "xmpp/pipeline/pipeline.hpp"
#include "xmpp/routing/router.hpp"
#include "xmpp/routing/session_registry.hpp"

namespace tern::server {

// What features are built from: storage, the directory of connected resources, the router for
// the stanzas they send, and their settings.
struct FeatureContext {
  storage::Database& database;
  xmpp::SessionRegistry& registry;
  xmpp::Router& router;
  const Config& config;
};

void add_features(xmpp::Pipeline& pipeline, const FeatureContext& context);

}  // namespace tern::server
