// Runner throughput (issue 9): runs the whole scenario suite against the reference server with -j 1 and -j 2 and
// prints scenarios per second and where the wall time went (runner CPU, reference-server CPU, the rest waiting).
// Some scenarios must wait a fixed time by design (`wait` and `expect_nothing` steps: "no response within T",
// real-time protocol timers); their total bounds the full suite's rate, so the suite is also run without them (a
// copy of the scenario tree minus those files) to show the per-scenario cost of everything else.
//
//   runner_bench --runner PATH/smbconform [--scenarios DIR] [--repeat N] [--repeat-full N]
//
// By default the runner pins worker k and its own reference server (lane k) to one CPU; the "--no-pin" rows show the
// same suite left to the scheduler.
//
// The reference servers' share roots are scratch directories under $TMPDIR (std::filesystem::temp_directory_path).
// The program prints which file system that is, and when /dev/shm is a tmpfs it also runs the full suite with
// TMPDIR=/dev/shm: a run creates and deletes hundreds of directories and files, and a file system's cost for that (ext4
// without a journal skips every inode freed in the last 60-360 s when it allocates one) shows in the figures.
//
// CPU figures come from /proc/PID/stat (utime + stime), sampled every 5 ms until the runner exits: the runner's own
// threads, and the reference servers it starts (its children: the base server, variants, and with -j 2 a second
// lane's server). Prints figures only; asserts nothing.
#include <linux/magic.h>
#include <spawn.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "hardening/proc_util.hpp"

namespace {

namespace fs = std::filesystem;

struct Run {
  double wall = 0, runner_cpu = 0, server_cpu = 0;
  std::size_t scenarios = 0;
  int exit_status = -1;
  std::vector<std::pair<double, std::string>> slowest;  // (duration ms, scenario id), from the JSON report
};

/** Milliseconds a scenario spends in fixed-duration steps (`wait`, `expect_nothing`); 0 when none. */
long fixed_wait_ms(const nlohmann::json& j) {
  long ms = 0;
  if (j.is_object()) {
    for (const char* k : {"wait", "expect_nothing"})
      if (j.contains(k) && j[k].is_object() && j[k].contains("ms") && j[k]["ms"].is_number_integer())
        ms += j[k]["ms"].get<long>();
    for (const auto& [k, v] : j.items()) ms += fixed_wait_ms(v);
  } else if (j.is_array()) {
    for (const auto& v : j) ms += fixed_wait_ms(v);
  }
  return ms;
}

/** The file system `dir` is on, by its statfs magic: the ones a share root is likely to be on. */
std::string fs_type(const fs::path& dir) {
  struct statfs st {};
  if (::statfs(dir.c_str(), &st) != 0) return "?";
  switch (static_cast<unsigned long>(st.f_type)) {
    case TMPFS_MAGIC: return "tmpfs";
    case EXT4_SUPER_MAGIC: return "ext2/3/4";
    case BTRFS_SUPER_MAGIC: return "btrfs";
    case XFS_SUPER_MAGIC: return "xfs";
    case OVERLAYFS_SUPER_MAGIC: return "overlayfs";
    default: {
      char hex[32];
      std::snprintf(hex, sizeof hex, "0x%lx", static_cast<unsigned long>(st.f_type));
      return hex;
    }
  }
}

/** `environ` with TMPDIR replaced by `tmpdir` (unchanged when empty); the strings live in `store`. */
std::vector<char*> env_with_tmpdir(const std::string& tmpdir, std::vector<std::string>& store) {
  std::vector<char*> env;
  if (!tmpdir.empty()) store.push_back("TMPDIR=" + tmpdir);
  for (char** e = environ; *e != nullptr; ++e)
    if (tmpdir.empty() || std::string_view(*e).substr(0, 7) != "TMPDIR=") env.push_back(*e);
  for (auto& s : store) env.push_back(s.data());
  env.push_back(nullptr);
  return env;
}

Run run_once(const std::string& runner, const std::string& scenarios, int jobs, bool pin, const std::string& tmpdir) {
  std::string report = "/tmp/smbconform-runner-bench-" + std::to_string(::getpid()) + ".json";
  std::vector<std::string> argv{runner, "run", scenarios, "--target", "ref", "-j", std::to_string(jobs), "--json", report};
  if (!pin) argv.push_back("--no-pin");
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  Run r;
  pid_t pid;
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::string> env_store;
  auto env = env_with_tmpdir(tmpdir, env_store);
  if (posix_spawn(&pid, args[0], &fa, nullptr, args.data(), env.data()) != 0) return r;
  posix_spawn_file_actions_destroy(&fa);
  std::map<pid_t, double> servers;  // every reference server the runner starts: base, variants, one per lane
  for (;;) {
    int st;
    pid_t w = ::waitpid(pid, &st, WNOHANG);
    if (w == pid) {
      r.exit_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      break;
    }
    double c = smb::hardening::cpu_seconds(pid);
    if (c > 0) r.runner_cpu = c;
    for (pid_t kid : smb::hardening::children_of(pid)) servers[kid];
    r.server_cpu = 0;
    for (auto& [kid, cpu] : servers) {
      double s = smb::hardening::cpu_seconds(kid);
      if (s > cpu) cpu = s;  // the last figure read before the server exited
      r.server_cpu += cpu;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // sampling period
  }
  r.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::ifstream f(report);
  if (f) {
    auto j = nlohmann::json::parse(f, nullptr, false);
    if (j.is_object() && j.contains("scenarios")) {
      r.scenarios = j["scenarios"].size();
      for (const auto& sc : j["scenarios"])
        if (sc.is_object() && sc.contains("duration_ms") && sc["duration_ms"].is_number())
          r.slowest.emplace_back(sc["duration_ms"].get<double>(), sc.value("id", std::string("?")));
      std::sort(r.slowest.rbegin(), r.slowest.rend());
      if (r.slowest.size() > 5) r.slowest.resize(5);
    }
  }
  std::remove(report.c_str());
  return r;
}

Run best_of(const std::string& runner, const std::string& scenarios, int jobs, int repeat, bool pin = true,
            const std::string& tmpdir = "") {
  Run best;
  for (int k = 0; k < repeat; ++k) {
    Run r = run_once(runner, scenarios, jobs, pin, tmpdir);
    if (best.exit_status < 0 || r.wall < best.wall) best = r;
  }
  return best;
}

void print_run(const std::string& suite, int jobs, const Run& r) {
  // Shares of the wall time of each job slot: CPU the runner used, CPU the server used, and the remainder, which is
  // time spent waiting on the network (and on timers the scenarios ask for).
  double slots = r.wall * jobs;
  double runner_share = slots > 0 ? r.runner_cpu / slots : 0;
  double server_share = slots > 0 ? r.server_cpu / slots : 0;
  std::printf("%-22s %3d %9zu %8.2f %12.1f %10.1f%% %10.1f%% %10.1f%% %5d\n", suite.c_str(), jobs, r.scenarios, r.wall,
              r.wall > 0 ? static_cast<double>(r.scenarios) / r.wall : 0.0, 100 * runner_share, 100 * server_share,
              100 * std::max(0.0, 1 - runner_share - server_share), r.exit_status);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::string runner, scenarios = "scenarios";
  int repeat = 3, repeat_full = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--runner" && i + 1 < argc) runner = argv[++i];
    else if (a == "--scenarios" && i + 1 < argc) scenarios = argv[++i];
    else if (a == "--repeat" && i + 1 < argc) repeat = std::stoi(argv[++i]);
    else if (a == "--repeat-full" && i + 1 < argc) repeat_full = std::stoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: runner_bench --runner PATH [--scenarios DIR] [--repeat N] [--repeat-full N]\n");
      return 2;
    }
  }
  // The subset without fixed-duration steps: a copy of the tree (step groups, schema and all) minus those files.
  fs::path subset = fs::temp_directory_path() / ("smbconform-runner-bench-" + std::to_string(::getpid()));
  std::error_code ec;
  fs::remove_all(subset, ec);
  fs::copy(scenarios, subset, fs::copy_options::recursive, ec);
  if (ec) {
    std::fprintf(stderr, "runner_bench: cannot copy %s: %s\n", scenarios.c_str(), ec.message().c_str());
    return 1;
  }
  long total_wait_ms = 0;
  std::size_t waiting = 0;
  for (const auto& e : fs::recursive_directory_iterator(subset)) {
    if (!e.is_regular_file() || e.path().extension() != ".json") continue;
    std::ifstream f(e.path());
    auto j = nlohmann::json::parse(f, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("steps")) continue;
    if (long ms = fixed_wait_ms(j); ms > 0) {
      total_wait_ms += ms;
      ++waiting;
      fs::remove(e.path(), ec);
    }
  }
  std::printf("runner throughput: `smbconform run DIR --target ref -j J` (wall includes starting the reference "
              "server; best of %d runs, %d for the full suite)\n", repeat, repeat_full);
  std::printf("%zu scenarios have fixed-duration steps (`wait`/`expect_nothing`), %.1f s if waited out (on the reference "
              "server `expect_nothing` is settled from its state, control op quiesce, and waited only when that cannot "
              "be shown; unsupported scenarios cost nothing); \"no fixed waits\" excludes them\n", waiting,
              static_cast<double>(total_wait_ms) / 1000);
  fs::path tmp = fs::temp_directory_path(ec);
  std::printf("share roots: %s (%s); %s\n", tmp.c_str(), fs_type(tmp).c_str(),
              smb::hardening::cpuidle_summary().c_str());
  std::printf("%-22s %3s %9s %8s %12s %11s %11s %11s %5s\n", "suite", "-j", "scenarios", "wall s", "scenarios/s",
              "runner CPU", "server CPU", "waiting", "exit");
  Run full_j1;
  for (int jobs : {1, 2}) {
    Run r = best_of(runner, scenarios, jobs, repeat_full);
    if (jobs == 1) full_j1 = r;
    print_run("full", jobs, r);
  }
  for (int jobs : {1, 2}) print_run("no fixed waits", jobs, best_of(runner, subset.string(), jobs, repeat));
  // The same without pinning each worker and its own server to one CPU (README Performance: what pinning buys).
  for (int jobs : {1, 2}) print_run("full, --no-pin", jobs, best_of(runner, scenarios, jobs, repeat_full, false));
  // The same suite with the share roots on a tmpfs (what a /tmp on tmpfs gives; the default on many distributions).
  if (fs_type("/dev/shm") == "tmpfs" && fs_type(tmp) != "tmpfs")
    for (int jobs : {1, 2})
      print_run("full, TMPDIR=/dev/shm", jobs, best_of(runner, scenarios, jobs, repeat_full, true, "/dev/shm"));
  std::printf("slowest scenarios (full suite, -j 1):");
  for (const auto& [ms, id] : full_j1.slowest) std::printf(" %s %.0f ms;", id.c_str(), ms);
  std::printf("\n");
  fs::remove_all(subset, ec);
  return 0;
}
