// JSON report, console lines, per-section summary, requirement roll-up and expectation files.
#include "smbharness/report.hpp"

#include "smbharness/grading.hpp"
#include "smbharness/parallel.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <type_traits>

namespace smb::harness {
namespace detail {
extern const char* const kRequirementsJson;
}

using json = nlohmann::json;

const std::vector<RequirementInfo>& known_requirements() {
  static const std::vector<RequirementInfo> list = [] {
    std::vector<RequirementInfo> out;
    json j = json::parse(detail::kRequirementsJson);
    for (const auto& r : j.at("requirements"))
      out.push_back({r.at("id").get<std::string>(), r.value("section", ""), r.value("level", ""), r.value("title", ""),
                     r.value("observability", "")});
    return out;
  }();
  return list;
}

std::optional<Expectations> load_expectations(const std::string& path, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = path + ": cannot open";
    return std::nullopt;
  }
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {
    error = path + ": invalid JSON: " + e.what();
    return std::nullopt;
  }
  if (!j.is_object()) {
    error = path + ": expected an object {\"scenario-id\": {\"verdict\": ...}}";
    return std::nullopt;
  }
  Expectations out;
  for (const auto& [id, e] : j.items()) {
    if (id.rfind("_", 0) == 0) continue;  // "_comment" keys
    if (!e.is_object() || !e.contains("verdict") || !e["verdict"].is_string()) {
      error = path + ": " + id + ": field verdict: missing";
      return std::nullopt;
    }
    for (const auto& [k, _] : e.items())
      if (k != "verdict" && k != "reason" && k != "evidence" && k != "intermittent") {
        error = path + ": " + id + ": field " + k + ": unknown field";
        return std::nullopt;
      }
    auto v = verdict_from_string(e["verdict"].get<std::string>());
    if (!v) {
      error = path + ": " + id + ": field verdict: unknown verdict " + e["verdict"].dump();
      return std::nullopt;
    }
    if (e.contains("intermittent") && !e["intermittent"].is_boolean()) {
      error = path + ": " + id + ": field intermittent: expected true or false";
      return std::nullopt;
    }
    out[id] = Expectation{*v, e.value("reason", ""), e.value("evidence", ""), e.value("intermittent", false)};
  }
  return out;
}

bool matches_expectation(Verdict actual, const Expectation* expected) {
  if (expected == nullptr) return actual == Verdict::pass || actual == Verdict::non_strict || actual == Verdict::unsupported;
  return actual == expected->verdict || (expected->intermittent && actual == Verdict::pass);
}

Verdict requirement_verdict(const std::vector<Verdict>& vs) {
  auto has = [&](Verdict v) { return std::find(vs.begin(), vs.end(), v) != vs.end(); };
  if (has(Verdict::fail)) return Verdict::fail;
  if (has(Verdict::ungraded)) return Verdict::ungraded;
  if (has(Verdict::non_strict)) return Verdict::non_strict;
  if (has(Verdict::pass)) return Verdict::pass;
  return Verdict::unsupported;
}

std::string section_of(const std::string& requirement) {
  auto dash = requirement.rfind('-');
  return dash == std::string::npos ? requirement : requirement.substr(0, dash);
}

namespace {

/** make_report's body; `Results` is const or not, and step messages are moved only from a non-const one. */
template <class Results>
json build_report(const std::string& target, const std::string& started, std::int64_t duration_ms, Results& results,
                  const Expectations& expectations) {
  json rep;
  rep["target"] = target;
  rep["started"] = started;
  rep["duration_ms"] = duration_ms;
  json scenarios = json::array();
  for (auto& r : results) {
    auto it = expectations.find(r.id);
    const Expectation* e = it == expectations.end() ? nullptr : &it->second;
    json s;
    s["id"] = r.id;
    s["file"] = r.file;
    s["title"] = r.title;
    s["requirements"] = r.requirements;
    s["level"] = r.level;
    s["spec"] = r.spec;
    s["verdict"] = to_string(r.verdict);
    s["expected_verdict"] = e ? json(to_string(e->verdict)) : json(nullptr);
    s["matches_expectation"] = matches_expectation(r.verdict, e);
    s["message"] = r.message;
    s["reason"] = r.message;
    s["duration_ms"] = r.duration_ms;
    // The report is large (every message of every step): each subtree is built once and moved into place.
    json steps = json::array();
    for (auto& st : r.steps) {
      json j = json::object();
      j["index"] = st.index;
      j["kind"] = st.kind;
      j["connection"] = st.connection;
      if constexpr (std::is_const_v<Results>) {
        j["sent"] = st.sent;
        j["received"] = st.received;
      } else {
        j["sent"] = std::move(st.sent);
        j["received"] = std::move(st.received);
      }
      j["verdict"] = to_string(st.verdict);
      j["message"] = st.message;
      steps.push_back(std::move(j));
    }
    s["steps"] = std::move(steps);
    scenarios.push_back(std::move(s));
  }
  rep["scenarios"] = std::move(scenarios);
  summarize(rep);
  return rep;
}

/** `text` (a value dumped at depth 0) re-indented for depth `depth`: every line after the first moves right. */
void append_indented(std::string& out, const std::string& text, std::size_t depth) {
  // dump() escapes control characters inside strings, so every raw newline is one of its own line breaks.
  const std::string pad(2 * depth, ' ');
  std::size_t from = 0;
  for (std::size_t nl; (nl = text.find('\n', from)) != std::string::npos; from = nl + 1) {
    out.append(text, from, nl + 1 - from);
    out += pad;
  }
  out.append(text, from, std::string::npos);
}

}  // namespace

json make_report(const std::string& target, const std::string& started, std::int64_t duration_ms,
                 const std::vector<ScenarioResult>& results, const Expectations& expectations) {
  return build_report(target, started, duration_ms, results, expectations);
}

json make_report(const std::string& target, const std::string& started, std::int64_t duration_ms,
                 std::vector<ScenarioResult>&& results, const Expectations& expectations) {
  return build_report(target, started, duration_ms, results, expectations);
}

std::string dump_report(const json& report, int threads) {
  const json* scenarios = nullptr;
  if (report.is_object()) {
    auto it = report.find("scenarios");
    if (it != report.end() && it->is_array() && !it->empty()) scenarios = &*it;
  }
  if (!scenarios || threads <= 1) return report.dump(2);
  // Each scenario entry is dumped on its own (they are independent), then spliced where dump(2) would put it:
  // at depth 2 of the object, inside the array at depth 1.
  const std::size_t n = scenarios->size();
  std::vector<std::string> parts(n);
  parallel_for(n, threads, [&](std::size_t k) {
    std::string text = (*scenarios)[k].dump(2);
    parts[k].reserve(text.size() + text.size() / 8);
    append_indented(parts[k], text, 2);
  });
  std::size_t size = 0;
  for (const auto& p : parts) size += p.size() + 8;
  std::string out;
  out.reserve(size + 4096);
  out += "{";
  bool first = true;
  for (auto it = report.begin(); it != report.end(); ++it) {
    out += first ? "\n  " : ",\n  ";
    first = false;
    out += json(it.key()).dump();
    out += ": ";
    if (&*it == scenarios) {
      out += "[";
      for (std::size_t k = 0; k < n; ++k) {
        out += k == 0 ? "\n    " : ",\n    ";
        out += parts[k];
      }
      out += "\n  ]";
    } else {
      append_indented(out, it->dump(2), 1);
    }
  }
  out += "\n}";
  return out;
}

std::string progress_line(const ScenarioResult& r, const Expectation* expected, bool verbose) {
  std::ostringstream o;
  char head[32];
  std::snprintf(head, sizeof head, "%-11s ", to_string(r.verdict).c_str());
  o << head << r.id << " (" << r.duration_ms << " ms)";
  if (!matches_expectation(r.verdict, expected))
    o << "  [UNEXPECTED: expected " << (expected ? to_string(expected->verdict) : std::string("pass")) << "]";
  else if (expected)
    o << "  [expected " << to_string(expected->verdict) << "]";
  if (r.verdict != Verdict::pass && !r.message.empty()) o << "\n    " << r.message;
  if (verbose)
    for (const auto& s : r.steps)
      o << "\n      step " << s.index << " (" << s.kind << ") on " << s.connection << ": " << to_string(s.verdict);
  return o.str();
}

std::string summary_text(const std::vector<ScenarioResult>& results, const Expectations& expectations) {
  std::map<std::string, std::map<Verdict, int>> per_section;
  std::map<Verdict, int> totals;
  int mismatches = 0;
  for (const auto& r : results) {
    std::set<std::string> sections;
    for (const auto& q : r.requirements) sections.insert(section_of(q));
    for (const auto& s : sections) per_section[s][r.verdict]++;
    totals[r.verdict]++;
    auto it = expectations.find(r.id);
    if (!matches_expectation(r.verdict, it == expectations.end() ? nullptr : &it->second)) ++mismatches;
  }
  std::ostringstream o;
  auto line = [&](const std::string& name, std::map<Verdict, int>& m) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%-14s pass %3d  non_strict %3d  fail %3d  unsupported %3d  ungraded %3d\n", name.c_str(),
                  m[Verdict::pass], m[Verdict::non_strict], m[Verdict::fail], m[Verdict::unsupported], m[Verdict::ungraded]);
    o << buf;
  };
  for (auto& [s, m] : per_section) line(s, m);
  line("TOTAL", totals);
  o << "expectation mismatches: " << mismatches << "\n";
  return o.str();
}

}  // namespace smb::harness
