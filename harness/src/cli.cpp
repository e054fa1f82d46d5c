// smbconform run / list: option parsing, scenario loading (exit 2 on any error), target setup, reports, exit status.
#include "smbharness/cli.hpp"

#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <ctime>
#include <fstream>
#include <regex>
#include <set>

#include "smbharness/ref_server.hpp"
#include "smbharness/report.hpp"
#include "smbharness/runner.hpp"
#include "smbharness/scenario_loader.hpp"

namespace smb::harness {
namespace {

std::atomic<int> g_server_pid{-1};

extern "C" void on_signal(int sig) {
  int pid = g_server_pid.load();
  if (pid > 0) ::kill(pid, SIGTERM);
  ::_exit(128 + sig);
}

std::string now_iso8601() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

/** Loads every scenario; prints each error; false if any failed or ids collide. */
bool load_all(const std::vector<std::string>& paths, const std::string& filter, int timeout_ms,
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
  for (const auto& f : files) {
    auto r = load_scenario(f, lo);
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

}  // namespace

void stop_on_signal(int pid) {
  g_server_pid = pid;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

int run_cli(const std::string& argv0, const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  CLI::App app{"smbconform: SMB2/3 conformance scenario runner"};
  app.require_subcommand(1);
  std::vector<std::string> paths;
  std::string target = "ref", json_out, filter, expect_file, user2, guest_share;
  std::vector<std::string> flags;
  int jobs = 1, timeout_ms = 5000;
  bool verbose = false, list_json = false;
  auto* run = app.add_subcommand("run", "run scenarios against a target");
  run->add_option("paths", paths, "scenario files or directories (default: scenarios/)");
  run->add_option("--target", target, "ref | smb://[user[:pass]@]host[:port]/share");
  run->add_option("--json", json_out, "write the JSON report to FILE");
  run->add_option("--filter", filter, "only scenario ids matching REGEX");
  run->add_option("-j,--jobs", jobs, "scenarios run concurrently")->check(CLI::Range(1, 256));
  run->add_option("--expect", expect_file, "expectation file (default for ref: ci/expectations/ref.json)");
  run->add_option("--timeout-ms", timeout_ms, "default per-step timeout")->check(CLI::Range(1, 3600000));
  run->add_option("--user2", user2, "second account user:pass");
  run->add_option("--guest-share", guest_share, "share that accepts guest logons");
  run->add_option("--flag", flags, "target profile flag name=value (repeatable)");
  run->add_flag("-v,--verbose", verbose, "print every step");
  auto* list = app.add_subcommand("list", "list scenarios and requirement coverage");
  list->add_option("paths", paths, "scenario files or directories (default: scenarios/)");
  list->add_flag("--json", list_json, "machine-readable output");
  std::vector<std::string> rev(args.rbegin(), args.rend());
  try {
    app.parse(rev);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {
      out << app.help();
      return 0;
    }
    err << e.what() << "\n" << "usage: smbconform run [PATH...] --target ref|smb://... | smbconform list [PATH...]\n";
    return 2;
  }
  if (paths.empty()) paths.push_back("scenarios");

  std::vector<Scenario> scenarios;
  if (!load_all(paths, list->parsed() ? "" : filter, timeout_ms, scenarios, err)) return 2;

  if (list->parsed()) {
    std::set<std::string> covered;
    nlohmann::json j = nlohmann::json::array();
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
      out << nlohmann::json{{"scenarios", j}, {"coverage", {{"covered", hit}, {"total", total}, {"uncovered", uncovered}}}}.dump(2) << "\n";
    } else {
      out << "coverage: " << hit << "/" << total << " requirements have at least one scenario\n";
    }
    return 0;
  }

  // run
  std::unique_ptr<RefServer> server;
  Target tgt;
  if (target == "ref") {
    std::string e;
    server = RefServer::start(find_reference_server(argv0), 15000, e);
    if (!server) {
      err << "--target ref: " << e << "\n";
      return 2;
    }
    stop_on_signal(server->pid());
    tgt = server->target();
    if (expect_file.empty()) {
      std::string dflt = std::string(SMBCONFORM_SOURCE_DIR) + "/ci/expectations/ref.json";
      if (std::filesystem::exists("ci/expectations/ref.json")) expect_file = "ci/expectations/ref.json";
      else if (std::filesystem::exists(dflt)) expect_file = dflt;
    }
  } else {
    std::string e;
    auto t = parse_target_url(target, e);
    if (!t) {
      err << "--target: " << e << "\n";
      return 2;
    }
    tgt = *t;
    if (!guest_share.empty()) tgt.guest_share = guest_share;
  }
  if (!user2.empty()) {
    auto c = parse_user(user2);
    if (!c) {
      err << "--user2: expected user:pass\n";
      return 2;
    }
    tgt.user2 = *c;
  }
  for (const auto& f : flags) {
    auto eq = f.find('=');
    if (eq == std::string::npos) {
      err << "--flag: expected name=value, got " << f << "\n";
      return 2;
    }
    tgt.flags[f.substr(0, eq)] = f.substr(eq + 1);
  }
  Expectations expectations;
  if (!expect_file.empty()) {
    std::string e;
    auto ex = load_expectations(expect_file, e);
    if (!ex) {
      err << e << "\n";
      return 2;
    }
    expectations = *ex;
  }
  RunOptions ro;
  ro.timeout_ms = timeout_ms;
  ro.prologue_timeout_ms = 2 * timeout_ms;  // the whole NEGOTIATE + SESSION_SETUP + TREE_CONNECT exchange
  std::string started = now_iso8601();
  auto t0 = std::chrono::steady_clock::now();
  auto results = run_all(scenarios, tgt, ro, jobs, [&](const ScenarioResult& r) {
    auto it = expectations.find(r.id);
    out << progress_line(r, it == expectations.end() ? nullptr : &it->second, verbose) << "\n" << std::flush;
  });
  auto duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  if (server) server->stop();
  g_server_pid = -1;  // never signal a recycled pid later
  out << summary_text(results, expectations);
  if (!json_out.empty()) {
    std::ofstream f(json_out);
    if (!f) {
      err << "--json: cannot write " << json_out << "\n";
      return 2;
    }
    f << make_report(tgt.display, started, duration, results, expectations).dump(2) << "\n";
  }
  for (const auto& r : results) {
    auto it = expectations.find(r.id);
    if (!matches_expectation(r.verdict, it == expectations.end() ? nullptr : &it->second)) return 1;
  }
  return 0;
}

}  // namespace smb::harness
