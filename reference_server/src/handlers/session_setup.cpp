// SMB2 SESSION_SETUP (MS-SMB2 3.3.5.5, 3.3.5.5.1-3.3.5.5.3).
#include "smbserver/handlers.hpp"
#include "smbserver/log.hpp"

namespace smb::server {
namespace {

constexpr std::uint8_t SMB2_SESSION_FLAG_BINDING = 0x01;
constexpr std::uint16_t SMB2_SESSION_FLAG_IS_GUEST = 0x0001;
constexpr std::uint16_t SMB2_SESSION_FLAG_IS_NULL = 0x0002;
constexpr std::uint8_t SMB2_NEGOTIATE_SIGNING_REQUIRED = 0x02;

}  // namespace

HandlerResult handle_session_setup(RequestContext& ctx, const proto::SessionSetupRequest& req) {
  Server& s = ctx.server;
  Connection& c = ctx.connection;
  // 3.3.5.5: binding a session to another channel needs multichannel; the reference server does
  // not bind -> STATUS_REQUEST_NOT_ACCEPTED.
  if (c.dialect >= 0x0300 && (req.flags & SMB2_SESSION_FLAG_BINDING)) return status::STATUS_REQUEST_NOT_ACCEPTED;

  Session* session = nullptr;
  bool fresh = false;
  if (ctx.header.session_id == 0) {
    // 3.3.5.5.1: a new session, State InProgress, in Connection.SessionTable and GlobalSessionTable.
    auto sess = std::make_unique<Session>();
    do {
      sess->session_id = s.next_session_id++;
    } while (sess->session_id == 0 || sess->session_id == ~0ull || s.global_session_table.count(sess->session_id));
    sess->state = SessionState::in_progress;
    sess->connection = &c;
    sess->creation_time = sess->idle_time = s.clock.now();
    if (c.dialect == 0x0311 && c.preauth_integrity_hash) sess->preauth_integrity_hash = c.preauth_integrity_hash;
    session = sess.get();
    s.global_session_table[session->session_id] = session;
    c.session_table.emplace(session->session_id, std::move(sess));
    fresh = true;
  } else {
    // 3.3.5.5.2: continue (or re-authenticate) a session of this connection.
    auto it = c.session_table.find(ctx.header.session_id);
    if (it == c.session_table.end()) return status::STATUS_USER_SESSION_DELETED;
    session = it->second.get();
  }
  ctx.response_session_id = session->session_id;
  if (!session->security_context) {
    security::AcceptorConfig ac;
    ac.users = s.config.users;
    ac.allow_guest = s.config.guest_allowed;
    ac.netbios_computer = s.config.server_name;
    session->security_context = std::make_unique<security::Acceptor>(ac);
  }
  // 3.3.5.5: the preauth hash covers every SESSION_SETUP request, including the final one.
  if (session->preauth_integrity_hash) session->preauth_integrity_hash->update(ctx.message);

  security::AcceptStep step = session->security_context->step(req.security_buffer);
  proto::SessionSetupResponse resp;
  resp.security_buffer = std::move(step.out_token);
  if (step.status == status::STATUS_MORE_PROCESSING_REQUIRED) {
    if (session->preauth_integrity_hash) ctx.hash_response_into_session = session;  // 3.3.5.5.3
    return HandlerResult::with_status(step.status, std::move(resp));
  }
  if (!step.status.is_success()) {
    if (step.status == status::STATUS_LOGON_FAILURE) ++s.statistics.sts0_pwerrors;
    log(LogLevel::info, "session setup failed: ", to_string(step.status));
    // The failed session is removed (3.3.5.5.3); a re-authentication failure ends the session too.
    std::uint64_t id = session->session_id;
    (void)fresh;
    remove_session(s, c, id);
    return step.status;
  }
  const auto& auth = session->security_context->result();
  if (!auth) return status::STATUS_LOGON_FAILURE;
  session->user = auth->user;
  session->domain = auth->domain;
  session->is_guest = auth->is_guest;
  session->is_anonymous = auth->is_anonymous;
  session->session_key = auth->session_key;
  if (session->session_key.size() > 16) session->session_key.resize(16);  // 3.3.5.5.3: first 16 bytes
  // 3.3.5.5.3: SigningRequired when the client or the server requires signing, never for
  // anonymous or guest sessions.
  session->signing_required = !session->is_guest && !session->is_anonymous &&
                              ((req.security_mode & SMB2_NEGOTIATE_SIGNING_REQUIRED) || s.config.signing_required);
  if (!session->session_key.empty()) {
    wire::Bytes preauth;
    if (session->preauth_integrity_hash) preauth = session->preauth_integrity_hash->value();
    session->keys = security::derive_session_keys(c.dialect, session->session_key, preauth);
  }
  session->security_context.reset();
  bool was_valid = session->state != SessionState::in_progress;
  session->state = SessionState::valid;
  if (!was_valid) ++s.statistics.sts0_sopens;
  if (session->is_guest) resp.session_flags |= SMB2_SESSION_FLAG_IS_GUEST;
  if (session->is_anonymous) resp.session_flags |= SMB2_SESSION_FLAG_IS_NULL;
  // 3.3.5.5.3: the final SESSION_SETUP response of a 3.x session with a key is signed; for 2.x we
  // sign it when signing is required, as the client then verifies it (3.2.5.3.1).
  if (!session->keys.signing_key.empty() && !session->is_guest && !session->is_anonymous &&
      (c.dialect >= 0x0300 || session->signing_required))
    ctx.sign_with = session;
  return resp;
}

}  // namespace smb::server
