// Tests of harness/src/scenario_loader.cpp: every kind of typo is rejected before sending, with file, step and field.
#include "smbharness/scenario_loader.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace smb::harness {
namespace {

using json = nlohmann::json;

/** A valid 5-step scenario; each case below breaks one thing in a copy. */
json base() {
  return json::parse(R"({
    "id": "x", "title": "t", "description": "d", "requirements": ["SMB2-FLUSH-01"],
    "spec": ["MS-SMB2 3.3.5.11"], "level": "MUST",
    "steps": [
      { "send": "CREATE", "args": { "name": "$dir\\a.txt", "desired_access": "FILE_READ_DATA|FILE_READ_ATTRIBUTES" } },
      { "expect": "CREATE", "capture": { "f1": "file_id" } },
      { "send": "FLUSH", "args": { "file_id": "$f1" } },
      { "expect": "ERROR", "status": "STATUS_ACCESS_DENIED" },
      { "send": "CLOSE", "args": { "file_id": "$f1" } }
    ] })");
}

LoaderOptions opts() {
  LoaderOptions o;
  o.prologue_dir = std::string(SMBCONFORM_SOURCE_DIR) + "/scenarios/_prologue";
  o.known_requirements = {"SMB2-FLUSH-01", "SMB2-FLUSH-02"};
  return o;
}

std::string load_error(const json& j) {
  auto r = load_scenario_text(j.dump(), "scenarios/flush/x.json", opts());
  if (auto* e = std::get_if<LoadError>(&r)) return e->message;
  return "";
}

TEST(ScenarioLoader, AcceptsTheBaseScenario) {
  auto r = load_scenario_text(base().dump(), "scenarios/flush/x.json", opts());
  ASSERT_TRUE(std::holds_alternative<Scenario>(r)) << std::get<LoadError>(r).message;
  const auto& sc = std::get<Scenario>(r);
  EXPECT_EQ(sc.steps.size(), 5u);
  EXPECT_TRUE(sc.uses_dir);
  EXPECT_FALSE(sc.requires_.reference_only);
  EXPECT_EQ(sc.default_connection, "A");
}

struct TypoCase {
  const char* name;
  std::function<void(json&)> mutate;
  const char* message;
};

class ScenarioLoaderTypos : public ::testing::TestWithParam<TypoCase> {};

TEST_P(ScenarioLoaderTypos, RejectsWithLocatedMessage) {
  json j = base();
  GetParam().mutate(j);
  EXPECT_EQ(load_error(j), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ScenarioLoaderTypos,
    ::testing::Values(
        TypoCase{"UnknownArgField", [](json& j) { j["steps"][2]["args"] = {{"file_idd", "$f1"}}; },
                 "scenarios/flush/x.json: step 3 (send FLUSH): field args.file_idd: unknown field (did you mean file_id?)"},
        TypoCase{"UnknownCommand", [](json& j) { j["steps"][2]["send"] = "FLUSHH"; },
                 "scenarios/flush/x.json: step 3 (send FLUSHH): field send: unknown command FLUSHH (did you mean FLUSH?)"},
        TypoCase{"VariableBeforeCapture", [](json& j) { j["steps"][2]["args"]["file_id"] = "$f2"; },
                 "scenarios/flush/x.json: step 3 (send FLUSH): field args.file_id: variable $f2 used before it is captured"},
        TypoCase{"UnknownConnection", [](json& j) { j["steps"][2]["on"] = "C"; },
                 "scenarios/flush/x.json: step 3 (send FLUSH): field on: unknown connection \"C\""},
        TypoCase{"InvalidSymbolicValue", [](json& j) { j["steps"][0]["args"]["desired_access"] = "FILE_READ_DATAX"; },
                 "scenarios/flush/x.json: step 1 (send CREATE): field args.desired_access: unknown value \"FILE_READ_DATAX\""},
        TypoCase{"UnknownStatus", [](json& j) { j["steps"][3]["status"] = "STATUS_ACCESS_DENIDE"; },
                 "scenarios/flush/x.json: step 4 (expect ERROR): field status: unknown status \"STATUS_ACCESS_DENIDE\""},
        TypoCase{"UnknownCaptureField", [](json& j) { j["steps"][1]["capture"]["f1"] = "fileid"; },
                 "scenarios/flush/x.json: step 2 (expect CREATE): field capture.f1: unknown field (did you mean file_id?) \"fileid\""},
        TypoCase{"UnknownExpectedField", [](json& j) { j["steps"][3]["fields"] = {{"structure_sise", 9}}; },
                 "scenarios/flush/x.json: step 4 (expect ERROR): field fields.structure_sise: unknown field (did you mean structure_size?)"},
        TypoCase{"UnknownHeaderField", [](json& j) { j["steps"][2]["header"] = {{"tree_idd", 1}}; },
                 "scenarios/flush/x.json: step 3 (send FLUSH): field header.tree_idd: unknown field (did you mean tree_id?)"},
        TypoCase{"UnknownStepKey", [](json& j) { j["steps"][2]["argz"] = json::object(); },
                 "scenarios/flush/x.json: step 3 (send FLUSH): field argz: unknown field (did you mean args?)"},
        TypoCase{"UnknownTopLevelKey", [](json& j) { j["titel"] = "t"; },
                 "scenarios/flush/x.json: field titel: unknown field (did you mean title?)"},
        TypoCase{"UnknownDialect", [](json& j) { j["requires"] = {{"min_dialect", "3.2"}}; },
                 "scenarios/flush/x.json: field requires.min_dialect: unknown dialect \"3.2\""},
        TypoCase{"UnknownRequirement", [](json& j) { j["requirements"] = {"SMB2-FLUSH-99"}; },
                 "scenarios/flush/x.json: field requirements[0]: unknown requirement SMB2-FLUSH-99 (did you mean SMB2-FLUSH-01?)"},
        TypoCase{"IdNotKebabCase", [](json& j) { j["id"] = "Flush_X"; },
                 "scenarios/flush/x.json: field id: expected kebab-case, got \"Flush_X\""},
        TypoCase{"MissingTitle", [](json& j) { j.erase("title"); }, "scenarios/flush/x.json: field title: missing"},
        TypoCase{"ValueTooWide", [](json& j) { j["steps"][0]["args"]["requested_oplock_level"] = 256; },
                 "scenarios/flush/x.json: step 1 (send CREATE): field args.requested_oplock_level: value 256 does not fit in 8 bits"},
        TypoCase{"UnknownRequestName", [](json& j) { j["steps"][3]["request"] = "r9"; },
                 "scenarios/flush/x.json: step 4 (expect ERROR): field request: no earlier send is named \"r9\""},
        TypoCase{"BadControlOp", [](json& j) { j["steps"].push_back({{"control", "stat"}}); },
                 "scenarios/flush/x.json: step 6 (control stat): field control: unknown control operation stat (did you mean state?)"},
        TypoCase{"UnknownGroupParameter",
                 [](json& j) { j["steps"][0] = {{"use", "create-file"}, {"with", {{"nmae", "$dir\\a"}}}}; },
                 "scenarios/flush/x.json: step 1 (use create-file): field with.nmae: unknown parameter (did you mean name?)"},
        TypoCase{"ErrorInsideGroupNamesTheGroupStep",
                 [](json& j) { j["steps"][0] = {{"use", "open-file"}, {"with", {{"name", "a"}, {"access", "FILE_READ_DATAZ"}}}}; },
                 "scenarios/flush/x.json: step 1 (use open-file: step 1 send CREATE): field args.desired_access: unknown value \"FILE_READ_DATAZ\""}),
    [](const ::testing::TestParamInfo<TypoCase>& i) { return std::string(i.param.name); });

// Found by fuzz_scenario_loader (2026-11-21): a number literal that overflows a double made json::parse throw
// out_of_range, which escaped the loader and ended the process. It is a JSON error in the file like any other.
TEST(ScenarioLoader, OverflowingNumberLiteralIsAJsonErrorNotACrash) {
  for (const char* text : {R"({"id": 44444E44444444444444444444444444})", "[1E999]", R"({"steps": [-1e400]})"}) {
    auto r = load_scenario_text(text, "scenarios/x.json", opts());
    ASSERT_TRUE(std::holds_alternative<LoadError>(r)) << text;
    EXPECT_NE(std::get<LoadError>(r).message.find("scenarios/x.json: invalid JSON"), std::string::npos)
        << std::get<LoadError>(r).message;
  }
}

// Found by fuzz_scenario_loader (2026-11-21, session 6): a 21,703-character id overflowed the stack inside
// std::regex_match (libstdc++ recurses per character), and a field-path index too large for size_t made std::stoul
// throw out of the loader. Both are located load errors now; the hand-written name checks accept what the patterns
// accepted.
TEST(ScenarioLoader, HugeIdAndHugePathIndexAreLoadErrorsNotCrashes) {
  json j = base();
  j["id"] = std::string(200000, 'i');  // kebab-case, and long
  EXPECT_EQ(load_error(j), "");
  j["id"] = std::string(200000, 'i') + "_";
  EXPECT_NE(load_error(j).find("field id: expected kebab-case"), std::string::npos);
  j = base();
  j["steps"].push_back({{"control", "state"},
                        {"expect", {{"open", "$f1"}, {"fields", {{"lock_sequence_array[15666666666666666666666666666].valid", false}}}}}});
  EXPECT_NE(load_error(j).find("malformed field path"), std::string::npos) << load_error(j);
  j["steps"].back()["expect"]["fields"] = {{"lock_sequence_array[+1].valid", false}};
  EXPECT_NE(load_error(j).find("malformed field path"), std::string::npos) << load_error(j);
  j["steps"].back()["expect"]["fields"] = {{"lock_sequence_array[63].valid", false}};
  EXPECT_EQ(load_error(j), "");
}

TEST(ScenarioLoader, IdRequirementAndConnectionNameRules) {
  for (const char* id : {"a", "a-b", "flush-01", "0x"}) {
    json j = base();
    j["id"] = id;
    EXPECT_EQ(load_error(j), "") << id;
  }
  for (const char* id : {"-a", "a-", "a--b", "A", "a_b", "a b", "a.b"}) {
    json j = base();
    j["id"] = id;
    EXPECT_NE(load_error(j).find("field id: expected kebab-case"), std::string::npos) << id;
  }
  LoaderOptions o = opts();
  o.known_requirements.clear();  // the format alone
  for (const char* r : {"SMB2-FLUSH-01", "SMB1-X-7"}) {
    json j = base();
    j["requirements"] = {r};
    auto res = load_scenario_text(j.dump(), "x.json", o);
    EXPECT_TRUE(std::holds_alternative<Scenario>(res)) << r;
  }
  for (const char* r : {"SMB3-FLUSH-01", "SMB2--01", "SMB2-FLUSH-", "SMB2-FLUSH-01x", "SMB2-Flush-01", "SMB2-FLUSH01", "SMB2"}) {
    json j = base();
    j["requirements"] = {r};
    auto res = load_scenario_text(j.dump(), "x.json", o);
    ASSERT_TRUE(std::holds_alternative<LoadError>(res)) << r;
    EXPECT_NE(std::get<LoadError>(res).message.find("malformed requirement ID"), std::string::npos) << r;
  }
  for (const char* c : {"A", "b_2", "Zz"}) {
    json j = base();
    j["connections"] = {{c, json::object()}};
    for (auto& st : j["steps"]) st["connection"] = c;
    EXPECT_EQ(load_error(j).find("bad connection name"), std::string::npos) << c << ": " << load_error(j);
  }
  for (const char* c : {"_A", "1A", "A-B", "A B"}) {
    json j = base();
    j["connections"] = {{c, json::object()}};
    EXPECT_NE(load_error(j).find("bad connection name"), std::string::npos) << c;
  }
}

TEST(ScenarioLoader, ControlStepMakesTheScenarioReferenceOnly) {
  json j = base();
  j["steps"].push_back({{"control", "state"}, {"expect", {{"open", "$f1"}, {"fields", {{"flush_count", 1}}}}}});
  auto r = load_scenario_text(j.dump(), "x.json", opts());
  ASSERT_TRUE(std::holds_alternative<Scenario>(r)) << std::get<LoadError>(r).message;
  EXPECT_TRUE(std::get<Scenario>(r).requires_.reference_only);
}

TEST(ScenarioLoader, GroupBindExportsOnlyBoundCaptures) {
  json j = base();
  j["steps"] = json::parse(R"([
    { "use": "open-file", "with": { "name": "$dir\\a" }, "bind": { "fid": "$f" } },
    { "send": "FLUSH", "args": { "file_id": "$f" } },
    { "send": "FLUSH", "args": { "file_id": "$fid" } } ])");
  EXPECT_EQ(load_error(j), "scenarios/flush/x.json: step 3 (send FLUSH): field args.file_id: variable $fid used before it is captured");
}

TEST(ScenarioLoader, DefaultConnectionIsAAndUser2IsDerivedIntoRequires) {
  json j = base();
  j["connections"] = {{"B", {{"account", "user2"}}}, {"A", json::object()}};
  auto r = load_scenario_text(j.dump(), "x.json", opts());
  ASSERT_TRUE(std::holds_alternative<Scenario>(r)) << std::get<LoadError>(r).message;
  const auto& sc = std::get<Scenario>(r);
  EXPECT_EQ(sc.default_connection, "A");
  EXPECT_EQ(sc.requires_.accounts, std::vector<std::string>{"user2"});
}

}  // namespace
}  // namespace smb::harness
