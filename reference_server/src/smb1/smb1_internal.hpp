// Internals shared by the SMB1 engine and handlers (reference_server/src/smb1/*.cpp); not a public header.
#pragma once

#include <cstdint>
#include <optional>

#include "smbproto/smb1/messages.hpp"
#include "smbserver/smb1.hpp"
#include "smbserver/state.hpp"

namespace smb::server::smb1 {

namespace p = proto::smb1;

// MS-SMB2-encoded oplock levels kept in Open.OplockLevel (oplock.hpp).
inline constexpr std::uint8_t kLevelNone = 0x00, kLevelII = 0x01, kLevelExclusive = 0x08, kLevelBatch = 0x09;

/** What a handler returns for one command of an AndX chain. */
struct Reply {
  NtStatus status = status::STATUS_SUCCESS;
  std::optional<p::ResponseBody> body;  ///< success body, or a body sent with a non-error status
  bool no_response = false;             ///< MS-CIFS 3.3.5.30: a bare oplock acknowledgment gets no reply
  bool deferred = false;                ///< the handler answers later (finish_deferred)

  Reply(NtStatus s) : status(s) {}  // NOLINT: an error status
  template <class R>
    requires std::is_constructible_v<p::ResponseBody, R> && (!std::is_same_v<std::decay_t<R>, NtStatus>)
  Reply(R r) : body(p::ResponseBody(std::move(r))) {}  // NOLINT: a success body
  static Reply with_status(NtStatus s, p::ResponseBody b) {
    Reply r(std::move(b));
    r.status = s;
    return r;
  }
  static Reply none() {
    Reply r(status::STATUS_SUCCESS);
    r.no_response = true;
    return r;
  }
  static Reply later() {
    Reply r(status::STATUS_SUCCESS);
    r.deferred = true;
    return r;
  }
};

/** Everything a handler sees of one request (one command of the chain) and may set for the rest of it. */
struct Request {
  Server& server;
  Connection& connection;
  Smb1ConnectionState& state;
  p::Header header;               ///< the request header; uid/tid updated by SESSION_SETUP / TREE_CONNECT in a chain
  wire::Bytes message;            ///< the whole request message (kept for a deferred re-run)
  std::uint32_t sequence = 0;     ///< signing sequence number of the request (response: + 1)
  bool first_in_chain = true;     ///< only the first command of a chain may defer its answer
  Session* session = nullptr;     ///< set by the common UID check
  TreeConnect* tree = nullptr;    ///< set by the common TID check
};

// --- engine.cpp

/** Session of UID `uid` on the connection, or nullptr. */
Session* find_uid(Connection& c, std::uint16_t uid);
/** TreeConnect with TID `tid` in any session of the connection (Connection.TreeConnectTable), or nullptr. */
TreeConnect* find_tid(Connection& c, std::uint16_t tid);
/** Open with FID `fid` in any session of the connection (Connection.FileOpenTable), or nullptr. */
Open* find_fid(Connection& c, std::uint16_t fid);
/** True for an Open created through SMB1 (its connection speaks SMB1). */
bool is_smb1_open(const Open& o);

/**
 * Sends the response of a request whose handler returned Reply::later(): `req` is the request as the handler
 * saw it; the response carries `reply` for its command.
 */
void finish_deferred(Server& s, std::uint64_t connection_id, const p::Header& request_header, std::uint32_t sequence,
                     Reply reply);
/** Re-runs a whole request message later (after an oplock break resolved), with its original sequence number. */
void rerun_message(Server& s, std::uint64_t connection_id, const wire::Bytes& message, std::uint32_t sequence);

/**
 * Sends a response to `request_header` whose block is `words` (WordCount = words.size() / 2) and `bytes` (ByteCount),
 * with `st` in the form the request asked for, signed when signing is active. For commands outside the codec.
 */
void send_words(Server& s, Connection& c, const p::Header& request_header, std::uint32_t sequence, NtStatus st,
                const wire::Bytes& words, const wire::Bytes& bytes = {});

// --- legacy.cpp: deprecated commands real clients (smbtorture's libcli) still send, decoded here by offset.
/** Handles OPEN_ANDX, SETATTR, WRITE, WRITE_AND_UNLOCK, PROCESS_EXIT and NT_TRANSACT; false when `h.command` is none of them. */
bool handle_legacy_file(Server& s, Connection& c, const p::Header& h, wire::ByteView msg, std::uint32_t sequence);

/** MS-CIFS 2.2.2.4: the SMBSTATUS (ERRCLASS/code) pair for an NTSTATUS, as the 4 Status bytes. */
std::uint32_t dos_status(NtStatus st);

// --- session.cpp (MS-CIFS 3.3.5.x for the session commands)
Reply handle_negotiate(Request& r, const p::NegotiateRequest& m);
Reply handle_session_setup(Request& r, const p::SessionSetupAndxRequest& m);
Reply handle_logoff(Request& r, const p::LogoffAndxRequest& m);
Reply handle_tree_connect(Request& r, const p::TreeConnectAndxRequest& m);
Reply handle_tree_disconnect(Request& r, const p::TreeDisconnectRequest& m);
Reply handle_echo(Request& r, const p::EchoRequest& m);

// --- file.cpp
Reply handle_nt_create(Request& r, const p::NtCreateAndxRequest& m);
Reply handle_close(Request& r, const p::CloseRequest& m);
Reply handle_flush(Request& r, const p::FlushRequest& m);
Reply handle_read(Request& r, const p::ReadAndxRequest& m);
Reply handle_write(Request& r, const p::WriteAndxRequest& m);
Reply handle_write_and_close(Request& r, const p::WriteAndCloseRequest& m);
Reply handle_delete(Request& r, const p::DeleteRequest& m);
Reply handle_delete_directory(Request& r, const p::DeleteDirectoryRequest& m);
/** Closes an SMB1 open (MS-CIFS 3.3.5.7): releases its locks, oplock, table entries and statistics. */
void close_smb1_open(Server& s, Open& open);
/** SMB path (leading '\\' allowed, MS-CIFS) -> share-relative path; errors as ObjectStore::normalize. */
Outcome<std::string> smb1_path(const std::string& name);
/** FILETIME <-> UTIME (seconds since 1970, MS-CIFS 2.2.1.4.3). */
std::uint64_t filetime_from_utime(std::uint32_t t);

// --- legacy.cpp (typed)
/** SMB_COM_RENAME / SMB_COM_NT_RENAME (MS-CIFS 3.3.5.10, 3.3.5.53). */
Reply handle_rename(Request& r, const p::RenameRequest& m);
Reply handle_nt_rename(Request& r, const p::NtRenameRequest& m);

// --- locking.cpp
Reply handle_locking(Request& r, const p::LockingAndxRequest& m);
/**
 * SMB_COM_NT_CANCEL (MS-CIFS 3.3.5.52): cancels the pending requests of connection `c` with the same UID, TID, PID
 * and MID as `h` (blocking LOCKING_ANDX requests: they complete with STATUS_CANCELLED). Returns how many.
 */
std::size_t cancel_pending_smb1(Server& s, Connection& c, const p::Header& h);
/** Oplock level to grant a new SMB1 open (MS-CIFS 3.3.5.2.7, MS-SMB 3.3.5.1.2), SMB2 encoding. */
std::uint8_t grant_smb1_oplock(Request& r, Open& open, std::uint32_t nt_create_flags);
/** Registers a deferred re-run of `r`'s message once the breaks on `file` resolve. */
void wait_for_break(Request& r, File& file);

// --- trans2.cpp
Reply handle_trans2(Request& r, const p::Transaction2Request& m);

}  // namespace smb::server::smb1
