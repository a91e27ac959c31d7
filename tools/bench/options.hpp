// What a tern-bench run was asked to do (the command line, see main.cpp).
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace tern::bench {

enum class TlsMode { starttls, direct, none };
enum class Mechanism { scram_sha1, plain };

struct Options {
  std::string workload;
  std::string host = "127.0.0.1";
  std::uint16_t port = 5222;
  std::string domain = "localhost";
  TlsMode tls = TlsMode::starttls;
  Mechanism mechanism = Mechanism::scram_sha1;
  std::string user_prefix = "bench";
  std::string password = "secret";
  std::string resource = "bench";
  int sessions = 1000;
  int accounts = 0;  // login: distinct accounts cycled through (0: as many as sessions)
  int concurrency = 50;
  double duration_s = 10;
  double warmup_s = 2;
  int pairs = 100;
  double rate = 0;  // messages/s in total; 0 = saturation, limited by the window
  int window = 16;  // messages in flight per pair (chat) or per room (muc)
  int rooms = 10;
  int occupants = 50;
  std::string muc_service = "conference.localhost";
  int contacts = 0;  // presence: the roster size provisioned (reported, and sets the expected count)
  int server_pid = 0;
  double step_timeout_s = 60;  // one login, or one wait for an answer

  std::string account(int index) const { return user_prefix + std::to_string(index); }
  std::chrono::milliseconds step_timeout() const {
    return std::chrono::milliseconds(static_cast<long>(step_timeout_s * 1000));
  }
};

}  // namespace tern::bench
