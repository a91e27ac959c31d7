// What Tls13Records makes of each kind of record a peer can send after the handshake. The peer
// here is a second Tls13Records with the secrets swapped: what it seals, ours opens.
#include "transport/tls13_records.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace tern::transport {
namespace {

using Suite = Tls13Records::Suite;

std::array<unsigned char, 48> secret(unsigned char seed) {
  std::array<unsigned char, 48> bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<unsigned char>(seed + i);
  return bytes;
}

class Tls13RecordsTest : public ::testing::TestWithParam<Suite> {
protected:
  std::size_t secret_length() const { return GetParam() == Suite::aes_256_gcm_sha384 ? 48 : 32; }
  std::span<const unsigned char> client_secret() const { return std::span(client_bytes).first(secret_length()); }
  std::span<const unsigned char> server_secret() const { return std::span(server_bytes).first(secret_length()); }

  Tls13Records::Opened open(std::string_view records) {
    return server.open(std::span(reinterpret_cast<const unsigned char*>(records.data()), records.size()), out);
  }
  std::string plaintext(const Tls13Records::Opened& opened) const { return std::string(out.data(), opened.plaintext); }
  std::string from_client(std::uint8_t content_type, std::string_view content) {
    std::string records;
    EXPECT_TRUE(client.seal_content(content_type, content, records));
    return records;
  }

  std::array<unsigned char, 48> client_bytes = secret(1);
  std::array<unsigned char, 48> server_bytes = secret(101);
  Tls13Records server{GetParam(), client_secret(), server_secret(), 0};
  Tls13Records client{GetParam(), server_secret(), client_secret(), 0};  // the other end
  std::vector<char> out = std::vector<char>(Tls13Records::max_inner_plaintext);
};

INSTANTIATE_TEST_SUITE_P(Suites, Tls13RecordsTest,
                         ::testing::Values(Suite::aes_128_gcm_sha256, Suite::aes_256_gcm_sha384,
                                           Suite::chacha20_poly1305_sha256));

TEST_P(Tls13RecordsTest, WhatOneEndSealsTheOtherOpensInOrder) {
  std::string records;
  ASSERT_TRUE(client.seal("<presence/>", records));
  ASSERT_TRUE(client.seal("<message/>", records));
  auto opened = open(records);
  EXPECT_FALSE(opened.error);
  EXPECT_EQ(opened.consumed, records.size());
  EXPECT_EQ(plaintext(opened), "<presence/><message/>");
  EXPECT_EQ(records.size(), 2 * (5 + 1 + 16) + 21);  // no padding
}

TEST_P(Tls13RecordsTest, ARecordFromTheWrongKeyOrReplayedFailsAuthentication) {
  std::string records;
  ASSERT_TRUE(server.seal("to the client", records));
  EXPECT_EQ(open(records).alert, TlsAlert::bad_record_mac);  // our own key, not the client's

  std::string one;
  ASSERT_TRUE(client.seal("once", one));
  EXPECT_FALSE(open(one).error);
  auto replayed = open(one);  // the sequence number moved on
  EXPECT_EQ(replayed.alert, TlsAlert::bad_record_mac);
  EXPECT_EQ(replayed.error, make_error_code(TlsAlert::bad_record_mac));
}

TEST_P(Tls13RecordsTest, APartialRecordWaitsForTheRest) {
  std::string records;
  ASSERT_TRUE(client.seal("split across reads", records));
  auto bytes = std::span(reinterpret_cast<const unsigned char*>(records.data()), records.size());
  EXPECT_FALSE(Tls13Records::holds_record(bytes.first(4)));
  EXPECT_FALSE(Tls13Records::holds_record(bytes.first(records.size() - 1)));
  EXPECT_TRUE(Tls13Records::holds_record(bytes));
  auto partial = open(std::string_view(records).substr(0, records.size() - 1));
  EXPECT_FALSE(partial.error);
  EXPECT_EQ(partial.consumed, 0u);
  EXPECT_EQ(plaintext(open(records)), "split across reads");
}

TEST_P(Tls13RecordsTest, ARecordWaitsWhileTheOutputHasNoRoomForIt) {
  std::string records;
  ASSERT_TRUE(client.seal("abc", records));
  ASSERT_TRUE(client.seal("defgh", records));
  auto opened = server.open(std::span(reinterpret_cast<const unsigned char*>(records.data()), records.size()),
                            std::span(out).first(3 + 5));  // "defgh" needs 5 + 1 after "abc"
  EXPECT_EQ(opened.consumed, 5 + 3 + 1 + 16u);  // only the first record
  EXPECT_EQ(plaintext(opened), "abc");
}

TEST_P(Tls13RecordsTest, CloseNotifyEndsReadingAfterWhatCameBefore) {
  std::string records = from_client(23, "</stream:stream>");
  ASSERT_TRUE(client.seal_alert(TlsAlert::close_notify, records));
  auto before_rest = records.size();
  ASSERT_TRUE(client.seal("ignored", records));
  auto opened = open(records);
  EXPECT_TRUE(opened.closed);
  EXPECT_FALSE(opened.error);
  EXPECT_EQ(plaintext(opened), "</stream:stream>");
  EXPECT_EQ(opened.consumed, before_rest);
}

TEST_P(Tls13RecordsTest, APeersFatalAlertEndsTheConnectionWithoutOneOfOurs) {
  std::string records;
  ASSERT_TRUE(client.seal_alert(TlsAlert::decode_error, records));
  auto opened = open(records);
  EXPECT_EQ(opened.error, peer_alert_error(50));
  EXPECT_FALSE(opened.alert);
}

TEST_P(Tls13RecordsTest, MalformedContentGetsTheAlertRfc8446Names) {
  struct Case {
    std::uint8_t type;
    std::string content;
    TlsAlert alert;
  };
  const Case cases[] = {
      {21, std::string("\x02", 1), TlsAlert::decode_error},                 // an alert of one byte
      {22, "", TlsAlert::unexpected_message},                               // empty handshake
      {22, std::string("\x04\x00\x00\x00", 4), TlsAlert::unexpected_message},  // NewSessionTicket
      {22, std::string("\x18\x00\x00\x01\x02", 5), TlsAlert::illegal_parameter},  // KeyUpdate 2
      {22, std::string("\x18\x00\x00\x02\x00\x00", 6), TlsAlert::decode_error},  // KeyUpdate too long
      {22, std::string("\x18\x00\x00\x01\x00\x18\x00\x00\x01\x00", 10), TlsAlert::unexpected_message},
      {20, std::string("\x01", 1), TlsAlert::unexpected_message},  // change_cipher_spec
      {0, "", TlsAlert::unexpected_message},                      // padding only: no content type
      {23, std::string(16385, 'x'), TlsAlert::record_overflow},    // content over 2^14
  };
  for (const auto& test : cases) {
    SCOPED_TRACE(::testing::Message() << "type " << int(test.type) << ", " << test.content.size() << " bytes");
    Tls13Records fresh_server{GetParam(), client_secret(), server_secret(), 0};
    Tls13Records fresh_client{GetParam(), server_secret(), client_secret(), 0};
    std::string records;
    ASSERT_TRUE(fresh_client.seal_content(test.type, test.content, records));
    auto opened = fresh_server.open(std::span(reinterpret_cast<const unsigned char*>(records.data()), records.size()), out);
    EXPECT_EQ(opened.alert, test.alert);
  }
}

TEST_P(Tls13RecordsTest, UnprotectedOrOversizedRecordsAreRefusedFromTheHeader) {
  const std::string change_cipher_spec("\x14\x03\x03\x00\x01\x01", 6);
  EXPECT_EQ(open(change_cipher_spec).alert, TlsAlert::unexpected_message);
  const std::string oversized("\x17\x03\x03\x41\x01", 5);  // 2^14 + 257
  EXPECT_TRUE(Tls13Records::holds_record(std::span(reinterpret_cast<const unsigned char*>(oversized.data()), 5)));
  EXPECT_EQ(open(oversized).alert, TlsAlert::record_overflow);
}

TEST_P(Tls13RecordsTest, AKeyUpdateAskedForIsOwedUntilOurNextRecord) {
  std::string records = from_client(22, std::string("\x18\x00\x00\x01\x01", 5));
  auto opened = open(records);
  EXPECT_FALSE(opened.error);
  EXPECT_TRUE(server.owes_key_update());
  std::string reply;
  ASSERT_TRUE(server.seal("after", reply));
  EXPECT_FALSE(server.owes_key_update());
  // Our KeyUpdate under the old key, then the data under the new one: the client follows.
  EXPECT_EQ(reply.size(), (5 + 5 + 1 + 16) + (5 + 5 + 1 + 16));
  auto read = client.open(std::span(reinterpret_cast<const unsigned char*>(reply.data()), reply.size()), out);
  EXPECT_FALSE(read.error) << read.error.message();
  EXPECT_EQ(std::string(out.data(), read.plaintext), "after");
  EXPECT_FALSE(client.owes_key_update());  // ours did not ask for one back
}

TEST_P(Tls13RecordsTest, PaddingAfterTheContentTypeIsDropped) {
  // Content "hi", type 23, then the zero the type argument adds: one byte of padding.
  auto opened = open(from_client(0, std::string("hi", 3)));
  EXPECT_FALSE(opened.error);
  EXPECT_EQ(plaintext(opened), "hi");
}

}  // namespace
}  // namespace tern::transport
