// Tests of configuration parsing (reference_server/include/smbserver/config.hpp).
#include "smbserver/config.hpp"

#include <gtest/gtest.h>

namespace smb::server {
namespace {

TEST(Config, ShareSpecWithOptions) {
  ShareConfig s;
  ASSERT_FALSE(parse_share_spec("data=/tmp/x,flush=data_sync_only,ca", s));
  EXPECT_EQ(s.name, "data");
  EXPECT_EQ(s.root, "/tmp/x");
  EXPECT_EQ(s.flush_mode, ShareFlushMode::data_sync_only);
  EXPECT_TRUE(s.continuously_available);
}

TEST(Config, ShareSpecRejectsBadInput) {
  ShareConfig s;
  EXPECT_TRUE(parse_share_spec("noequals", s));
  EXPECT_TRUE(parse_share_spec("x=/d,flush=sometimes", s));
  EXPECT_TRUE(parse_share_spec("x=/d,bogus", s));
  EXPECT_TRUE(parse_share_spec("IPC$=/d", s));  // reserved: IPC$ always exists (3.3.5.7)
  EXPECT_TRUE(parse_share_spec("=/d", s));
}

TEST(Config, UserAndListenAndControl) {
  std::string n, p, addr;
  std::uint16_t port = 1;
  ASSERT_FALSE(parse_user_spec("alice:pa:ss", n, p));
  EXPECT_EQ(n, "alice");
  EXPECT_EQ(p, "pa:ss");
  EXPECT_TRUE(parse_user_spec("nocolon", n, p));
  ASSERT_FALSE(parse_host_port("127.0.0.1:0", addr, port));
  EXPECT_EQ(port, 0);
  EXPECT_TRUE(parse_host_port("127.0.0.1:99999", addr, port));
  EXPECT_TRUE(parse_host_port("localhost:1", addr, port));
  ControlEndpoint ce;
  ASSERT_FALSE(parse_control_spec("/tmp/ctl.sock", ce));
  EXPECT_FALSE(ce.is_tcp);
  ASSERT_FALSE(parse_control_spec("127.0.0.1:4000", ce));
  EXPECT_TRUE(ce.is_tcp);
  EXPECT_EQ(ce.port, 4000);
}

TEST(Config, JsonRejectsUnknownKeys) {
  ServerConfig c;
  auto e = apply_config_json(nlohmann::json{{"listen", "127.0.0.1:0"}, {"colour", "blue"}}, c);
  ASSERT_TRUE(e);
  EXPECT_NE(e->find("colour"), std::string::npos);
}

TEST(Config, JsonAppliesValues) {
  ServerConfig c;
  auto j = nlohmann::json::parse(R"({"listen":"127.0.0.1:4455","shares":[{"name":"s","path":"/tmp","flush":"none"}],
    "users":{"bob":"pw"},"guest":true,"oplock_timeout_ms":1000,"max_dialect":"3.0.2","signing_required":true})");
  ASSERT_FALSE(apply_config_json(j, c));
  EXPECT_EQ(c.listen_port, 4455);
  ASSERT_EQ(c.shares.size(), 1u);
  EXPECT_EQ(c.shares[0].flush_mode, ShareFlushMode::none);
  EXPECT_EQ(c.users.at("bob"), "pw");
  EXPECT_TRUE(c.guest_allowed);
  EXPECT_EQ(c.oplock_timeout.count(), 1000);
  EXPECT_EQ(c.max_dialect, 0x0302);
  EXPECT_TRUE(c.signing_required);
  EXPECT_FALSE(validate(c));
}

TEST(Config, ValidateNeedsAShareAndUniqueNames) {
  ServerConfig c;
  EXPECT_TRUE(validate(c));
  ShareConfig s;
  s.name = "a";
  s.root = "/tmp";
  c.shares = {s, s};
  c.shares[1].name = "A";  // share names are case-insensitive (3.3.5.7)
  EXPECT_TRUE(validate(c));
}

}  // namespace
}  // namespace smb::server
