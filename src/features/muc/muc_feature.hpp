// XEP-0045 Multi-User Chat, as a service the server hosts at a domain of its own.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <functional>

#include "features/muc/muc_service.hpp"
#include "xmpp/pipeline/feature.hpp"
#include "xmpp/pipeline/registrar.hpp"

namespace tern::features::muc {

class MucFeature final : public xmpp::Feature {
public:
  MucFeature(MucOptions options, xmpp::Router& router, std::function<boost::asio::any_io_executor()> new_home);
  std::string_view name() const override { return "muc"; }
  void install(xmpp::Registrar& registrar) override;

private:
  MucService service_;
};

}  // namespace tern::features::muc
