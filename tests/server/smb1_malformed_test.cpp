// SMB1 malformed-input corpus against the real smbconform-server binary started with --smb1: each case, sent on a
// fresh authenticated connection, must get an error reply or a disconnect within 2 s, and the server must keep
// accepting and answering new connections afterwards (MS-CIFS 3.3.5.2: malformed input gets STATUS_INVALID_SMB or
// a disconnect, never a crash). The malformed frames are valid codec-built messages with bytes patched at the
// MS-CIFS offsets noted beside each case (WordCount/ByteCount lies, AndX offset loops, counts past the message).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "smbproto/security/gss.hpp"
#include "smbproto/smb1/messages.hpp"
#include "smbproto/smb1/trans2.hpp"

namespace fs = std::filesystem;
namespace p = smb::proto::smb1;
using Bytes = std::vector<std::uint8_t>;

namespace {

struct Server {
  pid_t pid = -1;
  std::uint16_t port = 0;
  fs::path base;
  std::string error;
};
Server* g_server = nullptr;

void start_server() {
  g_server = new Server;
  char tmpl[] = "/tmp/smb1-malformed-XXXXXX";
  if (!::mkdtemp(tmpl)) {
    g_server->error = "mkdtemp failed";
    return;
  }
  g_server->base = tmpl;
  fs::create_directories(g_server->base / "share");
  std::ofstream(g_server->base / "share" / "hello.txt") << "hello";
  std::string bin = std::string(SMBCONFORM_BINARY_DIR) + "/bin/smbconform-server";
  if (!fs::exists(bin)) {
    g_server->error = "server binary not built: " + bin;
    return;
  }
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) {
    g_server->error = "pipe failed";
    return;
  }
  std::vector<std::string> args = {bin, "--listen", "127.0.0.1:0", "--share", "share=" + (g_server->base / "share").string(),
                                   "--user", "alice:secret", "--smb1"};
  std::string log = (g_server->base / "server.log").string();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out[1], 1);
    int lf = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (lf >= 0) ::dup2(lf, 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  g_server->pid = pid;
  std::string acc;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (g_server->port == 0 && std::chrono::steady_clock::now() < deadline) {
    pollfd pf{out[0], POLLIN, 0};
    if (::poll(&pf, 1, 200) <= 0) continue;
    char buf[512];
    ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    acc.append(buf, static_cast<std::size_t>(n));
    auto pos = acc.find("listening 127.0.0.1:");
    auto eol = pos == std::string::npos ? std::string::npos : acc.find('\n', pos);
    if (eol != std::string::npos) g_server->port = static_cast<std::uint16_t>(std::stoi(acc.substr(pos + 20, eol - pos - 20)));
  }
  if (g_server->port == 0) g_server->error = "server did not start; stdout: " + acc;
  int rfd = out[0];
  std::thread([rfd] {
    char buf[1024];
    while (::read(rfd, buf, sizeof buf) > 0) {
    }
    ::close(rfd);
  }).detach();
}

/** A blocking TCP connection with poll-based timeouts. */
class Conn {
 public:
  explicit Conn(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~Conn() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  /** Sends `msg` with the Direct TCP prefix (MS-SMB 2.1). */
  void send(const Bytes& msg) {
    Bytes f{0, static_cast<std::uint8_t>(msg.size() >> 16), static_cast<std::uint8_t>(msg.size() >> 8),
            static_cast<std::uint8_t>(msg.size())};
    f.insert(f.end(), msg.begin(), msg.end());
    (void)::send(fd_, f.data(), f.size(), MSG_NOSIGNAL);
  }
  enum class Got { message, closed, timeout };
  /** Reads one frame within `ms`. */
  Got receive(Bytes& out, int ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    for (;;) {
      if (buf_.size() >= 4) {
        std::size_t len = (std::size_t{buf_[1]} << 16) | (std::size_t{buf_[2]} << 8) | buf_[3];
        if (buf_.size() >= 4 + len) {
          out.assign(buf_.begin() + 4, buf_.begin() + 4 + static_cast<std::ptrdiff_t>(len));
          buf_.erase(buf_.begin(), buf_.begin() + 4 + static_cast<std::ptrdiff_t>(len));
          return Got::message;
        }
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
      if (left <= 0) return Got::timeout;
      pollfd pf{fd_, POLLIN, 0};
      if (::poll(&pf, 1, static_cast<int>(left)) <= 0) continue;
      std::uint8_t tmp[65536];
      ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
      if (n <= 0) return Got::closed;
      buf_.insert(buf_.end(), tmp, tmp + n);
    }
  }

 private:
  int fd_ = -1;
  Bytes buf_;
};

p::Header request_header(p::Command c, std::uint16_t uid, std::uint16_t tid, std::uint16_t mid) {
  p::Header h;
  h.command = static_cast<std::uint8_t>(c);
  h.flags = p::SMB_FLAGS_CASE_INSENSITIVE;
  h.flags2 = p::SMB_FLAGS2_UNICODE | p::SMB_FLAGS2_NT_STATUS | p::SMB_FLAGS2_EXTENDED_SECURITY | p::SMB_FLAGS2_LONG_NAMES;
  h.uid = uid;
  h.tid = tid;
  h.pid_low = 0x1234;
  h.mid = mid;
  return h;
}

/** Status of a response message (0 when it has no header). */
std::uint32_t status_of(const Bytes& m) {
  if (m.size() < 9) return 0;
  return std::uint32_t{m[5]} | (std::uint32_t{m[6]} << 8) | (std::uint32_t{m[7]} << 16) | (std::uint32_t{m[8]} << 24);
}

/** NEGOTIATE + SESSION_SETUP_ANDX (SPNEGO/NTLMv2) + TREE_CONNECT_ANDX on `c`; false on any failure. */
bool prelude(Conn& c, std::uint16_t& uid, std::uint16_t& tid) {
  Bytes r;
  p::NegotiateRequest neg;
  neg.dialects = {"NT LM 0.12"};
  c.send(p::encode_message(request_header(p::Command::SMB_COM_NEGOTIATE, 0, 0, 1), std::vector<p::RequestBody>{neg}));
  if (c.receive(r, 3000) != Conn::Got::message || status_of(r) != 0) return false;
  smb::security::Initiator init(smb::security::Credentials{"alice", "secret", "", "T"});
  Bytes token = init.initial_token();
  uid = 0;
  for (int leg = 0; leg < 3; ++leg) {
    p::SessionSetupAndxRequest ss;
    ss.max_buffer_size = 0xFFFF;
    ss.capabilities = p::CAP_UNICODE | p::CAP_NT_SMBS | p::CAP_STATUS32 | p::CAP_EXTENDED_SECURITY;
    ss.security_blob = token;
    c.send(p::encode_message(request_header(p::Command::SMB_COM_SESSION_SETUP_ANDX, uid, 0, static_cast<std::uint16_t>(2 + leg)),
                             std::vector<p::RequestBody>{ss}));
    if (c.receive(r, 3000) != Conn::Got::message) return false;
    auto resp = p::decode_response(r);
    if (!resp || resp->bodies.empty()) return false;
    uid = resp->header.uid;
    if (resp->header.status == 0) break;
    auto* body = std::get_if<p::SessionSetupAndxResponse>(&resp->bodies.front());
    if (!body) return false;
    auto next = init.step(body->security_blob);
    if (!next) return false;
    token = *next;
  }
  p::TreeConnectAndxRequest tc;
  tc.path = "\\\\127.0.0.1\\share";
  tc.password = {0};
  c.send(p::encode_message(request_header(p::Command::SMB_COM_TREE_CONNECT_ANDX, uid, 0, 9), std::vector<p::RequestBody>{tc}));
  if (c.receive(r, 3000) != Conn::Got::message || status_of(r) != 0) return false;
  tid = static_cast<std::uint16_t>(r[24] | (r[25] << 8));
  return true;
}

Bytes encode(p::Command c, std::uint16_t uid, std::uint16_t tid, p::RequestBody body) {
  return p::encode_message(request_header(c, uid, tid, 100), std::vector<p::RequestBody>{std::move(body)});
}

void set16(Bytes& b, std::size_t at, std::uint16_t v) {
  b.at(at) = static_cast<std::uint8_t>(v);
  b.at(at + 1) = static_cast<std::uint8_t>(v >> 8);
}

/** One malformed message, built from the live UID/TID. */
struct Case {
  const char* name;
  std::function<Bytes(std::uint16_t uid, std::uint16_t tid)> build;
};

Bytes echo(std::uint16_t uid, std::uint16_t tid) {
  p::EchoRequest e;
  e.data = {0x68, 0x69};
  return encode(p::Command::SMB_COM_ECHO, uid, tid, e);
}

/** A LOGOFF_ANDX block chain: `n` blocks, block k's AndXOffset set by `offset(k)` (MS-CIFS 2.2.3.4). */
Bytes logoff_chain(std::uint16_t uid, std::uint16_t tid, int n, const std::function<std::uint16_t(int, std::size_t)>& offset) {
  Bytes m = p::encode_message(request_header(p::Command::SMB_COM_LOGOFF_ANDX, uid, tid, 100),
                              std::vector<p::RequestBody>(static_cast<std::size_t>(n), p::LogoffAndxRequest{}));
  // Each LOGOFF_ANDX block is 7 bytes: WordCount(1) AndXCommand(1) AndXReserved(1) AndXOffset(2) ByteCount(2).
  for (int k = 0; k < n; ++k) {
    std::size_t at = 32 + 7 * static_cast<std::size_t>(k);
    m.at(at + 1) = 0x74;  // AndXCommand: another LOGOFF_ANDX
    set16(m, at + 3, offset(k, at));
  }
  return m;
}

const std::vector<Case>& corpus() {
  static const std::vector<Case> c = {
      // MS-CIFS 3.3.5.2: shorter than 35 bytes.
      {"ThirtyThreeBytes", [](auto uid, auto tid) { Bytes m = echo(uid, tid); m.resize(33); return m; }},
      // Shorter than the 32-byte header: nothing to answer -> disconnect.
      {"ThirtyOneBytes", [](auto uid, auto tid) { Bytes m = echo(uid, tid); m.resize(31); return m; }},
      // WordCount @32 claims 20 words; only 1 word + ByteCount + 2 bytes follow.
      {"WordCountLie", [](auto uid, auto tid) { Bytes m = echo(uid, tid); m[32] = 20; return m; }},
      // ByteCount @35 claims 0xFFFF bytes; 2 follow.
      {"ByteCountLie", [](auto uid, auto tid) { Bytes m = echo(uid, tid); set16(m, 35, 0xFFFF); return m; }},
      // WordCount 0xFF on WRITE_AND_CLOSE (2.2.4.40.1: 6 or 12).
      {"WriteAndCloseWordCount255", [](auto uid, auto tid) {
         p::WriteAndCloseRequest w;
         w.fid = 1;
         w.count_of_bytes_to_write = 1;
         w.data = {0x61};
         Bytes m = encode(p::Command::SMB_COM_WRITE_AND_CLOSE, uid, tid, w);
         m[32] = 0xFF;
         return m;
       }},
      // CountOfBytesToWrite @35 0xFFFF with one data byte (ByteCount 2).
      {"WriteAndCloseCountLie", [](auto uid, auto tid) {
         p::WriteAndCloseRequest w;
         w.fid = 1;
         w.count_of_bytes_to_write = 1;
         w.data = {0x61};
         Bytes m = encode(p::Command::SMB_COM_WRITE_AND_CLOSE, uid, tid, w);
         set16(m, 35, 0xFFFF);
         return m;
       }},
      // AndXOffset pointing at its own block (an AndX loop, MS-CIFS 2.2.3.4).
      {"AndxSelfLoop", [](auto uid, auto tid) { return logoff_chain(uid, tid, 1, [](int, std::size_t at) { return static_cast<std::uint16_t>(at); }); }},
      // Two blocks pointing at each other.
      {"AndxTwoBlockLoop", [](auto uid, auto tid) {
         return logoff_chain(uid, tid, 2, [](int k, std::size_t) { return static_cast<std::uint16_t>(k == 0 ? 39 : 32); });
       }},
      // AndXOffset 0 (backwards into the header).
      {"AndxBackwards", [](auto uid, auto tid) { return logoff_chain(uid, tid, 1, [](int, std::size_t) { return std::uint16_t{0}; }); }},
      // AndXOffset past the end of the message.
      {"AndxPastEnd", [](auto uid, auto tid) { return logoff_chain(uid, tid, 1, [](int, std::size_t) { return std::uint16_t{0xFFF0}; }); }},
      // A chain longer than any server should follow (40 blocks).
      {"AndxLongChain", [](auto uid, auto tid) {
         return logoff_chain(uid, tid, 40, [](int k, std::size_t at) { return static_cast<std::uint16_t>(k == 39 ? 0 : at + 7); });
       }},
      // LOCKING_ANDX: NumberOfRequestedLocks @47 = 1000 with one 10-byte range.
      {"LockingCountLie", [](auto uid, auto tid) {
         p::LockingAndxRequest l;
         l.fid = 1;
         l.locks = {p::LockingAndxRange{0x1234, 0, 0, 10}};
         Bytes m = encode(p::Command::SMB_COM_LOCKING_ANDX, uid, tid, l);
         set16(m, 47, 1000);
         return m;
       }},
      // WRITE_ANDX: DataLength @53 0xFFFF, DataOffset as encoded; 3 bytes of data.
      {"WriteAndxDataLengthLie", [](auto uid, auto tid) {
         p::WriteAndxRequest w;
         w.fid = 1;
         w.data = {1, 2, 3};
         Bytes m = encode(p::Command::SMB_COM_WRITE_ANDX, uid, tid, w);
         set16(m, 53, 0xFFFF);
         return m;
       }},
      // WRITE_ANDX: DataOffset @55 past the message.
      {"WriteAndxDataOffsetPastEnd", [](auto uid, auto tid) {
         p::WriteAndxRequest w;
         w.fid = 1;
         w.data = {1, 2, 3};
         Bytes m = encode(p::Command::SMB_COM_WRITE_ANDX, uid, tid, w);
         set16(m, 55, 0x7000);
         return m;
       }},
      // NT_CREATE_ANDX: NameLength @38 0xFFFF.
      {"NtCreateNameLengthLie", [](auto uid, auto tid) {
         p::NtCreateAndxRequest n;
         n.file_name = "hello.txt";
         n.desired_access = 0x80000000;
         n.share_access = 7;
         n.create_disposition = 1;
         Bytes m = encode(p::Command::SMB_COM_NT_CREATE_ANDX, uid, tid, n);
         set16(m, 38, 0xFFFF);
         return m;
       }},
      // TRANSACTION2 QUERY_PATH_INFORMATION with ParameterOffset @53 past the message.
      {"Trans2ParameterOffsetPastEnd", [](auto uid, auto tid) {
         p::Trans2QueryPathInformationRequest q;
         q.file_name = "\\hello.txt";
         Bytes m = encode(p::Command::SMB_COM_TRANSACTION2, uid, tid, p::to_transaction2(q, p::Context{true}));
         set16(m, 53, 0xF000);
         return m;
       }},
      // TRANSACTION2 with ParameterCount @51 larger than TotalParameterCount.
      {"Trans2CountAboveTotal", [](auto uid, auto tid) {
         p::Trans2QueryPathInformationRequest q;
         q.file_name = "\\hello.txt";
         Bytes m = encode(p::Command::SMB_COM_TRANSACTION2, uid, tid, p::to_transaction2(q, p::Context{true}));
         set16(m, 51, 0x4000);
         return m;
       }},
      // An undefined command code (MS-CIFS 3.3.5.2: STATUS_SMB_BAD_COMMAND).
      {"UndefinedCommand", [](auto uid, auto tid) { Bytes m = echo(uid, tid); m[4] = 0x99; return m; }},
      // A bare oplock acknowledgment for a FID that does not exist, with MID 0xFFFF: no response is allowed, so the
      // case is followed by an ECHO below that must still be answered.
      {"OplockAckUnknownFid", [](auto uid, auto tid) {
         p::LockingAndxRequest l;
         l.fid = 0x7777;
         l.type_of_lock = p::OPLOCK_RELEASE;
         Bytes m = encode(p::Command::SMB_COM_LOCKING_ANDX, uid, tid, l);
         set16(m, 30, 0xFFFF);
         return m;
       }},
  };
  return c;
}

class Smb1Malformed : public ::testing::TestWithParam<std::size_t> {
 protected:
  static void SetUpTestSuite() {
    if (!g_server) start_server();
  }
};

TEST_P(Smb1Malformed, AnswersOrClosesAndServerStaysUp) {
  ASSERT_TRUE(g_server->error.empty()) << g_server->error;
  const Case& k = corpus()[GetParam()];
  {
    Conn c(g_server->port);
    ASSERT_TRUE(c.ok());
    std::uint16_t uid = 0, tid = 0;
    ASSERT_TRUE(prelude(c, uid, tid)) << "prelude failed before case " << k.name;
    c.send(k.build(uid, tid));
    Bytes r;
    auto got = c.receive(r, 2000);
    if (std::string(k.name) == "OplockAckUnknownFid") {
      // MS-CIFS 3.3.5.30: a bare acknowledgment gets no response; the connection stays usable.
      EXPECT_EQ(got, Conn::Got::timeout) << "a bare OPLOCK_RELEASE must not be answered";
      c.send(echo(uid, tid));
      EXPECT_EQ(c.receive(r, 2000), Conn::Got::message) << "ECHO after the acknowledgment was not answered";
    } else {
      // MS-CIFS 3.3.5.2: an error response (non-zero Status) or a disconnect, within 2 s.
      ASSERT_NE(got, Conn::Got::timeout) << k.name << ": neither an error response nor a disconnect within 2 s";
      if (got == Conn::Got::message) {
        EXPECT_NE(status_of(r), 0u) << k.name << ": success status for malformed input";
      }
    }
  }
  // The server is still up: a new connection negotiates, authenticates and tree-connects.
  Conn again(g_server->port);
  ASSERT_TRUE(again.ok()) << "server no longer accepts connections after " << k.name;
  std::uint16_t uid = 0, tid = 0;
  EXPECT_TRUE(prelude(again, uid, tid)) << "server stopped answering after " << k.name;
  int wstatus = 0;
  EXPECT_EQ(::waitpid(g_server->pid, &wstatus, WNOHANG), 0) << "server process exited after " << k.name;
}

INSTANTIATE_TEST_SUITE_P(Corpus, Smb1Malformed, ::testing::Range<std::size_t>(0, corpus().size()),
                         [](const ::testing::TestParamInfo<std::size_t>& i) { return std::string(corpus()[i.param].name); });

/** Stops the server when the test program ends. */
class StopServer : public ::testing::Environment {
 public:
  void TearDown() override {
    if (!g_server) return;
    if (g_server->pid > 0) {
      ::kill(g_server->pid, SIGTERM);
      ::waitpid(g_server->pid, nullptr, 0);
    }
    std::error_code ec;
    fs::remove_all(g_server->base, ec);
  }
};
[[maybe_unused]] const auto* g_env = ::testing::AddGlobalTestEnvironment(new StopServer);

}  // namespace
