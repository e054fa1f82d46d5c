// HTML report: renders JSON reports (score(), requirements, steps) into one static, self-contained page.
#include "smbharness/html_report.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "smbharness/grading.hpp"
#include "smbharness/pcap_writer.hpp"
#include "smbharness/report.hpp"

namespace smb::harness {
namespace {

using json = nlohmann::json;

std::string esc(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string pct(const json& v) {
  if (v.is_null()) return "&ndash;";
  char b[16];
  std::snprintf(b, sizeof b, "%.1f%%", v.get<double>() * 100.0);
  return b;
}

/** Verdict badge. */
std::string badge(const std::string& v) {
  if (v.empty()) return "<span class=\"v none\">&ndash;</span>";
  return "<span class=\"v " + esc(v) + "\">" + esc(v) + "</span>";
}

const char* kCss = R"(
:root{--pass:#1a7f37;--ns:#9a6700;--fail:#cf222e;--uns:#6e7781;--ung:#8250df;--bg:#f6f8fa;--line:#d0d7de}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;color:#1f2328;background:#fff}
header{background:#0d1117;color:#f0f6fc;padding:20px 32px}
header h1{margin:0 0 4px;font-size:22px;font-weight:600}
header .sub{color:#9198a1;font-size:13px}
main{padding:20px 32px;max-width:1400px}
h2{font-size:18px;margin:28px 0 10px;padding-bottom:6px;border-bottom:1px solid var(--line)}
.cards{display:flex;gap:16px;flex-wrap:wrap}
.card{border:1px solid var(--line);border-radius:8px;padding:14px 18px;min-width:300px;background:var(--bg)}
.card h3{margin:0 0 8px;font-size:15px;word-break:break-all}
.big{display:flex;gap:24px}
.big div{display:flex;flex-direction:column}
.big .num{font-size:30px;font-weight:700}
.big .lbl{font-size:12px;color:#59636e;text-transform:uppercase;letter-spacing:.04em}
.bar{display:flex;height:10px;border-radius:5px;overflow:hidden;margin:10px 0 6px;background:#eaeef2}
.bar span{display:block;height:100%}
.bar .pass{background:var(--pass)}.bar .non_strict{background:var(--ns)}.bar .fail{background:var(--fail)}
.bar .unsupported{background:#afb8c1}.bar .ungraded{background:var(--ung)}
.counts{font-size:12px;color:#59636e}
table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-size:13px}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--bg);font-weight:600}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.v{display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;white-space:nowrap}
.v.pass{background:var(--pass)}.v.non_strict{background:var(--ns)}.v.fail{background:var(--fail)}
.v.unsupported{background:var(--uns)}.v.ungraded{background:var(--ung)}.v.none{background:#eaeef2;color:#59636e}
.note{color:#59636e;font-size:13px;max-width:1000px}
details.sc{border:1px solid var(--line);border-radius:6px;margin:6px 0;background:#fff}
details.sc>summary{cursor:pointer;padding:6px 10px;list-style:revert}
details.sc[open]>summary{border-bottom:1px solid var(--line);background:var(--bg)}
details.sc .body{padding:8px 12px}
.msg{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;white-space:pre-wrap;background:#fff8c5;padding:6px 8px;border-radius:4px}
pre{font-size:11.5px;background:var(--bg);padding:6px 8px;border-radius:4px;overflow-x:auto;max-height:320px;margin:4px 0}
.step{margin:6px 0 10px;padding-left:8px;border-left:3px solid var(--line)}
.step.fail{border-left-color:var(--fail)}.step.non_strict{border-left-color:var(--ns)}
.dir{font-weight:600;font-size:12px;color:#59636e}
a{color:#0969da}
.mx td.v0{white-space:nowrap}
.legend span{margin-right:10px}
.mini{display:inline-block;width:70px;height:8px;background:#eaeef2;border-radius:4px;overflow:hidden;vertical-align:middle;margin-right:6px}
.mini span{display:block;height:100%}
.more{color:#59636e}
)";

struct Column {
  const json* report;
  json sc;  ///< score
  std::map<std::string, const json*> by_id;
  std::string pcap;
};

std::string counts_cells(const json& c, std::size_t t, const std::string& key_attr, const std::string& key) {
  std::ostringstream o;
  auto cell = [&](const char* metric, const std::string& text) {
    o << "<td class=\"n\" data-target=\"" << t << "\" " << key_attr << "=\"" << esc(key) << "\" data-metric=\"" << metric
      << "\">" << text << "</td>";
  };
  {
    // The conformance cell carries a small bar so weak sections stand out at a glance.
    const json& conf = c.value("conformance", json());
    std::string text = pct(conf);
    if (!conf.is_null()) {
      double v = conf.get<double>();
      const char* colour = v >= 0.95 ? "var(--pass)" : v >= 0.8 ? "var(--ns)" : "var(--fail)";
      char bar[200];
      std::snprintf(bar, sizeof bar, "<span class=\"mini\"><span style=\"width:%.0f%%;background:%s\"></span></span>", v * 100, colour);
      o << "<td class=\"n\">" << bar << " <span data-target=\"" << t << "\" " << key_attr << "=\"" << esc(key)
        << "\" data-metric=\"conformance\">" << text << "</span></td>";
    } else {
      cell("conformance", text);
    }
  }
  cell("coverage", pct(c.value("coverage", json())));
  for (const char* m : {"pass", "non_strict", "fail", "unsupported", "ungraded"}) cell(m, std::to_string(c.value(m, 0)));
  return o.str();
}

std::string bar(const json& c) {
  int n = c.value("scenarios", 0);
  if (n == 0) return "<div class=\"bar\"></div>";
  std::ostringstream o;
  o << "<div class=\"bar\">";
  for (const char* m : {"pass", "non_strict", "fail", "ungraded", "unsupported"}) {
    double w = 100.0 * c.value(m, 0) / n;
    if (w > 0) o << "<span class=\"" << m << "\" style=\"width:" << w << "%\"></span>";
  }
  o << "</div>";
  return o.str();
}

std::string message_block(const json& m, bool sent) {
  std::ostringstream o;
  std::string what = m.value("command", m.value("raw", false) ? std::string("raw bytes") : std::string("?"));
  if (m.contains("op")) what = "control " + m.value("op", "");
  o << "<div class=\"dir\">" << (sent ? "&rarr; sent " : "&larr; received ") << esc(what);
  if (m.contains("status")) o << " &middot; " << esc(m["status"].get<std::string>());
  o << "</div>";
  json shown = m;
  std::string hex;
  if (shown.contains("hex")) {
    hex = shown["hex"].get<std::string>();
    shown.erase("hex");
  }
  o << "<pre>" << esc(shown.dump(1)) << "</pre>";
  if (!hex.empty()) {
    bool cut = hex.size() > 1024;
    o << "<details><summary>hex (" << hex.size() / 2 << " bytes)</summary><pre>" << esc(cut ? hex.substr(0, 1024) + "..." : hex)
      << "</pre></details>";
  }
  return o.str();
}

}  // namespace

std::string html_report(const std::vector<json>& reports, const HtmlOptions& options) {
  std::vector<Column> cols;
  for (std::size_t i = 0; i < reports.size(); ++i) {
    Column c;
    c.report = &reports[i];
    c.sc = reports[i].contains("score") ? reports[i]["score"] : score(reports[i]);
    for (const auto& s : reports[i].at("scenarios")) c.by_id[s.value("id", "")] = &s;
    if (i < options.pcap_links.size()) c.pcap = options.pcap_links[i];
    cols.push_back(std::move(c));
  }
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
    << "<title>" << esc(options.title) << "</title><style>" << kCss << "</style></head><body>\n";
  o << "<header><h1>" << esc(options.title) << "</h1><div class=\"sub\">";
  for (std::size_t t = 0; t < cols.size(); ++t)
    o << (t ? " &middot; " : "") << "target <b>" << esc(cols[t].report->value("target", "")) << "</b> "
      << esc(cols[t].report->value("started", ""));
  o << " &middot; MS-SMB2 requirements from the project's traceability matrix</div></header><main>\n";

  // Scoreboard.
  o << "<h2>Score</h2><p class=\"note\"><b>Conformance</b> is measured only on what was tested: (pass + non_strict) / "
       "(pass + non_strict + fail). <b>Coverage</b> is the share of scenarios that could be graded at all; "
       "<i>unsupported</i> (the target lacks a feature or a profile flag) and <i>ungraded</i> (the harness could not "
       "run it) lower coverage, never raise conformance, so declaring features unsupported cannot improve the grade.</p>\n";
  o << "<div class=\"cards\">";
  for (std::size_t t = 0; t < cols.size(); ++t) {
    const json& tot = cols[t].sc["total"];
    o << "<div class=\"card\" data-target=\"" << t << "\"><h3>" << esc(cols[t].report->value("target", "")) << "</h3>"
      << "<div class=\"big\"><div><span class=\"num\" data-target=\"" << t
      << "\" data-section=\"TOTAL\" data-metric=\"conformance\">" << pct(tot["conformance"])
      << "</span><span class=\"lbl\">conformance (tested)</span></div><div><span class=\"num\" data-target=\"" << t
      << "\" data-section=\"TOTAL\" data-metric=\"coverage\">" << pct(tot["coverage"])
      << "</span><span class=\"lbl\">coverage</span></div></div>" << bar(tot) << "<div class=\"counts\">";
    for (const char* m : {"pass", "non_strict", "fail", "unsupported", "ungraded"})
      o << badge(m) << " <span data-target=\"" << t << "\" data-section=\"TOTAL\" data-metric=\"" << m << "\">"
        << tot.value(m, 0) << "</span> &nbsp;";
    o << "&nbsp;of " << tot.value("scenarios", 0) << " scenarios</div></div>";
  }
  o << "</div>\n";

  auto table_head = [&](const std::string& first) {
    o << "<table><thead><tr><th rowspan=\"2\">" << first << "</th>";
    for (const auto& c : cols) o << "<th colspan=\"7\">" << esc(c.report->value("target", "")) << "</th>";
    o << "</tr><tr>";
    for (std::size_t t = 0; t < cols.size(); ++t)
      o << "<th>conformance</th><th>coverage</th><th>pass</th><th>non_strict</th><th>fail</th><th>unsupported</th><th>ungraded</th>";
    o << "</tr></thead><tbody>";
  };
  // Per section.
  std::set<std::string> sections, levels;
  for (const auto& c : cols) {
    for (const auto& [k, _] : c.sc["sections"].items()) sections.insert(k);
    for (const auto& [k, _] : c.sc["levels"].items()) levels.insert(k);
  }
  o << "<h2>By spec section</h2>";
  table_head("section");
  for (const auto& s : sections) {
    o << "<tr><th>" << esc(s) << "</th>";
    for (std::size_t t = 0; t < cols.size(); ++t)
      o << counts_cells(cols[t].sc["sections"].value(s, json::object()), t, "data-section", s);
    o << "</tr>";
  }
  o << "</tbody></table>\n<h2>By requirement level</h2>";
  table_head("level");
  for (const auto& l : {std::string("MUST"), std::string("SHOULD"), std::string("MAY")}) levels.insert(l);
  for (const auto& l : levels) {
    o << "<tr><th>" << esc(l) << "</th>";
    for (std::size_t t = 0; t < cols.size(); ++t)
      o << counts_cells(cols[t].sc["levels"].value(l, json::object()), t, "data-level", l);
    o << "</tr>";
  }
  o << "</tbody></table>\n";

  // Requirement matrix.
  o << "<h2>Conformance matrix by requirement</h2><p class=\"note\">A requirement's verdict rolls up its scenarios: fail "
       "if any failed, else ungraded, else non_strict, else pass, else unsupported. &ndash; = no scenario yet.</p>"
    << "<table class=\"mx\"><thead><tr><th>requirement</th><th>level</th><th>title</th>";
  for (const auto& c : cols) o << "<th>" << esc(c.report->value("target", "")) << "</th>";
  o << "<th>scenarios</th></tr></thead><tbody>";
  for (const auto& r : known_requirements()) {
    o << "<tr id=\"req-" << esc(r.id) << "\"><td>" << esc(r.id) << "</td><td>" << esc(r.level) << "</td><td>" << esc(r.title)
      << "</td>";
    std::set<std::string> scs;
    for (std::size_t t = 0; t < cols.size(); ++t) {
      const json& rq = cols[t].report->value("requirements", json::object());
      std::string v = rq.contains(r.id) ? rq[r.id].value("verdict", "") : "";
      if (rq.contains(r.id))
        for (const auto& s : rq[r.id].value("scenarios", json::array())) scs.insert(s.get<std::string>());
      o << "<td data-target=\"" << t << "\" data-requirement=\"" << esc(r.id) << "\">" << badge(v) << "</td>";
    }
    o << "<td>";
    std::size_t shown_links = 0;
    for (const auto& s : scs) {
      if (shown_links == 3) {
        o << " <span class=\"more\">+" << scs.size() - 3 << " more</span>";
        break;
      }
      o << (shown_links ? ", " : "") << "<a href=\"#sc-" << esc(s) << "\">" << esc(s) << "</a>";
      ++shown_links;
    }
    o << "</td></tr>";
  }
  o << "</tbody></table>\n";

  // Scenarios.
  std::map<std::string, std::pair<std::string, const json*>> all;  // id -> (file, first entry)
  for (const auto& c : cols)
    for (const auto& [id, s] : c.by_id)
      if (!all.count(id)) all[id] = {s->value("file", ""), s};
  std::vector<std::pair<std::string, std::string>> order;
  for (const auto& [id, fe] : all) order.push_back({fe.first, id});
  std::sort(order.begin(), order.end());
  o << "<h2>Scenarios (" << order.size() << ")</h2><p class=\"note\">Click a scenario for its steps: what was sent and "
       "received, decoded, and the capture of the run.</p>\n";
  for (const auto& [file, id] : order) {
    const json& first = *all[id].second;
    o << "<details class=\"sc\" id=\"sc-" << esc(id) << "\"><summary>";
    for (std::size_t t = 0; t < cols.size(); ++t) {
      auto it = cols[t].by_id.find(id);
      o << badge(it == cols[t].by_id.end() ? "" : it->second->value("verdict", "")) << " ";
    }
    o << "<b>" << esc(id) << "</b> &mdash; " << esc(first.value("title", "")) << "</summary><div class=\"body\">";
    o << "<div class=\"note\">" << esc(file) << " &middot; " << esc(first.value("level", "")) << " &middot; ";
    for (const auto& q : first.value("requirements", json::array()))
      o << "<a href=\"#req-" << esc(q.get<std::string>()) << "\">" << esc(q.get<std::string>()) << "</a> ";
    for (const auto& sp : first.value("spec", json::array())) o << "&middot; " << esc(sp.get<std::string>()) << " ";
    o << "</div>";
    for (std::size_t t = 0; t < cols.size(); ++t) {
      auto it = cols[t].by_id.find(id);
      if (it == cols[t].by_id.end()) continue;
      const json& s = *it->second;
      o << "<h4>" << esc(cols[t].report->value("target", "")) << ": " << badge(s.value("verdict", "")) << " ("
        << s.value("duration_ms", 0) << " ms)";
      if (!cols[t].pcap.empty())
        o << " &middot; <a href=\"" << esc(cols[t].pcap + "/" + pcap_file_name(id)) << "\">pcap</a>";
      o << "</h4>";
      if (!s.value("message", "").empty()) o << "<div class=\"msg\">" << esc(s.value("message", "")) << "</div>";
      for (const auto& st : s.value("steps", json::array())) {
        std::string v = st.value("verdict", "pass");
        o << "<div class=\"step " << esc(v) << "\"><b>step " << st.value("index", 0) << "</b> " << esc(st.value("kind", ""))
          << " on " << esc(st.value("connection", "")) << " " << badge(v);
        if (!st.value("message", "").empty()) o << "<div class=\"msg\">" << esc(st.value("message", "")) << "</div>";
        for (const auto& m : st.value("sent", json::array())) o << message_block(m, true);
        for (const auto& m : st.value("received", json::array())) o << message_block(m, false);
        o << "</div>";
      }
    }
    o << "</div></details>\n";
  }
  o << "</main></body></html>\n";
  return o.str();
}

}  // namespace smb::harness
