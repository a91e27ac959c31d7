// The stanzas the micro-benchmarks use: a typical one-to-one chat message (133 bytes, the size
// the performance figures in bench/README.md are quoted for) inside a client stream.
#pragma once
#include <string_view>

namespace tern::bench {

inline constexpr std::string_view stream_header =
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
    "xmlns:stream='http://etherx.jabber.org/streams' to='capulet.lit' version='1.0'>";

inline constexpr std::string_view chat_message =
    "<message to='juliet@capulet.lit/balcony' type='chat' id='ktx72v49'>"
    "<body>Art thou not Romeo, and a Montague?</body></message>";

}  // namespace tern::bench
