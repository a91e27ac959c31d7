// The workloads tern-bench runs; each returns the run's results (see bench/README.md).
#pragma once
#include <boost/asio/awaitable.hpp>

#include "login.hpp"
#include "report.hpp"

namespace tern::bench {

// N sessions logged in (roster, presence) and held: server memory per session.
asio::awaitable<Report> run_idle(BenchContext& context);
// Full logins (TLS, SASL, bind, roster, presence, close) with C at once: rate, latency, CPU.
asio::awaitable<Report> run_login(BenchContext& context);
// Pairs of sessions chatting both ways, at a rate or at saturation: delivered/s, latency, CPU.
asio::awaitable<Report> run_chat(BenchContext& context);
// Rooms of occupants sending groupchat messages: deliveries/s, latency, CPU.
asio::awaitable<Report> run_muc(BenchContext& context);
// Accounts with mutual rosters going online at once: presence deliveries, CPU per delivery.
asio::awaitable<Report> run_presence(BenchContext& context);

}  // namespace tern::bench
