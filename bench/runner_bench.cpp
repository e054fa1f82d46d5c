// Runner throughput (issue 9): runs the whole scenario suite against the reference server with -j 1 and -j 2 and
// prints scenarios per second and where the wall time went (runner CPU, reference-server CPU, the rest waiting).
//
//   runner_bench --runner PATH/smbconform [--scenarios DIR] [--repeat N]
//
// CPU figures come from /proc/PID/stat (utime + stime), sampled every 5 ms until the runner exits: the runner's own
// threads, and the reference server it starts (its child). Prints figures only; asserts nothing.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "hardening/proc_util.hpp"

namespace {

struct Run {
  double wall = 0, runner_cpu = 0, server_cpu = 0;
  std::size_t scenarios = 0;
  int exit_status = -1;
};

Run run_once(const std::string& runner, const std::string& scenarios, int jobs) {
  std::string report = "/tmp/smbconform-runner-bench-" + std::to_string(::getpid()) + ".json";
  std::vector<std::string> argv{runner, "run", scenarios, "--target", "ref", "-j", std::to_string(jobs), "--json", report};
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
  if (posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ) != 0) return r;
  posix_spawn_file_actions_destroy(&fa);
  pid_t server = -1;
  for (;;) {
    int st;
    pid_t w = ::waitpid(pid, &st, WNOHANG);
    if (w == pid) {
      r.exit_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      break;
    }
    double c = smb::hardening::cpu_seconds(pid);
    if (c > 0) r.runner_cpu = c;
    if (server < 0) {
      auto kids = smb::hardening::children_of(pid);
      if (!kids.empty()) server = kids.front();
    }
    if (server > 0) {
      double s = smb::hardening::cpu_seconds(server);
      if (s > 0) r.server_cpu = s;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // sampling period
  }
  r.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::ifstream f(report);
  if (f) {
    auto j = nlohmann::json::parse(f, nullptr, false);
    if (j.is_object() && j.contains("scenarios")) r.scenarios = j["scenarios"].size();
  }
  std::remove(report.c_str());
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::string runner, scenarios = "scenarios";
  int repeat = 3;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--runner" && i + 1 < argc) runner = argv[++i];
    else if (a == "--scenarios" && i + 1 < argc) scenarios = argv[++i];
    else if (a == "--repeat" && i + 1 < argc) repeat = std::stoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: runner_bench --runner PATH [--scenarios DIR] [--repeat N]\n");
      return 2;
    }
  }
  std::printf("runner throughput: `smbconform run %s --target ref -j J`, best of %d runs (wall includes starting "
              "the reference server)\n", scenarios.c_str(), repeat);
  std::printf("%-4s %9s %8s %12s %11s %11s %11s %6s\n", "-j", "scenarios", "wall s", "scenarios/s", "runner CPU",
              "server CPU", "waiting", "exit");
  for (int jobs : {1, 2}) {
    Run best;
    for (int k = 0; k < repeat; ++k) {
      Run r = run_once(runner, scenarios, jobs);
      if (best.exit_status < 0 || r.wall < best.wall) best = r;
    }
    // Shares of the wall time of each job slot: CPU the runner used, CPU the server used, and the remainder, which is
    // time spent waiting on the network (and on timers the scenarios ask for).
    double slots = best.wall * jobs;
    double runner_share = slots > 0 ? best.runner_cpu / slots : 0;
    double server_share = slots > 0 ? best.server_cpu / slots : 0;
    std::printf("%-4d %9zu %8.2f %12.1f %10.1f%% %10.1f%% %10.1f%% %6d\n", jobs, best.scenarios, best.wall,
                best.wall > 0 ? static_cast<double>(best.scenarios) / best.wall : 0.0, 100 * runner_share,
                100 * server_share, 100 * std::max(0.0, 1 - runner_share - server_share), best.exit_status);
  }
  return 0;
}
