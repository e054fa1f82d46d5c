// A logged-on SMB2 session over the harness Client for the hardening programs and bench/: connect, NEGOTIATE,
// SESSION_SETUP, TREE_CONNECT, then one-call CREATE/WRITE/READ/FLUSH/LOCK/CLOSE returning the NTSTATUS as data.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "smbharness/client.hpp"

namespace smb::hardening {

// MS-SMB2 2.2.13 / MS-FSCC 2.4 values used by the programs.
inline constexpr std::uint32_t kFileReadData = 0x00000001;
inline constexpr std::uint32_t kFileWriteData = 0x00000002;
inline constexpr std::uint32_t kFileAppendData = 0x00000004;  // needed to extend a file (MS-SMB2 3.3.5.13)
inline constexpr std::uint32_t kFileReadAttributes = 0x00000080;
inline constexpr std::uint32_t kDelete = 0x00010000;
inline constexpr std::uint32_t kShareAll = 0x00000007;
inline constexpr std::uint32_t kFileOpen = 1, kFileCreate = 2, kFileOpenIf = 3, kFileOverwriteIf = 5;
inline constexpr std::uint32_t kLockExclusive = 0x02, kLockUnlock = 0x04, kLockFailImmediately = 0x10;  // 2.2.26.1

class Smb2Session {
 public:
  /**
   * Connects and logs on as user/password (NTLMv2) to \\host\share, offering `dialects` (empty: all).
   * Errors: the Client's (connect_failed, timeout, negotiate_failed, auth_failed, tree_connect_failed, ...).
   */
  static Result<Smb2Session> open(const std::string& host, std::uint16_t port, const std::string& user,
                                  const std::string& password, const std::string& share,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(10),
                                  std::vector<std::uint16_t> dialects = {}) {
    auto dl = harness::deadline_in(timeout);
    auto c = harness::Client::connect(host, port, dl);
    if (!c) return c.error();
    harness::NegotiateOptions no;
    if (!dialects.empty()) no.dialects = std::move(dialects);
    if (auto n = c->negotiate(no, dl); !n) return n.error();
    harness::Account a;
    a.credentials = security::Credentials{user, password, "", "HARDENING"};
    if (auto s = c->session_setup(a, dl); !s) return s.error();
    if (auto t = c->tree_connect("\\\\" + host + "\\" + share, dl); !t) return t.error();
    Smb2Session s;
    s.client_.emplace(std::move(*c));
    s.timeout_ = timeout;
    return s;
  }

  harness::Client& client() { return *client_; }

  /** Sends one request and waits for its final response. Errors: transport errors, errc::timeout. */
  Result<harness::Received> call(proto::Command cmd, const proto::RequestBody& body, std::size_t payload = 0) {
    auto dl = harness::deadline_in(timeout_);
    auto id = client_->send(client_->make_header(cmd, payload), body);
    if (!id) return id.error();
    return client_->wait_for(*id, dl);
  }

  /** CREATE; the FileId on STATUS_SUCCESS, else nullopt with `status` set. */
  std::optional<proto::FileId> create(const std::string& name, std::uint32_t access, std::uint32_t disposition,
                                      NtStatus& status, std::uint32_t share_access = kShareAll) {
    proto::CreateRequest c;
    c.name = name;
    c.desired_access = access;
    c.create_disposition = disposition;
    c.share_access = share_access;
    c.impersonation_level = 2;
    c.file_attributes = 0x80;  // FILE_ATTRIBUTE_NORMAL
    auto r = call(proto::Command::CREATE, c);
    if (!r) {
      status = NtStatus{0xFFFFFFFF};
      return std::nullopt;
    }
    status = r->header.nt_status();
    if (!status.is_success() || !r->body) return std::nullopt;
    if (auto* cr = std::get_if<proto::CreateResponse>(&*r->body)) return cr->file_id;
    return std::nullopt;
  }
  NtStatus write(const proto::FileId& f, std::uint64_t offset, wire::Bytes data) {
    proto::WriteRequest w;
    w.file_id = f;
    w.offset = offset;
    std::size_t n = data.size();
    w.data = std::move(data);
    return status_of(call(proto::Command::WRITE, w, n));
  }
  /** READ; the data on success, else nullopt with `status` set. */
  std::optional<wire::Bytes> read(const proto::FileId& f, std::uint64_t offset, std::uint32_t length, NtStatus& status) {
    proto::ReadRequest r;
    r.file_id = f;
    r.offset = offset;
    r.length = length;
    auto resp = call(proto::Command::READ, r, length);
    status = status_of(resp);
    if (!status.is_success() || !resp->body) return std::nullopt;
    if (auto* rr = std::get_if<proto::ReadResponse>(&*resp->body)) return rr->data;
    return std::nullopt;
  }
  NtStatus flush(const proto::FileId& f) {
    proto::FlushRequest r;
    r.file_id = f;
    return status_of(call(proto::Command::FLUSH, r));
  }
  NtStatus lock(const proto::FileId& f, std::uint64_t offset, std::uint64_t length, std::uint32_t flags) {
    proto::LockRequest r;
    r.file_id = f;
    proto::LockElement e;
    e.offset = offset;
    e.length = length;
    e.flags = flags;
    r.locks.push_back(e);
    return status_of(call(proto::Command::LOCK, r));
  }
  NtStatus close(const proto::FileId& f) {
    proto::CloseRequest r;
    r.file_id = f;
    return status_of(call(proto::Command::CLOSE, r));
  }
  NtStatus echo() { return status_of(call(proto::Command::ECHO, proto::EchoRequest{})); }

 private:
  static NtStatus status_of(const Result<harness::Received>& r) {
    return r ? r->header.nt_status() : NtStatus{0xFFFFFFFF};  // no response: not an NTSTATUS any server sends
  }
  std::optional<harness::Client> client_;
  std::chrono::milliseconds timeout_{10000};
};

}  // namespace smb::hardening
