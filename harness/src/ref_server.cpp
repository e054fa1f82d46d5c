// Reference server launcher (Boost.Process): temp shares, readiness line with a deadline, clean stop.
#include "smbharness/ref_server.hpp"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <sys/prctl.h>

#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <chrono>
#include <random>
#include <thread>

namespace smb::harness {

namespace bp = boost::process;

struct RefServer::Impl {
  bp::pipe out;
  bp::child child;
};

std::map<std::string, std::string> builtin_reference_flags() { return {{"spec_revision", "v85"}}; }

std::filesystem::path find_reference_server(const std::filesystem::path& argv0) {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) self = std::filesystem::absolute(argv0, ec);
  auto candidate = self.parent_path() / "smbconform-server";
  if (std::filesystem::exists(candidate, ec)) return candidate;
  return {};
}

std::unique_ptr<RefServer> RefServer::start(const std::filesystem::path& binary, int timeout_ms, std::string& error) {
  std::error_code ec;
  if (binary.empty() || !std::filesystem::exists(binary, ec)) {
    error = "reference server binary not found (expected smbconform-server next to smbconform)";
    return nullptr;
  }
  std::unique_ptr<RefServer> s(new RefServer());
  std::random_device rd;
  char name[64];
  std::snprintf(name, sizeof name, "smbconform-ref-%d-%08x", static_cast<int>(::getpid()), static_cast<unsigned>(rd()));
  s->temp_dir_ = std::filesystem::temp_directory_path() / name;
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
  // Only what is true of smbconform-server (keep in step with ci/targets/ref.json; a test compares them):
  // handlers/flush.cpp implements the v85 rule (MS-SMB2 3.3.5.11: IsReplayEligible reset only for non-persistent
  // opens); there are no named-pipe endpoints on IPC$, so no flush_pipe / pipe_endpoint flag.
  t.flags = builtin_reference_flags();
  s->impl_ = std::make_unique<Impl>();
  const pid_t parent = ::getpid();
  try {
    s->impl_->child = bp::child(binary.string(), "--listen", "127.0.0.1:0", "--share",
                                "share=" + (s->temp_dir_ / "share").string(), "--share",
                                "guest=" + (s->temp_dir_ / "guest").string(), "--user", "alice:alice-pass-1", "--user",
                                "bob:bob-pass-2", "--guest", "--smb1", "--control", t.control_path, bp::std_out > s->impl_->out,
                                bp::std_err > (s->temp_dir_ / "server.log"), bp::std_in < bp::null,
                                bp::extend::on_exec_setup = [parent](auto&) {
                                  // Watchdog: the server gets SIGTERM when the runner dies, however it dies
                                  // (also SIGKILL); if the runner is already gone, exit at once.
                                  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
                                  if (::getppid() != parent) ::_exit(1);
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

void RefServer::stop() {
  if (!impl_) return;
  if (impl_->child.valid() && impl_->child.running()) {
    ::kill(impl_->child.id(), SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (impl_->child.running() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
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
