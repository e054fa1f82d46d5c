// Loads and validates scenario files: every field, value, variable and connection is checked before anything is sent.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "smbharness/scenario.hpp"

namespace smb::harness {

struct LoaderOptions {
  /** Where "use" finds step groups; default: <scenarios root>/_prologue found by walking up from the file. */
  std::filesystem::path prologue_dir;
  /** Known requirement IDs; empty = accept any well-formed ID. */
  std::set<std::string> known_requirements;
  /** Default per-step timeout when the scenario has no timeout_ms. */
  int default_timeout_ms = 5000;
};

/** A located problem: "scenarios/flush/x.json: step 3 (send FLUSH): field args.file_idd: unknown field". */
struct LoadError {
  std::string message;
};

/** Loads one scenario file. Never throws. */
std::variant<Scenario, LoadError> load_scenario(const std::filesystem::path& file, const LoaderOptions& opts = {});
/** Loads from text (`file` is only used in messages and to find the prologue directory). */
std::variant<Scenario, LoadError> load_scenario_text(const std::string& text, const std::string& file,
                                                     const LoaderOptions& opts = {});

/**
 * Expands PATH arguments: files as given, directories recursively (*.json, skipping "_prologue" and
 * "schema" directories), sorted. Missing paths are returned in `missing`.
 */
std::vector<std::filesystem::path> find_scenario_files(const std::vector<std::string>& paths,
                                                       std::vector<std::string>& missing);

}  // namespace smb::harness
