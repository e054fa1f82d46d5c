// The SMB1 client connection of the harness (smb1_client.hpp): NT LM 0.12 negotiate, SPNEGO session setup,
// MS-CIFS 3.1.4.1 signing with sequence numbers, tree connect, send/receive with deadlines.
#include "smbharness/smb1_client.hpp"

#include "smbharness/error.hpp"
#include "smbproto/smb1/signing.hpp"

namespace smb::harness {
namespace {
namespace p = proto::smb1;
// MS-CIFS 2.2.4.52.2 SecurityMode
constexpr std::uint8_t NEGOTIATE_SECURITY_SIGNATURES_ENABLED = 0x04;
constexpr std::uint8_t NEGOTIATE_SECURITY_SIGNATURES_REQUIRED = 0x08;
constexpr std::uint16_t SMB_SETUP_GUEST = 0x0001;
}  // namespace

Result<Smb1Client> Smb1Client::connect(const std::string& host, std::uint16_t port, Deadline deadline,
                                       CaptureLog* capture, const std::string& name) {
  auto t = TcpTransport::connect(host, port, deadline);
  if (!t) return t.error();
  Smb1Client c;
  c.transport_ = std::move(*t);
  c.transport_.set_capture(capture, name);
  return c;
}

p::Header Smb1Client::make_header(p::Command command) const {
  p::Header h;
  h.command = static_cast<std::uint8_t>(command);
  h.flags = p::SMB_FLAGS_CASE_INSENSITIVE | p::SMB_FLAGS_CANONICALIZED_PATHS;
  // MS-CIFS 2.2.3.1: NT_STATUS asks for 32-bit status codes (SMB1-COMMON-05), UNICODE strings, long names.
  h.flags2 = p::SMB_FLAGS2_UNICODE | p::SMB_FLAGS2_NT_STATUS | p::SMB_FLAGS2_EXTENDED_SECURITY |
             p::SMB_FLAGS2_LONG_NAMES | p::SMB_FLAGS2_IS_LONG_NAME;
  h.set_pid(pid_);
  h.uid = uid_;
  h.tid = tid_;
  h.mid = next_mid_;
  return h;
}

Smb1Received Smb1Client::decode(wire::Bytes bytes) {
  Smb1Received r;
  r.at = Clock::now();
  wire::Reader hr(bytes);
  if (auto h = p::decode_header(hr)) r.header = *h;
  if (r.header.is_response()) {
    auto d = p::decode_response(bytes);
    if (d) r.response = std::move(*d);
    else r.decode_error = d.error();
    // MS-CIFS 3.1.4.1 / 3.2.5.1: a response is signed with the request's sequence number + 1.
    if (signing_) {
      auto it = sequences_.find(r.header.mid);
      if (it != sequences_.end()) {
        r.signature = p::verify_signature(bytes, mac_key_, it->second + 1) ? Smb1Received::Signature::valid
                                                                          : Smb1Received::Signature::invalid;
        sequences_.erase(it);
      }
    }
  } else {
    auto d = p::decode_request(bytes);  // a server request: the oplock break (never signed, MS-CIFS 3.2.5.42)
    if (d) r.request = std::move(*d);
    else r.decode_error = d.error();
  }
  r.bytes = std::move(bytes);
  return r;
}

Result<std::uint16_t> Smb1Client::send(p::Header h, const std::vector<p::RequestBody>& bodies, const Smb1SendOptions& o) {
  bool sign = o.sign.value_or(signing_);
  if (signing_) h.flags2 |= p::SMB_FLAGS2_SMB_SECURITY_SIGNATURE;
  wire::Bytes msg = p::encode_message(h, bodies);
  if (signing_) {
    // Every request consumes a sequence number, one-way requests one, others two (MS-CIFS 3.2.4.1.1).
    std::uint32_t seq = next_sequence_;
    next_sequence_ += o.expects_response ? 2 : 1;
    if (o.expects_response) sequences_[h.mid] = seq;
    if (sign) p::sign_message(msg, mac_key_, seq);
  }
  for (const auto& patch : o.patches)
    for (std::size_t i = 0; i < patch.bytes.size() && patch.offset + i < msg.size(); ++i) msg[patch.offset + i] = patch.bytes[i];
  last_sent_ = msg;
  if (h.mid == next_mid_) {
    ++next_mid_;
    if (next_mid_ == 0xFFFF || next_mid_ == 0) next_mid_ = 1;
  }
  auto r = transport_.send_message(msg, deadline_in(std::chrono::seconds(10)));
  if (!r) return r.error();
  return h.mid;
}

Result<void> Smb1Client::send_raw(wire::ByteView bytes, bool framed, Deadline deadline) {
  last_sent_.assign(bytes.begin(), bytes.end());
  if (framed) return transport_.send_bytes(bytes, deadline);
  return transport_.send_message(bytes, deadline);
}

Result<Smb1Received> Smb1Client::receive(Deadline deadline) {
  if (!queue_.empty()) {
    Smb1Received r = std::move(queue_.front());
    queue_.pop_front();
    return r;
  }
  auto m = transport_.receive_message(deadline);
  if (!m) return m.error();
  return decode(std::move(*m));
}

Result<Smb1Received> Smb1Client::wait_for(std::uint16_t mid, Deadline deadline) {
  for (auto it = queue_.begin(); it != queue_.end(); ++it)
    if (it->header.is_response() && it->header.mid == mid) {
      Smb1Received r = std::move(*it);
      queue_.erase(it);
      return r;
    }
  for (;;) {
    auto m = transport_.receive_message(deadline);
    if (!m) return m.error();
    Smb1Received r = decode(std::move(*m));
    if (r.header.is_response() && r.header.mid == mid) return r;
    queue_.push_back(std::move(r));
    // The deadline is absolute: a peer streaming unrelated messages must not keep us here.
    if (Clock::now() >= deadline) return errc::timeout;
  }
}

Result<Smb1Received> Smb1Client::exchange(p::Header h, const p::RequestBody& body, Deadline deadline) {
  auto mid = send(h, {body});
  if (!mid) return mid.error();
  return wait_for(*mid, deadline);
}

Result<p::NegotiateResponse> Smb1Client::negotiate(Deadline deadline) {
  p::NegotiateRequest req;
  req.dialects = {"NT LM 0.12"};
  auto r = exchange(make_header(p::Command::SMB_COM_NEGOTIATE), req, deadline);
  if (!r) return r.error();
  last_status_ = NtStatus{r->header.status};
  if (r->header.status != 0) return errc::negotiate_failed;
  if (!r->response || r->response->bodies.empty()) return errc::bad_response;
  auto* resp = std::get_if<p::NegotiateResponse>(&r->response->bodies.front());
  if (!resp) return errc::bad_response;
  if (resp->dialect_index == p::kNoDialect) return errc::negotiate_failed;
  negotiate_ = *resp;
  return *resp;
}

Result<p::SessionSetupAndxResponse> Smb1Client::session_setup(const Account& account, bool require_signing,
                                                              Deadline deadline) {
  security::Credentials creds = account.credentials;
  if (account.kind == Account::Kind::anonymous) creds = security::Credentials{};
  if (account.kind == Account::Kind::guest && creds.user.empty()) creds.user = "smbconform-guest";
  security::Initiator init(creds);
  wire::Bytes token = init.initial_token();
  uid_ = 0;
  bool want_signing = require_signing || (negotiate_.security_mode & NEGOTIATE_SECURITY_SIGNATURES_REQUIRED);
  // MS-CIFS 2.2.4.52.2: a server without NEGOTIATE_SECURITY_SIGNATURES_ENABLED cannot sign.
  if (require_signing && !(negotiate_.security_mode & NEGOTIATE_SECURITY_SIGNATURES_ENABLED)) return errc::auth_failed;
  for (int leg = 0; leg < 4; ++leg) {
    p::SessionSetupAndxRequest req;
    req.max_buffer_size = 0xFFFF;
    req.max_mpx_count = 50;
    req.vc_number = 1;
    req.capabilities = p::CAP_UNICODE | p::CAP_LARGE_FILES | p::CAP_NT_SMBS | p::CAP_STATUS32 |
                       p::CAP_LEVEL_II_OPLOCKS | p::CAP_NT_FIND | p::CAP_EXTENDED_SECURITY;
    req.security_blob = token;
    req.native_os = "smbconform";
    req.native_lan_man = "smbconform";
    p::Header h = make_header(p::Command::SMB_COM_SESSION_SETUP_ANDX);
    // MS-CIFS 3.2.4.2.4: a client that wants signing sets SMB_FLAGS2_SMB_SECURITY_SIGNATURE on session setup.
    if (want_signing) h.flags2 |= p::SMB_FLAGS2_SMB_SECURITY_SIGNATURE;
    auto r = exchange(h, req, deadline);
    if (!r) return r.error();
    last_status_ = NtStatus{r->header.status};
    uid_ = r->header.uid;
    if (!r->response || r->response->bodies.empty()) return errc::auth_failed;
    auto* resp = std::get_if<p::SessionSetupAndxResponse>(&r->response->bodies.front());
    if (last_status_ == status::STATUS_MORE_PROCESSING_REQUIRED) {
      if (!resp) return errc::bad_response;
      auto next = init.step(resp->security_blob);
      if (!next) return errc::auth_failed;
      token = std::move(*next);
      continue;
    }
    if (last_status_ != status::STATUS_SUCCESS) return errc::auth_failed;
    if (!resp) return errc::bad_response;
    bool guest = (resp->action & SMB_SETUP_GUEST) != 0;
    if (want_signing && !guest && !init.session_key().empty()) {
      // MS-CIFS 3.2.5.3: the final SESSION_SETUP request was sequence 0, its response is signed with 1.
      signing_ = true;
      mac_key_ = init.session_key();
      next_sequence_ = 2;
      if (!p::verify_signature(r->bytes, mac_key_, 1)) return errc::bad_signature;
    }
    return *resp;
  }
  return errc::auth_failed;
}

Result<std::uint16_t> Smb1Client::add_session(const Account& account, Deadline deadline) {
  if (signing_) return errc::auth_failed;
  std::uint16_t first = uid_;
  auto r = session_setup(account, false, deadline);
  std::uint16_t second = uid_;
  uid_ = first;
  if (!r) return r.error();
  return second;
}

Result<p::TreeConnectAndxResponse> Smb1Client::tree_connect(const std::string& unc, Deadline deadline) {
  p::TreeConnectAndxRequest req;
  req.path = unc;
  req.service = "?????";
  req.password = {0};
  req.flags = p::TREE_CONNECT_ANDX_EXTENDED_RESPONSE;
  p::Header h = make_header(p::Command::SMB_COM_TREE_CONNECT_ANDX);
  h.tid = 0;
  auto r = exchange(h, req, deadline);
  if (!r) return r.error();
  last_status_ = NtStatus{r->header.status};
  if (r->signature == Smb1Received::Signature::invalid) return errc::bad_signature;
  if (r->header.status != 0) return errc::tree_connect_failed;
  if (!r->response || r->response->bodies.empty()) return errc::bad_response;
  auto* resp = std::get_if<p::TreeConnectAndxResponse>(&r->response->bodies.front());
  if (!resp) return errc::bad_response;
  tid_ = r->header.tid;
  return *resp;
}

}  // namespace smb::harness
