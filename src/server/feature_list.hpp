// The features the server runs, in one list: adding a feature adds one line to feature_list.cpp.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <functional>

#include "features/accounts/account_store.hpp"
#include "server/config.hpp"
#include "storage/database.hpp"
#include "xmpp/pipeline/pipeline.hpp"
#include "xmpp/routing/router.hpp"
#include "xmpp/routing/session_registry.hpp"

namespace tern::server {

// What features are built from: storage, accounts, the directory of connected resources, the
// router for the stanzas they send, their settings, and a home executor for each mutable object
// they create (a MUC room, say).
struct FeatureContext {
  storage::Database& database;
  features::accounts::AccountStore& accounts;
  xmpp::SessionRegistry& registry;
  xmpp::Router& router;
  const Config& config;
  std::function<boost::asio::any_io_executor()> new_home;
};

void add_features(xmpp::Pipeline& pipeline, const FeatureContext& context);

// The specifications the features declare with implements(), as a Markdown table sorted by name
// (`tern implements`; the README carries it).
std::string implementation_table();

}  // namespace tern::server
