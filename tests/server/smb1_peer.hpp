// One SMB1 client connection into an in-process reference server: the peer the SMB1 server tests share
// (smb1_handlers, smb1_locking, smb1_oplock_paths, smb1_samba_compat). Requests are built and responses decoded with
// the SMB1 codec; frames go through receive() on a FakeTransport (server_fixture.hpp).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "server_fixture.hpp"
#include "smbproto/security/gss.hpp"
#include "smbproto/smb1/messages.hpp"
#include "smbserver/connection.hpp"

namespace smb::server::test {

class Smb1Peer {
 public:
  using Header = proto::smb1::Header;
  using Command = proto::smb1::Command;

  explicit Smb1Peer(Server& s) : server_(s), transport_(std::make_shared<FakeTransport>()) {
    conn_ = &add_connection(s, transport_);
  }
  Connection& connection() { return *conn_; }
  bool closed() const { return transport_->closed || conn_->closed; }

  /** Sends one request (a UID/TID left 0 in `h` is filled from `uid`/`tid`); returns the SMB1 messages the server
   *  sent in reaction (responses and oplock breaks), transport prefix removed. */
  std::vector<wire::Bytes> send(Header h, proto::smb1::RequestBody body) {
    h.uid = h.uid ? h.uid : uid;
    h.tid = h.tid ? h.tid : tid;
    return send_raw(proto::smb1::encode_message(h, std::vector<proto::smb1::RequestBody>{std::move(body)}));
  }
  std::vector<wire::Bytes> send_raw(const wire::Bytes& msg) {
    wire::Bytes framed{0, static_cast<std::uint8_t>(msg.size() >> 16), static_cast<std::uint8_t>(msg.size() >> 8),
                       static_cast<std::uint8_t>(msg.size())};
    framed.insert(framed.end(), msg.begin(), msg.end());
    std::size_t before = transport_->frames.size();
    receive(server_, *conn_, framed);
    return since(before);
  }
  /** Messages sent since frame index `before`. */
  std::vector<wire::Bytes> since(std::size_t before) {
    std::vector<wire::Bytes> out;
    for (std::size_t i = before; i < transport_->frames.size(); ++i)
      out.emplace_back(transport_->frames[i].begin() + 4, transport_->frames[i].end());
    return out;
  }
  std::size_t sent_count() const { return transport_->frames.size(); }

  /** A request header with Unicode, NT status and extended security (MS-CIFS 2.2.3.1), PID 0x0101. */
  static Header header(Command c, std::uint16_t mid = 1) {
    Header h;
    h.command = static_cast<std::uint8_t>(c);
    h.flags2 = proto::smb1::SMB_FLAGS2_UNICODE | proto::smb1::SMB_FLAGS2_NT_STATUS |
               proto::smb1::SMB_FLAGS2_EXTENDED_SECURITY;
    h.pid_low = 0x0101;
    h.mid = mid;
    return h;
  }
  static Header header(Command c, std::uint16_t uid_, std::uint16_t tid_, std::uint16_t mid) {
    Header h = header(c, mid);
    h.uid = uid_;
    h.tid = tid_;
    return h;
  }

  bool negotiate() {
    proto::smb1::NegotiateRequest n;
    n.dialects = {"NT LM 0.12"};
    return send(header(Command::SMB_COM_NEGOTIATE), n).size() == 1;
  }
  /** SESSION_SETUP_ANDX legs (NTLMv2 through SPNEGO) until success; the new UID, 0 on failure. Leaves `uid` alone. */
  std::uint16_t session_setup(const std::string& user = "alice", const std::string& password = "pass") {
    security::Initiator init(security::Credentials{user, password, "", "T"});
    wire::Bytes token = init.initial_token();
    std::uint16_t id = 0;
    for (int leg = 0; leg < 3; ++leg) {
      proto::smb1::SessionSetupAndxRequest ss;
      ss.capabilities = proto::smb1::CAP_UNICODE | proto::smb1::CAP_STATUS32 | proto::smb1::CAP_LEVEL_II_OPLOCKS |
                        proto::smb1::CAP_EXTENDED_SECURITY;
      ss.security_blob = token;
      auto rr = send_with_ids(header(Command::SMB_COM_SESSION_SETUP_ANDX, static_cast<std::uint16_t>(2 + leg)), ss, id, 0);
      if (rr.size() != 1) return 0;
      auto d = proto::smb1::decode_response(rr[0]);
      if (!d) return 0;
      id = d->header.uid;
      if (d->header.status == 0) return id;
      auto next = init.step(std::get<proto::smb1::SessionSetupAndxResponse>(d->bodies.front()).security_blob);
      if (!next) return 0;
      token = *next;
    }
    return 0;
  }
  /** TREE_CONNECT_ANDX to \\srv\share under `session`; the TID, 0 on failure. */
  std::uint16_t tree_connect(std::uint16_t session) {
    proto::smb1::TreeConnectAndxRequest tc;
    tc.path = "\\\\srv\\share";
    tc.password = {0};
    auto t = send_with_ids(header(Command::SMB_COM_TREE_CONNECT_ANDX, 9), tc, session, 0);
    if (t.size() != 1) return 0;
    auto d = proto::smb1::decode_response(t[0]);
    return d && d->header.status == 0 ? d->header.tid : 0;
  }
  /** NEGOTIATE, SESSION_SETUP_ANDX and TREE_CONNECT_ANDX; sets `uid` and `tid`. "" or what failed. */
  std::string logon(const std::string& user = "alice", const std::string& password = "pass") {
    if (!negotiate()) return "no NEGOTIATE response";
    uid = session_setup(user, password);
    if (uid == 0) return "SESSION_SETUP_ANDX failed";
    tid = tree_connect(uid);
    if (tid == 0) return "TREE_CONNECT_ANDX failed";
    return "";
  }

  /** NT_CREATE_ANDX; the messages sent in reaction (none while the open waits for an oplock break). */
  std::vector<wire::Bytes> create(const std::string& name, std::uint32_t access = 0xC0000000, std::uint32_t share = 7,
                                  std::uint32_t flags = 0, std::uint32_t disposition = 3) {
    proto::smb1::NtCreateAndxRequest c;
    c.file_name = name;
    c.desired_access = access;
    c.share_access = share;
    c.create_disposition = disposition;
    c.impersonation_level = 2;
    c.flags = flags;
    return send(header(Command::SMB_COM_NT_CREATE_ANDX, 20), c);
  }
  /** NT_CREATE_ANDX (share all) that must be answered at once; its decoded response. */
  proto::smb1::Smb1Response open(const std::string& name, std::uint32_t access = 0xC0000000, std::uint32_t flags = 0,
                                 std::uint32_t disposition = 3) {
    auto r = create(name, access, 7, flags, disposition);
    EXPECT_EQ(r.size(), 1u);
    return *proto::smb1::decode_response(r.at(0));
  }
  /** LOCKING_ANDX acknowledging a break of `fid` to `level` (MS-CIFS 3.3.5.30). */
  std::vector<wire::Bytes> ack(std::uint16_t fid, std::uint8_t level) {
    proto::smb1::LockingAndxRequest a;
    a.fid = fid;
    a.type_of_lock = proto::smb1::OPLOCK_RELEASE;
    a.new_op_lock_level = level;
    return send(header(Command::SMB_COM_LOCKING_ANDX, 40), a);
  }

  std::uint16_t uid = 0, tid = 0;

 private:
  /** send() with these exact UID/TID (0 stays 0). */
  std::vector<wire::Bytes> send_with_ids(Header h, proto::smb1::RequestBody body, std::uint16_t u, std::uint16_t t) {
    h.uid = u;
    h.tid = t;
    return send_raw(proto::smb1::encode_message(h, std::vector<proto::smb1::RequestBody>{std::move(body)}));
  }

  Server& server_;
  std::shared_ptr<FakeTransport> transport_;
  Connection* conn_ = nullptr;
};

/**
 * The SMB1 server tests' fixture: an in-process server with SMB1 on, share "share" in a temporary directory,
 * accounts alice/pass and bob/pass2, and a fake clock `now` (advance it and call server->clock.fire_due()).
 */
class Smb1ServerTest : public ::testing::Test {
 protected:
  /** Makes `server`; `configure` sets options (the compatibility switches) on the config first. */
  void make(const std::function<void(ServerConfig&)>& configure = {}) {
    ServerConfig cfg;
    cfg.shares.push_back(ShareConfig{"share", dir.path});
    cfg.users["alice"] = "pass";
    cfg.users["bob"] = "pass2";
    cfg.smb1_enabled = true;
    if (configure) configure(cfg);
    auto made = make_server(cfg, [this] { return now; });
    ASSERT_TRUE(std::holds_alternative<std::unique_ptr<Server>>(made)) << std::get<std::string>(made);
    server = std::move(std::get<0>(made));
  }
  TempDir dir;
  Clock::TimePoint now{std::chrono::seconds(1000)};
  std::unique_ptr<Server> server;
};

/** The FID of a successful NT_CREATE_ANDX response. */
inline std::uint16_t fid_of(const proto::smb1::Smb1Response& r) {
  return std::get<proto::smb1::NtCreateAndxResponse>(r.bodies.front()).fid;
}

}  // namespace smb::server::test
