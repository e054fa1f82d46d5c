#pragma once
// File name expressions (wildcards), MS-FSA 2.1.4.4 "Algorithm for Determining if a FileName Is in an Expression",
// used by SMB2 QUERY_DIRECTORY (MS-SMB2 3.3.5.18 -> MS-FSA 2.1.5.6.3), SMB1 TRANS2_FIND_FIRST2 / FIND_NEXT2
// (MS-CIFS 3.3.5.58.1) and SMB1 DELETE with wildcards (MS-CIFS 3.3.5.10).
#include <string_view>

namespace smb::server {

/** The wildcard characters of MS-FSA 2.1.4.3: '*', '?', and DOS_STAR '<', DOS_QM '>', DOS_DOT '"'. */
constexpr std::string_view kWildcardChars = "*?<>\"";

/** True when `s` contains a wildcard character (MS-FSA 2.1.4.3). */
inline bool has_wildcards(std::string_view s) { return s.find_first_of(kWildcardChars) != std::string_view::npos; }

/**
 * MS-FSA 2.1.4.4: true when `name` (no wildcards; UTF-8) is in `expression` (UTF-8). Characters are Unicode code
 * points; `ignore_case` folds ASCII letters (the object store's names are compared the same way).
 *   '*' zero or more characters; '?' exactly one character;
 *   DOS_DOT '"' a period, or zero characters beyond the end of the name;
 *   DOS_QM '>' any one character, or, at a period or the end of the name, nothing (the expression moves past the
 *     run of DOS_QMs);
 *   DOS_STAR '<' zero or more characters, up to but not past the name's final period.
 * Part 1's special cases: an empty name matches only an empty expression; "*" and "*.*" match every name.
 */
bool name_in_expression(std::string_view expression, std::string_view name, bool ignore_case = true);

}  // namespace smb::server
