// Durability under kill -9 (issue 9): write data, FLUSH (SMB2) or WRITE_AND_CLOSE (SMB1), SIGKILL the reference
// server as soon as the response arrives, restart it on the same share, and read everything back.
//
//   durability_check --server PATH/smbconform-server --protocol smb2|smb1 [--trials N] [--bytes N] [--seed S]
//
// Exit status: 0 every trial intact, 1 a trial lost or changed data (or could not run), 77 the server does not
// speak SMB1 (--protocol smb1 only; CTest reports a skip). The rules checked:
//   MS-SMB2 3.3.5.11: on FLUSH "the server MUST flush all cached data for the file to the object store" before it
//     answers STATUS_SUCCESS, so a server process that dies right after the response must lose nothing it acknowledged.
//   MS-CIFS 2.2.4.40 / 3.3.5.39: SMB_COM_WRITE_AND_CLOSE writes the data and closes the file; once the response says
//     CountOfBytesWritten = N, those N bytes are in the file.
// A SIGKILL tests the server process, not the kernel: data the server handed to the kernel survives it, data still
// buffered in the server's memory does not. That is the property a conformant server must have here.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "hardening/proc_util.hpp"
#include "hardening/smb_session.hpp"
#include "smbharness/transport.hpp"
#include "smbproto/smb1/messages.hpp"

namespace {

namespace fs = std::filesystem;
namespace proto = smb::proto;
namespace s1 = smb::proto::smb1;
using smb::wire::Bytes;
using smb::hardening::Child;

struct Options {
  std::string server;
  std::string protocol = "smb2";
  int trials = 100;
  std::size_t bytes = 256 * 1024;
  unsigned seed = 1;
};

constexpr int kSkip = 77;

Bytes random_bytes(std::mt19937& rng, std::size_t n) {
  Bytes b(n);
  for (auto& x : b) x = static_cast<std::uint8_t>(rng());
  return b;
}

std::optional<Child> start(const Options& o, const fs::path& root, const fs::path& work, std::string& err) {
  std::vector<std::string> argv{o.server, "--listen", "127.0.0.1:0", "--share", "share=" + root.string(),
                                "--user", "alice:secret"};
  if (o.protocol == "smb1") argv.push_back("--smb1");
  return smb::hardening::start_server(argv, (work / "server.log").string(), 15000, err);
}

// ---- SMB2: CREATE, WRITE in 64 KiB pieces, FLUSH, kill -9 ------------------------------------------------------
/** Returns "" on success or why the write side failed. */
std::string write_smb2(std::uint16_t port, const std::string& name, const Bytes& data) {
  auto s = smb::hardening::Smb2Session::open("127.0.0.1", port, "alice", "secret", "share");
  if (!s) return "logon: " + s.error().message();
  smb::NtStatus st;
  auto f = s->create(name, smb::hardening::kFileWriteData | smb::hardening::kFileAppendData | smb::hardening::kFileReadData,
                     smb::hardening::kFileOverwriteIf, st);
  if (!f) return "CREATE: " + std::string(smb::to_string(st));
  for (std::size_t off = 0; off < data.size(); off += 65536) {
    std::size_t n = std::min<std::size_t>(65536, data.size() - off);
    st = s->write(*f, off, Bytes(data.begin() + static_cast<std::ptrdiff_t>(off),
                                 data.begin() + static_cast<std::ptrdiff_t>(off + n)));
    if (!st.is_success()) return "WRITE: " + std::string(smb::to_string(st));
  }
  st = s->flush(*f);  // MS-SMB2 3.3.5.11
  if (!st.is_success()) return "FLUSH: " + std::string(smb::to_string(st));
  return "";  // no CLOSE: the server is killed with the file still open
}

// ---- SMB1: NEGOTIATE, SESSION_SETUP_ANDX (extended security), TREE_CONNECT_ANDX, NT_CREATE_ANDX, WRITE_AND_CLOSE --
class Smb1Client {
 public:
  /** "" on success; `unsupported` set when the server does not negotiate NT LM 0.12. */
  std::string logon(std::uint16_t port, bool& unsupported) {
    auto dl = smb::harness::deadline_in(std::chrono::seconds(10));
    auto t = smb::harness::TcpTransport::connect("127.0.0.1", port, dl);
    if (!t) return "connect: " + t.error().message();
    t_ = std::move(*t);
    s1::NegotiateRequest n;
    n.dialects = {"NT LM 0.12"};
    auto r = exchange(s1::RequestBody(n));
    if (!r || r->bodies.empty()) {
      unsupported = true;  // MS-SMB2 3.3.5.3.1 / a server without SMB1 closes or answers SMB2 only
      return "NEGOTIATE: no SMB1 response";
    }
    auto* nr = std::get_if<s1::NegotiateResponse>(&r->bodies[0]);
    if (!nr || nr->dialect_index == s1::kNoDialect) {
      unsupported = true;
      return "NEGOTIATE: NT LM 0.12 not chosen";
    }
    max_buffer_ = nr->max_buffer_size;
    smb::security::Initiator ini(smb::security::Credentials{"alice", "secret", "", "HARDENING"});
    s1::SessionSetupAndxRequest ss;
    ss.max_buffer_size = 16644;
    ss.max_mpx_count = 50;
    ss.capabilities = s1::CAP_EXTENDED_SECURITY | s1::CAP_UNICODE | s1::CAP_NT_SMBS | s1::CAP_STATUS32 |
                      s1::CAP_LARGE_FILES;
    ss.security_blob = ini.initial_token();
    r = exchange(s1::RequestBody(ss));
    if (!r || r->header.status != smb::status::STATUS_MORE_PROCESSING_REQUIRED.value || r->bodies.empty())
      return "SESSION_SETUP_ANDX leg 1 failed";
    uid_ = r->header.uid;
    auto* sr = std::get_if<s1::SessionSetupAndxResponse>(&r->bodies[0]);
    if (!sr) return "SESSION_SETUP_ANDX leg 1: unexpected body";
    auto tok = ini.step(sr->security_blob);
    if (!tok) return "SESSION_SETUP_ANDX: bad challenge";
    ss.security_blob = *tok;
    r = exchange(s1::RequestBody(ss));
    if (!r || r->header.status != 0) return "SESSION_SETUP_ANDX leg 2 failed";
    s1::TreeConnectAndxRequest tc;
    tc.path = "\\\\127.0.0.1\\SHARE";
    tc.password = {0};
    r = exchange(s1::RequestBody(tc));
    if (!r || r->header.status != 0) return "TREE_CONNECT_ANDX failed";
    tid_ = r->header.tid;
    return "";
  }
  std::uint32_t max_buffer() const { return max_buffer_; }

  /** NT_CREATE_ANDX (overwrite-if) then WRITE_AND_CLOSE of `data` at 0; "" when all of it was acknowledged. */
  std::string write_and_close(const std::string& name, const Bytes& data) {
    s1::NtCreateAndxRequest c;
    c.file_name = name;
    c.desired_access = 0x40000000 | 0x80000000;  // GENERIC_WRITE | GENERIC_READ
    c.ext_file_attributes = 0x80;
    c.share_access = 7;
    c.create_disposition = 5;  // FILE_OVERWRITE_IF
    c.impersonation_level = 2;
    auto r = exchange(s1::RequestBody(c));
    if (!r || r->header.status != 0 || r->bodies.empty()) return "NT_CREATE_ANDX failed";
    auto* cr = std::get_if<s1::NtCreateAndxResponse>(&r->bodies[0]);
    if (!cr) return "NT_CREATE_ANDX: unexpected body";
    s1::WriteAndCloseRequest w;
    w.fid = cr->fid;
    w.count_of_bytes_to_write = static_cast<std::uint16_t>(data.size());
    w.write_offset_in_bytes = 0;
    w.data = data;
    r = exchange(s1::RequestBody(w));
    if (!r || r->header.status != 0 || r->bodies.empty()) return "WRITE_AND_CLOSE failed";
    auto* wr = std::get_if<s1::WriteAndCloseResponse>(&r->bodies[0]);
    if (!wr || wr->count_of_bytes_written != data.size()) return "WRITE_AND_CLOSE: short write";
    return "";
  }

 private:
  std::optional<s1::Smb1Response> exchange(const s1::RequestBody& body) {
    s1::Header h;
    h.flags = 0x18;        // SMB_FLAGS_CASE_INSENSITIVE | SMB_FLAGS_CANONICALIZED_PATHS
    h.flags2 = 0xC801;     // UNICODE | NT_STATUS | EXTENDED_SECURITY | LONG_NAMES (MS-CIFS 2.2.3.1)
    h.pid_low = 4242;
    h.uid = uid_;
    h.tid = tid_;
    h.mid = mid_++;
    Bytes msg = s1::encode_message(h, std::vector<s1::RequestBody>{body});
    auto dl = smb::harness::deadline_in(std::chrono::seconds(10));
    if (!t_.send_message(msg, dl)) return std::nullopt;
    auto in = t_.receive_message(dl);
    if (!in) return std::nullopt;
    auto r = s1::decode_response(*in);
    if (!r) return std::nullopt;
    return std::move(*r);
  }
  smb::harness::TcpTransport t_;
  std::uint16_t uid_ = 0, tid_ = 0, mid_ = 1;
  std::uint32_t max_buffer_ = 4356;
};

/** Reads the whole file back over SMB2 after the restart; "" when it equals `data` byte for byte. */
std::string verify(std::uint16_t port, const std::string& name, const Bytes& data, const fs::path& local) {
  auto s = smb::hardening::Smb2Session::open("127.0.0.1", port, "alice", "secret", "share");
  if (!s) return "logon after restart: " + s.error().message();
  smb::NtStatus st;
  auto f = s->create(name, smb::hardening::kFileReadData, smb::hardening::kFileOpen, st);
  if (!f) return "open after restart: " + std::string(smb::to_string(st));
  Bytes back;
  for (;;) {
    auto chunk = s->read(*f, back.size(), 65536, st);
    if (!chunk) break;  // STATUS_END_OF_FILE at the end (MS-SMB2 3.3.5.12)
    back.insert(back.end(), chunk->begin(), chunk->end());
    if (chunk->empty() || back.size() > data.size()) break;
  }
  (void)s->close(*f);
  if (back != data) {
    std::size_t i = 0;
    while (i < back.size() && i < data.size() && back[i] == data[i]) ++i;
    return "data differs after restart: " + std::to_string(back.size()) + " bytes read, " +
           std::to_string(data.size()) + " written, first difference at " + std::to_string(i);
  }
  std::ifstream in(local, std::ios::binary);
  Bytes disk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (disk != data) return "the file in the share directory differs from what was acknowledged";
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--server") o.server = next();
    else if (a == "--protocol") o.protocol = next();
    else if (a == "--trials") o.trials = std::stoi(next());
    else if (a == "--bytes") o.bytes = std::stoul(next());
    else if (a == "--seed") o.seed = static_cast<unsigned>(std::stoul(next()));
    else {
      std::fprintf(stderr, "usage: durability_check --server PATH --protocol smb2|smb1 [--trials N] [--bytes N] [--seed S]\n");
      return 2;
    }
  }
  if (o.server.empty() || (o.protocol != "smb2" && o.protocol != "smb1")) {
    std::fprintf(stderr, "durability_check: --server and --protocol smb2|smb1 are required\n");
    return 2;
  }
  std::random_device rd;
  fs::path work = fs::temp_directory_path() / ("smbconform-durability-" + std::to_string(rd()));
  fs::path root = work / "share";
  fs::create_directories(root);
  std::mt19937 rng(o.seed);
  int intact = 0;
  std::string first_failure;
  auto t0 = std::chrono::steady_clock::now();
  for (int trial = 0; trial < o.trials; ++trial) {
    std::string err;
    auto srv = start(o, root, work, err);
    if (!srv) {
      first_failure = "start: " + err;
      break;
    }
    std::string name = "durable-" + std::to_string(trial) + ".bin";
    Bytes data;
    std::string why;
    if (o.protocol == "smb2") {
      // Vary the size so that writes end inside and at the edge of 64 KiB pieces.
      data = random_bytes(rng, 1 + rng() % o.bytes);
      why = write_smb2(srv->port, name, data);
    } else {
      Smb1Client c;
      bool unsupported = false;
      why = c.logon(srv->port, unsupported);
      if (unsupported) {
        smb::hardening::stop(*srv, SIGKILL);
        std::printf("durability smb1: SKIPPED: %s (the server does not speak SMB1)\n", why.c_str());
        fs::remove_all(work);
        return kSkip;
      }
      if (why.empty()) {
        // CountOfBytesToWrite is 16 bits and the request must fit the server's MaxBufferSize (MS-CIFS 2.2.4.40.1).
        std::size_t cap = std::min<std::size_t>({65535, c.max_buffer() > 128 ? c.max_buffer() - 128 : 1024, o.bytes});
        data = random_bytes(rng, 1 + rng() % cap);
        why = c.write_and_close(name, data);
      }
    }
    smb::hardening::stop(*srv, SIGKILL);  // kill -9 right after the acknowledging response
    if (!why.empty()) {
      if (first_failure.empty()) first_failure = "trial " + std::to_string(trial) + ": " + why;
      continue;
    }
    auto again = start(o, root, work, err);
    if (!again) {
      if (first_failure.empty()) first_failure = "restart: " + err;
      continue;
    }
    why = verify(again->port, name, data, root / name);
    smb::hardening::stop(*again, SIGTERM);
    if (why.empty()) ++intact;
    else if (first_failure.empty()) first_failure = "trial " + std::to_string(trial) + ": " + why;
    fs::remove(root / name);
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("durability %s: %d/%d trials intact after kill -9 (%.1f s, up to %zu bytes per trial, seed %u)\n",
              o.protocol.c_str(), intact, o.trials, secs, o.bytes, o.seed);
  if (!first_failure.empty()) {
    std::printf("  first failure: %s\n  server log: %s\n", first_failure.c_str(), (work / "server.log").c_str());
    return 1;
  }
  fs::remove_all(work);
  return intact == o.trials ? 0 : 1;
}
