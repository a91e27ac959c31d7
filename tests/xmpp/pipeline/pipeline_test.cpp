// The feature registry and IQ dispatch.
#include "xmpp/pipeline/pipeline.hpp"

#include <gtest/gtest.h>

#include "support/run.hpp"
#include "support/xml.hpp"

namespace tern::xmpp {
namespace {

using testing::parse_xml;
using testing::run;
using testing::to_xml;

class EchoFeature final : public Feature {
public:
  std::string_view name() const override { return "echo"; }
  void install(Registrar& registrar) override {
    registrar.disco_feature("urn:echo");
    registrar.on_iq(IqType::get, {"urn:echo", "echo"}, {Target::server},
                    [this](IqRequest& request) { return echo(request); });
    registrar.on_iq(IqType::set, {"urn:echo", "fail"}, {Target::server},
                    [this](IqRequest& request) { return fail(request); });
  }

private:
  asio::awaitable<IqResult> echo(IqRequest& request) { co_return request.payload(); }
  asio::awaitable<IqResult> fail(IqRequest&) {
    throw std::runtime_error("storage is down");
    co_return IqResult::empty();
  }
};

class Pipelines : public ::testing::Test {
protected:
  Pipelines() { pipeline.add<EchoFeature>(); }
  xml::Element handle(std::string_view iq, Target target = Target::server) {
    return run(pipeline.handle_iq(parse_xml(iq), *Jid::parse("a@b/c"), *Jid::parse("b"), target));
  }
  Pipeline pipeline;
};

TEST_F(Pipelines, HandlerResultBecomesTheReply) {
  EXPECT_EQ(to_xml(handle("<iq from='a@b/c' to='b' id='1' type='get'><echo xmlns='urn:echo'/></iq>")),
            "<iq id='1' to='a@b/c' from='b' type='result'><echo xmlns='urn:echo'/></iq>");
}

TEST_F(Pipelines, UnhandledPayloadIsServiceUnavailable_Rfc6120Section8_4) {
  EXPECT_EQ(handle("<iq from='a@b/c' to='b' id='2' type='get'><other xmlns='urn:x'/></iq>")
                .child("error")->child_elements().front()->name(),
            "service-unavailable");
  // Registered for the server only: an account target is not served.
  EXPECT_EQ(handle("<iq from='a@b/c' to='b' id='3' type='get'><echo xmlns='urn:echo'/></iq>",
                   Target::account).attribute_or("type"),
            "error");
}

TEST_F(Pipelines, ThrowingHandlerGivesInternalServerError) {
  auto reply = handle("<iq from='a@b/c' to='b' id='4' type='set'><fail xmlns='urn:echo'/></iq>");
  EXPECT_TRUE(reply.child("error")->child("internal-server-error", "urn:ietf:params:xml:ns:xmpp-stanzas"));
}

TEST_F(Pipelines, DuplicateRegistrationNamesBothFeatures) {
  try {
    pipeline.add<EchoFeature>();
    FAIL() << "no error";
  } catch (const std::logic_error& error) {
    EXPECT_STREQ(error.what(), "features 'echo' and 'echo' both handle <echo xmlns='urn:echo'/>");
  }
}

TEST_F(Pipelines, DiscoFeaturesAreCollected) {
  EXPECT_EQ(pipeline.disco_features(), std::vector<std::string>{"urn:echo"});
}

}  // namespace
}  // namespace tern::xmpp
