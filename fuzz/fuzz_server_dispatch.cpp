// libFuzzer target: whole frames through the reference server's per-connection engine (smbserver/connection.hpp
// receive()) on a fake transport: framing, SMB1 detection, compound chains, the MS-SMB2 3.3.5.2 pipeline and every
// handler, optionally after a genuine NEGOTIATE / SESSION_SETUP / TREE_CONNECT so that the input reaches the
// file handlers.
//
// Input: byte 0 = flags, the rest = traffic.
//   bit 0: log on first (NTLMv2 as alice, tree connect to "share").
//   bits 1-2: dialects offered in that prologue: 0 = 2.0.2..3.0.2, 1 = 2.0.2..3.1.1, 2 = 2.0.2, 3 = 3.1.1.
//   bit 3: the traffic is records [u16 LE length][message]; each message that starts with an SMB2 header gets the
//          next valid MessageId, the live SessionId and TreeId patched in, then is framed and fed. Without it the
//          traffic is fed as raw stream bytes (stream headers included), split at the offsets bytes 1..2 give.
//
// Threading: single-threaded, like the server's io_context thread. One Server (temp share) lives for the whole
// process; each input gets a fresh Connection, removed at the end so that every open and session is released.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "smbproto/framing.hpp"
#include "smbproto/messages.hpp"
#include "smbproto/security/gss.hpp"
#include "smbserver/connection.hpp"
#include "smbserver/log.hpp"
#include "smbserver/state.hpp"

namespace {

using smb::wire::ByteView;
using smb::wire::Bytes;
namespace proto = smb::proto;
namespace server = smb::server;

/** Keeps the frames the server sends (the prologue reads them); close() is recorded. */
class RecordingTransport : public server::Transport {
 public:
  void send(Bytes frame) override { frames.push_back(std::move(frame)); }
  void close() override { closed = true; }
  std::string peer() const override { return "fuzz"; }
  std::vector<Bytes> frames;
  bool closed = false;
};

struct Env {
  std::filesystem::path root;
  std::unique_ptr<server::Server> srv;
  std::uint64_t runs = 0;

  Env() {
    std::random_device rd;
    root = std::filesystem::temp_directory_path() / ("smbconform_fuzz_" + std::to_string(rd()));
    std::filesystem::create_directories(root / "share");
    server::log_threshold() = server::LogLevel::error;
    server::ServerConfig cfg;
    server::ShareConfig sc;
    sc.name = "share";
    sc.root = root / "share";
    cfg.shares.push_back(sc);
    cfg.users["alice"] = "secret";
    cfg.guest_allowed = true;
    cfg.smb1_enabled = true;
    cfg.max_transact_size = cfg.max_read_size = cfg.max_write_size = 1u << 20;
    auto made = server::make_server(cfg);
    if (auto* e = std::get_if<std::string>(&made)) {
      std::fprintf(stderr, "fuzz_server_dispatch: make_server: %s\n", e->c_str());
      std::abort();
    }
    srv = std::move(std::get<0>(made));
  }
  ~Env() {
    srv.reset();
    std::error_code ec;
    std::filesystem::remove_all(root, ec);
  }
  /** Empties the share now and then so that the file system does not grow without bound. */
  void tidy() {
    if (++runs % 4096 != 0) return;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(root / "share", ec)) std::filesystem::remove_all(e, ec);
  }
};

Env& env() {
  static Env e;
  return e;
}

struct Live {
  std::uint64_t message_id = 0;
  std::uint64_t session_id = 0;
  std::uint32_t tree_id = 0;
};

/** Sends one SMB2 request and returns the first decodable response sent meanwhile. */
std::optional<proto::Response> exchange(server::Connection& c, RecordingTransport& t, const proto::Header& h,
                                        const proto::RequestBody& body) {
  std::size_t before = t.frames.size();
  Bytes framed;
  proto::append_frame(framed, proto::encode_message(h, body));
  server::receive(*env().srv, c, framed);
  for (std::size_t i = before; i < t.frames.size(); ++i) {
    ByteView payload;
    if (!proto::parse_frame(t.frames[i], payload)) continue;
    if (auto r = proto::decode_response(payload)) return std::move(*r);
  }
  return std::nullopt;
}

proto::Header header(proto::Command cmd, Live& live) {
  proto::Header h;
  h.command = static_cast<std::uint16_t>(cmd);
  h.message_id = live.message_id++;
  h.session_id = live.session_id;
  h.tree_id = live.tree_id;
  h.credit_request_response = 64;
  h.credit_charge = 1;
  return h;
}

/** NEGOTIATE, two-leg SESSION_SETUP, TREE_CONNECT; stops quietly at the first failure. */
void log_on(server::Connection& c, RecordingTransport& t, int dialect_set, Live& live) {
  static const std::vector<std::uint16_t> sets[4] = {
      {0x0202, 0x0210, 0x0300, 0x0302}, {0x0202, 0x0210, 0x0300, 0x0302, 0x0311}, {0x0202}, {0x0311}};
  proto::NegotiateRequest n;
  n.dialects = sets[dialect_set];
  n.security_mode = 0x0001;
  for (std::size_t i = 0; i < 16; ++i) n.client_guid.bytes[i] = static_cast<std::uint8_t>(i + 1);
  if (dialect_set % 2 == 1) {
    proto::PreauthIntegrityCapabilities p;
    p.hash_algorithms = {0x0001};
    p.salt = Bytes(32, 0xAB);
    n.negotiate_contexts.push_back(proto::make_context(p));
  }
  auto h = header(proto::Command::NEGOTIATE, live);
  h.credit_charge = 0;
  auto r = exchange(c, t, h, n);
  if (!r || r->header.status != 0) return;

  smb::security::Initiator ini(smb::security::Credentials{"alice", "secret", "", "FUZZ"});
  proto::SessionSetupRequest ss;
  ss.security_mode = 0x01;
  ss.security_buffer = ini.initial_token();
  r = exchange(c, t, header(proto::Command::SESSION_SETUP, live), ss);
  if (!r || r->header.status != smb::status::STATUS_MORE_PROCESSING_REQUIRED.value) return;
  auto* resp = std::get_if<proto::SessionSetupResponse>(&r->body);
  if (!resp) return;
  live.session_id = r->header.session_id;
  auto tok = ini.step(resp->security_buffer);
  if (!tok) return;
  ss.security_buffer = *tok;
  r = exchange(c, t, header(proto::Command::SESSION_SETUP, live), ss);
  if (!r || r->header.status != 0) return;

  proto::TreeConnectRequest tc;
  tc.path = "\\\\127.0.0.1\\share";
  r = exchange(c, t, header(proto::Command::TREE_CONNECT, live), tc);
  if (r && r->header.status == 0) live.tree_id = r->header.tree_id;
}

void put_u32(Bytes& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void put_u64(Bytes& b, std::size_t at, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  Env& e = env();
  e.tidy();
  const std::uint8_t flags = data[0];
  ByteView traffic(data + 1, size - 1);

  auto t = std::make_shared<RecordingTransport>();
  server::Connection& c = server::add_connection(*e.srv, t);
  const std::uint64_t id = c.id;
  Live live;
  if (flags & 0x01) log_on(c, *t, (flags >> 1) & 0x03, live);

  if (flags & 0x08) {
    std::size_t pos = 0;
    while (pos + 2 <= traffic.size() && !c.closed) {
      std::size_t len = traffic[pos] | (traffic[pos + 1] << 8);
      pos += 2;
      len = std::min(len, traffic.size() - pos);
      Bytes msg(traffic.begin() + static_cast<std::ptrdiff_t>(pos), traffic.begin() + static_cast<std::ptrdiff_t>(pos + len));
      pos += len;
      // MS-SMB2 2.2.1: ProtocolId 0xFE 'S' 'M' 'B'; MessageId @0x18, TreeId @0x24 (sync), SessionId @0x28.
      if (msg.size() >= 64 && msg[0] == 0xFE && msg[1] == 'S' && msg[2] == 'M' && msg[3] == 'B') {
        std::uint16_t charge = static_cast<std::uint16_t>(msg[6] | (msg[7] << 8));
        put_u64(msg, 0x18, live.message_id);
        live.message_id += std::max<std::uint16_t>(1, charge);
        put_u64(msg, 0x28, live.session_id);
        if (!(msg[0x10] & 0x02)) put_u32(msg, 0x24, live.tree_id);
      }
      Bytes framed;
      proto::append_frame(framed, msg);
      server::receive(*e.srv, c, framed);
    }
  } else {
    // Feed the stream in pieces so that partial frames are exercised: bytes 1..2 pick a split point.
    std::size_t split = traffic.size() >= 2 ? (traffic[0] | (traffic[1] << 8)) % (traffic.size() + 1) : traffic.size();
    server::receive(*e.srv, c, traffic.subspan(0, split));
    if (!c.closed) server::receive(*e.srv, c, traffic.subspan(split));
  }
  server::remove_connection(*e.srv, id);
  return 0;
}
