// The SMB1 protocol engine: common validation (MS-CIFS 3.3.5.2, MS-SMB 3.3.5.1), AndX chains, status forms,
// signing, responses, deferred answers and the oplock-break bridge from the shared oplock machinery.
#include <algorithm>
#include <filesystem>
#include <set>

#include "smb1_internal.hpp"
#include "smbproto/smb1/signing.hpp"
#include "smbserver/connection.hpp"
#include "smbserver/log.hpp"
#include "smbserver/oplock.hpp"

namespace smb::server {
namespace smb1 {
namespace {

using p::Command;

constexpr std::uint8_t code(Command c) { return static_cast<std::uint8_t>(c); }
constexpr std::uint8_t SMB_COM_FIND_CLOSE2 = 0x34;
constexpr std::uint8_t SMB_COM_QUERY_INFORMATION_DISK = 0x80;
constexpr std::uint8_t SMB_COM_CREATE_DIRECTORY = 0x00;
constexpr std::uint8_t SMB_COM_CHECK_DIRECTORY = 0x10;

/**
 * Command codes MS-CIFS 2.2.2.1 defines (obsolete, deprecated or current). A defined code we do not implement
 * gets STATUS_NOT_IMPLEMENTED (ERRDOS/ERRbadfunc); any other code STATUS_SMB_BAD_COMMAND (ERRSRV/ERRbadcmd)
 * (MS-CIFS 3.3.5.2).
 */
bool is_defined_command(std::uint8_t c) {
  if (c <= 0x2F) return true;  // 0x00 CREATE_DIRECTORY .. 0x2F WRITE_ANDX
  static const std::set<std::uint8_t> more{0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x70, 0x71, 0x72, 0x73, 0x74,
                                           0x75, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0xA0, 0xA1, 0xA2, 0xA4,
                                           0xA5, 0xC0, 0xC1, 0xC2, 0xC3, 0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xFE};
  return more.count(c) != 0;
}

void send_bytes(Server& s, Connection& c, const wire::Bytes& msg) {
  // MS-SMB 2.1: Direct TCP transport, 4-byte prefix (zero byte, 24-bit big-endian length).
  wire::Bytes framed;
  framed.reserve(msg.size() + 4);
  framed.push_back(0);
  framed.push_back(static_cast<std::uint8_t>(msg.size() >> 16));
  framed.push_back(static_cast<std::uint8_t>(msg.size() >> 8));
  framed.push_back(static_cast<std::uint8_t>(msg.size()));
  framed.insert(framed.end(), msg.begin(), msg.end());
  s.statistics.sts0_bytessent += framed.size();
  if (!c.closed && c.transport) c.transport->send(std::move(framed));
}

/** The response header for `req` with `st` in the form the request asked for (MS-CIFS 2.2.3.1 <27>). */
p::Header response_header(const p::Header& req, NtStatus st) {
  p::Header h = req;
  h.flags = static_cast<std::uint8_t>(p::SMB_FLAGS_REPLY |
                                      (req.flags & (p::SMB_FLAGS_CASE_INSENSITIVE | p::SMB_FLAGS_CANONICALIZED_PATHS)));
  h.flags2 = static_cast<std::uint16_t>(
      req.flags2 & (p::SMB_FLAGS2_UNICODE | p::SMB_FLAGS2_NT_STATUS | p::SMB_FLAGS2_EXTENDED_SECURITY |
                    p::SMB_FLAGS2_LONG_NAMES | p::SMB_FLAGS2_EAS | p::SMB_FLAGS2_IS_LONG_NAME));
  h.security_features = {};
  // "a client sets NT_STATUS to ask for 32-bit codes (the server MUST then use them; otherwise it SHOULD use
  // SMBSTATUS)" (MS-CIFS 2.2.3.1).
  if (st.value == 0) h.status = 0;
  else if ((st.value & 0xFF000000u) == 0xF1000000u) {
    // A handler forced the SMBSTATUS form (Samba's NT_STATUS_DOS encoding 0xF1000000 | class << 16 | code;
    // opt-in Windows/Samba behaviour, see smb1/locking.cpp): the pair, without SMB_FLAGS2_NT_STATUS.
    h.flags2 = static_cast<std::uint16_t>(h.flags2 & ~p::SMB_FLAGS2_NT_STATUS);
    h.status = ((st.value >> 16) & 0xFFu) | ((st.value & 0xFFFFu) << 16);
  } else if (req.flags2 & p::SMB_FLAGS2_NT_STATUS) h.status = st.value;
  else h.status = dos_status(st);
  return h;
}

/** Encodes, signs (MS-CIFS 3.1.4.1: response = request sequence + 1) and sends one response. */
void send_response(Server& s, Connection& c, p::Header h, const std::vector<p::ResponseBody>& bodies,
                   std::uint32_t request_sequence) {
  Smb1ConnectionState& st = *c.smb1;
  if (st.signing_active) h.flags2 |= p::SMB_FLAGS2_SMB_SECURITY_SIGNATURE;
  wire::Bytes msg = p::encode_message(h, bodies);
  if (st.signing_active) p::sign_message(msg, st.mac_key, request_sequence + 1);
  send_bytes(s, c, msg);
}

/** Commands that need no UID (MS-CIFS 3.3.5.2). */
bool needs_uid(std::uint8_t c) {
  return c != code(Command::SMB_COM_NEGOTIATE) && c != code(Command::SMB_COM_ECHO) &&
         c != code(Command::SMB_COM_SESSION_SETUP_ANDX);
}
/** Commands that need no TID (MS-CIFS 3.3.5.2). */
bool needs_tid(std::uint8_t c) {
  return c != code(Command::SMB_COM_NEGOTIATE) && c != code(Command::SMB_COM_SESSION_SETUP_ANDX) &&
         c != code(Command::SMB_COM_TREE_CONNECT_ANDX) && c != code(Command::SMB_COM_LOGOFF_ANDX);
}
/** MS-SMB 3.3.5.1: the commands an Expired session may still send. */
bool allowed_when_expired(std::uint8_t c) {
  return c == code(Command::SMB_COM_CLOSE) || c == code(Command::SMB_COM_LOGOFF_ANDX) ||
         c == code(Command::SMB_COM_FLUSH) || c == code(Command::SMB_COM_LOCKING_ANDX) ||
         c == code(Command::SMB_COM_TREE_DISCONNECT);
}

/** MS-CIFS 3.3.5.30: a LOCKING_ANDX with OPLOCK_RELEASE and no ranges gets no response (raw byte test). */
bool is_bare_oplock_ack(wire::ByteView m) {
  if (m.size() < 51 || m[4] != code(Command::SMB_COM_LOCKING_ANDX) || m[32] != 8) return false;
  std::uint8_t type = m[39];
  std::uint16_t unlocks = static_cast<std::uint16_t>(m[45] | (m[46] << 8));
  std::uint16_t locks = static_cast<std::uint16_t>(m[47] | (m[48] << 8));
  return (type & p::OPLOCK_RELEASE) && unlocks == 0 && locks == 0;
}

Reply dispatch(Request& r, const p::RequestBody& body) {
  return std::visit(
      [&](const auto& m) -> Reply {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, p::NegotiateRequest>) return handle_negotiate(r, m);
        else if constexpr (std::is_same_v<T, p::SessionSetupAndxRequest>) return handle_session_setup(r, m);
        else if constexpr (std::is_same_v<T, p::LogoffAndxRequest>) return handle_logoff(r, m);
        else if constexpr (std::is_same_v<T, p::TreeConnectAndxRequest>) return handle_tree_connect(r, m);
        else if constexpr (std::is_same_v<T, p::TreeDisconnectRequest>) return handle_tree_disconnect(r, m);
        else if constexpr (std::is_same_v<T, p::EchoRequest>) return handle_echo(r, m);
        else if constexpr (std::is_same_v<T, p::NtCreateAndxRequest>) return handle_nt_create(r, m);
        else if constexpr (std::is_same_v<T, p::CloseRequest>) return handle_close(r, m);
        else if constexpr (std::is_same_v<T, p::FlushRequest>) return handle_flush(r, m);
        else if constexpr (std::is_same_v<T, p::ReadAndxRequest>) return handle_read(r, m);
        else if constexpr (std::is_same_v<T, p::WriteAndxRequest>) return handle_write(r, m);
        else if constexpr (std::is_same_v<T, p::WriteAndCloseRequest>) return handle_write_and_close(r, m);
        else if constexpr (std::is_same_v<T, p::LockingAndxRequest>) return handle_locking(r, m);
        else if constexpr (std::is_same_v<T, p::Transaction2Request>) return handle_trans2(r, m);
        else if constexpr (std::is_same_v<T, p::DeleteRequest>) return handle_delete(r, m);
        else if constexpr (std::is_same_v<T, p::DeleteDirectoryRequest>) return handle_delete_directory(r, m);
        else if constexpr (std::is_same_v<T, p::RenameRequest>) return handle_rename(r, m);
        else if constexpr (std::is_same_v<T, p::NtRenameRequest>) return handle_nt_rename(r, m);
        // NT_CANCEL is handled by handle_legacy before any UID/TID check, because nothing may answer it (3.3.5.52).
        else if constexpr (std::is_same_v<T, p::NtCancelRequest>) return Reply::none();
        else return status::STATUS_NOT_IMPLEMENTED;  // monostate: never produced by the decoder
      },
      body);
}

/** Commands outside the codec's list that real clients send and that need no body codec. */
bool handle_legacy(Server& s, Connection& c, const p::Header& h, wire::ByteView msg, std::uint32_t seq) {
  Smb1ConnectionState& st = *c.smb1;
  if (handle_legacy_file(s, c, h, msg, seq)) return true;
  if (h.command == code(Command::SMB_COM_NT_CANCEL)) {
    // MS-CIFS 3.3.5.52: the pending requests with the same UID, TID, PID and MID are cancelled and answer
    // themselves; NT_CANCEL itself "MUST NOT send a response", also when nothing matches (2.2.4.65).
    (void)cancel_pending_smb1(s, c, h);
    return true;
  }
  if (h.command == SMB_COM_CREATE_DIRECTORY || h.command == SMB_COM_CHECK_DIRECTORY) {
    // MS-CIFS 2.2.4.1 / 2.2.4.17 (deprecated; smbclient's mkdir and cd): WordCount 0, Bytes = BufferFormat 0x04 +
    // DirectoryName, the same layout as SMB_COM_DELETE_DIRECTORY, so that codec decodes them. Response: empty.
    auto reply = [&](NtStatus e) {
      send_response(s, c, response_header(h, e), {p::Smb1ErrorResponse{}}, seq);
      return true;
    };
    if (msg.size() < p::kMinMessageSize) return reply(status::STATUS_INVALID_SMB);
    Session* sess = find_uid(c, h.uid);
    if (!sess) return reply(status::STATUS_SMB_BAD_UID);
    TreeConnect* tree = find_tid(c, h.tid);
    if (!tree) return reply(status::STATUS_SMB_BAD_TID);
    if (!tree->share->store) return reply(status::STATUS_ACCESS_DENIED);
    wire::Reader br(msg, p::kHeaderSize);
    p::DeleteDirectoryRequest req;
    if (!p::decode(br, req, h.context())) return reply(status::STATUS_INVALID_SMB);
    auto path = smb1_path(req.directory_name);
    if (!path) return reply(path.status());
    if (h.command == SMB_COM_CHECK_DIRECTORY) {
      auto opened = tree->share->store->open(*path, Disposition::open, ObjectKind::directory, false, 0);
      if (!opened) {
        NtStatus st = opened.status();
        // MS-CIFS 2.2.4.17.2: a missing directory is ERRDOS/ERRbadpath.
        if (st == status::STATUS_OBJECT_NAME_NOT_FOUND || st == status::STATUS_NOT_A_DIRECTORY) st = NtStatus{0xC000003A};
        return reply(st);
      }
      return reply(status::STATUS_SUCCESS);
    }
    if (tree->share->config.read_only) return reply(status::STATUS_MEDIA_WRITE_PROTECTED);
    auto opened = tree->share->store->open(*path, Disposition::create, ObjectKind::directory, false, 0);
    return reply(opened ? status::STATUS_SUCCESS : opened.status());
  }
  if (h.command == SMB_COM_QUERY_INFORMATION_DISK) {
    // MS-CIFS 2.2.4.57 (deprecated, still used by smbclient's "dskattr"): WordCount 0 request; response
    // WordCount 5: TotalUnits, BlocksPerUnit, BlockSize, FreeUnits, Reserved (16-bit each), ByteCount 0.
    if (msg.size() < 35 || msg[32] != 0) {
      send_response(s, c, response_header(h, status::STATUS_INVALID_SMB), {p::Smb1ErrorResponse{}}, seq);
      return true;
    }
    TreeConnect* tree = find_tid(c, h.tid);
    if (!find_uid(c, h.uid) || !tree) {
      send_response(s, c, response_header(h, tree ? status::STATUS_SMB_BAD_UID : status::STATUS_SMB_BAD_TID),
                    {p::Smb1ErrorResponse{}}, seq);
      return true;
    }
    std::error_code ec;
    auto space = tree->share->store ? std::filesystem::space(tree->share->config.root, ec) : std::filesystem::space_info{};
    // Scale so the unit count fits 16 bits: BlockSize 512, BlocksPerUnit a power of two.
    std::uint64_t per_unit = 8;
    while (space.capacity / (512 * per_unit) > 0xFFFF && per_unit < 0x8000) per_unit *= 2;
    p::Header rh = response_header(h, status::STATUS_SUCCESS);
    if (st.signing_active) rh.flags2 |= p::SMB_FLAGS2_SMB_SECURITY_SIGNATURE;
    wire::Bytes out;
    wire::Writer w(out);
    p::encode(w, rh);
    w.u8(5);
    w.u16(static_cast<std::uint16_t>(std::min<std::uint64_t>(space.capacity / (512 * per_unit), 0xFFFF)));
    w.u16(static_cast<std::uint16_t>(per_unit));
    w.u16(512);
    w.u16(static_cast<std::uint16_t>(std::min<std::uint64_t>(space.available / (512 * per_unit), 0xFFFF)));
    w.u16(0);
    w.u16(0);  // ByteCount
    if (st.signing_active) p::sign_message(out, st.mac_key, seq + 1);
    send_bytes(s, c, out);
    return true;
  }
  if (h.command == SMB_COM_FIND_CLOSE2) {
    // MS-CIFS 2.2.4.50: WordCount 1 (SearchHandle), ByteCount 0. Response WordCount 0.
    if (msg.size() < 37 || msg[32] != 1) {
      send_response(s, c, response_header(h, status::STATUS_INVALID_SMB), {p::Smb1ErrorResponse{}}, seq);
      return true;
    }
    std::uint16_t sid = static_cast<std::uint16_t>(msg[33] | (msg[34] << 8));
    NtStatus result = st.searches.erase(sid) ? status::STATUS_SUCCESS : status::STATUS_INVALID_HANDLE;
    send_response(s, c, response_header(h, result), {p::Smb1ErrorResponse{}}, seq);
    return true;
  }
  return false;
}

/** The whole receive path of one message; `sequence` is set for a deferred re-run. */
bool process(Server& s, Connection& c, wire::ByteView msg, std::optional<std::uint32_t> sequence) {
  if (!c.smb1) {
    // A connection that negotiated SMB2 must not switch to SMB1.
    if (c.negotiate_dialect != 0xFFFF) return false;
    c.smb1 = std::make_shared<Smb1ConnectionState>();
  }
  Smb1ConnectionState& st = *c.smb1;
  // MS-CIFS 3.3.5.2: fewer than 32 bytes cannot carry a header to answer to: disconnect.
  if (msg.size() < p::kHeaderSize) return false;
  wire::Reader hr(msg);
  auto hdr = p::decode_header(hr);
  if (!hdr) return false;
  p::Header h = *hdr;
  if (h.is_response()) return true;  // a reply sent to the server: ignored

  // Signing (MS-CIFS 3.3.5.2, 3.1.4.1): the request carries the next sequence number; a request that gets no
  // response (NT_CANCEL, a bare oplock acknowledgment) consumes one number, every other one two.
  std::uint32_t seq = 0;
  if (sequence) {
    seq = *sequence;
  } else if (st.signing_active) {
    seq = st.next_sequence;
    bool one_way = h.command == code(Command::SMB_COM_NT_CANCEL) || is_bare_oplock_ack(msg);
    st.next_sequence += one_way ? 1 : 2;
    if (!p::verify_signature(msg, st.mac_key, seq)) {
      // MS-SMB 3.3.5.1: bad signature -> STATUS_ACCESS_DENIED, sts0_permerrors += 1.
      ++s.statistics.sts0_permerrors;
      if (!one_way) send_response(s, c, response_header(h, status::STATUS_ACCESS_DENIED), {p::Smb1ErrorResponse{}}, seq);
      return true;
    }
  }

  auto fail = [&](NtStatus e) {
    send_response(s, c, response_header(h, e), {p::Smb1ErrorResponse{}}, seq);
    return true;
  };
  // MS-CIFS 3.3.5.2: a message shorter than the minimum, or than WordCount/ByteCount claim -> STATUS_INVALID_SMB.
  if (msg.size() < p::kMinMessageSize) return fail(status::STATUS_INVALID_SMB);
  if (!st.negotiated && h.command != code(Command::SMB_COM_NEGOTIATE)) {
    log(LogLevel::info, "smb1: request before NEGOTIATE; disconnecting");
    return false;
  }
  if (handle_legacy(s, c, h, msg, seq)) return true;
  if (!p::is_known_command(h.command))
    return fail(is_defined_command(h.command) ? status::STATUS_NOT_IMPLEMENTED : status::STATUS_SMB_BAD_COMMAND);

  auto decoded = p::decode_request(msg);
  if (!decoded) {
    if (decoded.error() == proto::errc::unknown_command) return fail(status::STATUS_NOT_IMPLEMENTED);  // chained
    return fail(status::STATUS_INVALID_SMB);
  }
  const auto& bodies = decoded->bodies;

  Request r{s, c, st, h, wire::Bytes(msg.begin(), msg.end()), seq};
  std::vector<p::ResponseBody> out;
  NtStatus final_status = status::STATUS_SUCCESS;
  std::uint8_t first_command = h.command;
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    auto cmd = p::command_of(bodies[i]);
    if (!cmd) break;
    std::uint8_t cc = code(*cmd);
    r.header.command = cc;
    r.first_in_chain = i == 0;
    r.session = nullptr;
    r.tree = nullptr;
    NtStatus check = status::STATUS_SUCCESS;
    if (needs_uid(cc)) {
      if (c.session_table.empty()) {
        // MS-SMB 3.3.5.1: "If the SessionTable is empty, the server SHOULD disconnect" (<106>: older Windows
        // answer STATUS_ACCESS_DENIED).
        log(LogLevel::info, "smb1: request needing a UID with no session; disconnecting (MS-SMB 3.3.5.1)");
        return false;
      }
      r.session = find_uid(c, r.header.uid);
      if (!r.session) {
        ++s.statistics.sts0_permerrors;  // MS-SMB 3.3.5.1
        check = status::STATUS_SMB_BAD_UID;
      } else if (r.session->state == SessionState::expired && !allowed_when_expired(cc)) {
        check = status::STATUS_NETWORK_SESSION_EXPIRED;  // MS-SMB 3.3.5.1
      } else if (r.session->state == SessionState::in_progress) {
        ++s.statistics.sts0_permerrors;
        check = status::STATUS_INVALID_HANDLE;  // MS-SMB 3.3.5.1 (SHOULD)
      }
    } else if (cc == code(Command::SMB_COM_ECHO) || cc == code(Command::SMB_COM_NEGOTIATE)) {
      r.session = find_uid(c, r.header.uid);
    }
    // CIFS-specific statuses (STATUS_SMB_BAD_UID 0x005B0002, ...) have severity "success" (MS-CIFS 2.2.2.4), so
    // errors are told apart by value, never by NtStatus::is_success().
    if (check.value == 0 && needs_tid(cc)) {
      // MS-CIFS 3.3.5.33: an ECHO's TID is a valid one or 0xFFFF; with --smb1-echo-any-tid any TID (Samba).
      bool echo_any = cc == code(Command::SMB_COM_ECHO) && (r.header.tid == 0xFFFF || s.config.smb1_echo_any_tid);
      if (!echo_any) {
        r.tree = find_tid(c, r.header.tid);
        if (!r.tree) check = status::STATUS_SMB_BAD_TID;  // MS-CIFS 3.3.5.2: ERRSRV/ERRinvtid
      }
    }
    Reply rep = check.value == 0 ? dispatch(r, bodies[i]) : Reply(check);
    if (rep.deferred) return true;  // the handler answers later (only the first command of a chain defers)
    if (rep.no_response) {
      if (i == 0 && bodies.size() == 1) return true;
      continue;
    }
    if (cc == code(Command::SMB_COM_ECHO) && rep.status.value == 0 && rep.body) {
      // MS-CIFS 3.3.5.32: EchoCount responses with SequenceNumber 1..EchoCount; none for EchoCount 0.
      auto& req = std::get<p::EchoRequest>(bodies[i]);
      auto resp = std::get<p::EchoResponse>(*rep.body);
      for (std::uint16_t n = 1; n <= req.echo_count; ++n) {
        resp.sequence_number = n;
        send_response(s, c, response_header(r.header, status::STATUS_SUCCESS), {resp}, r.sequence);
      }
      return true;
    }
    if (rep.body) out.push_back(std::move(*rep.body));
    if (rep.status != status::STATUS_SUCCESS) {
      // Any non-zero status ends the chain (MS-CIFS 3.3.5.2); STATUS_MORE_PROCESSING_REQUIRED carries a body.
      final_status = rep.status;
      break;
    }
    if (c.closed) return false;
  }
  if (out.empty()) out.push_back(p::Smb1ErrorResponse{});
  p::Header rh = response_header(r.header, final_status);
  rh.command = first_command;
  send_response(s, c, rh, out, r.sequence);
  return !c.closed;
}

/** MS-CIFS 3.3.6.1 for an SMB1 open: the break completes with the level announced in the notification. */
void expire_smb1_break(Server& s, std::uint64_t durable_file_id) {
  auto it = s.global_open_table.find(durable_file_id);
  if (it == s.global_open_table.end()) return;
  Open& open = *it->second;
  if (open.oplock_state != OplockState::breaking) return;
  std::uint8_t level = kLevelNone;
  if (open.connection && open.connection->smb1) {
    auto& ann = open.connection->smb1->announced;
    if (auto a = ann.find(durable_file_id); a != ann.end()) level = a->second;
    ann.erase(durable_file_id);
  }
  log(LogLevel::info, "smb1: oplock break of '", open.path, "' timed out (MS-CIFS 3.3.6.1)");
  ++oplock_table(s).timeouts_fired;
  oplock_complete_break(s, open, level);
}

/**
 * Replaces the SMB2 acknowledgment timer of a breaking SMB1 open (oplock.cpp arms one that forces NONE,
 * MS-SMB2 3.3.6.1) by the SMB1 one with the same deadline (MS-CIFS 3.3.2.1, 3.3.6.1).
 */
void use_smb1_timer(Server& s, std::uint64_t durable_file_id) {
  auto it = s.global_open_table.find(durable_file_id);
  if (it == s.global_open_table.end() || it->second->oplock_state != OplockState::breaking) return;
  auto& t = oplock_table(s);
  auto b = t.breaking.find(durable_file_id);
  if (b == t.breaking.end()) return;
  s.clock.cancel(b->second.timer);
  b->second.timer = s.clock.schedule_at(it->second->oplock_timeout,
                                        [&s, durable_file_id] { expire_smb1_break(s, durable_file_id); });
}

}  // namespace

void send_words(Server& s, Connection& c, const p::Header& request_header, std::uint32_t sequence, NtStatus st,
                const wire::Bytes& words, const wire::Bytes& bytes) {
  Smb1ConnectionState& state = *c.smb1;
  p::Header rh = response_header(request_header, st);
  if (state.signing_active) rh.flags2 |= p::SMB_FLAGS2_SMB_SECURITY_SIGNATURE;
  wire::Bytes out;
  wire::Writer w(out);
  p::encode(w, rh);
  bool error = st.value != 0 && st != status::STATUS_MORE_PROCESSING_REQUIRED;
  // MS-CIFS 2.2.3.1 / 3.3.4.1.2: an error response has empty SMB_Parameters and SMB_Data.
  w.u8(error ? 0 : static_cast<std::uint8_t>(words.size() / 2));
  if (!error) w.bytes(words);
  w.u16(error ? 0 : static_cast<std::uint16_t>(bytes.size()));
  if (!error) w.bytes(bytes);
  if (state.signing_active) p::sign_message(out, state.mac_key, sequence + 1);
  send_bytes(s, c, out);
}

Session* find_uid(Connection& c, std::uint16_t uid) {
  auto it = c.session_table.find(uid);
  return it == c.session_table.end() ? nullptr : it->second.get();
}

TreeConnect* find_tid(Connection& c, std::uint16_t tid) {
  for (auto& [sid, sess] : c.session_table)
    if (auto it = sess->tree_connect_table.find(tid); it != sess->tree_connect_table.end()) return it->second.get();
  return nullptr;
}

Open* find_fid(Connection& c, std::uint16_t fid) {
  for (auto& [sid, sess] : c.session_table)
    if (auto it = sess->open_table.find(fid); it != sess->open_table.end()) return it->second.get();
  return nullptr;
}

bool is_smb1_open(const Open& o) { return o.connection && o.connection->smb1; }

void finish_deferred(Server& s, std::uint64_t connection_id, const p::Header& request_header, std::uint32_t sequence,
                     Reply reply) {
  auto it = s.connections.find(connection_id);
  if (it == s.connections.end() || it->second->closed || !it->second->smb1) return;
  Connection& c = *it->second;
  std::vector<p::ResponseBody> out;
  if (reply.body) out.push_back(std::move(*reply.body));
  else out.push_back(p::Smb1ErrorResponse{});
  send_response(s, c, response_header(request_header, reply.status), out, sequence);
}

void rerun_message(Server& s, std::uint64_t connection_id, const wire::Bytes& message, std::uint32_t sequence) {
  auto it = s.connections.find(connection_id);
  if (it == s.connections.end() || it->second->closed || !it->second->smb1) return;
  Connection& c = *it->second;
  if (!process(s, c, message, sequence)) disconnect(c, "SMB1 deferred request closed the connection");
}

std::uint32_t dos_status(NtStatus st) {
  // CIFS-specific NTSTATUS values are wire-identical to their class/code pair (MS-CIFS 2.2.2.4):
  // (ErrorCode << 16) | ErrorClass, e.g. STATUS_SMB_BAD_UID 0x005B0002 = ERRSRV/ERRbaduid.
  if ((st.value & 0xC000FF00u) == 0 && (st.value & 0xFF) >= 1 && (st.value & 0xFF) <= 3) return st.value;
  auto pair = [](std::uint8_t cls, std::uint16_t code) { return std::uint32_t{cls} | (std::uint32_t{code} << 16); };
  constexpr std::uint8_t DOS = p::ERRDOS, SRV = p::ERRSRV, HRD = p::ERRHRD;
  struct Row {
    std::uint32_t nt;
    std::uint8_t cls;
    std::uint16_t code;
  };
  // MS-CIFS 2.2.2.4 (SMB error classes and codes, with their NTSTATUS equivalents).
  static const Row rows[] = {
      {0xC0000008, DOS, 6},     // STATUS_INVALID_HANDLE -> ERRbadfid
      {0xC0000022, DOS, 5},     // STATUS_ACCESS_DENIED -> ERRnoaccess
      {0xC0000034, DOS, 2},     // STATUS_OBJECT_NAME_NOT_FOUND -> ERRbadfile
      {0xC000000F, DOS, 2},     // STATUS_NO_SUCH_FILE -> ERRbadfile
      {0xC000003A, DOS, 3},     // STATUS_OBJECT_PATH_NOT_FOUND -> ERRbadpath
      {0xC0000103, DOS, 3},     // STATUS_NOT_A_DIRECTORY -> ERRbadpath
      {0xC0000035, DOS, 80},    // STATUS_OBJECT_NAME_COLLISION -> ERRfilexists
      {0xC0000043, DOS, 32},    // STATUS_SHARING_VIOLATION -> ERRbadshare
      {0xC0000054, DOS, 33},    // STATUS_FILE_LOCK_CONFLICT -> ERRlock
      {0xC0000055, DOS, 33},    // STATUS_LOCK_NOT_GRANTED -> ERRlock
      {0xC000007E, DOS, 158},   // STATUS_RANGE_NOT_LOCKED -> ERROR_NOT_LOCKED
      {0xC000000D, DOS, 87},    // STATUS_INVALID_PARAMETER -> ERRinvalidparam
      {0xC0000002, DOS, 1},     // STATUS_NOT_IMPLEMENTED -> ERRbadfunc
      {0xC0000010, DOS, 1},     // STATUS_INVALID_DEVICE_REQUEST -> ERRbadfunc
      {0xC00000BB, SRV, 0xFFFF},  // STATUS_NOT_SUPPORTED -> ERRnosupport
      {0xC000007F, HRD, 39},    // STATUS_DISK_FULL -> ERRdiskfull
      {0xC0000011, DOS, 38},    // STATUS_END_OF_FILE -> ERRhandleeof
      {0xC00000CC, SRV, 6},     // STATUS_BAD_NETWORK_NAME -> ERRinvnetname
      {0xC00000C9, SRV, 6},     // STATUS_NETWORK_NAME_DELETED -> ERRinvnetname
      {0xC000006D, SRV, 2},     // STATUS_LOGON_FAILURE -> ERRbadpw
      {0xC0000016, DOS, 234},   // STATUS_MORE_PROCESSING_REQUIRED -> ERRmoredata
      {0xC000035C, SRV, 0x5B},  // STATUS_NETWORK_SESSION_EXPIRED -> ERRbaduid
      {0xC00000BA, DOS, 5},     // STATUS_FILE_IS_A_DIRECTORY -> ERRnoaccess
      {0xC0000101, DOS, 145},   // STATUS_DIRECTORY_NOT_EMPTY -> ERRdirnotempty
      {0xC0000056, DOS, 5},     // STATUS_DELETE_PENDING -> ERRnoaccess
      {0xC0000033, DOS, 123},   // STATUS_OBJECT_NAME_INVALID -> ERRinvalidname
      {0xC00000A2, HRD, 19},    // STATUS_MEDIA_WRITE_PROTECTED -> ERRnowrite
      {0x80000006, DOS, 18},    // STATUS_NO_MORE_FILES -> ERRnofiles
      {0xC0000128, DOS, 6},     // STATUS_FILE_CLOSED -> ERRbadfid
      {0xC0000120, DOS, 0xAD},  // STATUS_CANCELLED -> ERROR_CANCEL_VIOLATION
      {0xC00000B5, DOS, 33},    // STATUS_IO_TIMEOUT -> ERRlock
      {0xC0000039, DOS, 3},     // STATUS_OBJECT_PATH_INVALID -> ERRbadpath
      {0xC00000AC, DOS, 5},     // STATUS_PIPE_NOT_AVAILABLE -> ERRnoaccess
      {0xC0000148, DOS, 124},   // STATUS_INVALID_LEVEL -> ERRunknownlevel
      {0xC000009A, DOS, 8},     // STATUS_INSUFFICIENT_RESOURCES -> ERRnomem
  };
  for (const auto& row : rows)
    if (row.nt == st.value) return pair(row.cls, row.code);
  return pair(HRD, 31);  // ERRHRD/ERRgeneral
}

}  // namespace smb1

void install_smb1(Server& s) {
  s.smb1_handler = [&s](Connection& c, wire::ByteView payload) { return smb1::process(s, c, payload, std::nullopt); };
}

bool smb1_process(Server& s, Connection& c, wire::ByteView message) {
  return smb1::process(s, c, message, std::nullopt);
}

void smb1_send_unsolicited(Server& s, Connection& c, const proto::Header& h, const proto::ResponseBody& body) {
  const auto* brk = std::get_if<proto::OplockBreakResponse>(&body);
  if (h.command != static_cast<std::uint16_t>(proto::Command::OPLOCK_BREAK) || !brk || !c.smb1) return;
  auto it = s.global_open_table.find(brk->file_id.persistent);
  if (it == s.global_open_table.end()) return;
  Open& open = *it->second;
  std::uint16_t tid = open.tree_connect ? static_cast<std::uint16_t>(open.tree_connect->tree_id) : 0;
  // MS-CIFS 3.3.4.2: NewOpLockLevel 0 = no oplock now, 1 = level II now (<230>).
  // A client that did not announce CAP_LEVEL_II_OPLOCKS (MS-CIFS 2.2.4.53.1) cannot hold a level II oplock
  // (MS-CIFS 3.3.5.2.7 grants it only to opens that support it): its break goes to none (smbtorture raw.oplock
  // batch24; Samba breaks such holders to none as well).
  bool level2_ok = (c.smb1->client_capabilities & proto::smb1::CAP_LEVEL_II_OPLOCKS) != 0;
  std::uint8_t announced = brk->oplock_level == smb1::kLevelII && level2_ok ? smb1::kLevelII : smb1::kLevelNone;
  std::uint8_t new_level = announced == smb1::kLevelII ? proto::smb1::OPLOCK_LEVEL_II : proto::smb1::OPLOCK_LEVEL_NONE;
  auto req = proto::smb1::make_oplock_break(tid, static_cast<std::uint16_t>(open.file_id), new_level);
  req.header.uid = open.session ? static_cast<std::uint16_t>(open.session->session_id) : 0;
  // Never signed (MS-CIFS 2.2.3.1, 3.2.5.42) and it consumes no sequence number.
  smb1::send_bytes(s, c, proto::smb1::encode_message(req));
  c.smb1->announced[open.durable_file_id] = announced;
  // oplock.cpp sets Breaking and arms its timer right after sending; switch to the SMB1 expiry rule after that.
  std::uint64_t id = open.durable_file_id;
  s.clock.schedule_after(Clock::Duration::zero(), [&s, id] { smb1::use_smb1_timer(s, id); });
}

}  // namespace smb::server
