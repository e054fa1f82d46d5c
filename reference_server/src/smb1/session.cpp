// SMB1 session commands: NEGOTIATE, SESSION_SETUP_ANDX, LOGOFF_ANDX, TREE_CONNECT_ANDX, TREE_DISCONNECT, ECHO
// (MS-CIFS 3.3.5.2x, MS-SMB 3.3.5.2-3.3.5.4).
#include "smb1_internal.hpp"
#include "smbproto/security/gss.hpp"
#include "smbserver/access.hpp"
#include "smbserver/log.hpp"

namespace smb::server::smb1 {
namespace {

// MS-CIFS 2.2.4.52.2 SecurityMode
constexpr std::uint8_t NEGOTIATE_USER_SECURITY = 0x01;
constexpr std::uint8_t NEGOTIATE_ENCRYPT_PASSWORDS = 0x02;
constexpr std::uint8_t NEGOTIATE_SECURITY_SIGNATURES_ENABLED = 0x04;
constexpr std::uint8_t NEGOTIATE_SECURITY_SIGNATURES_REQUIRED = 0x08;
// MS-CIFS 2.2.4.53.2 Action
constexpr std::uint16_t SMB_SETUP_GUEST = 0x0001;
// MS-CIFS 2.2.4.55.2 OptionalSupport
constexpr std::uint16_t SMB_SUPPORT_SEARCH_BITS = 0x0001;
constexpr std::uint16_t SMB_UNIQUE_FILE_NAME = 0x0010;
constexpr std::uint32_t CAP_RPC_REMOTE_APIS = 0x00000020;

/** A UID unused on the server: it is also the Session.SessionId, so it must not collide with SMB2 ids. */
std::optional<std::uint16_t> allocate_uid(Server& s) {
  for (int tries = 0; tries < 0x10000; ++tries) {
    std::uint64_t id = s.next_session_id++;
    if (id == 0 || id >= 0xFFFE) {
      s.next_session_id = 1;
      continue;
    }
    if (!s.global_session_table.count(id)) return static_cast<std::uint16_t>(id);
  }
  return std::nullopt;
}

}  // namespace

Reply handle_negotiate(Request& r, const p::NegotiateRequest& m) {
  Server& s = r.server;
  // MS-CIFS 3.3.5.2: a second NEGOTIATE on the connection is an error (Samba disconnects).
  if (r.state.negotiated) return status::STATUS_INVALID_SMB;
  p::NegotiateResponse resp;
  // MS-CIFS 3.3.5.2: pick the dialect the server supports; the reference server speaks only "NT LM 0.12".
  std::optional<std::size_t> index;
  for (std::size_t i = 0; i < m.dialects.size(); ++i)
    if (m.dialects[i] == "NT LM 0.12") index = i;
  if (!index) {
    // "If the server does not support any of the listed dialects, it MUST return a response with
    // DialectIndex 0xFFFF" (MS-CIFS 2.2.4.52.2), WordCount 1.
    resp.word_count = 0x01;
    resp.dialect_index = p::kNoDialect;
    return resp;
  }
  resp.dialect_index = static_cast<std::uint16_t>(*index);
  resp.security_mode = NEGOTIATE_USER_SECURITY | NEGOTIATE_ENCRYPT_PASSWORDS | NEGOTIATE_SECURITY_SIGNATURES_ENABLED |
                       (s.config.signing_required ? NEGOTIATE_SECURITY_SIGNATURES_REQUIRED : 0);
  resp.max_mpx_count = 50;
  resp.max_number_vcs = 1;
  resp.max_buffer_size = 65535;
  resp.max_raw_size = 65536;
  resp.session_key = 0;
  resp.capabilities = p::CAP_UNICODE | p::CAP_LARGE_FILES | p::CAP_NT_SMBS | p::CAP_STATUS32 |
                      p::CAP_LEVEL_II_OPLOCKS | 0x00000100 /* CAP_LOCK_AND_READ (legacy.cpp) */ | p::CAP_NT_FIND | p::CAP_LARGE_READX | p::CAP_LARGE_WRITEX |
                      p::CAP_EXTENDED_SECURITY;
  (void)CAP_RPC_REMOTE_APIS;  // no named pipes on IPC$ yet
  resp.system_time = filetime_now();
  resp.server_time_zone = 0;
  // MS-SMB 2.2.4.5.2.1: extended security form (the only one the GSS acceptor supports).
  resp.server_guid = s.server_guid;
  resp.security_blob = security::negotiate_response_token();
  r.state.negotiated = true;
  r.state.server_capabilities = resp.capabilities;
  r.header.flags2 |= p::SMB_FLAGS2_EXTENDED_SECURITY;
  return resp;
}

Reply handle_session_setup(Request& r, const p::SessionSetupAndxRequest& m) {
  Server& s = r.server;
  Connection& c = r.connection;
  Session* session = nullptr;
  if (r.header.uid == 0) {
    // MS-CIFS 3.3.5.3 / MS-SMB 3.3.5.3: a new session; the UID travels in the response header.
    auto uid = allocate_uid(s);
    if (!uid) return status::STATUS_INSUFFICIENT_RESOURCES;
    auto sess = std::make_unique<Session>();
    sess->session_id = *uid;
    sess->state = SessionState::in_progress;
    sess->connection = &c;
    sess->creation_time = sess->idle_time = s.clock.now();
    session = sess.get();
    s.global_session_table[session->session_id] = session;
    c.session_table.emplace(session->session_id, std::move(sess));
    r.header.uid = *uid;
  } else {
    session = find_uid(c, r.header.uid);
    if (!session) return status::STATUS_SMB_BAD_UID;  // MS-SMB 3.3.5.3: continuation with an unknown UID
  }
  r.state.client_capabilities = m.capabilities;
  if (!session->security_context) {
    security::AcceptorConfig ac;
    ac.users = s.config.users;
    ac.allow_guest = s.config.guest_allowed;
    ac.netbios_computer = s.config.server_name;
    session->security_context = std::make_unique<security::Acceptor>(ac);
  }
  security::AcceptStep step = session->security_context->step(m.security_blob);
  p::SessionSetupAndxResponse resp;
  resp.security_blob = std::move(step.out_token);
  resp.native_os = "Unix";
  resp.native_lan_man = "smbconform";
  resp.primary_domain = s.config.server_name;
  if (step.status == status::STATUS_MORE_PROCESSING_REQUIRED) return Reply::with_status(step.status, std::move(resp));
  if (!step.status.is_success()) {
    if (step.status == status::STATUS_LOGON_FAILURE) ++s.statistics.sts0_pwerrors;
    log(LogLevel::info, "smb1: session setup failed: ", to_string(step.status));
    remove_session(s, c, session->session_id);
    return step.status;
  }
  const auto& auth = session->security_context->result();
  if (!auth) return status::STATUS_LOGON_FAILURE;
  session->user = auth->user;
  session->domain = auth->domain;
  session->is_guest = auth->is_guest;
  session->is_anonymous = auth->is_anonymous;
  session->session_key = auth->session_key;
  if (session->session_key.size() > 16) session->session_key.resize(16);
  session->security_context.reset();
  bool was_valid = session->state != SessionState::in_progress;
  session->state = SessionState::valid;
  if (!was_valid) ++s.statistics.sts0_sopens;
  if (session->is_guest) resp.action |= SMB_SETUP_GUEST;
  // MS-CIFS 3.3.5.3 / 3.1.4.1: signing starts with the first session that has a key, when the client signs
  // (SMB_FLAGS2_SMB_SECURITY_SIGNATURE in the request) or the server requires it. The final SESSION_SETUP
  // request counts as sequence number 0, its response is signed with 1, the next request uses 2.
  bool client_signs = (r.header.flags2 & p::SMB_FLAGS2_SMB_SECURITY_SIGNATURE) != 0;
  if (!r.state.signing_active && !session->session_key.empty() && !session->is_guest && !session->is_anonymous &&
      (client_signs || s.config.signing_required)) {
    r.state.signing_active = true;
    r.state.mac_key = session->session_key;
    r.sequence = 0;
    r.state.next_sequence = 2;
    session->signing_required = true;
  }
  return resp;
}

Reply handle_logoff(Request& r, const p::LogoffAndxRequest&) {
  // MS-CIFS 3.3.5.4x LOGOFF_ANDX: every open and tree of the UID goes away.
  if (!r.session) return status::STATUS_SMB_BAD_UID;
  if (r.server.config.smb1_logoff_keeps_trees) {
    // Opt-in Samba model (--smb1-logoff-keeps-trees): the UID's opens are closed as usual, but its tree connects
    // stay valid on the connection (Samba keeps SMB1 TIDs per connection; smbtorture raw.lock "async" reuses one
    // after ULOGOFF). They move to the remaining session with the lowest UID (find_tid searches every session);
    // with no other session they go away as MS-CIFS 3.3.5.44 says (a request needing a UID then disconnects,
    // MS-SMB 3.3.5.1). Default: MS-CIFS 3.3.5.44 / 2.2.4.54, every TreeConnect of the UID is disconnected.
    Session* heir = nullptr;
    for (auto& [sid, sess] : r.connection.session_table)
      if (sess.get() != r.session && sess->state == SessionState::valid) {
        heir = sess.get();
        break;
      }
    if (heir) {
      for (auto& [tid, tc] : r.session->tree_connect_table) {
        tc->session = heir;
        heir->tree_connect_table.emplace(tid, std::move(tc));
      }
      r.session->tree_connect_table.clear();
    }
  }
  remove_session(r.server, r.connection, r.session->session_id);
  r.session = nullptr;
  return p::LogoffAndxResponse{};
}

Reply handle_tree_connect(Request& r, const p::TreeConnectAndxRequest& m) {
  Server& s = r.server;
  Connection& c = r.connection;
  if (!r.session) return status::STATUS_SMB_BAD_UID;
  // MS-CIFS 2.2.4.55.1 Flags: TREE_CONNECT_ANDX_DISCONNECT_TID disconnects the header's TID first (errors ignored).
  if (m.flags & p::TREE_CONNECT_ANDX_DISCONNECT_TID) {
    if (TreeConnect* old = find_tid(c, r.header.tid); old && old->session)
      remove_tree_connect(s, *old->session, old->tree_id);
  }
  std::string_view path = m.path;
  auto slash = path.find_last_of('\\');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  Share* share = find_share(s, name);
  if (!share) return status::STATUS_BAD_NETWORK_NAME;  // MS-CIFS 3.3.5.50: ERRSRV/ERRinvnetname
  // Service: "?????" matches anything; "A:" a disk share, "IPC" a pipe share (MS-CIFS 2.2.4.55.1).
  if ((m.service == "A:" && share->is_pipe) || (m.service == "IPC" && !share->is_pipe))
    return NtStatus{0xC00000CB};  // STATUS_BAD_DEVICE_TYPE (ERRSRV/ERRinvdevice)
  auto tc = std::make_unique<TreeConnect>();
  // TIDs are unique per connection (Connection.TreeConnectTable); 0 and 0xFFFF are never issued.
  std::uint16_t tid = 0;
  for (int tries = 0; tries < 0x10000 && tid == 0; ++tries) {
    std::uint16_t cand = r.state.next_tid++;
    if (cand == 0 || cand == 0xFFFF) continue;
    if (!find_tid(c, cand)) tid = cand;
  }
  if (tid == 0) return status::STATUS_INSUFFICIENT_RESOURCES;
  tc->tree_id = tid;
  tc->share = share;
  tc->session = r.session;
  tc->maximal_access = share->config.read_only ? access::READ_ONLY_ACCESS : access::FILE_ALL_ACCESS;
  p::TreeConnectAndxResponse resp;
  resp.word_count = (m.flags & p::TREE_CONNECT_ANDX_EXTENDED_RESPONSE) ? 0x07 : 0x03;
  resp.optional_support = SMB_SUPPORT_SEARCH_BITS | SMB_UNIQUE_FILE_NAME;
  resp.maximal_share_access_rights = tc->maximal_access;
  resp.guest_maximal_share_access_rights = tc->maximal_access;
  resp.service = share->is_pipe ? "IPC" : "A:";
  resp.native_file_system = share->is_pipe ? "" : "NTFS";
  r.session->tree_connect_table.emplace(tid, std::move(tc));
  r.header.tid = tid;
  return resp;
}

Reply handle_tree_disconnect(Request& r, const p::TreeDisconnectRequest&) {
  // MS-CIFS 3.3.5.49: every open of the tree is closed and the TID freed.
  if (!r.tree || !r.tree->session) return status::STATUS_SMB_BAD_TID;
  remove_tree_connect(r.server, *r.tree->session, r.tree->tree_id);
  r.tree = nullptr;
  return p::TreeDisconnectResponse{};
}

Reply handle_echo(Request&, const p::EchoRequest& m) {
  // MS-CIFS 3.3.5.32: the engine sends EchoCount copies with SequenceNumber 1..EchoCount.
  p::EchoResponse resp;
  resp.sequence_number = 1;
  resp.data = m.data;
  return resp;
}

}  // namespace smb::server::smb1
