// tern-bench: an XMPP load generator. Runs one workload against a server and prints one JSON
// line of results (see bench/README.md).
#include <CLI/CLI.hpp>
#include <sys/resource.h>

#include <boost/asio/co_spawn.hpp>
#include <iostream>
#include <map>

#include "concurrency.hpp"
#include "workloads.hpp"

namespace {

using namespace tern::bench;

// Ten thousand sessions need ten thousand descriptors.
void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

asio::awaitable<Report> run_workload(BenchContext& context) {
  const auto& workload = context.options.workload;
  if (workload == "idle") co_return co_await run_idle(context);
  if (workload == "login") co_return co_await run_login(context);
  if (workload == "chat") co_return co_await run_chat(context);
  if (workload == "muc") co_return co_await run_muc(context);
  co_return co_await run_presence(context);
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"tern-bench: XMPP load generator (one JSON line of results on stdout)"};
  app.add_option("workload", options.workload, "idle | login | chat | muc | presence")
      ->required()
      ->check(CLI::IsMember({"idle", "login", "chat", "muc", "presence"}));
  app.add_option("--host", options.host, "Server address")->capture_default_str();
  app.add_option("--port", options.port, "Client port")->capture_default_str();
  app.add_option("--domain", options.domain, "The XMPP domain of the accounts")->capture_default_str();
  std::map<std::string, TlsMode> tls_modes{{"starttls", TlsMode::starttls}, {"direct", TlsMode::direct}, {"none", TlsMode::none}};
  app.add_option("--tls", options.tls, "starttls | direct (XEP-0368) | none")
      ->transform(CLI::CheckedTransformer(tls_modes, CLI::ignore_case));
  std::map<std::string, Mechanism> mechanisms{{"SCRAM-SHA-1", Mechanism::scram_sha1}, {"PLAIN", Mechanism::plain}};
  app.add_option("--mechanism", options.mechanism, "SCRAM-SHA-1 | PLAIN")
      ->transform(CLI::CheckedTransformer(mechanisms, CLI::ignore_case));
  app.add_option("--user-prefix", options.user_prefix, "Accounts are PREFIX1, PREFIX2, ...")->capture_default_str();
  app.add_option("--password", options.password, "Every account's password")->capture_default_str();
  app.add_option("--resource", options.resource, "Resource to bind")->capture_default_str();
  app.add_option("--sessions", options.sessions,
                 "idle: sessions held; login: logins measured; presence: accounts going online")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--accounts", options.accounts, "login: distinct accounts cycled through (default: up to 1000)");
  app.add_option("--concurrency", options.concurrency, "Logins in progress at once")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--duration", options.duration_s, "Seconds measured (chat, muc) or held (idle)")->capture_default_str();
  app.add_option("--warmup", options.warmup_s, "Seconds of load before measuring (chat, muc)")->capture_default_str();
  app.add_option("--pairs", options.pairs, "chat: pairs of sessions")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--rate", options.rate, "chat, muc: messages/s in total; 0 = saturation")->capture_default_str();
  app.add_option("--window", options.window, "Saturation: messages in flight per pair (chat) or room (muc)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--rooms", options.rooms, "muc: rooms")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--occupants", options.occupants, "muc: occupants per room")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--muc-service", options.muc_service, "muc: the service's JID")->capture_default_str();
  app.add_option("--contacts", options.contacts, "presence: contacts per roster (sets the expected deliveries)");
  app.add_option("--server-pid", options.server_pid, "The server's process: its CPU time and memory are reported");
  app.add_option("--step-timeout", options.step_timeout_s, "Seconds one login or one wait may take")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  raise_descriptor_limit();
  try {
    asio::io_context io(1);
    BenchContext context(io, options);
    std::optional<Report> report;
    std::exception_ptr failure;
    asio::co_spawn(io, run_workload(context), [&](std::exception_ptr error, Report result) {
      failure = error;
      if (!error) report = std::move(result);
      io.stop();  // readers of closed connections need not finish
    });
    io.run();
    if (failure) std::rethrow_exception(failure);
    std::cout << report->json() << std::endl;
  } catch (const std::exception& error) {
    log_line(std::string("failed: ") + error.what());
    return 1;
  }
  return 0;
}
