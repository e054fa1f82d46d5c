// Tests of harness/src/grading.cpp: JUnit XML (schema-valid, counts = summary), shards, report merging, the score.
#include "smbharness/grading.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "smbharness/report.hpp"

namespace smb::harness {
namespace {

using json = nlohmann::json;

ScenarioResult result(const std::string& id, Verdict v, const std::string& req, const std::string& level = "MUST") {
  ScenarioResult r;
  r.id = id;
  r.file = "scenarios/x/" + id + ".json";
  r.title = "title of " + id;
  r.level = level;
  r.requirements = {req};
  r.spec = {"MS-SMB2 3.3.5.11"};
  r.verdict = v;
  r.message = v == Verdict::pass ? "" : "scenarios/x/" + id + ".json: step 2 (expect FLUSH): field status: expected <A & \"B\"> vs actual 'C'";
  r.duration_ms = 12;
  return r;
}

std::vector<ScenarioResult> sample() {
  return {result("flush-a", Verdict::pass, "SMB2-FLUSH-01"),        result("flush-b", Verdict::fail, "SMB2-FLUSH-02"),
          result("flush-c", Verdict::unsupported, "SMB2-FLUSH-03"), result("common-d", Verdict::ungraded, "SMB2-COMMON-01"),
          result("common-e", Verdict::non_strict, "SMB2-COMMON-13", "SHOULD")};
}

std::size_t occurrences(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(Junit, OneTestcasePerScenarioWithFailureSkippedAndErrorLikeTheSummary) {
  json rep = make_report("ref", "2026-11-21T05:00:00Z", 100, sample(), {});
  std::string x = junit_xml(rep);
  EXPECT_EQ(occurrences(x, "<testcase "), 5u);
  EXPECT_EQ(occurrences(x, "<failure "), static_cast<std::size_t>(rep["summary"]["fail"].get<int>()));
  EXPECT_EQ(occurrences(x, "<skipped "), static_cast<std::size_t>(rep["summary"]["unsupported"].get<int>()));
  EXPECT_EQ(occurrences(x, "<error "), static_cast<std::size_t>(rep["summary"]["ungraded"].get<int>()));
  EXPECT_NE(x.find("<testsuites name=\"smbconform ref\" tests=\"5\" failures=\"1\" errors=\"1\" skipped=\"1\""), std::string::npos) << x;
  // The located message survives, escaped.
  EXPECT_NE(x.find("expected &lt;A &amp; &quot;B&quot;&gt; vs actual &apos;C&apos;"), std::string::npos);
  // One suite per section.
  EXPECT_NE(x.find("<testsuite name=\"SMB2-FLUSH\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\""), std::string::npos);
}

TEST(Junit, ValidatesAgainstTheJunit4Schema) {
  if (std::system("command -v xmllint >/dev/null 2>&1") != 0) GTEST_SKIP() << "xmllint not installed (libxml2-utils)";
  auto dir = std::filesystem::temp_directory_path() / ("smbconform-junit-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto file = dir / "junit.xml";
  std::ofstream(file) << junit_xml(make_report("ref", "2026-11-21T05:00:00Z", 100, sample(), {}));
  std::string cmd = "xmllint --noout --schema " + std::string(SMBCONFORM_SOURCE_DIR) + "/tests/harness/data/junit-4.xsd " +
                    file.string() + " 2>" + (dir / "err").string();
  int rc = std::system(cmd.c_str());
  std::ifstream e(dir / "err");
  std::string errors((std::istreambuf_iterator<char>(e)), std::istreambuf_iterator<char>());
  EXPECT_EQ(rc, 0) << errors;
  std::filesystem::remove_all(dir);
}

TEST(Junit, SchemaRejectsATestcaseWithoutName) {
  // The check above can fail: a document the schema forbids is rejected.
  if (std::system("command -v xmllint >/dev/null 2>&1") != 0) GTEST_SKIP() << "xmllint not installed";
  auto file = std::filesystem::temp_directory_path() / ("smbconform-bad-junit-" + std::to_string(::getpid()) + ".xml");
  std::ofstream(file) << "<testsuites><testsuite name=\"s\" tests=\"1\"><testcase classname=\"c\"/></testsuite></testsuites>";
  std::string cmd = "xmllint --noout --schema " + std::string(SMBCONFORM_SOURCE_DIR) + "/tests/harness/data/junit-4.xsd " +
                    file.string() + " >/dev/null 2>&1";
  EXPECT_NE(std::system(cmd.c_str()), 0);
  std::filesystem::remove(file);
}

TEST(Shard, ParsesKOfN) {
  EXPECT_EQ(parse_shard("2/3"), std::make_pair(2, 3));
  EXPECT_FALSE(parse_shard("0/3"));
  EXPECT_FALSE(parse_shard("4/3"));
  EXPECT_FALSE(parse_shard("1/0"));
  EXPECT_FALSE(parse_shard("1/3x"));
  EXPECT_FALSE(parse_shard("x"));
}

TEST(Shard, SlicesAreDisjointAndCoverEverything) {
  for (int n : {1, 2, 3, 7}) {
    for (int i = 0; i < 300; ++i) {
      std::string id = "scenario-" + std::to_string(i);
      int hits = 0;
      for (int k = 1; k <= n; ++k) hits += in_shard(id, k, n) ? 1 : 0;
      EXPECT_EQ(hits, 1) << id << " in " << hits << " of " << n << " shards";
    }
  }
  // Stable by id (no per-process seed): FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c, which is even -> slice 1 of 2.
  EXPECT_TRUE(in_shard("a", 1, 2));
}

TEST(Merge, ShardsMergeToTheSameReportAsOneRun) {
  auto all = sample();
  json whole = make_report("ref", "2026-11-21T05:00:00Z", 100, all, {});
  std::vector<json> parts;
  for (int k = 1; k <= 3; ++k) {
    std::vector<ScenarioResult> mine;
    for (const auto& r : all)
      if (in_shard(r.id, k, 3)) mine.push_back(r);
    parts.push_back(make_report("ref", "2026-11-21T05:0" + std::to_string(k) + ":00Z", 40, mine, {}));
  }
  std::string e;
  auto merged = merge_reports(parts, e);
  ASSERT_TRUE(merged) << e;
  EXPECT_EQ((*merged)["summary"], whole["summary"]);
  EXPECT_EQ((*merged)["requirements"], whole["requirements"]);
  EXPECT_EQ((*merged)["score"], whole["score"]);
  std::map<std::string, std::string> a, b;
  for (const auto& s : whole["scenarios"]) a[s["id"]] = s["verdict"];
  for (const auto& s : (*merged)["scenarios"]) b[s["id"]] = s["verdict"];
  EXPECT_EQ(a, b);
  EXPECT_EQ((*merged)["started"], "2026-11-21T05:01:00Z");
}

TEST(Merge, RejectsOtherTargetsAndDuplicateScenarios) {
  std::string e;
  auto r1 = make_report("ref", "", 1, {result("x", Verdict::pass, "SMB2-FLUSH-01")}, {});
  auto r2 = make_report("samba", "", 1, {result("y", Verdict::pass, "SMB2-FLUSH-01")}, {});
  EXPECT_FALSE(merge_reports({r1, r2}, e));
  EXPECT_NE(e.find("different targets"), std::string::npos);
  EXPECT_FALSE(merge_reports({r1, r1}, e));
  EXPECT_EQ(e, "scenario x appears in more than one report");
}

TEST(Score, UnsupportedLowersCoverageButNeverRaisesConformance) {
  std::vector<ScenarioResult> rs{result("p", Verdict::pass, "SMB2-FLUSH-01"), result("f", Verdict::fail, "SMB2-FLUSH-02")};
  json s1 = score(make_report("t", "", 1, rs, {}));
  EXPECT_DOUBLE_EQ(s1["total"]["conformance"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(s1["total"]["coverage"].get<double>(), 1.0);
  for (int i = 0; i < 10; ++i) rs.push_back(result("u" + std::to_string(i), Verdict::unsupported, "SMB2-FLUSH-03"));
  json s2 = score(make_report("t", "", 1, rs, {}));
  EXPECT_DOUBLE_EQ(s2["total"]["conformance"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(s2["total"]["coverage"].get<double>(), 2.0 / 12.0);
  EXPECT_EQ(s2["sections"]["SMB2-FLUSH"]["unsupported"], 10);
  EXPECT_EQ(s2["levels"]["MUST"]["scenarios"], 12);
}

TEST(Score, NothingGradedHasNoConformance) {
  json s = score(make_report("t", "", 1, {result("u", Verdict::unsupported, "SMB2-FLUSH-03")}, {}));
  EXPECT_TRUE(s["total"]["conformance"].is_null());
  EXPECT_DOUBLE_EQ(s["total"]["coverage"].get<double>(), 0.0);
}

}  // namespace
}  // namespace smb::harness
