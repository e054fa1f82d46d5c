// In-process test client for the reference server: a Server with a temp share, one Connection fed
// through a fake transport, and helpers that build, sign and decode SMB2 messages.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "smbproto/framing.hpp"
#include "smbproto/messages.hpp"
#include "smbproto/security/gss.hpp"
#include "smbproto/security/signing.hpp"
#include "smbserver/connection.hpp"
#include "smbserver/control.hpp"
#include "smbserver/state.hpp"

namespace smb::server::test {

/** Records frames the server sends; close() marks it closed. */
class FakeTransport : public Transport {
 public:
  void send(wire::Bytes frame) override {
    queued += frame.size();
    frames.push_back(std::move(frame));
  }
  void close() override { closed = true; }
  std::string peer() const override { return peer_name; }
  std::uint64_t bytes_queued() const override { return queued; }
  /** Everything queued counts as written unless a test holds some back (`unwritten`). */
  std::uint64_t bytes_written() const override { return queued - unwritten; }
  std::vector<wire::Bytes> frames;
  bool closed = false;
  std::string peer_name = "fake";
  std::uint64_t queued = 0, unwritten = 0;
};

// Request fields many tests share.
inline constexpr std::uint32_t kOpen = 1, kCreate = 2, kOpenIf = 3, kOverwriteIf = 5;  // MS-SMB2 2.2.13 CreateDisposition
inline constexpr std::uint32_t kReadWrite = 0x0001 | 0x0002 | 0x0004 | 0x0080;  // READ/WRITE/APPEND_DATA, READ_ATTRIBUTES

/** A temporary directory removed at destruction. */
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() / ("smbserver_test_" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  void write_file(const std::string& rel, const std::string& content) const {
    std::filesystem::create_directories((path / rel).parent_path());
    std::ofstream(path / rel, std::ios::binary) << content;
  }
};

/** One decoded response element plus its raw bytes (for preauth hashing and signature checks). */
struct Reply {
  proto::Header header;
  proto::ResponseBody body;
  wire::Bytes raw;
  NtStatus status() const { return header.nt_status(); }
  template <class T>
  const T& as() const {
    return std::get<T>(body);
  }
};

/** Options of the fixture's server. */
struct FixtureOptions {
  bool guest = false;
  bool signing_required = false;
  bool read_only_share = false;
  std::uint16_t max_dialect = 0x0311;
};

/**
 * A server with share "share" (a temp dir) and users alice:pass, and one client connection.
 * All traffic goes through receive() exactly as the TCP service feeds it.
 */
class Fixture {
 public:
  explicit Fixture(FixtureOptions o = {}) {
    ServerConfig cfg;
    ShareConfig sc;
    sc.name = "share";
    sc.root = dir.path;
    sc.read_only = o.read_only_share;
    cfg.shares.push_back(sc);
    cfg.users["alice"] = "pass";
    cfg.guest_allowed = o.guest;
    cfg.signing_required = o.signing_required;
    cfg.max_dialect = o.max_dialect;
    auto made = make_server(cfg);
    if (auto* e = std::get_if<std::string>(&made)) throw std::runtime_error(*e);
    server = std::move(std::get<0>(made));
    transport = std::make_shared<FakeTransport>();
    conn = &add_connection(*server, transport);
  }

  // ---------------------------------------------------------------- raw traffic
  /** Feeds bytes as the TCP layer would; returns every response element sent meanwhile. */
  std::vector<Reply> feed(wire::ByteView bytes) {
    std::size_t before = transport->frames.size();
    receive(*server, *conn, bytes);
    std::vector<Reply> out;
    for (std::size_t i = before; i < transport->frames.size(); ++i) {
      wire::ByteView payload;
      auto n = proto::parse_frame(transport->frames[i], payload);
      EXPECT_TRUE(n.has_value()) << "server sent a bad frame";
      if (!n) continue;
      auto parts = proto::split_compound(payload);
      EXPECT_TRUE(parts.has_value()) << "server sent a bad compound chain";
      if (!parts) continue;
      for (auto p : *parts) {
        auto r = proto::decode_response(p);
        EXPECT_TRUE(r.has_value()) << "undecodable response: " << r.error().message();
        if (!r) continue;
        out.push_back({r->header, std::move(r->body), wire::Bytes(p.begin(), p.end())});
      }
    }
    return out;
  }
  /** Frames one SMB2 message (or chain) and feeds it. */
  std::vector<Reply> send_raw(const wire::Bytes& message) {
    wire::Bytes framed;
    proto::append_frame(framed, message);
    return feed(framed);
  }

  /** Builds the header defaults for the next request (MessageId, SessionId, TreeId, credits). */
  proto::Header header(proto::Command cmd) {
    proto::Header h;
    h.command = static_cast<std::uint16_t>(cmd);
    h.message_id = next_message_id++;
    h.session_id = session_id;
    h.tree_id = tree_id;
    h.credit_request_response = 32;
    h.credit_charge = dialect >= 0x0210 ? 1 : 0;
    return h;
  }
  /** Encodes, signs when `sign` (or always_sign) and a key exists, and sends one request. */
  wire::Bytes encode(const proto::Header& h, const proto::RequestBody& body, bool sign = false) {
    proto::Header hh = h;
    bool do_sign = (sign || always_sign) && !signing_key.empty();
    if (do_sign) hh.flags |= proto::SMB2_FLAGS_SIGNED;
    wire::Bytes msg = proto::encode_message(hh, body);
    if (do_sign) security::sign(msg, signing_key, signing_algorithm);
    return msg;
  }
  /** Sends one request and expects exactly one response. */
  Reply request(const proto::Header& h, const proto::RequestBody& body, bool sign = false) {
    auto replies = send_raw(encode(h, body, sign));
    EXPECT_EQ(replies.size(), 1u) << "expected one response to " << proto::to_string(proto::command_of(body));
    if (replies.empty()) return Reply{proto::Header{}, proto::ErrorResponse{}, {}};
    return replies.front();
  }
  template <class Req>
  Reply request(proto::Command cmd, const Req& req, bool sign = false) {
    return request(header(cmd), proto::RequestBody(req), sign);
  }

  // ---------------------------------------------------------------- protocol steps
  Reply negotiate(std::vector<std::uint16_t> dialects = {0x0202, 0x0210, 0x0300, 0x0302}) {
    proto::NegotiateRequest n;
    n.dialects = std::move(dialects);
    n.security_mode = 0x0001;
    for (std::size_t i = 0; i < 16; ++i) n.client_guid.bytes[i] = static_cast<std::uint8_t>(i + 1);
    bool has311 = std::find(n.dialects.begin(), n.dialects.end(), 0x0311) != n.dialects.end();
    if (has311) {
      proto::PreauthIntegrityCapabilities p;
      p.hash_algorithms = {0x0001};
      p.salt = wire::Bytes(32, 0xAB);
      n.negotiate_contexts.push_back(proto::make_context(p));
      proto::SigningCapabilities sc;
      sc.signing_algorithms = {0x0002, 0x0001};
      n.negotiate_contexts.push_back(proto::make_context(sc));
    }
    wire::Bytes msg = proto::encode_message(header(proto::Command::NEGOTIATE), proto::RequestBody(n));
    auto replies = send_raw(msg);
    EXPECT_EQ(replies.size(), 1u);
    if (replies.empty()) return Reply{proto::Header{}, proto::ErrorResponse{}, {}};
    Reply r = replies.front();
    if (r.status().is_success()) {
      auto& resp = r.as<proto::NegotiateResponse>();
      dialect = resp.dialect_revision;
      signing_algorithm = security::default_signing_algorithm(dialect);
      if (dialect == 0x0311) {
        preauth.emplace();
        preauth->update(msg);
        preauth->update(r.raw);
        if (const auto* c = proto::find_context(resp.negotiate_contexts, proto::SMB2_SIGNING_CAPABILITIES)) {
          proto::SigningCapabilities sc;
          if (proto::parse_context(c->data, sc) && !sc.signing_algorithms.empty())
            signing_algorithm = static_cast<security::SigningAlgorithm>(sc.signing_algorithms[0]);
        }
      }
    }
    return r;
  }

  /** Full NTLMSSP exchange with security::Initiator; sets session_id and signing_key on success. */
  Reply session_setup(const std::string& user = "alice", const std::string& password = "pass",
                      std::uint8_t security_mode = 0x01) {
    security::Initiator ini(security::Credentials{user, password, "", "TEST"});
    std::optional<security::PreauthHash> h = preauth;
    proto::SessionSetupRequest ss;
    ss.security_mode = security_mode;
    ss.security_buffer = ini.initial_token();
    proto::Header hdr = header(proto::Command::SESSION_SETUP);
    hdr.session_id = 0;
    wire::Bytes m1 = proto::encode_message(hdr, proto::RequestBody(ss));
    auto r1 = send_raw(m1);
    EXPECT_EQ(r1.size(), 1u);
    if (r1.size() != 1 || r1[0].status() != status::STATUS_MORE_PROCESSING_REQUIRED) return r1.empty() ? Reply{} : r1[0];
    if (h) {
      h->update(m1);
      h->update(r1[0].raw);
    }
    std::uint64_t sid = r1[0].header.session_id;
    auto tok = ini.step(r1[0].as<proto::SessionSetupResponse>().security_buffer);
    EXPECT_TRUE(tok.has_value());
    ss.security_buffer = tok ? *tok : wire::Bytes{};
    hdr = header(proto::Command::SESSION_SETUP);
    hdr.session_id = sid;
    wire::Bytes m2 = proto::encode_message(hdr, proto::RequestBody(ss));
    if (h) h->update(m2);
    auto r2 = send_raw(m2);
    EXPECT_EQ(r2.size(), 1u);
    if (r2.empty()) return Reply{};
    if (r2[0].status().is_success()) {
      session_id = sid;
      if (!ini.session_key().empty()) {
        auto keys = security::derive_session_keys(dialect, ini.session_key(), h ? h->value() : wire::Bytes{});
        signing_key = keys.signing_key;
      }
    }
    return r2[0];
  }

  Reply tree_connect(const std::string& share = "share", bool sign = false) {
    proto::TreeConnectRequest t;
    t.path = "\\\\127.0.0.1\\" + share;
    proto::Header h = header(proto::Command::TREE_CONNECT);
    h.tree_id = 0;
    Reply r = request(h, proto::RequestBody(t), sign);
    if (r.status().is_success()) tree_id = r.header.tree_id;
    return r;
  }

  /** NEGOTIATE (2.0.2-3.0.2), SESSION_SETUP alice, TREE_CONNECT share. */
  void logon() {
    ASSERT_EQ(negotiate().status(), status::STATUS_SUCCESS);
    ASSERT_EQ(session_setup().status(), status::STATUS_SUCCESS);
    ASSERT_EQ(tree_connect().status(), status::STATUS_SUCCESS);
  }

  Reply create(const std::string& name, std::uint32_t desired_access, std::uint32_t disposition = 3 /*OPEN_IF*/,
               std::uint32_t options = 0, std::uint32_t share_access = 7) {
    proto::CreateRequest c;
    c.name = name;
    c.desired_access = desired_access;
    c.create_disposition = disposition;
    c.create_options = options;
    c.share_access = share_access;
    c.impersonation_level = 2;
    return request(proto::Command::CREATE, c);
  }
  /** CREATE that must succeed; returns the FileId. */
  proto::FileId open(const std::string& name, std::uint32_t desired_access, std::uint32_t disposition = 3,
                     std::uint32_t options = 0) {
    Reply r = create(name, desired_access, disposition, options);
    EXPECT_EQ(r.status(), status::STATUS_SUCCESS) << "CREATE " << name;
    if (!r.status().is_success()) return {};
    return r.as<proto::CreateResponse>().file_id;
  }
  Reply flush(const proto::FileId& f) {
    proto::FlushRequest fl;
    fl.file_id = f;
    return request(proto::Command::FLUSH, fl);
  }
  Reply close(const proto::FileId& f) {
    proto::CloseRequest c;
    c.file_id = f;
    return request(proto::Command::CLOSE, c);
  }

  /** The control channel's view of one open (by volatile FileId). */
  nlohmann::json open_state(const proto::FileId& f) {
    auto st = handle_control(*server, R"({"op":"state"})");
    for (const auto& s : st["sessions"])
      for (const auto& o : s["opens"])
        if (o["file_id"]["volatile"] == f.volatile_) return o;
    return nullptr;
  }

  TempDir dir;
  std::unique_ptr<Server> server;
  std::shared_ptr<FakeTransport> transport;
  Connection* conn = nullptr;
  std::uint64_t next_message_id = 0;
  std::uint64_t session_id = 0;
  std::uint32_t tree_id = 0;
  std::uint16_t dialect = 0;
  wire::Bytes signing_key;
  security::SigningAlgorithm signing_algorithm = security::SigningAlgorithm::hmac_sha256;
  bool always_sign = false;
  std::optional<security::PreauthHash> preauth;
};

}  // namespace smb::server::test
