// Synchronous SMB2/3 client: NEGOTIATE with 3.1.1 contexts, multi-leg SESSION_SETUP, signing, TREE_CONNECT,
// arbitrary requests and a receive queue of split compound members.
#include "smbharness/client.hpp"

#include <algorithm>

#include "smbharness/error.hpp"
#include "smbproto/framing.hpp"
#include "smbproto/security/detail/crypto.hpp"

namespace smb::harness {
namespace {

constexpr std::uint16_t kCreditRequest = 8;

}  // namespace

std::optional<std::uint16_t> dialect_from_string(const std::string& s) {
  if (s == "2.0.2") return 0x0202;
  if (s == "2.1") return 0x0210;
  if (s == "3.0") return 0x0300;
  if (s == "3.0.2") return 0x0302;
  if (s == "3.1.1") return 0x0311;
  return std::nullopt;
}

std::string dialect_to_string(std::uint16_t d) {
  switch (d) {
    case 0x0202: return "2.0.2";
    case 0x0210: return "2.1";
    case 0x0300: return "3.0";
    case 0x0302: return "3.0.2";
    case 0x0311: return "3.1.1";
    default: {
      char buf[16];
      std::snprintf(buf, sizeof buf, "0x%04x", d);
      return buf;
    }
  }
}

Result<Client> Client::connect(const std::string& host, std::uint16_t port, Deadline deadline, CaptureLog* capture,
                               const std::string& name) {
  auto t = TcpTransport::connect(host, port, deadline);
  if (!t) return t.error();
  Client c;
  c.transport_ = std::move(*t);
  c.transport_.set_capture(capture, name);
  c.host_ = host;
  return c;
}

proto::Header Client::make_header(proto::Command command, std::size_t payload_size) const {
  proto::Header h;
  h.command = static_cast<std::uint16_t>(command);
  h.message_id = next_message_id_;
  h.session_id = session_id_;
  h.tree_id = tree_id_;
  h.credit_request_response = kCreditRequest;
  // MS-SMB2 3.2.4.1.5: CreditCharge is 0 on 2.0.2 (no multi-credit), else 1 + (size - 1) / 64 KiB.
  bool multi_credit = dialect_ != 0 && dialect_ != 0x0202 && (negotiate_.capabilities & 0x4) != 0;
  if (dialect_ != 0x0202 && dialect_ != 0) h.credit_charge = 1;
  if (multi_credit && payload_size > 0) h.credit_charge = static_cast<std::uint16_t>((payload_size - 1) / 65536 + 1);
  return h;
}

void Client::sign_message(std::span<std::uint8_t> message) const {
  if (message.size() < proto::kHeaderSize) return;
  std::uint32_t flags = message[0x10] | (message[0x11] << 8) | (message[0x12] << 16) | (std::uint32_t{message[0x13]} << 24);
  flags |= proto::SMB2_FLAGS_SIGNED;
  for (int i = 0; i < 4; ++i) message[0x10 + i] = static_cast<std::uint8_t>(flags >> (8 * i));
  security::sign(message, keys_.signing_key, signing_alg_);
}

bool Client::should_sign(std::uint16_t command) const {
  // MS-SMB2 3.2.4.1.1: sign when Session.SigningRequired; on 3.1.1 a TREE_CONNECT of an
  // authenticated (not guest/anonymous) session is always signed (3.2.4.2.4).
  if (!has_signing_key()) return false;
  return signs_ || (dialect_ == proto::kDialect311 && command == static_cast<std::uint16_t>(proto::Command::TREE_CONNECT));
}

Result<std::uint64_t> Client::send(proto::Header header, const proto::RequestBody& body, const SendOptions& opts) {
  bool sign = opts.sign.value_or(should_sign(header.command)) && has_signing_key();
  if (opts.sign.value_or(false) && !has_signing_key()) sign = false;  // nothing to sign with
  if (sign) header.flags |= proto::SMB2_FLAGS_SIGNED;
  wire::Bytes msg = proto::encode_message(header, body);
  if (sign) sign_message(msg);
  for (const auto& p : opts.patches) {
    if (p.offset + p.bytes.size() > msg.size()) msg.resize(p.offset + p.bytes.size(), 0);
    std::copy(p.bytes.begin(), p.bytes.end(), msg.begin() + static_cast<std::ptrdiff_t>(p.offset));
  }
  if (opts.advance_message_id && header.command != static_cast<std::uint16_t>(proto::Command::CANCEL))
    next_message_id_ = header.message_id + std::max<std::uint64_t>(1, header.credit_charge);
  last_sent_ = msg;
  auto r = transport_.send_message(msg, deadline_in(std::chrono::seconds(30)));
  if (!r) return r.error();
  return header.message_id;
}

Result<void> Client::send_compound(std::vector<proto::Header> headers, const std::vector<proto::RequestBody>& bodies,
                                   const std::vector<SendOptions>& opts) {
  std::vector<wire::Bytes> msgs;
  for (std::size_t i = 0; i < headers.size(); ++i) {
    bool sign = opts[i].sign.value_or(should_sign(headers[i].command)) && has_signing_key();
    if (sign) headers[i].flags |= proto::SMB2_FLAGS_SIGNED;
    wire::Bytes m = proto::encode_message(headers[i], bodies[i]);
    bool last = i + 1 == headers.size();
    // MS-SMB2 3.2.4.1.4: every member but the last is padded to 8 bytes; NextCommand = padded length.
    if (!last) {
      while (m.size() % 8 != 0) m.push_back(0);
      std::uint32_t nc = static_cast<std::uint32_t>(m.size());
      for (int b = 0; b < 4; ++b) m[0x14 + b] = static_cast<std::uint8_t>(nc >> (8 * b));
    }
    if (sign) sign_message(m);
    for (const auto& p : opts[i].patches) {
      if (p.offset + p.bytes.size() > m.size()) m.resize(p.offset + p.bytes.size(), 0);
      std::copy(p.bytes.begin(), p.bytes.end(), m.begin() + static_cast<std::ptrdiff_t>(p.offset));
    }
    if (opts[i].advance_message_id && headers[i].command != static_cast<std::uint16_t>(proto::Command::CANCEL))
      next_message_id_ = headers[i].message_id + std::max<std::uint64_t>(1, headers[i].credit_charge);
    msgs.push_back(std::move(m));
  }
  wire::Bytes all;
  for (auto& m : msgs) all.insert(all.end(), m.begin(), m.end());
  last_sent_ = all;
  return transport_.send_message(all, deadline_in(std::chrono::seconds(30)));
}

Result<void> Client::send_raw(wire::ByteView bytes, bool framed, Deadline deadline) {
  last_sent_.assign(bytes.begin(), bytes.end());
  if (framed) return transport_.send_bytes(bytes, deadline);
  return transport_.send_message(bytes, deadline);
}

void Client::verify(Received& r) const {
  if (!r.header.is_response() || (r.header.flags & proto::SMB2_FLAGS_SIGNED) == 0) {
    r.signature = Received::Signature::unsigned_;
    return;
  }
  // MS-SMB2 3.2.5.1.3: the client looks the session up by the response's SessionId and verifies with that
  // session's key. A response naming a session this connection does not have (e.g. the answer to a request sent
  // with a never-issued SessionId) has no key to check against, so its signature is not graded.
  if (keys_.signing_key.empty() || r.header.session_id != session_id_) {
    r.signature = Received::Signature::unchecked;
    return;
  }
  r.signature = security::verify(r.bytes, keys_.signing_key, signing_alg_) ? Received::Signature::valid
                                                                           : Received::Signature::invalid;
}

Result<Received> Client::receive(Deadline deadline) {
  if (!queue_.empty()) {
    Received r = std::move(queue_.front());
    queue_.pop_front();
    return r;
  }
  auto frame = transport_.receive_message(deadline);
  if (!frame) return frame.error();
  auto at = Clock::now();
  auto members = proto::split_compound(*frame);
  std::vector<wire::ByteView> parts;
  if (members) {
    parts = *members;
  } else {
    parts.push_back(wire::ByteView(*frame));
  }
  for (auto part : parts) {
    Received r;
    r.bytes.assign(part.begin(), part.end());
    r.at = at;
    wire::Reader rd(r.bytes);
    auto h = proto::decode_header(rd);
    if (!h) {
      r.decode_error = h.error();
      queue_.push_back(std::move(r));
      continue;
    }
    r.header = *h;
    credits_ += r.header.credit_request_response;
    auto body = proto::decode_response_body(r.header, rd);
    if (body) {
      r.body = std::move(*body);
    } else {
      r.decode_error = body.error();
    }
    verify(r);
    queue_.push_back(std::move(r));
  }
  Received r = std::move(queue_.front());
  queue_.pop_front();
  return r;
}

Result<Received> Client::wait_for(std::uint64_t message_id, Deadline deadline) {
  std::deque<Received> others;
  auto restore = [&] {
    for (auto it = others.rbegin(); it != others.rend(); ++it) queue_.push_front(std::move(*it));
  };
  for (;;) {
    auto r = receive(deadline);
    if (!r) {
      restore();
      return r.error();
    }
    // MS-SMB2 3.2.5.1.5: an interim response (ASYNC flag, STATUS_PENDING) is not the final response; keep waiting.
    bool interim = r->header.is_async() && r->header.status == status::STATUS_PENDING.value;
    if (r->header.message_id == message_id && !interim) {
      restore();
      return r;
    }
    if (!(r->header.message_id == message_id && interim)) others.push_back(std::move(*r));
    // The deadline is absolute: a peer streaming interim or unrelated responses must not keep us here
    // (receive() alone would not notice, since each message arrives in time).
    if (Clock::now() >= deadline) {
      restore();
      return errc::timeout;
    }
  }
}

bool Client::wait_closed(Deadline deadline, bool& got_data) {
  if (!queue_.empty()) {
    got_data = true;
    return false;
  }
  return transport_.wait_closed(deadline, got_data);
}

Result<Received> Client::exchange(proto::Header h, const proto::RequestBody& body, Deadline deadline,
                                  security::PreauthHash* preauth, wire::Bytes* sent_bytes) {
  bool sign = should_sign(h.command);
  if (sign) h.flags |= proto::SMB2_FLAGS_SIGNED;
  wire::Bytes msg = proto::encode_message(h, body);
  if (sign) sign_message(msg);
  if (preauth) preauth->update(msg);
  if (sent_bytes) *sent_bytes = msg;
  next_message_id_ = h.message_id + std::max<std::uint64_t>(1, h.credit_charge);
  auto s = transport_.send_message(msg, deadline);
  if (!s) return s.error();
  return wait_for(h.message_id, deadline);
}

Result<proto::NegotiateResponse> Client::negotiate(const NegotiateOptions& opts, Deadline deadline) {
  proto::NegotiateRequest req;
  req.security_mode = opts.security_mode;
  client_security_mode_ = opts.security_mode;
  req.capabilities = opts.capabilities;
  auto guid = security::detail::random_bytes(16);
  std::copy(guid.begin(), guid.end(), req.client_guid.bytes.begin());
  req.dialects = opts.dialects;
  bool offers_311 = std::find(opts.dialects.begin(), opts.dialects.end(), proto::kDialect311) != opts.dialects.end();
  if (offers_311) {
    // MS-SMB2 3.2.4.2.2.2: a 3.1.1 client sends exactly one PREAUTH_INTEGRITY_CAPABILITIES context.
    proto::PreauthIntegrityCapabilities pre;
    pre.hash_algorithms = {0x0001};  // SHA-512
    pre.salt = security::detail::random_bytes(32);
    req.negotiate_contexts.push_back(proto::make_context(pre));
    if (!opts.signing_algorithms.empty()) {
      proto::SigningCapabilities sc;
      sc.signing_algorithms = opts.signing_algorithms;
      req.negotiate_contexts.push_back(proto::make_context(sc));
    }
  }
  proto::Header h = make_header(proto::Command::NEGOTIATE);
  h.credit_charge = 0;
  security::PreauthHash hash;
  auto r = exchange(h, req, deadline, offers_311 ? &hash : nullptr, nullptr);
  if (!r) return r.error();
  last_status_ = r->header.nt_status();
  if (r->header.nt_status() != status::STATUS_SUCCESS) return errc::negotiate_failed;
  if (!r->body) return errc::bad_response;
  auto* resp = std::get_if<proto::NegotiateResponse>(&*r->body);
  if (resp == nullptr) return errc::bad_response;
  negotiate_ = *resp;
  dialect_ = resp->dialect_revision;
  signing_alg_ = security::default_signing_algorithm(dialect_);
  if (dialect_ == proto::kDialect311) {
    hash.update(r->bytes);  // MS-SMB2 3.2.5.2: the NEGOTIATE response joins the connection's hash
    connection_preauth_ = hash;
    if (auto* sc = proto::find_context(resp->negotiate_contexts, proto::SMB2_SIGNING_CAPABILITIES)) {
      proto::SigningCapabilities caps;
      if (proto::parse_context(sc->data, caps) && caps.signing_algorithms.size() == 1)
        signing_alg_ = static_cast<security::SigningAlgorithm>(caps.signing_algorithms[0]);
    }
  }
  return *resp;
}

Result<proto::SessionSetupResponse> Client::session_setup(const Account& account, Deadline deadline) {
  security::Credentials creds = account.credentials;
  if (account.kind == Account::Kind::anonymous) creds = security::Credentials{};
  if (account.kind == Account::Kind::guest && creds.user.empty()) creds.user = "smbconform-guest";
  security::Initiator init(creds);
  std::optional<security::PreauthHash> preauth = connection_preauth_;
  wire::Bytes token = init.initial_token();
  session_id_ = 0;
  signs_ = false;
  keys_ = {};
  for (int leg = 0; leg < 4; ++leg) {
    proto::SessionSetupRequest req;
    req.security_mode = static_cast<std::uint8_t>(client_security_mode_);
    req.capabilities = 0x1;  // DFS (MS-SMB2 2.2.5: only DFS is meaningful)
    req.security_buffer = token;
    proto::Header h = make_header(proto::Command::SESSION_SETUP);
    auto r = exchange(h, req, deadline, preauth ? &*preauth : nullptr, nullptr);
    if (!r) return r.error();
    last_status_ = r->header.nt_status();
    if (!r->body) return errc::bad_response;
    session_id_ = r->header.session_id;
    if (r->header.nt_status() == status::STATUS_MORE_PROCESSING_REQUIRED) {
      if (preauth) preauth->update(r->bytes);
      auto* resp = std::get_if<proto::SessionSetupResponse>(&*r->body);
      if (resp == nullptr) return errc::bad_response;
      auto next = init.step(resp->security_buffer);
      if (!next) return errc::auth_failed;
      token = std::move(*next);
      continue;
    }
    if (r->header.nt_status() != status::STATUS_SUCCESS) return errc::auth_failed;
    auto* resp = std::get_if<proto::SessionSetupResponse>(&*r->body);
    if (resp == nullptr) return errc::bad_response;
    session_flags_ = resp->session_flags;
    bool guest_or_null = (resp->session_flags & (kSessionFlagIsGuest | kSessionFlagIsNull)) != 0;
    if (!guest_or_null && !init.session_key().empty()) {
      // MS-SMB2 3.2.5.3.1: keys from the session key (and, on 3.1.1, the session's preauth hash).
      keys_ = security::derive_session_keys(dialect_, init.session_key(),
                                            preauth ? wire::ByteView(preauth->value()) : wire::ByteView{});
      bool required = (client_security_mode_ & kSigningRequired) != 0 ||
                      (negotiate_.security_mode & kSigningRequired) != 0;
      signs_ = required;
      verify(*r);
      if (r->signature == Received::Signature::invalid) return errc::bad_signature;
    }
    return *resp;
  }
  return errc::auth_failed;
}

Result<proto::TreeConnectResponse> Client::tree_connect(const std::string& unc, Deadline deadline) {
  proto::TreeConnectRequest req;
  req.path = unc;
  proto::Header h = make_header(proto::Command::TREE_CONNECT);
  h.tree_id = 0;
  auto r = exchange(h, req, deadline, nullptr, nullptr);
  if (!r) return r.error();
  last_status_ = r->header.nt_status();
  if (r->signature == Received::Signature::invalid) return errc::bad_signature;
  if (r->header.nt_status() != status::STATUS_SUCCESS) return errc::tree_connect_failed;
  if (!r->body) return errc::bad_response;
  auto* resp = std::get_if<proto::TreeConnectResponse>(&*r->body);
  if (resp == nullptr) return errc::bad_response;
  tree_id_ = r->header.tree_id;
  return *resp;
}

}  // namespace smb::harness
