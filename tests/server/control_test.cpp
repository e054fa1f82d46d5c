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

// CONTROL.md "quiesce": what the runner's reference_quiet (harness/target.hpp) settles expect_nothing from.
TEST(Control, QuiesceReportsBytesPerPortAndTheNextTimer) {
  Fixture f;
  f.transport->peer_name = "127.0.0.1:40001";
  f.negotiate();
  const std::uint64_t in_before = f.conn->rx_total;
  wire::Bytes framed;
  proto::append_frame(framed, f.encode(f.header(proto::Command::ECHO), proto::RequestBody(proto::EchoRequest{})));
  ASSERT_EQ(f.feed(framed).size(), 1u);
  std::uint64_t sent_total = 0;
  for (const auto& fr : f.transport->frames) sent_total += fr.size();

  auto r = handle_control(*f.server, R"({"op":"quiesce","ports":[40001,40002]})");
  ASSERT_EQ(r["ok"], true) << r.dump();
  ASSERT_EQ(r["connections"].size(), 2u);
  const auto& c = r["connections"][0];
  EXPECT_EQ(c["port"], 40001);
  EXPECT_EQ(c["found"], true);
  EXPECT_EQ(c["received"].get<std::uint64_t>(), in_before + framed.size());  // every byte fed, stream header included
  EXPECT_EQ(c["queued"].get<std::uint64_t>(), sent_total);
  EXPECT_EQ(c["written"].get<std::uint64_t>(), sent_total);
  EXPECT_EQ(r["connections"][1]["found"], false);  // no connection from that port
  EXPECT_TRUE(r["next_timer_ms"].is_null()) << r.dump();

  f.transport->unwritten = 10;  // the socket has not taken everything yet
  r = handle_control(*f.server, R"({"op":"quiesce","ports":[40001]})");
  EXPECT_EQ(r["connections"][0]["written"].get<std::uint64_t>(), sent_total - 10);

  f.server->clock.schedule_after(std::chrono::seconds(5), [] {});
  r = handle_control(*f.server, R"({"op":"quiesce","ports":[]})");
  ASSERT_TRUE(r["next_timer_ms"].is_number()) << r.dump();
  EXPECT_GT(r["next_timer_ms"].get<std::int64_t>(), 4000);
  EXPECT_LE(r["next_timer_ms"].get<std::int64_t>(), 5000);

  for (const char* bad : {R"({"op":"quiesce"})", R"({"op":"quiesce","ports":["x"]})", R"({"op":"quiesce","ports":[70000]})"})
    EXPECT_EQ(handle_control(*f.server, bad)["ok"], false) << bad;
}

}  // namespace
}  // namespace smb::server::test
