// The control side channel (reference_server/CONTROL.md): replies for good and malformed requests.
#include "smbserver/control.hpp"

#include "server_fixture.hpp"

namespace smb::server::test {
namespace {

TEST(Control, MalformedRequestsGetErrorReplies) {
  Fixture f;
  for (const char* line : {"", "{", "[]", "{}", R"({"op":42})", R"({"op":"nope"})",
                           R"({"op":"advance_clock"})", R"({"op":"advance_clock","ms":-1})",
                           R"({"op":"expire_session","session_id":99})", R"({"op":"fault","share":"nope","status":"STATUS_DISK_FULL"})",
                           R"({"op":"fault","share":"share","status":"STATUS_NO_SUCH_THING"})",
                           R"({"op":"fault","share":"share","operation":"dance","status":"STATUS_DISK_FULL"})",
                           R"({"op":"volume","share":"share","read_only":"yes"})"}) {
    auto r = handle_control(*f.server, line);
    EXPECT_EQ(r["ok"], false) << line;
    EXPECT_TRUE(r.contains("error") && r["error"].is_string()) << line;
  }
}

TEST(Control, PingStateAndClock) {
  Fixture f;
  EXPECT_EQ(handle_control(*f.server, R"({"op":"ping"})")["ok"], true);
  auto r = handle_control(*f.server, R"({"op":"advance_clock","ms":35000})");
  ASSERT_EQ(r["ok"], true);
  EXPECT_EQ(r["clock_offset_ms"], 35000);
  auto st = handle_control(*f.server, R"({"op":"state"})");
  ASSERT_EQ(st["ok"], true);
  EXPECT_EQ(st["server"]["clock_offset_ms"], 35000);
  EXPECT_EQ(st["server"]["oplock_timeout_ms"], 35000);  // 3.3.2.1 <217> default
  ASSERT_EQ(st["connections"].size(), 1u);
  bool found = false;
  for (const auto& s : st["shares"]) found = found || (s["name"] == "IPC$" && s["type"] == "pipe");
  EXPECT_TRUE(found);
}

TEST(Control, ExpireSessionSetsExpired) {
  Fixture f;
  f.logon();
  auto r = handle_control(*f.server, nlohmann::json{{"op", "expire_session"}, {"session_id", f.session_id}}.dump());
  ASSERT_EQ(r["ok"], true);
  auto st = handle_control(*f.server, R"({"op":"state"})");
  EXPECT_EQ(st["sessions"][0]["state"], "Expired");
}

}  // namespace
}  // namespace smb::server::test
