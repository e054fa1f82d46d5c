// Reference server launcher (Boost.Process): temp shares, readiness line with a deadline, clean stop.
#include "smbharness/ref_server.hpp"

#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <sys/prctl.h>

#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <random>
#include <condition_variable>
#include <thread>

namespace smb::harness {

namespace bp = boost::process;

struct RefServer::Impl {
  bp::pipe out;
  bp::child child;
};

/**
 * Server variants started on first use (RefServer::Variant); shared with Target::variant, guarded by `mu`.
 * Each variant is started by a keeper thread that lives until stop_all(): the server's PR_SET_PDEATHSIG watchdog
 * follows the thread that forked it, so a short-lived runner worker thread must not be its parent.
 */
struct RefServer::Pool {
  struct Slot {
    bool done = false;                 ///< the start attempt has finished
    std::unique_ptr<RefServer> server;  ///< null when it failed (not retried)
  };
  std::mutex mu;
  std::condition_variable cv;
  std::filesystem::path binary, base_dir;
  int timeout_ms = 15000;
  bool pin = false;  ///< pin each lane's servers to lane_cpu(lane)
  bool stopped = false;
  std::map<Variant, Slot> slots;
  std::vector<std::thread> keepers;
  std::optional<Target> get(const Variant& v, const Target& base);
  void stop_all();
  /** SIGTERM to every variant started so far, without waiting (stop_all waits). */
  void signal_all() {
    std::lock_guard lock(mu);
    for (auto& [v, slot] : slots)
      if (slot.done && slot.server) slot.server->signal_stop();
  }
  ~Pool() { stop_all(); }
};

// Only what is true of smbconform-server (keep in step with ci/targets/ref.json; tests/harness/profile_test.cpp
// compares them): handlers/flush.cpp implements the v85 rule (MS-SMB2 3.3.5.11: IsReplayEligible reset only for
// non-persistent opens); a pipe FLUSH waits for the reader (pipes.cpp, 3.3.5.11 / 2.2.17) and IPC$ has the
// controllable endpoints smbconform-stall / smbconform-hangup / smbconform-test (reference_server pipes.hpp).
// ca_share is not listed: it is true only of the CA variant, which adds it (RefServer::Variant).
std::map<std::string, std::string> builtin_reference_flags() {
  return {{"spec_revision", "v85"}, {"flush_pipe", "wait"}, {"pipe_endpoint", "controllable"}, {"durable_handles", "true"}};
}

std::filesystem::path find_reference_server(const std::filesystem::path& argv0) {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) self = std::filesystem::absolute(argv0, ec);
  auto candidate = self.parent_path() / "smbconform-server";
  if (std::filesystem::exists(candidate, ec)) return candidate;
  return {};
}

std::unique_ptr<RefServer> RefServer::start(const std::filesystem::path& binary, int timeout_ms, std::string& error,
                                            bool pin_lanes) {
  std::error_code ec;
  if (binary.empty() || !std::filesystem::exists(binary, ec)) {
    error = "reference server binary not found (expected smbconform-server next to smbconform)";
    return nullptr;
  }
  std::random_device rd;
  char name[64];
  std::snprintf(name, sizeof name, "smbconform-ref-%d-%08x", static_cast<int>(::getpid()), static_cast<unsigned>(rd()));
  auto dir = std::filesystem::temp_directory_path() / name;
  auto s = launch(binary, dir, Variant{}, timeout_ms, pin_lanes, error);
  if (!s) {
    std::filesystem::remove_all(dir, ec);
    return nullptr;
  }
  s->pool_ = std::make_shared<Pool>();
  s->pool_->binary = binary;
  s->pool_->base_dir = dir;
  s->pool_->timeout_ms = timeout_ms;
  s->pool_->pin = pin_lanes;
  s->target_.pin_lanes = pin_lanes;
  std::weak_ptr<Pool> weak = s->pool_;
  s->target_.variant = std::make_shared<const TargetVariantFn>(
      [weak](const Scenario& sc, const Target& base, int lane) -> std::optional<Target> {
        Variant v = variant_for(sc);
        v.lane = lane;
        if (v == Variant{}) return std::nullopt;
        auto pool = weak.lock();
        if (!pool) return std::nullopt;
        if (auto t = pool->get(v, base)) return t;
        // A variant that cannot start leaves its scenarios on the base server of their lane, where they are
        // `unsupported` (run_all gives no scenario to a lane whose base server did not start).
        if (lane != 0 && v != Variant{.lane = lane}) return pool->get(Variant{.lane = lane}, base);
        return std::nullopt;
      });
  return s;
}

RefServer::Variant RefServer::variant_for(const Scenario& sc) {
  Variant v;
  const auto& caps = sc.requires_.capabilities;
  v.multichannel = std::find(caps.begin(), caps.end(), "MULTI_CHANNEL") != caps.end();
  // Persistent handles need a CA share (MS-SMB2 3.3.5.9.10: TreeConnect.Share.IsCA); the server advertises
  // SMB2_GLOBAL_CAP_PERSISTENT_HANDLES only when it has one (3.3.5.4).
  v.ca_share = std::find(caps.begin(), caps.end(), "PERSISTENT_HANDLES") != caps.end() ||
               sc.requires_.target_flags.count("ca_share") != 0;
  return v;
}

std::optional<Target> RefServer::Pool::get(const Variant& v, const Target& base) {
  std::unique_lock lock(mu);
  if (stopped) return std::nullopt;
  if (!slots.count(v)) {
    slots[v];
    keepers.emplace_back([this, v] {
      std::string name = (v.lane ? "lane" + std::to_string(v.lane) : std::string("variant")) +
                         (v.multichannel ? "-mc" : "") + (v.ca_share ? "-ca" : "");
      std::string error;
      auto s = launch(binary, base_dir / name, v, timeout_ms, pin, error);
      // A variant that cannot start leaves its scenarios on the base server, where they are `unsupported`.
      if (!s) std::fprintf(stderr, "smbconform: cannot start reference server variant %s: %s\n", name.c_str(), error.c_str());
      std::unique_lock l(mu);
      slots[v].server = std::move(s);
      slots[v].done = true;
      cv.notify_all();
      cv.wait(l, [this] { return stopped; });
    });
  }
  cv.wait(lock, [&] { return slots[v].done || stopped; });
  if (stopped || !slots[v].server) return std::nullopt;
  // The base target with this server's address, control channel and share root; profile and --flag overrides
  // carry over, plus what the variant makes true.
  const Target& vt = slots[v].server->target();
  Target t = base;
  t.host = vt.host;
  t.port = vt.port;
  t.control_path = vt.control_path;
  t.share_root = vt.share_root;
  if (v.ca_share) t.flags["ca_share"] = "true";
  t.display = base.display;
  return t;
}

void RefServer::Pool::stop_all() {
  std::vector<std::thread> threads;
  {
    std::unique_lock lock(mu);
    // Wait for starts in progress (bounded by timeout_ms), stop every variant, then release the keepers.
    cv.wait(lock, [this] {
      for (auto& [v, slot] : slots)
        if (!slot.done) return false;
      return true;
    });
    for (auto& [v, slot] : slots)
      if (slot.server) slot.server->stop();
    stopped = true;
    threads.swap(keepers);
  }
  cv.notify_all();
  for (auto& t : threads) t.join();
}

std::unique_ptr<RefServer> RefServer::launch(const std::filesystem::path& binary, const std::filesystem::path& dir,
                                             const Variant& v, int timeout_ms, bool pin, std::string& error) {
  std::error_code ec;
  std::unique_ptr<RefServer> s(new RefServer());
  s->temp_dir_ = dir;
  std::filesystem::create_directories(s->temp_dir_ / "share", ec);
  std::filesystem::create_directories(s->temp_dir_ / "guest", ec);
  if (ec) {
    error = "cannot create " + s->temp_dir_.string() + ": " + ec.message();
    return nullptr;
  }
  Target& t = s->target_;
  t.display = "ref";
  t.host = "127.0.0.1";
  t.share = "share";
  t.user = security::Credentials{"alice", "alice-pass-1", "", "SMBCONFORM"};
  t.user2 = security::Credentials{"bob", "bob-pass-2", "", "SMBCONFORM"};
  t.guest_share = "guest";
  t.is_reference = true;
  t.control_path = (s->temp_dir_ / "control.sock").string();
  t.share_root = s->temp_dir_ / "share";
  // Only what is true of smbconform-server (builtin_reference_flags; ci/targets/ref.json); a CA variant adds ca_share.
  t.flags = builtin_reference_flags();
  if (v.ca_share) t.flags["ca_share"] = "true";
  std::vector<std::string> args = {"--listen", "127.0.0.1:0", "--share",
                                   "share=" + (s->temp_dir_ / "share").string() + (v.ca_share ? ",ca" : ""), "--share",
                                   "guest=" + (s->temp_dir_ / "guest").string(), "--user", "alice:alice-pass-1", "--user",
                                   "bob:bob-pass-2", "--guest", "--smb1", "--control", t.control_path};
  if (v.multichannel) args.push_back("--multichannel");
  s->impl_ = std::make_unique<Impl>();
  const pid_t parent = ::getpid();
  // Pinned lanes: the server (all its threads: the mask is set before exec) runs on its lane's CPU.
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  std::optional<int> cpu = pin ? lane_cpu(v.lane) : std::nullopt;
  if (cpu) CPU_SET(*cpu, &cpus);
  try {
    s->impl_->child = bp::child(binary.string(), bp::args = args, bp::std_out > s->impl_->out,
                                bp::std_err > (s->temp_dir_ / "server.log"), bp::std_in < bp::null,
                                bp::extend::on_exec_setup = [parent, cpu, &cpus](auto&) {
                                  // Watchdog: the server gets SIGTERM when the runner dies, however it dies
                                  // (also SIGKILL); if the runner is already gone, exit at once.
                                  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
                                  if (::getppid() != parent) ::_exit(1);
                                  if (cpu) ::sched_setaffinity(0, sizeof cpus, &cpus);
                                });
  } catch (const std::exception& e) {
    error = std::string("cannot start reference server: ") + e.what();
    return nullptr;
  }
  s->pid_ = s->impl_->child.id();
  // Read stdout lines until "listening HOST:PORT" (and "control PATH" when it comes right after).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  int fd = s->impl_->out.native_source();
  std::string buf;
  bool listening = false;
  while (std::chrono::steady_clock::now() < deadline) {
    auto nl = buf.find('\n');
    if (nl != std::string::npos) {
      std::string line = buf.substr(0, nl);
      buf.erase(0, nl + 1);
      if (line.rfind("listening ", 0) == 0) {
        auto colon = line.rfind(':');
        t.port = static_cast<std::uint16_t>(std::stoi(line.substr(colon + 1)));
        listening = true;
      }
      if (line.rfind("control ", 0) == 0) t.control_path = line.substr(8);
      if (listening && (line.rfind("control ", 0) == 0)) break;
      continue;
    }
    if (listening) {
      // The control line normally follows at once; don't wait long for it.
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 200) <= 0) break;
    } else {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(std::max<long long>(left, 0))) <= 0) continue;
    }
    char tmp[1024];
    ssize_t n = ::read(fd, tmp, sizeof tmp);
    if (n <= 0) break;
    buf.append(tmp, static_cast<std::size_t>(n));
  }
  if (!listening) {
    error = "reference server did not report \"listening\" within " + std::to_string(timeout_ms) + " ms (log: " +
            (s->temp_dir_ / "server.log").string() + ")";
    s->stop();
    return nullptr;
  }
  return s;
}

void RefServer::signal_stop() {
  if (impl_ && impl_->child.valid() && impl_->child.running()) ::kill(impl_->child.id(), SIGTERM);
}

void RefServer::signal_stop_all() {
  if (pool_) pool_->signal_all();
  signal_stop();
}

void RefServer::stop() {
  // Every server is told first, so that they exit side by side; then the variants are waited for (their
  // directories are inside ours), then this one. A server exits within milliseconds of SIGTERM: poll finely.
  signal_stop_all();
  if (pool_) pool_->stop_all();
  if (!impl_) return;
  if (impl_->child.valid() && impl_->child.running()) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (impl_->child.running() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (impl_->child.running()) impl_->child.terminate();
  }
  std::error_code ec;
  if (impl_->child.valid()) impl_->child.wait(ec);
  impl_.reset();
  pid_ = -1;
}

RefServer::~RefServer() {
  stop();
  std::error_code ec;
  if (!temp_dir_.empty()) std::filesystem::remove_all(temp_dir_, ec);
}

}  // namespace smb::harness
