// Tests of harness/src/runner.cpp against scripted peers: each verdict class, located failures, silent server -> ungraded.
#include "smbharness/runner.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "harness/fake_server.hpp"
#include "smbharness/scenario_loader.hpp"

namespace smb::harness {
namespace {

using json = nlohmann::json;
using testing::FakeServer;

/** ECHO answered with `echo_status` (MS-SMB2 3.3.5.? ECHO: SUCCESS, StructureSize 4); NEGOTIATE picks 2.0.2. */
FakeServer::Handler echo_server(std::uint32_t echo_status) {
  return [echo_status](const proto::Request& req) -> std::optional<proto::Response> {
    switch (static_cast<proto::Command>(req.header.command)) {
      case proto::Command::NEGOTIATE: return FakeServer::negotiate_response(req);
      case proto::Command::ECHO:
        if (echo_status == 0) return FakeServer::reply(req, proto::EchoResponse{}, 0);
        return FakeServer::reply(req, proto::ErrorResponse{}, echo_status);
      default: return FakeServer::reply(req, proto::ErrorResponse{}, status::STATUS_NOT_SUPPORTED.value);
    }
  };
}

Scenario load(const std::string& steps_json, const std::string& extra = "") {
  std::string text = R"({"id": "t", "title": "t", "description": "d", "requirements": ["SMB2-COMMON-20"],
    "spec": ["MS-SMB2 3.3.5.2"], "level": "MUST", "connections": {"A": {"connect": "negotiate"}}, )" + extra +
                     R"("steps": )" + steps_json + "}";
  auto r = load_scenario_text(text, "scenarios/t.json");
  if (auto* e = std::get_if<LoadError>(&r)) ADD_FAILURE() << e->message;
  return std::get<Scenario>(r);
}

Target target_for(std::uint16_t port) {
  Target t;
  t.display = "fake";
  t.host = "127.0.0.1";
  t.port = port;
  t.share = "share";
  return t;
}

RunOptions fast() {
  RunOptions o;
  o.timeout_ms = 1000;
  o.prologue_timeout_ms = 1000;
  return o;
}

const char* kEcho = R"([{ "send": "ECHO" }, { "expect": "ECHO", "fields": { "structure_size": 4 } }])";

TEST(Runner, PassWhenTheResponseMatches) {
  FakeServer srv(echo_server(0));
  auto r = run_scenario(load(kEcho), target_for(srv.port()), fast());
  EXPECT_EQ(r.verdict, Verdict::pass) << r.message;
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_EQ(r.steps[1].received.size(), 1u);
  EXPECT_FALSE(r.capture->records().empty());  // NEGOTIATE + ECHO frames were captured
}

TEST(Runner, FailCarriesTheLocatedExpectedVsActualMessage) {
  FakeServer srv(echo_server(status::STATUS_ACCESS_DENIED.value));
  auto r = run_scenario(load(kEcho), target_for(srv.port()), fast());
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_EQ(r.message,
            "scenarios/t.json: step 2 (expect ECHO): field status: expected STATUS_SUCCESS (0x00000000) vs actual "
            "STATUS_ACCESS_DENIED (0xc0000022)");
}

TEST(Runner, NonStrictOutcome) {
  FakeServer srv(echo_server(0));
  auto sc = load(R"([{ "send": "ECHO" }, { "expect": "ECHO", "outcomes": [
      { "status": "STATUS_INVALID_PARAMETER", "verdict": "pass" },
      { "status": "STATUS_SUCCESS", "verdict": "non_strict", "note": "tolerated" } ] }])");
  auto r = run_scenario(sc, target_for(srv.port()), fast());
  EXPECT_EQ(r.verdict, Verdict::non_strict) << r.message;
}

TEST(Runner, NoOutcomeMatchingIsAFail) {
  FakeServer srv(echo_server(status::STATUS_ACCESS_DENIED.value));
  auto sc = load(R"([{ "send": "ECHO" }, { "expect": "ECHO", "outcomes": [
      { "status": "STATUS_INVALID_PARAMETER", "verdict": "pass" },
      { "status": "STATUS_SUCCESS", "verdict": "non_strict" } ] }])");
  auto r = run_scenario(sc, target_for(srv.port()), fast());
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(r.message.find("no outcome matched"), std::string::npos) << r.message;
}

TEST(Runner, FieldMismatchNamesTheField) {
  FakeServer srv(echo_server(0));
  auto r = run_scenario(load(R"([{ "send": "ECHO" }, { "expect": "ECHO", "fields": { "reserved": 1 } }])"),
                        target_for(srv.port()), fast());
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_EQ(r.message, "scenarios/t.json: step 2 (expect ECHO): field reserved: expected 1 vs actual 0");
}

TEST(Runner, ReferenceOnlyOnExternalTargetIsUnsupportedWithoutConnecting) {
  FakeServer srv(echo_server(0));
  auto sc = load(kEcho, R"("requires": {"reference_only": true}, )");
  auto r = run_scenario(sc, target_for(srv.port()), fast());
  EXPECT_EQ(r.verdict, Verdict::unsupported);
  EXPECT_EQ(srv.accepted(), 0);
}

TEST(Runner, NegotiatedDialectBelowMinimumIsUnsupported) {
  FakeServer srv(echo_server(0));  // always picks 2.0.2
  auto sc = load(kEcho, R"("requires": {"min_dialect": "2.0.2"}, )");
  sc.requires_.min_dialect = 0x0300;  // offer everything, but require 3.0 (the loader would narrow the offer)
  auto r = run_scenario(sc, target_for(srv.port()), fast());
  EXPECT_EQ(r.verdict, Verdict::unsupported) << r.message;
}

TEST(Runner, MissingTargetFlagIsUnsupported) {
  FakeServer srv(echo_server(0));
  auto r = run_scenario(load(kEcho, R"("requires": {"target_flags": {"lock_multi_check": "first-only"}}, )"),
                        target_for(srv.port()), fast());
  EXPECT_EQ(r.verdict, Verdict::unsupported);
}

TEST(Runner, NoResponseWithinTheStepTimeoutFails) {
  FakeServer srv([](const proto::Request& req) -> std::optional<proto::Response> {
    if (req.header.command == 0) return FakeServer::negotiate_response(req);
    return std::nullopt;  // never answers ECHO
  });
  auto sc = load(R"([{ "send": "ECHO" }, { "expect": "ECHO", "timeout_ms": 300 }])");
  auto t0 = std::chrono::steady_clock::now();
  auto r = run_scenario(sc, target_for(srv.port()), fast());
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_EQ(r.message, "scenarios/t.json: step 2 (expect ECHO): no ECHO response to MessageId 1 within 300 ms");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
}

TEST(Runner, ExpectNothingPassesOnSilenceAndFailsOnAMessage) {
  FakeServer srv(echo_server(0));
  auto quiet = run_scenario(load(R"([{ "expect_nothing": { "ms": 200 } }])"), target_for(srv.port()), fast());
  EXPECT_EQ(quiet.verdict, Verdict::pass) << quiet.message;
  auto noisy = run_scenario(load(R"([{ "send": "ECHO" }, { "expect_nothing": { "ms": 500 } }])"), target_for(srv.port()), fast());
  EXPECT_EQ(noisy.verdict, Verdict::fail);
}

TEST(Runner, SilentServerIsUngradedWithinTheTimeoutAndTheRunGoesOn) {
  FakeServer silent(FakeServer::Handler(), /*silent=*/true);
  FakeServer good(echo_server(0));
  std::vector<Scenario> scs{load(kEcho), load(kEcho)};
  scs[1].id = "t2";
  auto t0 = std::chrono::steady_clock::now();
  auto r1 = run_all({scs[0]}, target_for(silent.port()), fast(), 1, nullptr);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  ASSERT_EQ(r1.size(), 1u);
  EXPECT_EQ(r1[0].verdict, Verdict::ungraded);
  EXPECT_NE(r1[0].message.find("prologue: connection A: NEGOTIATE failed: timed out"), std::string::npos) << r1[0].message;
  // The next scenarios of the run still execute (two jobs, both pass).
  auto r2 = run_all(scs, target_for(good.port()), fast(), 2, nullptr);
  ASSERT_EQ(r2.size(), 2u);
  EXPECT_EQ(r2[0].verdict, Verdict::pass);
  EXPECT_EQ(r2[1].verdict, Verdict::pass);
}

TEST(Runner, ConnectionRefusedIsUngraded) {
  std::uint16_t port;
  { FakeServer gone(echo_server(0)); port = gone.port(); }
  auto r = run_scenario(load(kEcho), target_for(port), fast());
  EXPECT_EQ(r.verdict, Verdict::ungraded);
}


// ---- Runner findings (R2, R3, R8, R9, timing windows) --------------------------------------------------------------

/** ECHO goes async: an interim STATUS_PENDING with AsyncId 0x55 (MS-SMB2 3.3.4.2); a CANCEL naming that AsyncId
 *  (MS-SMB2 3.3.5.16) completes it with STATUS_CANCELLED. */
FakeServer::Script async_echo_server() {
  return [](const proto::Request& req) {
    FakeServer::Reply out;
    auto cmd = static_cast<proto::Command>(req.header.command);
    if (cmd == proto::Command::NEGOTIATE) {
      out.responses.push_back(FakeServer::negotiate_response(req));
    } else if (cmd == proto::Command::ECHO) {
      auto interim = FakeServer::reply(req, proto::ErrorResponse{}, status::STATUS_PENDING.value);
      interim.header.flags |= proto::SMB2_FLAGS_ASYNC_COMMAND;
      interim.header.async_id = 0x55;
      out.responses.push_back(interim);
    } else if (cmd == proto::Command::CANCEL && req.header.is_async() && req.header.async_id == 0x55) {
      auto final_ = FakeServer::reply(req, proto::ErrorResponse{}, status::STATUS_CANCELLED.value);
      final_.header.command = static_cast<std::uint16_t>(proto::Command::ECHO);
      final_.header.flags |= proto::SMB2_FLAGS_ASYNC_COMMAND;
      final_.header.async_id = 0x55;
      out.responses.push_back(final_);
    }
    return out;
  };
}

TEST(Runner, InterimOnlyStopsAtTheInterimSoACancelByAsyncIdCanFollow) {
  FakeServer srv(async_echo_server());
  auto sc = load(R"([{ "send": "ECHO", "name": "r" },
      { "expect": "ECHO", "request": "r", "interim": "only", "capture": { "aid": "header.async_id" } },
      { "send": "CANCEL", "header": { "async_id": "$aid" } },
      { "expect": "ERROR", "request": "r", "interim": true, "status": "STATUS_CANCELLED" }])");
  auto r = run_scenario(sc, target_for(srv.port()), fast());
  EXPECT_EQ(r.verdict, Verdict::pass) << r.message;
}

TEST(Runner, InterimOnlyFailsWhenTheFinalResponseComesFirst) {
  FakeServer srv(echo_server(0));
  auto r = run_scenario(load(R"([{ "send": "ECHO" }, { "expect": "ECHO", "interim": "only" }])"), target_for(srv.port()), fast());
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(r.message.find("expected an interim STATUS_PENDING response (MS-SMB2 3.3.4.2) vs actual final response ECHO"),
            std::string::npos) << r.message;
}

TEST(Runner, InterimOnlyRejectsStatusAtLoadTime) {
  auto res = load_scenario_text(R"({"id": "t", "title": "t", "description": "d", "requirements": ["SMB2-COMMON-20"],
    "spec": ["MS-SMB2 3.3.5.2"], "level": "MUST", "connections": {"A": {"connect": "negotiate"}},
    "steps": [{ "send": "ECHO" }, { "expect": "ECHO", "interim": "only", "status": "STATUS_SUCCESS" }]})", "scenarios/t.json");
  ASSERT_TRUE(std::holds_alternative<LoadError>(res));
  EXPECT_NE(std::get<LoadError>(res).message.find("field status: not allowed with \"interim\": \"only\""), std::string::npos)
      << std::get<LoadError>(res).message;
}

/** ECHO makes the peer close the connection without answering (MS-SMB2 3.3.5.2.6 "MAY disconnect" rows). */
FakeServer::Script closing_server() {
  return [](const proto::Request& req) {
    FakeServer::Reply out;
    if (req.header.command == static_cast<std::uint16_t>(proto::Command::NEGOTIATE))
      out.responses.push_back(FakeServer::negotiate_response(req));
    else
      out.close = true;
    return out;
  };
}

const char* kEchoOrDisconnect = R"([{ "send": "ECHO" }, { "expect": "ECHO", "outcomes": [
    { "status": "STATUS_SUCCESS", "verdict": "pass" },
    { "disconnect": true, "verdict": "non_strict", "note": "server chose to disconnect" } ] }])";

TEST(Runner, DisconnectOutcomeMatchesWhenTheServerClosesInsteadOfAnswering) {
  FakeServer srv(closing_server());
  auto r = run_scenario(load(kEchoOrDisconnect), target_for(srv.port()), fast());
  EXPECT_EQ(r.verdict, Verdict::non_strict) << r.message;
  EXPECT_NE(r.message.find("server chose to disconnect"), std::string::npos) << r.message;
}

TEST(Runner, DisconnectOutcomeDoesNotMatchAResponse) {
  FakeServer srv(echo_server(0));
  auto r = run_scenario(load(kEchoOrDisconnect), target_for(srv.port()), fast());
  EXPECT_EQ(r.verdict, Verdict::pass) << r.message;
  FakeServer denied(echo_server(status::STATUS_ACCESS_DENIED.value));
  auto f = run_scenario(load(R"([{ "send": "ECHO" }, { "expect": "ECHO", "outcomes": [
      { "disconnect": true, "verdict": "pass" } ] }])"), target_for(denied.port()), fast());
  EXPECT_EQ(f.verdict, Verdict::fail);
  EXPECT_NE(f.message.find("expected the server to disconnect vs actual ECHO response STATUS_ACCESS_DENIED"), std::string::npos)
      << f.message;
}

TEST(Runner, CloseWithoutADisconnectOutcomeStillFails) {
  FakeServer srv(closing_server());
  auto r = run_scenario(load(kEcho), target_for(srv.port()), fast());
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(r.message.find("connection closed by the server"), std::string::npos) << r.message;
}

/** ECHO answered only after `delay` (a peer with a real-time timer, e.g. the 35 s oplock break timer). */
FakeServer::Script delayed_echo_server(std::chrono::milliseconds delay) {
  return [delay](const proto::Request& req) {
    FakeServer::Reply out;
    if (req.header.command == static_cast<std::uint16_t>(proto::Command::NEGOTIATE)) {
      out.responses.push_back(FakeServer::negotiate_response(req));
    } else {
      std::this_thread::sleep_for(delay);  // the peer's timer under test, not a wait for a condition
      out.responses.push_back(FakeServer::reply(req, proto::EchoResponse{}, 0));
    }
    return out;
  };
}

TEST(Runner, TimingWindowAcceptsAResponseInsideIt) {
  FakeServer srv(delayed_echo_server(std::chrono::milliseconds(300)));
  auto r = run_scenario(load(R"([{ "send": "ECHO", "name": "r" }, { "expect": "ECHO", "since": "r", "min_ms": 200, "max_ms": 3000 }])"),
                        target_for(srv.port()), fast());
  EXPECT_EQ(r.verdict, Verdict::pass) << r.message;
}

TEST(Runner, TimingWindowRejectsAnEarlyResponse) {
  FakeServer srv(echo_server(0));
  auto r = run_scenario(load(R"([{ "send": "ECHO" }, { "expect": "ECHO", "min_ms": 250, "max_ms": 3000 }])"),
                        target_for(srv.port()), fast());
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(r.message.find("timing: expected no earlier than 250 ms after the request vs actual"), std::string::npos) << r.message;
}

TEST(Runner, TimingWindowRejectsALateResponse) {
  FakeServer srv(delayed_echo_server(std::chrono::milliseconds(400)));
  auto r = run_scenario(load(R"([{ "send": "ECHO" }, { "expect": "ECHO", "mark": "t", "max_ms": 100, "timeout_ms": 3000 }])"),
                        target_for(srv.port()), fast());
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(r.message.find("timing: expected no later than 100 ms after the request vs actual"), std::string::npos) << r.message;
}

TEST(Runner, TimingSinceMustNameAnEarlierSendOrMark) {
  auto res = load_scenario_text(R"({"id": "t", "title": "t", "description": "d", "requirements": ["SMB2-COMMON-20"],
    "spec": ["MS-SMB2 3.3.5.2"], "level": "MUST", "connections": {"A": {"connect": "negotiate"}},
    "steps": [{ "send": "ECHO" }, { "expect": "ECHO", "since": "nope", "max_ms": 10 }]})", "scenarios/t.json");
  ASSERT_TRUE(std::holds_alternative<LoadError>(res));
  EXPECT_NE(std::get<LoadError>(res).message.find("field since: no earlier send name or mark"), std::string::npos);
}

TEST(Runner, UnknownResponseCommandIsPrintedAsHexNotAnInternalError) {
  // R8: a peer answering with Command 0x0014 (undefined in MS-SMB2 2.2.1).
  FakeServer srv([](const proto::Request& req) -> std::optional<proto::Response> {
    if (req.header.command == 0) return FakeServer::negotiate_response(req);
    auto r = FakeServer::reply(req, proto::ErrorResponse{}, status::STATUS_INVALID_PARAMETER.value);
    r.header.command = 0x0014;
    return r;
  });
  auto r = run_scenario(load(kEcho), target_for(srv.port()), fast());
  EXPECT_EQ(r.verdict, Verdict::fail) << r.message;
  EXPECT_NE(r.message.find("0x0014"), std::string::npos) << r.message;
  EXPECT_EQ(r.message.find("internal error"), std::string::npos) << r.message;
}

TEST(Runner, HeaderCommandOverrideIsSentOnTheWire) {
  // R9: {"header": {"command": 20}} sends Command 0x0014; MS-SMB2 3.3.5.2.6 says the server MUST disconnect.
  std::atomic<int> seen{-1};
  FakeServer srv(FakeServer::Script([&seen](const proto::Request& req) {
    FakeServer::Reply out;
    if (req.header.command == 0) {
      out.responses.push_back(FakeServer::negotiate_response(req));
    } else {
      seen = req.header.command;
      out.close = true;
    }
    return out;
  }));
  auto r = run_scenario(load(R"([{ "send": "ECHO", "header": { "command": 20 } }, { "expect_disconnect": { "ms": 2000 } }])"),
                        target_for(srv.port()), fast());
  EXPECT_EQ(r.verdict, Verdict::pass) << r.message;
  EXPECT_EQ(seen.load(), 0x0014);
}

}  // namespace
}  // namespace smb::harness
