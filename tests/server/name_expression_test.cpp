// MS-FSA 2.1.4.4 name expressions (smbserver/name_expression.hpp): each case follows a rule of the algorithm.
#include <gtest/gtest.h>

#include "smbserver/name_expression.hpp"

namespace smb::server {
namespace {

TEST(NameExpression, Part1SpecialCases) {
  EXPECT_FALSE(name_in_expression("*", ""));        // an empty FileName with a non-empty Expression: FALSE
  EXPECT_FALSE(name_in_expression("", "a.txt"));    // an empty Expression with a non-empty FileName: FALSE
  EXPECT_TRUE(name_in_expression("", ""));          // both empty: TRUE
  EXPECT_TRUE(name_in_expression("*", "a.txt"));    // "*" matches every name
  EXPECT_TRUE(name_in_expression("*.*", "noext"));  // so does "*.*", even without a period
  EXPECT_TRUE(name_in_expression("*.txt", "b.TXT"));
  EXPECT_FALSE(name_in_expression("*.txt", "b.txt.bak"));
}

TEST(NameExpression, StarAndQuestionMark) {
  EXPECT_TRUE(name_in_expression("a*c", "abbbc"));
  EXPECT_TRUE(name_in_expression("a*c", "ac"));
  EXPECT_FALSE(name_in_expression("a*c", "abcd"));
  EXPECT_TRUE(name_in_expression("a?c", "abc"));
  EXPECT_FALSE(name_in_expression("a?c", "ac"));  // '?' is exactly one character
  EXPECT_TRUE(name_in_expression("?", "\xC3\xA9"));  // one character, two UTF-8 bytes
  EXPECT_TRUE(name_in_expression("A.TXT", "a.txt"));
  EXPECT_FALSE(name_in_expression("A.TXT", "a.txt", /*ignore_case=*/false));
}

TEST(NameExpression, DosDotMatchesAPeriodOrNothingAtTheEnd) {
  EXPECT_TRUE(name_in_expression("abc\"", "abc"));  // zero characters beyond the end of the name
  EXPECT_TRUE(name_in_expression("abc\"txt", "abc.txt"));  // a period
  EXPECT_FALSE(name_in_expression("abc\"txt", "abcxtxt"));
}

TEST(NameExpression, DosQmMatchesOneCharacterOrNothingAtAPeriodOrTheEnd) {
  EXPECT_TRUE(name_in_expression("ab>>>", "ab"));       // end of name: the run of DOS_QMs is skipped
  EXPECT_TRUE(name_in_expression("ab>>>", "abcd"));
  EXPECT_FALSE(name_in_expression("ab>", "abcd"));      // one character only
  EXPECT_TRUE(name_in_expression("a>>>.txt", "a.txt"));  // at the period: matches nothing
  EXPECT_TRUE(name_in_expression("a>>>.txt", "abc.txt"));
  EXPECT_FALSE(name_in_expression("a>.txt", "abc.txt"));
}

TEST(NameExpression, DosStarStopsBeforeTheFinalPeriod) {
  // The Win32 "*.txt" becomes "<.txt": '<' runs up to the final period, which must then match '.'.
  EXPECT_TRUE(name_in_expression("<.txt", "a.b.txt"));   // '<' may take non-final periods
  EXPECT_FALSE(name_in_expression("<", "a.txt"));        // cannot take the final period
  EXPECT_TRUE(name_in_expression("<", "noext"));
  EXPECT_TRUE(name_in_expression("<\"*", "a.txt"));      // "*.*" in its DOS form
  EXPECT_TRUE(name_in_expression("<\"*", "noext"));
  EXPECT_FALSE(name_in_expression("<.txt", "atxt"));
}

TEST(NameExpression, HasWildcards) {
  EXPECT_FALSE(has_wildcards("plain.txt"));
  for (const char* s : {"a*", "a?", "a<", "a>", "a\""}) EXPECT_TRUE(has_wildcards(s)) << s;
}

}  // namespace
}  // namespace smb::server
