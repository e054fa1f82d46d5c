// smbconform run / list / report / diff / import: option parsing, targets and profiles, reports, exit status.
#include "smbharness/cli.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <ctime>
#include <fstream>
#include <future>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include "smbharness/diff.hpp"
#include "smbharness/grading.hpp"
#include "smbharness/html_report.hpp"
#include "smbharness/import.hpp"
#include "smbharness/parallel.hpp"
#include "smbharness/pcap_writer.hpp"
#include "smbharness/profile.hpp"
#include "smbharness/ref_server.hpp"
#include "smbharness/report.hpp"
#include "smbharness/runner.hpp"
#include "smbharness/scenario_loader.hpp"

namespace smb::harness {
namespace {

using json = nlohmann::json;

// ---- Ctrl-C / SIGTERM: stop every reference server and remove its temp dir, then exit 130 -------------------------
//
// Threading: the handler only writes the signal number into a pipe (async-signal-safe). One watcher thread reads
// it and runs the cleanup, holding `g_mu` so it never races the main thread stopping the same servers.
std::mutex g_mu;
std::vector<RefServer*> g_servers;
int g_pipe[2] = {-1, -1};
std::atomic<int> g_legacy_pid{-1};

extern "C" void on_signal(int sig) {
  unsigned char b = static_cast<unsigned char>(sig);
  if (g_pipe[1] >= 0 && ::write(g_pipe[1], &b, 1) == 1) return;
  int pid = g_legacy_pid.load();
  if (pid > 0) ::kill(pid, SIGTERM);
  ::_exit(128 + sig);
}

void install_cleanup_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (::pipe2(g_pipe, O_CLOEXEC) != 0) return;
    std::thread([] {
      unsigned char sig = 0;
      while (::read(g_pipe[0], &sig, 1) != 1) {
      }
      {
        std::lock_guard lock(g_mu);
        for (RefServer* s : g_servers) {
          auto dir = s->temp_dir();
          s->stop();
          std::error_code ec;
          if (!dir.empty()) std::filesystem::remove_all(dir, ec);
        }
        g_servers.clear();
      }
      ::_exit(128 + sig);
    }).detach();
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
  });
}

/** Keeps a started reference server registered with the cleanup handler for its lifetime. */
struct ServerGuard {
  std::unique_ptr<RefServer> server;
  ServerGuard() = default;
  ServerGuard(const ServerGuard&) = delete;
  ServerGuard& operator=(const ServerGuard&) = delete;
  void adopt(std::unique_ptr<RefServer> s) {
    std::lock_guard lock(g_mu);
    server = std::move(s);
    g_servers.push_back(server.get());
  }
  void release() {
    std::lock_guard lock(g_mu);
    if (!server) return;
    g_servers.erase(std::remove(g_servers.begin(), g_servers.end(), server.get()), g_servers.end());
    server.reset();  // stops the process and removes the temp dir
  }
  ~ServerGuard() { release(); }
};

std::string now_iso8601() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

/**
 * Loads every scenario file under `paths`, `jobs` files at a time; prints each error (in file order); false if any
 * failed or ids collide.
 */
bool load_all(const std::vector<std::string>& paths, const std::string& filter, int timeout_ms, int jobs,
              std::vector<Scenario>& out, std::ostream& err) {
  std::vector<std::string> missing;
  auto files = find_scenario_files(paths, missing);
  bool okay = true;
  for (const auto& m : missing) {
    err << m << ": no such file or directory\n";
    okay = false;
  }
  LoaderOptions lo;
  lo.default_timeout_ms = timeout_ms;
  for (const auto& r : known_requirements()) lo.known_requirements.insert(r.id);
  std::map<std::string, std::string> ids;
  std::optional<std::regex> re;
  if (!filter.empty()) {
    try {
      re.emplace(filter);
    } catch (const std::regex_error& e) {
      err << "--filter: bad regular expression: " << e.what() << "\n";
      return false;
    }
  }
  // Parsing and checking a file is independent of the others (load_scenario is thread-safe); the duplicate-id check
  // and the filter below run in file order, so the outcome does not depend on `jobs`.
  std::vector<std::variant<Scenario, LoadError>> loaded(files.size());
  parallel_for(files.size(), jobs, [&](std::size_t k) { loaded[k] = load_scenario(files[k], lo); });
  for (auto& r : loaded) {
    if (auto* e = std::get_if<LoadError>(&r)) {
      err << e->message << "\n";
      okay = false;
      continue;
    }
    auto& sc = std::get<Scenario>(r);
    if (auto it = ids.find(sc.id); it != ids.end()) {
      err << sc.file << ": field id: duplicate id \"" << sc.id << "\" (also in " << it->second << ")\n";
      okay = false;
      continue;
    }
    ids[sc.id] = sc.file;
    if (re && !std::regex_search(sc.id, *re)) continue;
    out.push_back(std::move(sc));
  }
  return okay;
}

/** Options that shape a target, shared by run and diff. */
struct TargetOptions {
  std::string address, user, user2, share, guest_share;
  std::vector<std::string> flags;
  bool no_pin = false;  ///< reference target: leave worker threads and servers to the scheduler
};

/** A ready target: for `ref` a started server. */
struct PreparedTarget {
  Target target;
  ServerGuard server;
  std::string expectations;  ///< the profile's expectation set ("" = none)
};

/**
 * Resolves `spec`: "ref", a profile name or file ("samba", "ci/targets/x.json", optionally "NAME@HOST:PORT"), or an
 * smb:// URL; applies the command-line overrides; starts the reference server when the profile says so.
 * Returns "" or the error.
 */
std::string prepare_target(const std::string& argv0, std::string spec, const TargetOptions& o, PreparedTarget& out) {
  Target& t = out.target;
  std::string address = o.address;
  if (spec.rfind("smb://", 0) == 0) {
    std::string e;
    auto u = parse_target_url(spec, e);
    if (!u) return "--target: " + e;
    t = *u;
  } else {
    if (auto at = spec.find('@'); at != std::string::npos) {
      if (address.empty()) address = spec.substr(at + 1);
      spec = spec.substr(0, at);
    }
    auto file = find_profile(spec);
    std::optional<TargetProfile> profile;
    if (!file.empty()) {
      std::string e;
      profile = load_profile(file, e);
      if (!profile) return e;
    } else if (spec != "ref") {
      std::string names;
      for (const auto& n : profile_names()) names += " " + n;
      return "--target " + spec + ": no profile ci/targets/" + spec + ".json (known:" + names +
             "; or give smb://user:pass@host:port/share)";
    }
    bool reference = spec == "ref" || (profile && profile->reference);
    if (reference) {
      std::string e;
      auto server = RefServer::start(find_reference_server(argv0), 15000, e, !o.no_pin);
      if (!server) return "--target " + spec + ": " + e;
      t = server->target();
      out.server.adopt(std::move(server));
      out.expectations = "ref";
    }
    if (profile) {
      Target keep = t;
      apply_profile(*profile, t);
      if (reference) {  // the started server decides where it listens and who logs on
        t.host = keep.host;
        t.port = keep.port;
        t.share = keep.share;
        t.user = keep.user;
        t.user2 = keep.user2;
        t.guest_share = keep.guest_share;
      }
      out.expectations = profile->expectations;
      if (!reference && profile->host.empty() && address.empty())
        return "--target " + spec + ": the profile has no address; give --address HOST[:PORT]";
    }
    if (!reference) t.display = spec;
  }
  if (!address.empty()) {
    if (out.server.server) return "--address does not apply to the reference server (it listens on a port of its own)";
    if (!parse_address(address, t.host, t.port)) return "--address: expected HOST[:PORT], got " + address;
  }
  if (!o.user.empty()) {
    auto c = parse_user(o.user);
    if (!c) return "--user: expected user:pass";
    t.user = *c;
  }
  if (!o.user2.empty()) {
    auto c = parse_user(o.user2);
    if (!c) return "--user2: expected user:pass";
    t.user2 = *c;
  }
  if (!o.share.empty()) t.share = o.share;
  if (!o.guest_share.empty()) t.guest_share = o.guest_share;
  if (t.share.empty()) return "--target " + spec + ": no share (give --share NAME)";
  for (const auto& f : o.flags) {
    auto eq = f.find('=');
    if (eq == std::string::npos) return "--flag: expected name=value, got " + f;
    t.flags[f.substr(0, eq)] = f.substr(eq + 1);
  }
  if (!out.server.server && spec.rfind("smb://", 0) != 0)
    t.display = spec + " (" + t.host + ":" + std::to_string(t.port) + "/" + t.share + ")";
  return "";
}

std::optional<json> read_json_file(const std::string& path, std::ostream& err) {
  std::ifstream in(path);
  if (!in) {
    err << path << ": cannot open\n";
    return std::nullopt;
  }
  try {
    return json::parse(in);
  } catch (const json::exception& e) {
    err << path << ": invalid JSON: " << e.what() << "\n";
    return std::nullopt;
  }
}

bool write_text(const std::string& path, const std::string& text, const std::string& what, std::ostream& err) {
  std::ofstream f(path);
  if (!f) {
    err << what << ": cannot write " << path << "\n";
    return false;
  }
  f << text;
  return static_cast<bool>(f);
}

/** Summary lines of a JSON report (the same numbers summary_text prints for a run). */
std::string report_summary(const json& rep) {
  std::ostringstream o;
  const json& t = rep.at("score").at("total");
  char buf[200];
  std::snprintf(buf, sizeof buf, "%s: pass %d  non_strict %d  fail %d  unsupported %d  ungraded %d\n",
                rep.value("target", "").c_str(), t.value("pass", 0), t.value("non_strict", 0), t.value("fail", 0),
                t.value("unsupported", 0), t.value("ungraded", 0));
  o << buf;
  return o.str();
}

}  // namespace

namespace {

/** The CPUs this machine has (at least 1): for work that is pure CPU, whatever -j says (loading, dumping JSON). */
int all_cpus() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency())); }

std::atomic<bool> g_leave_to_exit{false};

/** What a `run` leaves to the process exit (leave_run_data_to_exit): reachable from a static, never destroyed. */
struct LeftToExit {
  std::vector<Scenario> scenarios;
  std::vector<ScenarioResult> results;
  json report;
};

void leave_to_exit(std::vector<Scenario>&& scenarios, std::vector<ScenarioResult>&& results, json&& report) {
  static std::mutex mu;
  static auto* const left = new std::vector<LeftToExit*>;  // NOLINT: deliberately never freed
  std::lock_guard lock(mu);
  left->push_back(new LeftToExit{std::move(scenarios), std::move(results), std::move(report)});
}

}  // namespace

void leave_run_data_to_exit(bool on) { g_leave_to_exit = on; }

void stop_on_signal(int pid) {
  g_legacy_pid = pid;
  install_cleanup_handler();
}

int run_cli(const std::string& argv0, const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  CLI::App app{"smbconform: SMB2/3 conformance scenario runner"};
  app.require_subcommand(1);
  std::vector<std::string> paths;
  std::string target = "ref", json_out, junit_out, html_out, pcap_dir, pcap_mode = "all", shard, filter, expect;
  TargetOptions to;
  int jobs = 1, timeout_ms = 5000;
  bool verbose = false, list_json = false;
  auto add_target_options = [&](CLI::App* c) {
    c->add_option("--address", to.address, "HOST[:PORT] of the server (overrides the profile)");
    c->add_option("--user", to.user, "account user:pass (DOMAIN\\user:pass)");
    c->add_option("--user2", to.user2, "second account user:pass");
    c->add_option("--share", to.share, "default share");
    c->add_option("--guest-share", to.guest_share, "share that accepts guest logons");
    c->add_option("--flag", to.flags, "target flag name=value (repeatable; overrides the profile)");
    c->add_option("--timeout-ms", timeout_ms, "default per-step timeout")->check(CLI::Range(1, 3600000));
    c->add_option("--filter", filter, "only scenario ids matching REGEX");
    c->add_option("-j,--jobs", jobs, "scenarios run concurrently")->check(CLI::Range(1, 256));
    c->add_flag("--no-pin", to.no_pin,
                "reference target: do not run each worker and its own reference server on one CPU (lane k on the "
                "k-th CPU this process may use)");
  };
  auto* run = app.add_subcommand("run", "run scenarios against a target");
  run->add_option("paths", paths, "scenario files or directories (default: scenarios/)");
  run->add_option("--target", target, "ref | profile name (ci/targets/NAME.json) | profile file | smb://[user[:pass]@]host[:port]/share");
  add_target_options(run);
  run->add_option("--json", json_out, "write the JSON report to FILE");
  run->add_option("--junit", junit_out, "write a JUnit XML report to FILE");
  run->add_option("--html", html_out, "write the HTML report to FILE");
  run->add_option("--pcap-dir", pcap_dir, "write one pcap per scenario into DIR");
  run->add_option("--pcap", pcap_mode, "which captures to keep: all | failures")->check(CLI::IsMember({"all", "failures"}));
  run->add_option("--shard", shard, "run only the K-th of N disjoint slices (K/N, stable by scenario id)");
  run->add_option("--expect", expect, "expectation file or target name (default: the profile's)");
  run->add_flag("-v,--verbose", verbose, "print every step");
  auto* list = app.add_subcommand("list", "list scenarios and requirement coverage");
  list->add_option("paths", paths, "scenario files or directories (default: scenarios/)");
  list->add_flag("--json", list_json, "machine-readable output");
  std::vector<std::string> report_files, pcap_links;
  auto* report = app.add_subcommand("report", "combine JSON reports: shards of one target merge, targets become columns");
  report->add_option("reports", report_files, "RUN.json files")->required();
  report->add_option("--json", json_out, "write the merged JSON report (one target only)");
  report->add_option("--junit", junit_out, "write JUnit XML (one target only)");
  report->add_option("--html", html_out, "write the HTML report (one column per target)");
  report->add_option("--pcap-link", pcap_links, "per target column: directory of its pcaps, relative to the HTML file");
  report->add_option("--expect", expect, "expectation file or target name to check the merged report against");
  std::vector<std::string> diff_targets;
  auto* diff = app.add_subcommand("diff", "run the same scenarios against two targets and list every differing response");
  diff->add_option("paths", paths, "scenario files or directories (default: scenarios/)");
  diff->add_option("--target", diff_targets, "two targets (ref, NAME, NAME@HOST:PORT, profile file, smb://...)")->expected(2)->required();
  add_target_options(diff);
  diff->add_option("--json", json_out, "write the differences as JSON");
  std::string capture_file, import_out, import_id;
  std::uint16_t server_port = 0;
  auto* imp = app.add_subcommand("import", "turn a recorded SMB2 session (pcap/pcapng) into a scenario");
  imp->add_option("capture", capture_file, "CAPTURE.pcap or .pcapng")->required();
  imp->add_option("-o,--output", import_out, "scenario file to write")->required();
  imp->add_option("--id", import_id, "scenario id (default: the output file name)");
  imp->add_option("--server-port", server_port, "TCP port of the server in the capture (default: the port the first SMB2 request went to)");
  std::vector<std::string> import_reqs;
  imp->add_option("--requirement", import_reqs, "requirement ID(s) to file the scenario under (default SMB2-COMMON-20)");
  std::vector<std::string> rev(args.rbegin(), args.rend());
  try {
    app.parse(rev);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {
      out << app.help();
      return 0;
    }
    err << e.what() << "\n"
        << "usage: smbconform run [PATH...] --target ref|NAME|smb://... | list [PATH...] | report RUN.json... | "
           "diff --target A --target B [PATH...] | import CAPTURE -o FILE\n";
    return 2;
  }

  if (imp->parsed()) {
    ImportOptions io;
    io.server_port = server_port;
    io.id = import_id.empty() ? std::filesystem::path(import_out).stem().string() : import_id;
    io.source = capture_file;
    if (!import_reqs.empty()) io.requirements = import_reqs;
    std::string e;
    auto sc = import_capture(capture_file, io, e);
    if (!sc) {
      err << capture_file << ": " << e << "\n";
      return 2;
    }
    if (!write_text(import_out, sc->dump(2) + "\n", "-o", err)) return 2;
    // The result must load like any scenario (scenarios/README.md §11).
    LoaderOptions lo;
    for (const auto& r : known_requirements()) lo.known_requirements.insert(r.id);
    auto loaded = load_scenario(import_out, lo);
    if (auto* le = std::get_if<LoadError>(&loaded)) {
      err << "import produced a scenario that does not load: " << le->message << "\n";
      return 2;
    }
    out << "wrote " << import_out << " (" << sc->at("steps").size() << " steps, "
        << sc->at("connections").size() << " connection(s))\n";
    return 0;
  }

  if (report->parsed()) {
    std::map<std::string, std::vector<json>> by_target;
    std::vector<std::string> order;
    for (const auto& f : report_files) {
      auto j = read_json_file(f, err);
      if (!j) return 2;
      if (!j->is_object() || !j->contains("scenarios") || !(*j)["scenarios"].is_array()) {
        err << f << ": not a smbconform JSON report\n";
        return 2;
      }
      std::string t = j->value("target", "");
      if (!by_target.count(t)) order.push_back(t);
      by_target[t].push_back(std::move(*j));
    }
    std::vector<json> merged;
    for (const auto& t : order) {
      std::string e;
      auto m = merge_reports(by_target[t], e);
      if (!m) {
        err << e << "\n";
        return 2;
      }
      merged.push_back(std::move(*m));
    }
    if ((!json_out.empty() || !junit_out.empty()) && merged.size() != 1) {
      err << "--json/--junit need reports of one target (got " << merged.size() << " targets)\n";
      return 2;
    }
    Expectations ex;
    if (!expect.empty()) {
      std::string e;
      auto x = load_expectation_set(expect, e);
      if (!x) {
        err << e << "\n";
        return 2;
      }
      ex = *x;
      for (auto& s : merged[0]["scenarios"]) {
        auto it = ex.find(s.value("id", ""));
        const Expectation* exp = it == ex.end() ? nullptr : &it->second;
        s["expected_verdict"] = exp ? json(to_string(exp->verdict)) : json(nullptr);
        s["matches_expectation"] = matches_expectation(verdict_from_string(s.value("verdict", "")).value_or(Verdict::ungraded), exp);
      }
    }
    for (const auto& m : merged) out << report_summary(m);
    if (!json_out.empty() && !write_text(json_out, dump_report(merged[0], all_cpus()) + "\n", "--json", err)) return 2;
    if (!junit_out.empty() && !write_text(junit_out, junit_xml(merged[0]), "--junit", err)) return 2;
    if (!html_out.empty()) {
      HtmlOptions ho;
      ho.pcap_links = pcap_links;
      if (!write_text(html_out, html_report(merged, ho), "--html", err)) return 2;
    }
    int mismatches = 0;
    if (!expect.empty())
      for (const auto& s : merged[0]["scenarios"]) mismatches += s.value("matches_expectation", true) ? 0 : 1;
    if (!expect.empty()) out << "expectation mismatches: " << mismatches << "\n";
    return mismatches ? 1 : 0;
  }

  if (paths.empty()) paths.push_back("scenarios");
  // `run` prepares its target (for `ref`, the reference server's start-up) while the files load. A file that does not
  // load still ends the run before anything is sent (the server then stops unused), and its error comes first. The
  // target is prepared on this thread: the reference server's parent-death signal (PR_SET_PDEATHSIG) follows the
  // thread that started it, and this one lives as long as the run.
  PreparedTarget pt;
  std::vector<Scenario> scenarios;
  // Loading is CPU work independent of -j (how many scenarios run at once): it uses every CPU.
  const int load_threads = std::max(jobs, all_cpus());
  auto load = [&] { return load_all(paths, list->parsed() ? "" : filter, timeout_ms, load_threads, scenarios, err); };
  bool loaded = false;
  std::string target_error;
  if (run->parsed()) {
    auto loading = std::async(std::launch::async, load);
    target_error = prepare_target(argv0, target, to, pt);
    loaded = loading.get();
  } else {
    loaded = load();
  }
  if (!loaded) return 2;

  if (list->parsed()) {
    std::set<std::string> covered;
    json j = json::array();
    for (const auto& sc : scenarios) {
      covered.insert(sc.requirements.begin(), sc.requirements.end());
      if (list_json) {
        j.push_back({{"id", sc.id}, {"file", sc.file}, {"requirements", sc.requirements}, {"level", sc.level},
                     {"reference_only", sc.requires_.reference_only}});
      } else {
        out << sc.id << "  ";
        for (std::size_t i = 0; i < sc.requirements.size(); ++i) out << (i ? "," : "") << sc.requirements[i];
        out << (sc.requires_.reference_only ? "  [reference-only]" : "") << "\n";
      }
    }
    std::size_t total = known_requirements().size(), hit = 0;
    std::vector<std::string> uncovered;
    for (const auto& r : known_requirements()) {
      if (covered.count(r.id)) ++hit;
      else uncovered.push_back(r.id);
    }
    if (list_json) {
      out << json{{"scenarios", j}, {"coverage", {{"covered", hit}, {"total", total}, {"uncovered", uncovered}}}}.dump(2) << "\n";
    } else {
      out << "coverage: " << hit << "/" << total << " requirements have at least one scenario\n";
    }
    return 0;
  }

  RunOptions ro;
  ro.timeout_ms = timeout_ms;
  ro.prologue_timeout_ms = 2 * timeout_ms;  // the whole NEGOTIATE + SESSION_SETUP + TREE_CONNECT exchange
  install_cleanup_handler();

  if (diff->parsed()) {
    std::vector<json> reps;
    for (const auto& spec : diff_targets) {
      PreparedTarget pt;
      if (auto e = prepare_target(argv0, spec, to, pt); !e.empty()) {
        err << e << "\n";
        return 2;
      }
      out << "running " << scenarios.size() << " scenarios against " << pt.target.display << "\n" << std::flush;
      std::string started = now_iso8601();
      auto results = run_all(scenarios, pt.target, ro, jobs, nullptr);
      pt.server.release();
      reps.push_back(make_report(pt.target.display, started, 0, std::move(results), {}));
    }
    json d = diff_reports(reps[0], reps[1]);
    // Which differences the targets' expectation files explain.
    std::vector<Expectations> exps;
    for (const auto& spec : diff_targets) {
      std::string name = spec.substr(0, spec.find('@'));
      auto file = find_profile(name);
      std::string e, set = name == "ref" ? "ref" : "";
      if (!file.empty())
        if (auto p = load_profile(file, e)) set = p->expectations;
      Expectations x;
      if (!set.empty())
        if (auto l = load_expectation_set(set, e)) x = *l;
      exps.push_back(x);
    }
    int unexplained = 0;
    for (auto& s : d["scenarios"]) {
      std::string id = s.value("id", "");
      json why = json::array();
      for (std::size_t t = 0; t < 2; ++t)
        if (auto it = exps[t].find(id); it != exps[t].end())
          why.push_back(diff_targets[t] + " expects " + to_string(it->second.verdict) + ": " + it->second.reason);
      // The scenario itself may accept both responses: an outcome list or matcher that passes either, or a
      // non_strict outcome documenting a tolerated deviation.
      std::string va = s.value("verdict_a", ""), vb = s.value("verdict_b", "");
      auto accepted = [](const std::string& v) { return v == "pass" || v == "non_strict"; };
      if (accepted(va) && accepted(vb))
        why.push_back(va == vb ? "both " + va + ": the scenario accepts either response"
                               : "the scenario accepts both (" + va + " / " + vb + "): " +
                                     (va == "non_strict" ? s.value("message_a", "") : s.value("message_b", "")));
      s["explained_by"] = why;
      bool status_level = !s.value("coverage_only", false) && s.value("verdict_a", "") != s.value("verdict_b", "");
      for (const auto& x : s["differences"]) status_level = status_level || x.value("class", "") != "fields";
      s["status_level"] = status_level;
      if (status_level && why.empty()) ++unexplained;
      out << "\n" << id << ": " << diff_targets[0] << " " << s.value("verdict_a", "") << ", " << diff_targets[1] << " "
          << s.value("verdict_b", "") << (status_level && why.empty() ? "  [UNEXPLAINED]" : "") << "\n";
      for (const auto& x : s["differences"])
        out << "  step " << x.value("step", 0) << " (" << x.value("kind", "") << ") [" << x.value("class", "") << "]: "
            << x.value("a", "") << "  vs  " << x.value("b", "") << "\n";
      for (const auto& w : why) out << "  explained: " << w.get<std::string>() << "\n";
    }
    d["unexplained"] = unexplained;
    out << "\ncompared " << d.value("compared", 0) << " scenarios, " << d.value("differing", 0) << " differ, " << unexplained
        << " status-level difference(s) not explained by an expectation file\n";
    if (!json_out.empty() && !write_text(json_out, d.dump(2) + "\n", "--json", err)) return 2;
    return d.value("differing", 0) == 0 ? 0 : 1;
  }

  // run
  if (!shard.empty()) {
    auto kn = parse_shard(shard);
    if (!kn) {
      err << "--shard: expected K/N with 1 <= K <= N, got " << shard << "\n";
      return 2;
    }
    std::vector<Scenario> mine;
    for (auto& sc : scenarios)
      if (in_shard(sc.id, kn->first, kn->second)) mine.push_back(std::move(sc));
    scenarios = std::move(mine);
  }
  if (!target_error.empty()) {
    err << target_error << "\n";
    return 2;
  }
  const Target& tgt = pt.target;
  if (expect.empty()) expect = pt.expectations;
  Expectations expectations;
  if (!expect.empty()) {
    std::string e;
    auto ex = load_expectation_set(expect, e);
    if (!ex) {
      // A profile's default set may not exist yet; an explicit --expect must.
      if (expect != pt.expectations) {
        err << e << "\n";
        return 2;
      }
    } else {
      expectations = *ex;
    }
  }
  if (!pcap_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(pcap_dir, ec);
    if (ec) {
      err << "--pcap-dir: cannot create " << pcap_dir << ": " << ec.message() << "\n";
      return 2;
    }
  }
  json pcaps = json::object();           // scenario id -> pcap file name
  json malformed = json::object();       // pcap file name -> deliberately malformed frame numbers
  json truncated = json::object();       // scenario id -> received frames the capture did not keep (CaptureLog)
  std::string started = now_iso8601();
  auto t0 = std::chrono::steady_clock::now();
  auto results = run_all(scenarios, tgt, ro, jobs, [&](const ScenarioResult& r) {
    auto it = expectations.find(r.id);
    out << progress_line(r, it == expectations.end() ? nullptr : &it->second, verbose) << "\n" << std::flush;
    bool keep = pcap_mode == "all" || r.verdict == Verdict::fail || r.verdict == Verdict::ungraded;
    if (r.capture->dropped_frames() > 0)
      truncated[r.id] = {{"received_frames_not_kept", r.capture->dropped_frames()},
                         {"received_bytes_not_kept", r.capture->dropped_bytes()},
                         {"limit_bytes", CaptureLog::kMaxReceivedBytes}};
    if (!pcap_dir.empty() && keep) {
      auto records = r.capture->records();
      if (!records.empty()) {
        std::string name = pcap_file_name(r.id), e;
        auto s = write_pcap(std::filesystem::path(pcap_dir) / name, records, e);
        if (!s) {
          err << "--pcap-dir: " << e << "\n";
        } else {
          pcaps[r.id] = name;
          if (!s->malformed_frames.empty()) malformed[name] = s->malformed_frames;
        }
      }
    }
    r.capture->clear();  // nothing after this reads the frames: a long suite holds one scenario's capture at a time
  });
  auto duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  // The servers are told to stop now and exit while the reports are written; pt.server.release() below waits.
  if (pt.server.server) pt.server.server->signal_stop_all();
  out << summary_text(results, expectations);
  // The JSON report (large: every step's messages) is built only when one of the outputs needs it (issue 9).
  const bool want_report = !json_out.empty() || !junit_out.empty() || !html_out.empty();
  json rep = want_report ? make_report(tgt.display, started, duration, std::move(results), expectations) : json::object();
  if (want_report) {
    if (!shard.empty()) rep["shard"] = shard;
    if (!tgt.profile.empty()) rep["profile"] = tgt.profile;
    for (auto& s : rep["scenarios"]) {
      if (pcaps.contains(s.value("id", ""))) s["pcap"] = pcaps[s.value("id", "")];
      if (truncated.contains(s.value("id", ""))) s["capture_truncated"] = truncated[s.value("id", "")];
    }
  }
  if (!pcap_dir.empty() &&
      !write_text((std::filesystem::path(pcap_dir) / "malformed.json").string(), malformed.dump(2) + "\n", "--pcap-dir", err))
    return 2;
  if (!json_out.empty() && !write_text(json_out, dump_report(rep, jobs) + "\n", "--json", err)) return 2;
  if (!junit_out.empty() && !write_text(junit_out, junit_xml(rep), "--junit", err)) return 2;
  if (!html_out.empty()) {
    HtmlOptions ho;
    if (!pcap_dir.empty()) {
      std::error_code ec;
      auto rel = std::filesystem::relative(std::filesystem::absolute(pcap_dir),
                                           std::filesystem::absolute(html_out).parent_path(), ec);
      ho.pcap_links.push_back(ec ? pcap_dir : rel.string());
    }
    if (!write_text(html_out, html_report({rep}, ho), "--html", err)) return 2;
  }
  pt.server.release();
  g_legacy_pid = -1;
  int rc = 0;
  for (const auto& r : results) {
    auto it = expectations.find(r.id);
    if (!matches_expectation(r.verdict, it == expectations.end() ? nullptr : &it->second)) rc = 1;
  }
  if (g_leave_to_exit) leave_to_exit(std::move(scenarios), std::move(results), std::move(rep));
  return rc;
}

}  // namespace smb::harness
