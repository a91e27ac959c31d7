// XEP-0092 Software Version.
#include "features/version/version_feature.hpp"

namespace tern::features::version {
namespace {
constexpr std::string_view version_xmlns = "jabber:iq:version";
}

void VersionFeature::install(xmpp::Registrar& registrar) {
  registrar.implements({.spec = "XEP-0092", .version = "1.1"});
  registrar.disco_feature(version_xmlns);
  registrar.on_iq(xmpp::IqType::get, {version_xmlns, "query"}, {xmpp::Target::server},
                  [this](xmpp::IqRequest& request) { return get(request); });
}

boost::asio::awaitable<xmpp::IqResult> VersionFeature::get(xmpp::IqRequest&) {
  xml::Element query("query", std::string(version_xmlns));
  query.add_child("name", std::string(version_xmlns)).add_text("Tern");
  query.add_child("version", std::string(version_xmlns)).add_text(version_);
  co_return query;
}

}  // namespace tern::features::version
