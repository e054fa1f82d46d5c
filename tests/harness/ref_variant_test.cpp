// Tests of RefServer's server variants (harness/src/ref_server.cpp): scenarios needing MULTI_CHANNEL / a CA share run
// on a second reference server started on first use; everything else stays on the base server. Each runner worker
// (lane) has servers of its own.
#include <gtest/gtest.h>

#include <filesystem>

#include "harness/test_util.hpp"
#include "smbharness/ref_server.hpp"
#include "smbharness/runner.hpp"
#include "smbharness/scenario_loader.hpp"
#include "smbharness/target.hpp"

namespace smb::harness {
namespace {

using test::server_binary;

nlohmann::json state(const Target& t) {
  ControlClient cc(t.control_path);
  auto r = cc.call({{"op", "state"}}, deadline_in(std::chrono::milliseconds(5000)));
  EXPECT_TRUE(r) << cc.last_error();
  return r ? *r : nlohmann::json();
}

bool share_is_ca(const nlohmann::json& st, const std::string& name) {
  for (const auto& s : st["shares"])
    if (s["name"] == name) return s["continuously_available"].get<bool>();
  ADD_FAILURE() << "no share " << name;
  return false;
}

TEST(RefVariant, VariantForFollowsRequires) {
  Scenario plain, mc, ca, pers, both;
  mc.requires_.capabilities = {"MULTI_CHANNEL"};
  ca.requires_.target_flags = {{"ca_share", "true"}};
  pers.requires_.capabilities = {"PERSISTENT_HANDLES"};
  both.requires_.capabilities = {"MULTI_CHANNEL", "PERSISTENT_HANDLES"};
  EXPECT_EQ(RefServer::variant_for(plain), RefServer::Variant{});
  EXPECT_EQ(RefServer::variant_for(mc), (RefServer::Variant{true, false}));
  EXPECT_EQ(RefServer::variant_for(ca), (RefServer::Variant{false, true}));
  EXPECT_EQ(RefServer::variant_for(pers), (RefServer::Variant{false, true}));
  EXPECT_EQ(RefServer::variant_for(both), (RefServer::Variant{true, true}));
}

TEST(RefVariant, BaseServerHasNeitherMultichannelNorCaShare) {
  // --multichannel would change the LockSequence rules of every 3.x open (MS-SMB2 3.3.5.14): the base stays plain.
  std::string e;
  auto s = RefServer::start(server_binary(), 15000, e);
  ASSERT_TRUE(s) << e;
  auto st = state(s->target());
  EXPECT_EQ(st["server"]["multichannel"], false);
  EXPECT_FALSE(share_is_ca(st, "share"));
  EXPECT_EQ(s->target().flags.count("ca_share"), 0u);
  ASSERT_TRUE(s->target().variant);
  Scenario plain;
  EXPECT_FALSE((*s->target().variant)(plain, s->target(), 0));
}

TEST(RefVariant, VariantsStartOnceWithWhatTheScenarioNeedsAndStopWithTheBase) {
  std::string e;
  auto s = RefServer::start(server_binary(), 15000, e);
  ASSERT_TRUE(s) << e;
  Target base = s->target();
  base.flags["from_profile"] = "kept";  // profile / --flag overrides carry over to the variant
  const auto& variant = *base.variant;

  Scenario mc;
  mc.requires_.capabilities = {"MULTI_CHANNEL"};
  auto m1 = variant(mc, base, 0);
  ASSERT_TRUE(m1);
  EXPECT_NE(m1->port, base.port);
  EXPECT_NE(m1->control_path, base.control_path);
  EXPECT_EQ(m1->share, base.share);
  EXPECT_EQ(m1->flags.at("from_profile"), "kept");
  EXPECT_EQ(m1->flags.count("ca_share"), 0u);
  auto mst = state(*m1);
  EXPECT_EQ(mst["server"]["multichannel"], true);
  EXPECT_FALSE(share_is_ca(mst, "share"));
  auto m2 = variant(mc, base, 0);
  ASSERT_TRUE(m2);
  EXPECT_EQ(m2->port, m1->port);  // started once

  Scenario ca;
  ca.requires_.target_flags = {{"ca_share", "true"}};
  auto c = variant(ca, base, 0);
  ASSERT_TRUE(c);
  EXPECT_NE(c->port, m1->port);
  EXPECT_EQ(c->flags.at("ca_share"), "true");
  auto cst = state(*c);
  EXPECT_EQ(cst["server"]["multichannel"], false);
  EXPECT_TRUE(share_is_ca(cst, "share"));
  EXPECT_TRUE(std::filesystem::exists(c->share_root));
  EXPECT_EQ(c->share_root.parent_path().parent_path(), s->temp_dir());  // inside the base's temp dir

  auto dir = s->temp_dir();
  s->stop();
  EXPECT_FALSE(variant(ca, base, 0));  // no variants after stop
  ControlClient cc(c->control_path);
  EXPECT_FALSE(cc.call({{"op", "ping"}}, deadline_in(std::chrono::milliseconds(1000))));  // the variant is gone
  s.reset();
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST(RefVariant, EachLaneHasServersOfItsOwn) {
  std::string e;
  auto s = RefServer::start(server_binary(), 15000, e);
  ASSERT_TRUE(s) << e;
  const Target& base = s->target();
  const auto& variant = *base.variant;
  Scenario plain, mc;
  mc.requires_.capabilities = {"MULTI_CHANNEL"};

  auto l1 = variant(plain, base, 1);
  ASSERT_TRUE(l1);
  EXPECT_NE(l1->port, base.port);
  EXPECT_NE(l1->control_path, base.control_path);
  EXPECT_NE(l1->share_root, base.share_root);
  EXPECT_EQ(state(*l1)["server"]["multichannel"], false);  // a lane's base server is configured like the base
  EXPECT_EQ(variant(plain, base, 1)->port, l1->port);       // started once
  auto mc0 = variant(mc, base, 0), mc1 = variant(mc, base, 1);
  ASSERT_TRUE(mc0 && mc1);
  EXPECT_NE(mc1->port, mc0->port);
  EXPECT_NE(mc1->port, l1->port);
  EXPECT_EQ(state(*mc1)["server"]["multichannel"], true);

  // A server-wide control step (the clock) on lane 1 acts on lane 1's server only.
  auto loaded = load_scenario_text(R"({"id": "lane", "title": "t", "description": "d",
    "requirements": ["SMB2-COMMON-20"], "spec": ["MS-SMB2 3.3.2"], "level": "MUST", "connections": {"A": {}},
    "steps": [{"control": "advance_clock", "args": {"ms": 7000}}]})", "scenarios/lane.json");
  ASSERT_TRUE(std::holds_alternative<Scenario>(loaded)) << std::get<LoadError>(loaded).message;
  auto r = run_scenario(std::get<Scenario>(loaded), base, RunOptions{}, 1);
  EXPECT_EQ(r.verdict, Verdict::pass) << r.message;
  EXPECT_EQ(state(*l1)["server"]["clock_offset_ms"], 7000);
  EXPECT_EQ(state(base)["server"]["clock_offset_ms"], 0);
}

}  // namespace
}  // namespace smb::harness
