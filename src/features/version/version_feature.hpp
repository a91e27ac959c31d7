// XEP-0092 Software Version: the server's name and version (the operating system is not
// disclosed, as §4 permits, to give attackers less to go on).
#pragma once
#include <string>

#include "xmpp/pipeline/feature.hpp"
#include "xmpp/pipeline/registrar.hpp"

namespace tern::features::version {

class VersionFeature final : public xmpp::Feature {
public:
  explicit VersionFeature(std::string version) : version_(std::move(version)) {}
  std::string_view name() const override { return "version"; }
  void install(xmpp::Registrar& registrar) override;

private:
  boost::asio::awaitable<xmpp::IqResult> get(xmpp::IqRequest& request);
  std::string version_;
};

}  // namespace tern::features::version
