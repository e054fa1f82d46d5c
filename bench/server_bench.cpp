// Server throughput, latency, CPU per operation and memory (issue 9): the reference server and Debian's smbd side by
// side in one run, driven by the same clients: smbtorture's load generators (smb2.bench.echo,
// smb2.bench.path-contention-shared, raw.bench-lock) and our own 4 KiB WRITE and LOCK+UNLOCK loops (harness Client)
// from 1, 16 and 64 connections; then resident memory at 100 idle connections. Prints figures only.
//
//   server_bench --ref-server PATH/smbconform-server --smbd-port P --smbd-pid PID --smbd-conf CLIENT_CONF
//                [--seconds S] [--connections 1,16,64] [--only ours|torture]
//
// CPU: utime + stime from /proc/PID/stat, sampled after the clients logged on and before they disconnect, so logon
// cost is excluded from our loops (smbtorture's own connection setup falls inside its run). smbd forks one process
// per connection: its figure is the parent's own and reaped-children time plus every live descendant's.
// Memory: VmRSS and Pss (smaps_rollup) summed over the server's processes; Pss splits shared pages fairly.
//
// Threading: one client thread per connection in our loops; results are gathered after join.
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "hardening/proc_util.hpp"
#include "hardening/smb_session.hpp"

namespace {

namespace fs = std::filesystem;
using namespace smb::hardening;

struct Server {
  std::string name;
  std::uint16_t port = 0;
  pid_t pid = -1;
  bool forks = false;  // smbd: one process per connection

  std::vector<pid_t> processes() const {
    std::vector<pid_t> all{pid}, todo{pid};
    while (!todo.empty()) {
      pid_t p = todo.back();
      todo.pop_back();
      for (pid_t c : children_of(p)) {
        all.push_back(c);
        todo.push_back(c);
      }
    }
    return all;
  }
  double cpu() const {
    if (!forks) return cpu_seconds(pid);
    double s = 0;
    for (pid_t p : processes()) s += cpu_seconds(p, /*children=*/true);
    return s;
  }
  std::pair<long, long> memory_kib() const {  // (rss, pss)
    long rss = 0, pss = 0;
    for (pid_t p : forks ? processes() : std::vector<pid_t>{pid}) {
      rss += rss_kib(p);
      std::ifstream f("/proc/" + std::to_string(p) + "/smaps_rollup");
      std::string line;
      while (std::getline(f, line))
        if (line.rfind("Pss:", 0) == 0) pss += std::stol(line.substr(4));
    }
    return {rss, pss};
  }
};

struct Cell {
  double ops_per_s = 0, p50_ms = -1, p99_ms = -1, avg_ms = -1, cpu_per_1000 = 0;
  std::string note;
};

double percentile(std::vector<double>& v, double q) {
  if (v.empty()) return -1;
  std::size_t k = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

// ---- our own loops ---------------------------------------------------------------------------------------------
/** `conns` connections, each doing `op` back to back for `seconds`; per-op latency from each thread. */
Cell own_loop(const Server& s, int conns, int seconds, const std::string& kind) {
  std::atomic<int> ready{0}, failed{0};
  std::atomic<bool> go{false}, stop{false};
  std::vector<std::vector<double>> lat(static_cast<std::size_t>(conns));
  std::vector<std::thread> threads;
  for (int i = 0; i < conns; ++i) {
    threads.emplace_back([&, i] {
      auto sess = Smb2Session::open("127.0.0.1", s.port, "alice", "alice-pass", "share", std::chrono::seconds(60));
      smb::NtStatus st;
      std::optional<smb::proto::FileId> f;
      if (sess) {
        // WRITE: one file per connection; LOCK: one shared file, a distinct range per connection (no conflicts).
        std::string name = kind == "write" ? "bench-w-" + std::to_string(i) + ".bin" : "bench-lock.bin";
        f = sess->create(name, kFileReadData | kFileWriteData | kFileAppendData, kFileOpenIf, st);
      }
      if (!f) ++failed;
      ++ready;
      while (!go) std::this_thread::yield();
      if (!f) return;
      smb::wire::Bytes block(4096, static_cast<std::uint8_t>(i));
      auto& l = lat[static_cast<std::size_t>(i)];
      l.reserve(1 << 16);
      std::uint64_t n = 0;
      while (!stop) {
        auto t0 = std::chrono::steady_clock::now();
        bool ok;
        if (kind == "write") {
          ok = sess->write(*f, (n++ % 256) * 4096, block) == smb::status::STATUS_SUCCESS;
        } else {
          std::uint64_t off = static_cast<std::uint64_t>(i) * 4096;
          ok = sess->lock(*f, off, 4096, kLockExclusive | kLockFailImmediately) == smb::status::STATUS_SUCCESS &&
               sess->lock(*f, off, 4096, kLockUnlock) == smb::status::STATUS_SUCCESS;
        }
        if (!ok) {
          ++failed;
          return;
        }
        l.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      }
      (void)sess->close(*f);
    });
  }
  while (ready < conns) std::this_thread::sleep_for(std::chrono::milliseconds(5));  // wait for all logons
  double cpu0 = s.cpu();
  auto t0 = std::chrono::steady_clock::now();
  go = true;
  std::this_thread::sleep_for(std::chrono::seconds(seconds));  // the measurement window
  stop = true;
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double cpu1 = s.cpu();  // before the clients disconnect (smbd children still alive)
  for (auto& t : threads) t.join();
  std::vector<double> all;
  for (auto& l : lat) all.insert(all.end(), l.begin(), l.end());
  Cell c;
  // One "operation" is one request/response for WRITE; one LOCK+UNLOCK pair (two requests) for LOCK.
  double ops = static_cast<double>(all.size());
  c.ops_per_s = ops / wall;
  c.p50_ms = percentile(all, 0.50);
  c.p99_ms = percentile(all, 0.99);
  c.cpu_per_1000 = ops > 0 ? (cpu1 - cpu0) / ops * 1000 : 0;
  if (failed) c.note = std::to_string(failed.load()) + " connections failed";
  return c;
}

// ---- smbtorture ------------------------------------------------------------------------------------------------
std::string run_capture(const std::vector<std::string>& argv, int& status) {
  int out[2];
  if (::pipe(out) != 0) return "";
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, out[1], 2);
  posix_spawn_file_actions_addclose(&fa, out[0]);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid;
  int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(out[1]);
  std::string text;
  if (rc == 0) {
    char buf[4096];
    ssize_t n;
    while ((n = ::read(out[0], buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
    int st;
    ::waitpid(pid, &st, 0);
    status = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
  } else {
    status = 127;
  }
  ::close(out[0]);
  return text;
}

Cell torture(const Server& s, const std::string& test, int conns, int seconds, const std::string& conf,
             const fs::path& scratch) {
  // smbtorture gets `seconds` + 15 s; a server that stops answering must not stall the whole benchmark. Its local
  // scratch directories (smbtortureXXXXXX, left behind empty) go under `scratch`, not into the caller's directory.
  std::vector<std::string> argv{"timeout", "-k", "5", std::to_string(seconds + 15), "smbtorture", "//127.0.0.1/share",
                                "-p", std::to_string(s.port), "-U", "alice%alice-pass", "--configfile=" + conf,
                                "--basedir=" + scratch.string(),
                                "--option=torture:timelimit=" + std::to_string(seconds),
                                "--option=torture:nprocs=" + std::to_string(conns), test};
  double cpu0 = s.cpu();
  int status = 0;
  auto t0 = std::chrono::steady_clock::now();
  std::string out = run_capture(argv, status);
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double cpu1 = s.cpu();
  Cell c;
  double ops = 0;
  if (test.rfind("smb2.bench.", 0) == 0) {
    // "1.00 second: echo[num/s=983,avslat=0.004588,...] ...": per-interval rates per operation kind. Skip the
    // first interval (connections still ramping up).
    std::regex re(R"(([a-z_]+)\[num/s=([0-9]+),avslat=([0-9.]+))");
    std::vector<double> rates, lats;
    std::map<std::string, int> seen;
    double interval_sum = 0;
    int intervals = 0;
    std::string last_kind;
    for (auto it = std::sregex_iterator(out.begin(), out.end(), re); it != std::sregex_iterator(); ++it) {
      std::string kind = (*it)[1];
      int k = seen[kind]++;
      if (k == 0) continue;
      interval_sum += std::stod((*it)[2]);
      lats.push_back(std::stod((*it)[3]) * 1000);
      if (kind == seen.begin()->first) ++intervals;
    }
    c.ops_per_s = intervals > 0 ? interval_sum / intervals : 0;
    double lsum = 0;
    for (double l : lats) lsum += l;
    c.avg_ms = lats.empty() ? -1 : lsum / static_cast<double>(lats.size());
    ops = c.ops_per_s * seconds;  // CPU per op over the timed part; ramp-up CPU is included (small)
  } else {
    // raw.bench-lock: "[i] N ops" per process at the end.
    std::regex re(R"(\[[0-9]+\] ([0-9]+) ops)");
    for (auto it = std::sregex_iterator(out.begin(), out.end(), re); it != std::sregex_iterator(); ++it)
      ops += std::stod((*it)[1]);
    c.ops_per_s = ops / seconds;
  }
  c.cpu_per_1000 = ops > 0 ? (cpu1 - cpu0) / ops * 1000 : 0;
  if (status != 0 || ops == 0) {
    auto tail = out.size() > 160 ? out.substr(out.size() - 160) : out;
    std::replace(tail.begin(), tail.end(), '\n', ' ');
    c.note = "smbtorture exit " + std::to_string(status) + ": " + tail;
  }
  (void)wall;
  return c;
}

void print_row(const std::string& workload, int conns, const Cell& ref, const Cell& smbd) {
  auto ms = [](double v) {
    char b[32];
    if (v < 0) return std::string("-");
    std::snprintf(b, sizeof b, "%.3f", v);
    return std::string(b);
  };
  double tput_ratio = smbd.ops_per_s > 0 ? ref.ops_per_s / smbd.ops_per_s : 0;
  double cpu_ratio = smbd.cpu_per_1000 > 0 ? ref.cpu_per_1000 / smbd.cpu_per_1000 : 0;
  std::printf("%-44s %5d | %9.0f %8s %8s %8.4f | %9.0f %8s %8s %8.4f | %6.2fx %6.2fx\n", workload.c_str(), conns,
              ref.ops_per_s, ms(ref.avg_ms >= 0 ? ref.avg_ms : ref.p50_ms).c_str(), ms(ref.p99_ms).c_str(),
              ref.cpu_per_1000, smbd.ops_per_s, ms(smbd.avg_ms >= 0 ? smbd.avg_ms : smbd.p50_ms).c_str(),
              ms(smbd.p99_ms).c_str(), smbd.cpu_per_1000, tput_ratio, cpu_ratio);
  if (!ref.note.empty()) std::printf("    ref: %s\n", ref.note.c_str());
  if (!smbd.note.empty()) std::printf("    smbd: %s\n", smbd.note.c_str());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::string ref_bin, smbd_conf, only;
  Server smbd{"smbd", 0, -1, true};
  int seconds = 5;
  std::vector<int> conn_counts{1, 16, 64};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--ref-server") ref_bin = next();
    else if (a == "--smbd-port") smbd.port = static_cast<std::uint16_t>(std::stoi(next()));
    else if (a == "--smbd-pid") smbd.pid = std::stoi(next());
    else if (a == "--smbd-conf") smbd_conf = next();
    else if (a == "--seconds") seconds = std::stoi(next());
    else if (a == "--only") only = next();
    else if (a == "--connections") {
      conn_counts.clear();
      std::stringstream ss(next());
      std::string x;
      while (std::getline(ss, x, ',')) conn_counts.push_back(std::stoi(x));
    } else {
      std::fprintf(stderr, "usage: server_bench --ref-server PATH --smbd-port P --smbd-pid PID --smbd-conf FILE "
                           "[--seconds S] [--connections 1,16,64] [--only ours|torture]\n");
      return 2;
    }
  }
  if (seconds < 2) {  // smbtorture's first one-second interval is ramp-up and not counted (torture() below)
    std::fprintf(stderr, "server_bench: --seconds must be at least 2 (the first second is ramp-up)\n");
    return 2;
  }
  fs::path work = fs::temp_directory_path() / ("smbconform-bench-" + std::to_string(::getpid()));
  fs::create_directories(work / "share");
  std::string err;
  auto child = start_server({ref_bin, "--listen", "127.0.0.1:0", "--share", "share=" + (work / "share").string(),
                             "--user", "alice:alice-pass", "--smb1", "--log-level", "error"},
                            (work / "server.log").string(), 15000, err);
  if (!child) {
    std::fprintf(stderr, "server_bench: %s\n", err.c_str());
    return 1;
  }
  Server ref{"ref", child->port, child->pid, false};

  // Resident memory at 100 idle (logged-on, tree-connected) connections, first: the servers are fresh, so neither
  // counts heap the allocator kept from the load runs.
  std::map<std::string, std::pair<long, long>> at100;  // server -> (rss, pss) KiB at 100 connections
  for (Server* s : {&ref, &smbd}) {
    auto idle = s->memory_kib();
    std::vector<Smb2Session> sessions;
    for (int i = 0; i < 100; ++i) {
      auto ss = Smb2Session::open("127.0.0.1", s->port, "alice", "alice-pass", "share", std::chrono::seconds(30));
      if (ss) sessions.push_back(std::move(*ss));
    }
    auto busy = s->memory_kib();
    std::printf("memory %-5s: %zu connections: RSS %ld KiB (idle server %ld KiB), PSS %ld KiB (idle %ld KiB), "
                "%zu processes\n", s->name.c_str(), sessions.size(), busy.first, idle.first, busy.second, idle.second,
                s->forks ? s->processes().size() : std::size_t{1});
    at100[s->name] = busy;
  }
  if (at100["smbd"].first > 0 && at100["smbd"].second > 0)
    std::printf("memory ref/smbd at 100 connections: RSS %.3f, PSS %.3f (target: RSS <= 0.25)\n",
                static_cast<double>(at100["ref"].first) / static_cast<double>(at100["smbd"].first),
                static_cast<double>(at100["ref"].second) / static_cast<double>(at100["smbd"].second));
  std::printf("server benchmark: %d s per cell; ref = smbconform-server (pid %d, port %u), smbd = Debian smbd "
              "(pid %d, port %u); nproc %ld; %s\n", seconds, ref.pid, ref.port, smbd.pid, smbd.port,
              ::sysconf(_SC_NPROCESSORS_ONLN), smb::hardening::cpuidle_summary().c_str());
  std::printf("latency: smbtorture rows give its average (avslat), our rows p50; CPU = server CPU seconds per 1000 "
              "operations; ratios are ref/smbd (throughput: higher is better for ref, CPU: lower is better)\n");
  std::printf("%-44s %5s | %9s %8s %8s %8s | %9s %8s %8s %8s | %7s %7s\n", "workload", "conns", "ref op/s",
              "lat ms", "p99 ms", "CPU/1k", "smbd op/s", "lat ms", "p99 ms", "CPU/1k", "tput", "CPU");
  if (only != "ours") {
    for (const std::string test : {"smb2.bench.echo", "smb2.bench.path-contention-shared", "raw.bench-lock"})
      for (int n : conn_counts) {
        // raw.bench-lock makes each process take the next process's range too: with one process it waits on its
        // own lock forever (against any server), so its smallest run uses two.
        if (test == "raw.bench-lock" && n < 2) n = 2;
        Cell r = torture(ref, test, n, seconds, smbd_conf, work);
        Cell s = torture(smbd, test, n, seconds, smbd_conf, work);
        print_row("smbtorture " + test, n, r, s);
      }
  }
  if (only != "torture") {
    for (const std::string kind : {"write", "lock"})
      for (int n : conn_counts) {
        Cell r = own_loop(ref, n, seconds, kind);
        Cell s = own_loop(smbd, n, seconds, kind);
        print_row(kind == "write" ? "own: 4 KiB WRITE" : "own: LOCK+UNLOCK pair", n, r, s);
      }
  }

  stop(*child, SIGTERM);
  fs::remove_all(work);
  return 0;
}
