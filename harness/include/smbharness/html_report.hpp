// The self-contained HTML conformance report: scores per section and level, requirement matrix, scenario evidence.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace smb::harness {

struct HtmlOptions {
  /** Per report (same order): directory or URL prefix of its pcaps, relative to the page ("" = no links). */
  std::vector<std::string> pcap_links;
  std::string title = "smbconform conformance report";
};

/**
 * One HTML page (inline CSS, no scripts, no network fetches) for one or more JSON reports, one column per
 * report/target (the Autobahn matrix): a scoreboard per target (conformance of what was tested, coverage of what
 * was not, shown separately), scores per spec section and per level (MUST/SHOULD/MAY), the conformance matrix by
 * requirement ID, and every scenario as a <details> element with its steps, the messages sent and received
 * (decoded, plus hex) and a link to its pcap. Every number is also in a `data-*` attribute
 * (data-target, data-section / data-level, data-metric) so tests can read what the page shows.
 */
std::string html_report(const std::vector<nlohmann::json>& reports, const HtmlOptions& options);

}  // namespace smb::harness
