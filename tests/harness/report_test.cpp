// Tests of harness/src/report.cpp: expectation matching rules, requirement roll-up, report shape, CLI exit codes.
#include "harness/test_util.hpp"
#include "smbharness/report.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/fake_server.hpp"
#include "smbharness/cli.hpp"
#include "smbharness/ref_server.hpp"

namespace smb::harness {
namespace {

using testing::FakeServer;
using json = nlohmann::json;

TEST(Expectations, UnlistedAcceptsPassNonStrictUnsupportedOnly) {
  EXPECT_TRUE(matches_expectation(Verdict::pass, nullptr));
  EXPECT_TRUE(matches_expectation(Verdict::non_strict, nullptr));
  EXPECT_TRUE(matches_expectation(Verdict::unsupported, nullptr));
  EXPECT_FALSE(matches_expectation(Verdict::fail, nullptr));
  EXPECT_FALSE(matches_expectation(Verdict::ungraded, nullptr));
}

TEST(Expectations, ListedMustMatchExactlyAndAnUnexpectedPassIsAMismatch) {
  Expectation fail{Verdict::fail, "known", ""};
  EXPECT_TRUE(matches_expectation(Verdict::fail, &fail));
  EXPECT_FALSE(matches_expectation(Verdict::pass, &fail));
  EXPECT_FALSE(matches_expectation(Verdict::non_strict, &fail));
}

TEST(Expectations, IntermittentAcceptsTheListedVerdictOrPassOnly) {
  Expectation flaky{Verdict::fail, "lost wakeup", "observed once", true};
  EXPECT_TRUE(matches_expectation(Verdict::fail, &flaky));
  EXPECT_TRUE(matches_expectation(Verdict::pass, &flaky));
  EXPECT_FALSE(matches_expectation(Verdict::non_strict, &flaky));
  EXPECT_FALSE(matches_expectation(Verdict::ungraded, &flaky));
}

TEST(Expectations, IntermittentMustBeABoolean) {
  auto dir = std::filesystem::temp_directory_path() / ("smbconform-exp-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto f = (dir / "e.json").string();
  {
    std::ofstream(f) << R"({"x": {"verdict": "fail", "intermittent": "yes"}})";
  }
  std::string err;
  EXPECT_FALSE(load_expectations(f, err).has_value());
  EXPECT_NE(err.find("x: field intermittent"), std::string::npos) << err;
  {
    std::ofstream(f) << R"({"x": {"verdict": "fail", "intermittent": true}})";
  }
  auto ok = load_expectations(f, err);
  ASSERT_TRUE(ok.has_value()) << err;
  EXPECT_TRUE(ok->at("x").intermittent);
  std::filesystem::remove_all(dir);
}

TEST(Requirements, WorstVerdictRollUp) {
  EXPECT_EQ(requirement_verdict({Verdict::pass, Verdict::fail, Verdict::ungraded}), Verdict::fail);
  EXPECT_EQ(requirement_verdict({Verdict::pass, Verdict::ungraded}), Verdict::ungraded);
  EXPECT_EQ(requirement_verdict({Verdict::pass, Verdict::non_strict}), Verdict::non_strict);
  EXPECT_EQ(requirement_verdict({Verdict::unsupported, Verdict::pass}), Verdict::pass);
  EXPECT_EQ(requirement_verdict({Verdict::unsupported}), Verdict::unsupported);
  EXPECT_EQ(worst_step(Verdict::non_strict, Verdict::pass), Verdict::non_strict);
  EXPECT_EQ(worst_step(Verdict::non_strict, Verdict::fail), Verdict::fail);
}

TEST(Requirements, EmbeddedListHasTheTraceabilityMatrix) {
  const auto& l = known_requirements();
  // The 150 IDs of the digest's traceability matrix plus the project's extension IDs (entries carrying "origin" in
  // harness/data/requirements.json: SMB1-LOCK-04..08, MS-CIFS 3.3.5.30 / 3.3.5.52 rules the matrix does not list; SMB2-OPLK-18, rename
  // share checks; SMB2-CREATE-09, per-stream oplocks).
  EXPECT_EQ(l.size(), 157u);
  EXPECT_EQ(l.front().id, "SMB2-COMMON-01");
  EXPECT_EQ(section_of("SMB2-FLUSH-01"), "SMB2-FLUSH");
}

TEST(Report, SummaryAndRequirementsAreFilled) {
  ScenarioResult a;
  a.id = "a";
  a.requirements = {"SMB2-FLUSH-01"};
  a.verdict = Verdict::fail;
  ScenarioResult b;
  b.id = "b";
  b.requirements = {"SMB2-FLUSH-01", "SMB2-FLUSH-02"};
  b.verdict = Verdict::pass;
  auto rep = make_report("ref", "2024-01-01T00:00:00Z", 5, {a, b}, {});
  EXPECT_EQ(rep["summary"]["fail"], 1);
  EXPECT_EQ(rep["summary"]["pass"], 1);
  EXPECT_EQ(rep["summary"]["ungraded"], 0);
  EXPECT_EQ(rep["requirements"]["SMB2-FLUSH-01"]["verdict"], "fail");
  EXPECT_EQ(rep["requirements"]["SMB2-FLUSH-02"]["verdict"], "pass");
  EXPECT_EQ(rep["scenarios"][0]["matches_expectation"], false);
}

/** Results with step messages: nested objects and arrays, empty ones, escapes and non-ASCII text. */
std::vector<ScenarioResult> results_with_messages(int n) {
  std::vector<ScenarioResult> out;
  for (int i = 0; i < n; ++i) {
    ScenarioResult r;
    r.id = "s" + std::to_string(i);
    r.requirements = {"SMB2-FLUSH-01"};
    r.verdict = i % 3 == 0 ? Verdict::fail : Verdict::pass;
    r.message = "step 2: field status: expected \"0x0\" vs actual \"0xC0000022\"\nsecond line \xc3\xa9";
    for (int k = 0; k < i % 4; ++k) {
      StepResult st;
      st.index = static_cast<std::size_t>(k + 1);
      st.kind = "send FLUSH";
      st.connection = "A";
      st.sent.push_back({{"command", "FLUSH"}, {"header", {{"message_id", k}, {"signature", "00ff"}}},
                         {"body", {{"reserved", json::array()}, {"ctx", json::object()}}}, {"hex", "fe534d42"}});
      if (k % 2) st.received.push_back({{"command", "FLUSH"}, {"status", 0xC0000022u}, {"text", "tab\there"}});
      r.steps.push_back(std::move(st));
    }
    out.push_back(std::move(r));
  }
  return out;
}

TEST(Report, MovingTheResultsInGivesTheSameReportAndKeepsTheirVerdicts) {
  auto results = results_with_messages(9);
  json copied = make_report("ref", "2024-01-01T00:00:00Z", 5, static_cast<const std::vector<ScenarioResult>&>(results), {});
  ASSERT_FALSE(results[2].steps[1].sent.empty());  // the const overload left the messages in place
  json moved = make_report("ref", "2024-01-01T00:00:00Z", 5, std::move(results), {});
  EXPECT_EQ(moved, copied);
  EXPECT_EQ(results[3].verdict, Verdict::fail);  // what the CLI still reads after the move (the exit status)
  EXPECT_EQ(results[3].id, "s3");
}

TEST(Report, ParallelDumpIsByteForByteTheSameAsDump) {
  for (int n : {0, 1, 2, 7, 40}) {
    json rep = make_report("ref", "2024-01-01T00:00:00Z", 5, results_with_messages(n), {});
    rep["shard"] = "1/2";  // a key after "scenarios" in the object's order
    // Every kind of value a report can hold, spliced at both depths: floats, booleans, null, negative and 64-bit
    // numbers, DEL and '/' (not escaped), a key that needs escaping, an empty string.
    rep["extra"] = {{"f", 0.1}, {"g", -2.5e-300}, {"h", 1e21}, {"t", true}, {"n", nullptr}, {"i", -42},
                    {"u", 18446744073709551615u}, {"s", "a/b\x7f"}, {"k\"ey\n", json::array({json::object(), ""})}};
    if (n > 0) rep["scenarios"][0]["ratio"] = 2.0 / 3.0;
    for (int threads : {1, 2, 3, 8}) EXPECT_EQ(dump_report(rep, threads), rep.dump(2)) << n << " scenarios, " << threads << " threads";
  }
  EXPECT_EQ(dump_report(json::object(), 2), "{}");
  EXPECT_EQ(dump_report(json::array({1, 2}), 2), json::array({1, 2}).dump(2));
}

TEST(Report, ParallelDumpRejectsTextThatIsNotUtf8AsDumpDoes) {
  json rep = make_report("ref", "2024-01-01T00:00:00Z", 5, results_with_messages(4), {});
  rep["scenarios"][3]["message"] = "\xff\xfe";
  EXPECT_THROW(rep.dump(2), json::type_error);
  EXPECT_THROW(dump_report(rep, 2), json::type_error);
}

using test::TempDir;

const char* kEchoScenario = R"({"id": "echo-ok", "title": "t", "description": "d", "requirements": ["SMB2-COMMON-20"],
  "spec": ["MS-SMB2 3.3.5.2"], "level": "MUST", "connections": {"A": {"connect": "negotiate"}},
  "steps": [{ "send": "ECHO" }, { "expect": "ECHO" }]})";

FakeServer::Handler echo_ok() {
  return [](const proto::Request& req) -> std::optional<proto::Response> {
    if (req.header.command == 0) return FakeServer::negotiate_response(req);
    return FakeServer::reply(req, proto::EchoResponse{}, 0);
  };
}

int cli(const std::vector<std::string>& args, std::string& out, std::string& err) {
  std::ostringstream o, e;
  int rc = run_cli("smbconform", args, o, e);
  out = o.str();
  err = e.str();
  return rc;
}

TEST(Cli, PassWithoutExpectationsExitsZeroAndWritesTheReport) {
  TempDir d;
  FakeServer srv(echo_ok());
  std::string file = d.write("echo-ok.json", kEchoScenario), out, err;
  std::string report = (d.path / "r.json").string();
  int rc = cli({"run", file, "--target", "smb://u:p@127.0.0.1:" + std::to_string(srv.port()) + "/share", "--json", report,
                "--timeout-ms", "1000"},
               out, err);
  EXPECT_EQ(rc, 0) << out << err;
  auto rep = nlohmann::json::parse(std::ifstream(report));
  EXPECT_EQ(rep["summary"]["pass"], 1);
  EXPECT_EQ(rep["target"], "smb://u@127.0.0.1:" + std::to_string(srv.port()) + "/share");  // never the password
}

TEST(Cli, UnexpectedPassExitsOne) {
  TempDir d;
  FakeServer srv(echo_ok());
  std::string file = d.write("echo-ok.json", kEchoScenario), out, err;
  std::string exp = d.write("exp.json", R"({"echo-ok": {"verdict": "fail", "reason": "known bug", "evidence": "x"}})");
  int rc = cli({"run", file, "--target", "smb://u:p@127.0.0.1:" + std::to_string(srv.port()) + "/share", "--expect", exp},
               out, err);
  EXPECT_EQ(rc, 1) << out << err;
  EXPECT_NE(out.find("UNEXPECTED"), std::string::npos) << out;
}

TEST(Cli, MalformedScenarioExitsTwoWithTheLocatedMessageAndSendsNothing) {
  TempDir d;
  FakeServer srv(echo_ok());
  std::string text = kEchoScenario;
  text.replace(text.find("\"send\": \"ECHO\""), 14, "\"send\": \"ECHOO\"");
  std::string file = d.write("bad.json", text), out, err;
  int rc = cli({"run", file, "--target", "smb://127.0.0.1:" + std::to_string(srv.port()) + "/share"}, out, err);
  EXPECT_EQ(rc, 2);
  EXPECT_EQ(err, file + ": step 1 (send ECHOO): field send: unknown command ECHOO (did you mean ECHO?)\n");
  EXPECT_EQ(srv.accepted(), 0);
}

TEST(Cli, UsageErrorExitsTwo) {
  std::string out, err;
  EXPECT_EQ(cli({"run", "--bogus"}, out, err), 2);
  EXPECT_EQ(cli({"run", "/nonexistent/path"}, out, err), 2);
}

}  // namespace
}  // namespace smb::harness

namespace smb::harness {
namespace {

// End to end against the built reference server (next to this test binary): the three FLUSH examples
// encode MS-SMB2 3.3.5.11 / 2.2.18 expectations, so they must pass.
TEST(Cli, RefTargetRunsTheFlushExamples) {
  if (find_reference_server("").empty()) GTEST_SKIP() << "smbconform-server not built";
  std::string dir = std::string(SMBCONFORM_SOURCE_DIR) + "/scenarios/flush/";
  TempDir d;
  std::string report = (d.path / "r.json").string(), out, err;
  int rc = cli({"run", dir + "flush-write-access.json", dir + "flush-read-only.json", dir + "flush-stale-file-id.json",
                "--target", "ref", "--expect", d.write("none.json", "{}"), "--json", report, "-j", "2"},
               out, err);
  EXPECT_EQ(rc, 0) << out << err;
  auto rep = nlohmann::json::parse(std::ifstream(report));
  EXPECT_EQ(rep["summary"]["pass"], 3) << out;
  EXPECT_EQ(rep["requirements"]["SMB2-FLUSH-01"]["verdict"], "pass");
}

// `run` starts the reference server while the files load (cli.cpp): a file that does not load still ends the run with
// only its located error, and the server started meanwhile is stopped, its scratch directory removed.
TEST(Cli, MalformedScenarioAgainstRefStopsTheServerStartedMeanwhile) {
  if (find_reference_server("").empty()) GTEST_SKIP() << "smbconform-server not built";
  auto scratch = [] {
    std::size_t n = 0;
    std::string prefix = "smbconform-ref-" + std::to_string(::getpid()) + "-";
    for (const auto& e : std::filesystem::directory_iterator(std::filesystem::temp_directory_path()))
      if (e.path().filename().string().rfind(prefix, 0) == 0) ++n;
    return n;
  };
  const std::size_t before = scratch();
  TempDir d;
  std::string text = kEchoScenario;
  text.replace(text.find("\"send\": \"ECHO\""), 14, "\"send\": \"ECHOO\"");
  std::string file = d.write("bad.json", text), out, err;
  EXPECT_EQ(cli({"run", file, "--target", "ref"}, out, err), 2);
  EXPECT_EQ(err, file + ": step 1 (send ECHOO): field send: unknown command ECHOO (did you mean ECHO?)\n");
  EXPECT_EQ(scratch(), before);
  // Both wrong: the file's error alone, as before anything is sent.
  EXPECT_EQ(cli({"run", file, "--target", "no-such-profile"}, out, err), 2);
  EXPECT_EQ(err, file + ": step 1 (send ECHOO): field send: unknown command ECHOO (did you mean ECHO?)\n");
}

}  // namespace
}  // namespace smb::harness
