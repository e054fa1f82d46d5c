// Tests of harness/src/values.cpp: variables keep their type, paths, expressions, interpolation, group rewriting.
#include "smbharness/values.hpp"

#include <gtest/gtest.h>

namespace smb::harness {
namespace {

using json = nlohmann::json;

Variables vars() {
  Variables v;
  v.set("f1", json{{"persistent", 5}, {"volatile", 8}});
  v.set("dir", "smbconform-x-1");
  v.set("A", json{{"session_id", 0x1234}, {"tree_id", 7}});
  v.set("n", 3);
  return v;
}

json res(const json& j) {
  std::string err;
  json out = resolve(j, vars(), err);
  EXPECT_EQ(err, "");
  return out;
}

TEST(Values, WholeReferenceKeepsType) {
  EXPECT_EQ(res("$f1"), (json{{"persistent", 5}, {"volatile", 8}}));
  EXPECT_EQ(res("$A.session_id"), 0x1234);
  EXPECT_EQ(res("$f1.volatile"), 8);
}

TEST(Values, Expressions) {
  EXPECT_EQ(res("$f1.persistent ^ 1"), 4);
  EXPECT_EQ(res("$f1.volatile xor 1"), 9);
  EXPECT_EQ(res("$n + 0x10"), 19);
  EXPECT_EQ(res("$n - 1 | 8"), 10);  // left to right: (3 - 1) | 8
}

TEST(Values, Interpolation) {
  EXPECT_EQ(res("$dir\\a.txt"), "smbconform-x-1\\a.txt");
  EXPECT_EQ(res("$dir.txt"), "smbconform-x-1.txt");  // a string variable takes no path
  EXPECT_EQ(res("${dir}x"), "smbconform-x-1x");
  EXPECT_EQ(res("cost $$5"), "cost $5");
  EXPECT_EQ(res(json{{"file_id", "$f1"}, {"n", {"$n"}}}), (json{{"file_id", {{"persistent", 5}, {"volatile", 8}}}, {"n", {3}}}));
}

TEST(Values, TokensAreSplitAtAnyWhitespaceAndPlainTextIsKept) {
  EXPECT_EQ(res("$n\t+\n 0x10"), 19);            // tabs and newlines separate tokens too
  EXPECT_EQ(res("  $n   |  4  "), 7);            // leading, trailing and repeated blanks
  EXPECT_EQ(res("0x10 | 0x01"), 17);             // an expression need not name a variable
  EXPECT_EQ(res("a b c"), "a b c");              // three tokens but no operator: text
  EXPECT_EQ(res("no variables here"), "no variables here");
  EXPECT_EQ(res("$A.session_id"), 0x1234);
  EXPECT_EQ(res("$A.tree_id + $f1.volatile"), 15);  // a path per operand; the variables are not changed
  EXPECT_EQ(res("$f1"), (json{{"persistent", 5}, {"volatile", 8}}));
}

TEST(Values, VariableNamesAreWhatAReferenceCanSpell) {
  for (const char* n : {"f1", "_x", "A", "lock_seq_2"}) EXPECT_TRUE(is_variable_name(n)) << n;
  for (const char* n : {"", "1a", "a-b", "a.b", "a b", "$a", "\xc3\xa9"}) EXPECT_FALSE(is_variable_name(n)) << n;
}

TEST(Values, UnknownVariableAndMissingField) {
  std::string err;
  resolve("$nope", vars(), err);
  EXPECT_EQ(err, "unknown variable $nope");
  err.clear();
  resolve("$f1.persistant", vars(), err);
  EXPECT_EQ(err, "$f1: no field persistant");
}

TEST(Values, ReferencedVariables) {
  EXPECT_EQ(referenced_variables(json{{"a", "$f1.persistent ^ $n"}, {"b", "${dir}\\x"}, {"c", "$$lit"}}),
            (std::set<std::string>{"f1", "n", "dir"}));
}

TEST(Values, RewriteForGroups) {
  std::map<std::string, std::string> ren{{"fid", "_g1_fid"}};
  std::map<std::string, json> params{{"name", "$dir\\a"}, {"access", 3}};
  EXPECT_EQ(rewrite_variables("$fid.volatile", ren, params), "$_g1_fid.volatile");
  EXPECT_EQ(rewrite_variables("$access", ren, params), 3);            // whole reference keeps the type
  EXPECT_EQ(rewrite_variables("$name\\b", ren, params), "$dir\\a\\b");  // then resolved later
  EXPECT_EQ(rewrite_variables("$other", ren, params), "$other");
}

}  // namespace
}  // namespace smb::harness
