// expect_nothing on the reference server is settled from the server's state (control op "quiesce", CONTROL.md;
// reference_quiet in harness/target.hpp) instead of waiting: these run real scenarios against the real reference
// server and check both directions: silence is settled without the wait, and a message that is coming (an answer
// on the watched connection, an oplock break another connection's request causes, or a server timer that answers
// the watched connection) still fails the step.
#include <gtest/gtest.h>

#include <filesystem>

#include "harness/test_util.hpp"
#include "smbharness/ref_server.hpp"
#include "smbharness/runner.hpp"
#include "smbharness/scenario_loader.hpp"

namespace smb::harness {
namespace {

using test::server_binary;

/** A scenario with these steps over these connections (default: A and B on the default share). */
Scenario load(const std::string& steps_json, const std::string& connections = R"({"A": {}, "B": {}})") {
  std::string text = R"({"id": "q", "title": "q", "description": "d", "requirements": ["SMB2-COMMON-20"],
    "spec": ["MS-SMB2 3.3.5.2"], "level": "MUST", "connections": )" +
                     connections + R"(, "steps": )" + steps_json + "}";
  auto r = load_scenario_text(text, "scenarios/q.json");
  if (auto* e = std::get_if<LoadError>(&r)) ADD_FAILURE() << e->message;
  return std::get<Scenario>(r);
}

const char* kSettled = "quiesce";

TEST(Quiesce, SilenceIsSettledWithoutTheWait) {
  std::string e;
  auto srv = RefServer::start(server_binary(), 15000, e);
  ASSERT_TRUE(srv) << e;
  // B's ECHO is answered on B; nothing is due to A. A 60 s window would outlast the test's CTest timeout if waited.
  auto r = run_scenario(load(R"([{ "send": "ECHO", "on": "B" }, { "expect": "ECHO", "on": "B" },
                                 { "expect_nothing": { "ms": 60000 }, "on": "A" }])"),
                        srv->target(), RunOptions{});
  ASSERT_EQ(r.verdict, Verdict::pass) << r.message;
  ASSERT_EQ(r.steps.size(), 3u);
  EXPECT_NE(r.steps[2].message.find(kSettled), std::string::npos) << r.steps[2].message;
}

TEST(Quiesce, AnAnswerOnTheWayStillFails) {
  std::string e;
  auto srv = RefServer::start(server_binary(), 15000, e);
  ASSERT_TRUE(srv) << e;
  auto r = run_scenario(load(R"([{ "send": "ECHO" }, { "expect_nothing": { "ms": 3000 } }])"), srv->target(), RunOptions{});
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(r.message.find("vs received"), std::string::npos) << r.message;
}

TEST(Quiesce, ABreakCausedByAnotherConnectionStillFails) {
  // B's CREATE is sent and not awaited; it breaks A's BATCH oplock (MS-SMB2 3.3.4.6): the settle must account for
  // B's bytes as well as A's, whatever order the server reads them in.
  std::string e;
  auto srv = RefServer::start(server_binary(), 15000, e);
  ASSERT_TRUE(srv) << e;
  const char* open = R"({ "send": "CREATE", "on": "%s", "args": { "name": "$dir\\q.txt",
      "desired_access": "FILE_READ_DATA|FILE_WRITE_DATA", "share_access": "FILE_SHARE_READ|FILE_SHARE_WRITE|FILE_SHARE_DELETE",
      "create_disposition": "FILE_OPEN_IF", "create_options": "FILE_NON_DIRECTORY_FILE", "impersonation_level": 2,
      "requested_oplock_level": "%s" } })";
  char a[1024], b[1024];
  std::snprintf(a, sizeof a, open, "A", "SMB2_OPLOCK_LEVEL_BATCH");
  std::snprintf(b, sizeof b, open, "B", "SMB2_OPLOCK_LEVEL_NONE");
  auto r = run_scenario(load(std::string("[") + a + R"(, { "expect": "CREATE", "fields": { "oplock_level": "SMB2_OPLOCK_LEVEL_BATCH" } }, )" +
                             b + R"(, { "expect_nothing": { "ms": 5000 }, "on": "A" }])"),
                        srv->target(), RunOptions{});
  EXPECT_EQ(r.verdict, Verdict::fail) << r.message;
  EXPECT_NE(r.message.find("OPLOCK_BREAK"), std::string::npos) << r.message;
}

/**
 * Steps on connection `on` (an IPC$ connection) that open the hang-up pipe, write to it and leave a FLUSH waiting on
 * it (interim seen, request "fl" outstanding): its server end closes 5 ms later (server clock, reference_server
 * pipes.hpp), a timer whose callback answers the FLUSH with STATUS_PIPE_BROKEN (MS-SMB2 3.3.5.11).
 */
std::string pending_hangup_flush(const std::string& on) {
  std::string steps = R"(
    { "send": "CREATE", "on": "@", "args": { "name": "smbconform-hangup", "desired_access": "FILE_READ_DATA|FILE_WRITE_DATA",
      "share_access": "FILE_SHARE_READ|FILE_SHARE_WRITE", "create_disposition": "FILE_OPEN", "impersonation_level": 2 } },
    { "expect": "CREATE", "on": "@", "capture": { "p": "file_id" } },
    { "send": "WRITE", "on": "@", "args": { "file_id": "$p", "offset": 0, "data": "68656c6c6f" } },
    { "expect": "WRITE", "on": "@" },
    { "send": "FLUSH", "on": "@", "args": { "file_id": "$p" }, "name": "fl" },
    { "expect": "FLUSH", "on": "@", "request": "fl", "interim": "only" })";
  for (auto at = steps.find('@'); at != std::string::npos; at = steps.find('@', at)) steps.replace(at, 1, on);
  return steps;
}

TEST(Quiesce, AServerTimerThatAnswersInsideTheWindowStillFails) {
  // The timer falls due inside A's window and answers A: the settle lets it fire and then sees the answer coming.
  std::string e;
  auto srv = RefServer::start(server_binary(), 15000, e);
  ASSERT_TRUE(srv) << e;
  auto r = run_scenario(load("[" + pending_hangup_flush("A") + R"(, { "expect_nothing": { "ms": 3000 }, "on": "A" }])",
                             R"({"A": {"share": "ipc"}})"),
                        srv->target(), RunOptions{});
  EXPECT_EQ(r.verdict, Verdict::fail) << r.message;
  EXPECT_NE(r.message.find("STATUS_PIPE_BROKEN"), std::string::npos) << r.message;
}

TEST(Quiesce, AServerTimerForAnotherConnectionIsLetFireAndTheSilenceSettled) {
  // The same timer for B's FLUSH: it falls due inside A's window, is let fire, answers B only, and A's silence is
  // then settled without the 60 s wait (it would outlast the test's CTest timeout if waited).
  std::string e;
  auto srv = RefServer::start(server_binary(), 15000, e);
  ASSERT_TRUE(srv) << e;
  auto r = run_scenario(load("[" + pending_hangup_flush("B") + R"(, { "expect_nothing": { "ms": 60000 }, "on": "A" },
                               { "expect": "ERROR", "on": "B", "request": "fl", "status": "STATUS_PIPE_BROKEN" }])",
                             R"({"A": {}, "B": {"share": "ipc"}})"),
                        srv->target(), RunOptions{});
  ASSERT_EQ(r.verdict, Verdict::pass) << r.message;
  ASSERT_EQ(r.steps.size(), 8u);
  EXPECT_NE(r.steps[6].message.find(kSettled), std::string::npos) << r.steps[6].message;
}

}  // namespace
}  // namespace smb::harness
