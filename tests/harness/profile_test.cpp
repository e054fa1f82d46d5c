// Tests of harness/src/profile.cpp: shipped target profiles, located profile errors, expectation fragments.
#include "harness/test_util.hpp"
#include "smbharness/profile.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "smbharness/ref_server.hpp"

namespace smb::harness {
namespace {

namespace fs = std::filesystem;

fs::path source(const std::string& rel) { return fs::path(SMBCONFORM_SOURCE_DIR) / rel; }

using test::TempDir;

TEST(Profile, ShippedProfilesLoad) {
  for (const char* n : {"ref", "samba", "windows-2022"}) {
    std::string e;
    auto p = load_profile(source(std::string("ci/targets/") + n + ".json"), e);
    ASSERT_TRUE(p) << e;
    EXPECT_EQ(p->name, n);
    EXPECT_FALSE(p->dialects.empty()) << n;
  }
}

TEST(Profile, RefProfileFlagsAreTheReferenceServersOwn) {
  // R4/R5: the ref profile describes smbconform-server truthfully: the v85 FLUSH rule (handlers/flush.cpp,
  // MS-SMB2 3.3.5.11), pipe FLUSH waiting for the reader (pipes.cpp, 3.3.5.11 / 2.2.17) and the controllable pipe
  // endpoints on IPC$; no ca_share (only the CA server variant has a continuously-available share).
  std::string e;
  auto p = load_profile(source("ci/targets/ref.json"), e);
  ASSERT_TRUE(p) << e;
  EXPECT_TRUE(p->reference);
  EXPECT_EQ(p->flags, builtin_reference_flags());
  EXPECT_EQ(p->flags.at("spec_revision"), "v85");
  EXPECT_EQ(p->flags.at("flush_pipe"), "wait");
  EXPECT_EQ(p->flags.at("pipe_endpoint"), "controllable");
  EXPECT_EQ(p->flags.count("ca_share"), 0u);
}

TEST(Profile, SambaNeedsOnlyAPortAndWindowsNeedsAnAddress) {
  std::string e;
  auto samba = load_profile(source("ci/targets/samba.json"), e);
  ASSERT_TRUE(samba) << e;
  EXPECT_EQ(samba->host, "127.0.0.1");
  ASSERT_TRUE(samba->user);
  EXPECT_EQ(samba->user->user, "alice");
  EXPECT_EQ(samba->expectations, "samba");
  auto win = load_profile(source("ci/targets/windows-2022.json"), e);
  ASSERT_TRUE(win) << e;
  EXPECT_TRUE(win->host.empty());
  EXPECT_EQ(win->flags.at("lock_multi_check"), "first-only");
}

TEST(Profile, ApplyNarrowsDialectsAndMergesFlags) {
  TargetProfile p;
  p.name = "x";
  p.host = "10.0.0.9";
  p.port = 1445;
  p.share = "s";
  p.dialects = {0x0210};
  p.flags = {{"spec_revision", "v85"}};
  Target t;
  t.flags = {{"other", "1"}};
  apply_profile(p, t);
  EXPECT_EQ(t.host, "10.0.0.9");
  EXPECT_EQ(t.port, 1445);
  EXPECT_EQ(t.share, "s");
  EXPECT_EQ(t.dialects, std::vector<std::uint16_t>{0x0210});
  EXPECT_EQ(t.flags.size(), 2u);
  EXPECT_EQ(t.profile, "x");
}

TEST(Profile, ErrorsAreLocated) {
  TempDir d;
  std::string e;
  EXPECT_FALSE(load_profile(d.write("a.json", R"({"adress": "x"})"), e));
  EXPECT_EQ(e, (d.path / "a.json").string() + ": field adress: unknown field");
  EXPECT_FALSE(load_profile(d.write("b.json", R"({"address": "h:99999"})"), e));
  EXPECT_EQ(e, (d.path / "b.json").string() + ": field address: expected \"HOST:PORT\"");
  EXPECT_FALSE(load_profile(d.write("c.json", R"({"dialects": ["3.2"]})"), e));
  EXPECT_EQ(e, (d.path / "c.json").string() + ": field dialects: unknown dialect \"3.2\"");
}

TEST(Profile, ParseAddress) {
  std::string h;
  std::uint16_t p = 445;
  EXPECT_TRUE(parse_address("127.0.0.1:4455", h, p));
  EXPECT_EQ(h, "127.0.0.1");
  EXPECT_EQ(p, 4455);
  EXPECT_TRUE(parse_address("nas", h, p));
  EXPECT_EQ(h, "nas");
  EXPECT_FALSE(parse_address("nas:0", h, p));
  EXPECT_FALSE(parse_address("nas:44x", h, p));
}

TEST(Expectations, FragmentsAreMergedWithTheMainFile) {
  TempDir d;
  auto main = d.write("t.json", R"({"a": {"verdict": "fail", "reason": "r"}})");
  d.write("t.d/lock.json", R"({"b": {"verdict": "non_strict"}})");
  d.write("t.d/oplock.json", R"({"c": {"verdict": "unsupported"}})");
  std::string e;
  auto x = load_expectation_set(main.string(), e);
  ASSERT_TRUE(x) << e;
  EXPECT_EQ(x->size(), 3u);
  EXPECT_EQ(x->at("b").verdict, Verdict::non_strict);
}

TEST(Expectations, DuplicateIdIsAnErrorNamingBothFiles) {
  TempDir d;
  auto main = d.write("t.json", R"({"a": {"verdict": "fail"}})");
  auto frag = d.write("t.d/x.json", R"({"a": {"verdict": "pass"}})");
  std::string e;
  EXPECT_FALSE(load_expectation_set(main.string(), e));
  EXPECT_EQ(e, frag.string() + ": a: duplicate expectation (also in " + main.string() + ")");
}

TEST(Expectations, TargetNameFindsTheShippedSet) {
  std::string e;
  auto x = load_expectation_set("samba", e);
  ASSERT_TRUE(x) << e;
  EXPECT_FALSE(x->empty());
  EXPECT_FALSE(load_expectation_set("no-such-target", e));
  EXPECT_NE(e.find("neither ci/expectations/no-such-target.json nor"), std::string::npos);
}

}  // namespace
}  // namespace smb::harness
