// A feature plugs into the stanza pipeline by declaring, in install(), everything it serves.
#pragma once
#include <string_view>

namespace tern::xmpp {

class Registrar;

class Feature {
public:
  virtual ~Feature() = default;
  virtual std::string_view name() const = 0;  // named in start-up errors and logs
  virtual void install(Registrar& registrar) = 0;
};

}  // namespace tern::xmpp
