// Target profiles (ci/targets/<name>.json) and expectation files with fragments (ci/expectations/<target>[.d/]).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "smbharness/report.hpp"
#include "smbharness/target.hpp"

namespace smb::harness {

/**
 * One target profile: where the server is, how to log on, what it speaks and the tolerance flags of the
 * traceability matrix (§12). Format in scenarios/README.md "Target profiles".
 */
struct TargetProfile {
  std::string name;               ///< file stem: "samba"
  std::string file;               ///< path it was loaded from
  std::string description;
  bool reference = false;         ///< true: start the built reference server (address/credentials unused)
  std::string host;               ///< "" = must come from --address
  std::uint16_t port = 445;
  std::string share;
  std::optional<security::Credentials> user, user2;
  std::optional<std::string> guest_share;
  std::vector<std::uint16_t> dialects;       ///< what the server speaks; empty = all
  std::vector<std::string> capabilities;     ///< MS-SMB2 2.2.4 capability names the server is known to offer
  std::map<std::string, std::string> flags;  ///< tolerance flags, values as text
  std::string expectations;       ///< expectation target name or path ("" = none)
};

/**
 * Loads a profile file. Returns nullopt and sets `error` (located: "FILE: field X: ...") when the file is
 * unreadable, not JSON, has an unknown key, a bad address/dialect/capability/credential.
 */
std::optional<TargetProfile> load_profile(const std::filesystem::path& file, std::string& error);

/**
 * Where a profile named `name_or_path` lives: the path itself when it names an existing file, else
 * ci/targets/<name>.json under the working directory, else under the source tree. "" when none exists.
 */
std::filesystem::path find_profile(const std::string& name_or_path);

/** The names of the shipped profiles (the stems of the JSON files in ci/targets), sorted. */
std::vector<std::string> profile_names();

/** Copies the profile's settings into `t` (address only when the profile has one; flags are merged, the profile's win). */
void apply_profile(const TargetProfile& p, Target& t);

/** Splits "HOST:PORT" (or "HOST", port unchanged). Returns false on a bad port. */
bool parse_address(const std::string& s, std::string& host, std::uint16_t& port);

/**
 * Loads the expectations of `name_or_path`: a file (FILE.json plus every FILE.d/NAME.json fragment), or a target
 * name (ci/expectations/NAME.json and ci/expectations/NAME.d/FRAGMENT.json, in the working directory or the source
 * tree; either part may be missing but not both). A scenario id listed twice is an error naming both files.
 * Returns nullopt and sets `error` on an unreadable/malformed file, a duplicate id, or nothing found.
 */
std::optional<Expectations> load_expectation_set(const std::string& name_or_path, std::string& error);

}  // namespace smb::harness
