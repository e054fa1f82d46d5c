// JUnit XML, shards and report merging, and the conformance/coverage score, all computed from JSON reports.
#include "smbharness/grading.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "smbharness/report.hpp"

namespace smb::harness {
namespace {

using json = nlohmann::json;

std::string xml_escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters even as references.
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') out += "?";
        else out += static_cast<char>(c);
    }
  }
  return out;
}

std::string seconds(std::int64_t ms) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3f", static_cast<double>(ms) / 1000.0);
  return b;
}

/** The section a scenario is filed under: that of its first requirement ("SMB2-FLUSH"), or "OTHER". */
std::string scenario_section(const json& s) {
  const json& reqs = s.value("requirements", json::array());
  if (reqs.empty() || !reqs[0].is_string()) return "OTHER";
  return section_of(reqs[0].get<std::string>());
}

json empty_counts() {
  return {{"pass", 0}, {"non_strict", 0}, {"fail", 0}, {"unsupported", 0}, {"ungraded", 0}, {"scenarios", 0}};
}

void finish_counts(json& c) {
  int graded = c["pass"].get<int>() + c["non_strict"].get<int>() + c["fail"].get<int>();
  c["graded"] = graded;
  c["conformance"] = graded == 0 ? json(nullptr) : json(static_cast<double>(c["pass"].get<int>() + c["non_strict"].get<int>()) / graded);
  int n = c["scenarios"].get<int>();
  c["coverage"] = n == 0 ? json(nullptr) : json(static_cast<double>(graded) / n);
}

}  // namespace

std::string junit_xml(const json& report) {
  std::map<std::string, std::vector<const json*>> suites;
  for (const auto& s : report.at("scenarios")) suites[scenario_section(s)].push_back(&s);
  std::ostringstream o;
  auto count = [&](const std::vector<const json*>& list, const char* v) {
    return std::count_if(list.begin(), list.end(), [&](const json* s) { return s->value("verdict", "") == v; });
  };
  std::vector<const json*> all;
  for (const auto& s : report.at("scenarios")) all.push_back(&s);
  std::int64_t total_ms = 0;
  for (const auto* s : all) total_ms += s->value("duration_ms", std::int64_t{0});
  std::string target = report.value("target", "");
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  o << "<testsuites name=\"smbconform " << xml_escape(target) << "\" tests=\"" << all.size() << "\" failures=\""
    << count(all, "fail") << "\" errors=\"" << count(all, "ungraded") << "\" skipped=\"" << count(all, "unsupported")
    << "\" time=\"" << seconds(total_ms) << "\">\n";
  int id = 0;
  for (const auto& [name, list] : suites) {
    std::int64_t ms = 0;
    for (const auto* s : list) ms += s->value("duration_ms", std::int64_t{0});
    std::string ts = report.value("started", "");
    if (ts.size() > 19) ts = ts.substr(0, 19);  // xs:dateTime without the zone, as the JUnit 4 schema wants
    o << "  <testsuite name=\"" << xml_escape(name) << "\" tests=\"" << list.size() << "\" failures=\"" << count(list, "fail")
      << "\" errors=\"" << count(list, "ungraded") << "\" skipped=\"" << count(list, "unsupported") << "\" time=\""
      << seconds(ms) << "\" timestamp=\"" << xml_escape(ts) << "\" hostname=\"localhost\" id=\"" << id++
      << "\" package=\"smbconform\">\n";
    o << "    <properties>\n      <property name=\"target\" value=\"" << xml_escape(target) << "\"/>\n    </properties>\n";
    for (const auto* s : list) {
      std::string verdict = s->value("verdict", "");
      std::string msg = s->value("message", "");
      o << "    <testcase name=\"" << xml_escape(s->value("id", "")) << "\" classname=\"smbconform." << xml_escape(name)
        << "\" time=\"" << seconds(s->value("duration_ms", std::int64_t{0})) << "\">\n";
      if (verdict == "fail") {
        o << "      <failure message=\"" << xml_escape(msg) << "\" type=\"fail\">" << xml_escape(msg) << "\nfile: "
          << xml_escape(s->value("file", "")) << "</failure>\n";
      } else if (verdict == "unsupported") {
        o << "      <skipped message=\"" << xml_escape(msg) << "\"/>\n";
      } else if (verdict == "ungraded") {
        o << "      <error message=\"" << xml_escape(msg) << "\" type=\"ungraded\">" << xml_escape(msg) << "</error>\n";
      } else if (verdict == "non_strict") {
        o << "      <system-out>non_strict: " << xml_escape(msg) << "</system-out>\n";
      }
      o << "    </testcase>\n";
    }
    o << "  </testsuite>\n";
  }
  o << "</testsuites>\n";
  return o.str();
}

std::optional<std::pair<int, int>> parse_shard(const std::string& s) {
  int k = 0, n = 0;
  char extra = 0;
  if (std::sscanf(s.c_str(), "%d/%d%c", &k, &n, &extra) != 2 || n < 1 || k < 1 || k > n) return std::nullopt;
  return std::make_pair(k, n);
}

bool in_shard(const std::string& id, int k, int n) {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a 64
  for (unsigned char c : id) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return static_cast<int>(h % static_cast<std::uint64_t>(n)) == k - 1;
}

std::optional<json> merge_reports(const std::vector<json>& reports, std::string& error) {
  if (reports.empty()) {
    error = "no reports to merge";
    return std::nullopt;
  }
  json out;
  out["target"] = reports[0].value("target", "");
  std::string started;
  std::int64_t duration = 0;
  std::vector<json> scenarios;
  std::set<std::string> ids;
  for (const auto& r : reports) {
    if (r.value("target", "") != out["target"].get<std::string>()) {
      error = "reports of different targets (" + out["target"].get<std::string>() + ", " + r.value("target", "") +
              ") cannot be merged; give them to the HTML report as separate columns";
      return std::nullopt;
    }
    std::string st = r.value("started", "");
    if (started.empty() || (!st.empty() && st < started)) started = st;
    duration = std::max(duration, r.value("duration_ms", std::int64_t{0}));
    for (const auto& s : r.at("scenarios")) {
      if (!ids.insert(s.value("id", "")).second) {
        error = "scenario " + s.value("id", "") + " appears in more than one report";
        return std::nullopt;
      }
      scenarios.push_back(s);
    }
  }
  std::sort(scenarios.begin(), scenarios.end(), [](const json& a, const json& b) {
    return std::make_pair(a.value("file", ""), a.value("id", "")) < std::make_pair(b.value("file", ""), b.value("id", ""));
  });
  out["started"] = started;
  out["duration_ms"] = duration;
  out["scenarios"] = std::move(scenarios);
  summarize(out);
  if (reports.size() > 1) out["merged_from"] = reports.size();
  return out;
}

void summarize(json& report) {
  json summary = {{"pass", 0}, {"non_strict", 0}, {"fail", 0}, {"unsupported", 0}, {"ungraded", 0}};
  std::map<std::string, std::vector<std::pair<std::string, Verdict>>> reqs;
  for (const auto& s : report.at("scenarios")) {
    std::string v = s.value("verdict", "ungraded");
    summary[v] = summary[v].get<int>() + 1;
    for (const auto& q : s.value("requirements", json::array()))
      reqs[q.get<std::string>()].push_back({s.value("id", ""), verdict_from_string(v).value_or(Verdict::ungraded)});
  }
  report["summary"] = std::move(summary);
  json rq = json::object();
  for (const auto& [id, list] : reqs) {
    std::vector<Verdict> vs;
    json sids = json::array();
    for (const auto& [sid, v] : list) {
      vs.push_back(v);
      sids.push_back(sid);
    }
    rq[id] = {{"verdict", to_string(requirement_verdict(vs))}, {"scenarios", std::move(sids)}};
  }
  report["requirements"] = std::move(rq);
  report["score"] = score(report);
}

json score(const json& report) {
  json total = empty_counts();
  json sections = json::object(), levels = json::object();
  for (const auto& s : report.at("scenarios")) {
    std::string v = s.value("verdict", "ungraded");
    // A scenario counts once in every section its requirements belong to (as the console summary does).
    std::set<std::string> secs;
    for (const auto& q : s.value("requirements", json::array())) secs.insert(section_of(q.get<std::string>()));
    if (secs.empty()) secs.insert("OTHER");
    std::string lvl = s.value("level", "");
    if (lvl.empty()) lvl = "UNSPECIFIED";
    if (!levels.contains(lvl)) levels[lvl] = empty_counts();
    std::vector<json*> into{&total, &levels[lvl]};
    for (const auto& sec : secs) {
      if (!sections.contains(sec)) sections[sec] = empty_counts();
      into.push_back(&sections[sec]);
    }
    for (json* c : into) {
      (*c)[v] = (*c)[v].get<int>() + 1;
      (*c)["scenarios"] = (*c)["scenarios"].get<int>() + 1;
    }
  }
  finish_counts(total);
  for (auto& [k, c] : sections.items()) finish_counts(c);
  for (auto& [k, c] : levels.items()) finish_counts(c);
  return {{"total", total}, {"sections", sections}, {"levels", levels}};
}

}  // namespace smb::harness
