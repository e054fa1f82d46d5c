// SMB2 oplock grant, break and acknowledgment timer (MS-SMB2 3.3.5.9, 3.3.4.6, 3.3.2.1, 3.3.6.1; MS-FSA 2.1.4.12,
// 2.1.5.18); see oplock.hpp for the threading model.
#include "smbserver/oplock.hpp"

#include <algorithm>
#include <memory>
#include <vector>

#include "smbproto/messages.hpp"
#include "smbserver/access.hpp"
#include "smbserver/connection.hpp"
#include "smbserver/handlers.hpp"
#include "smbserver/log.hpp"

namespace smb::server {
namespace {

constexpr std::uint32_t FILE_SUPERSEDE = 0, FILE_CREATE = 2, FILE_OVERWRITE = 4, FILE_OVERWRITE_IF = 5;
constexpr std::uint32_t SYNCHRONIZE = 0x00100000;

using FileKey = std::pair<std::uint64_t, std::uint64_t>;

FileKey key_of(const File& f) { return {f.device, f.inode}; }

bool is_exclusive_level(std::uint8_t level) {
  return level == SMB2_OPLOCK_LEVEL_EXCLUSIVE || level == SMB2_OPLOCK_LEVEL_BATCH;
}

/** The connection that carries a notification to `open` (3.3.4.6; 3.x would pick a channel of the session). */
Connection* notify_connection(Open& open) {
  if (open.connection && !open.connection->closed) return open.connection;
  if (open.session && open.session->connection && !open.session->connection->closed) return open.session->connection;
  return nullptr;
}

/** Sends the Oplock Break Notification (2.2.23.1) for `open` with `level` on `c`. */
void send_notification(Server& s, Connection& c, const Open& open, std::uint8_t level) {
  proto::Header h;
  h.command = static_cast<std::uint16_t>(proto::Command::OPLOCK_BREAK);
  h.flags = proto::SMB2_FLAGS_SERVER_TO_REDIR;        // a response-direction message, never signed (3.3.4.6 SHOULD NOT)
  h.message_id = proto::kUnsolicitedMessageId;         // 3.3.4.6: 0xFFFFFFFFFFFFFFFF
  h.tree_id = 0;                                       // 3.3.4.6: TreeId 0
  h.session_id = open.session ? open.session->session_id : 0;  // 3.3.4.6 SHOULD (<245>: older Windows send 0)
  h.credit_request_response = 0;
  proto::OplockBreakResponse body;                     // 2.2.23.1: same layout as the 2.2.25.1 response
  body.oplock_level = level;                           // the maximum level the server will accept in the ack
  body.file_id = {open.durable_file_id, open.file_id};  // {Persistent: DurableFileId, Volatile: FileId}
  send_message(s, c, h, proto::ResponseBody(body), /*sign_with=*/nullptr);
  ++oplock_table(s).breaks_sent;
}

/** Cancels the timer and forgets the break of `open` (if any). Returns true if it was breaking. */
bool forget_break(Server& s, const Open& open) {
  auto& t = oplock_table(s);
  auto it = t.breaking.find(open.durable_file_id);
  if (it == t.breaking.end()) return false;
  s.clock.cancel(it->second.timer);
  t.breaking.erase(it);
  return true;
}

/** Re-runs (after the current event) every operation waiting on `file`. */
void schedule_resume(Server& s, FileKey file) {
  s.clock.schedule_after(Clock::Duration::zero(), [&s, file] {
    auto& t = oplock_table(s);
    std::vector<std::function<void()>> due;
    for (auto it = t.waiters.begin(); it != t.waiters.end();) {
      if (it->second.file == file) {
        due.push_back(std::move(it->second.resume));
        it = t.waiters.erase(it);
      } else {
        ++it;
      }
    }
    for (auto& f : due) f();
  });
}

/** Registers the CREATE in `ctx` as a waiter on `file` (oplock_wait_for_break). */
HandlerResult wait_for_break(RequestContext& ctx, const proto::CreateRequest& req, File& file) {
  return oplock_wait_for_break(ctx, key_of(file), [req](RequestContext& rc) { return handle_create(rc, req); });
}

}  // namespace

HandlerResult oplock_wait_for_break(RequestContext& ctx, std::pair<std::uint64_t, std::uint64_t> file,
                                    std::function<HandlerResult(RequestContext&)> rerun) {
  Server& s = ctx.server;
  if (!ctx.async_token) {
    // The async id is known only after make_async; the cancel closure looks the waiter up by it.
    auto holder = std::make_shared<AsyncToken>();
    AsyncToken t = make_async(ctx, [&s, holder]() -> bool {
      auto& tab = oplock_table(s);
      auto it = tab.waiters.find({holder->connection_id, holder->async_id});
      if (it == tab.waiters.end()) return false;
      tab.waiters.erase(it);
      complete_async(s, *holder, HandlerResult(status::STATUS_CANCELLED));  // 3.3.5.16
      return true;
    });
    *holder = t;
  }
  AsyncToken token = *ctx.async_token;
  proto::Header header = ctx.header;
  bool request_signed = ctx.request_signed;
  OplockTable::Waiter w;
  w.file = file;
  w.resume = [&s, token, header, request_signed, rerun = std::move(rerun)]() {
    auto cit = s.connections.find(token.connection_id);
    if (cit == s.connections.end()) return;
    Connection& c = *cit->second;
    if (c.closed || !c.async_command_list.count(token.async_id)) return;  // cancelled or torn down
    RequestContext rc{s, c, header, {}};
    rc.request_signed = request_signed;
    rc.async_token = token;
    HandlerResult r = rerun(rc);
    if (r.pending) return;  // waiting again (another break); the waiter was re-registered
    complete_async(s, token, std::move(r));
  };
  oplock_table(s).waiters[{token.connection_id, token.async_id}] = std::move(w);
  return HandlerResult::go_pending();
}

OplockTable& oplock_table(Server& s) {
  if (!s.oplocks) s.oplocks = std::make_shared<OplockTable>();
  return *s.oplocks;
}

Clock::Duration oplock_timeout_for(const Server& s, const Open& open) {
  // 3.3.4.6 <246>: Windows uses 35 000 ms, 60 000 ms when Open.IsPersistent.
  if (open.is_persistent && s.config.oplock_timeout == std::chrono::milliseconds(35000)) return kPersistentOplockTimeout;
  return s.config.oplock_timeout;
}

std::uint8_t grant_oplock(RequestContext& ctx, Open& open, std::uint8_t requested) {
  // 3.3.5.9 step 9: no oplock for named pipes, for RequestedOplockLevel NONE, or for LEASE (the reference
  // server does not support leasing, so "RqLs" is ignored and no oplock is requested). MS-FSA 2.1.5.18.1:
  // directories cannot hold traditional oplocks.
  (void)ctx;
  if (open.is_pipe || open.is_directory || !open.file) return SMB2_OPLOCK_LEVEL_NONE;
  if (requested != SMB2_OPLOCK_LEVEL_II && !is_exclusive_level(requested)) return SMB2_OPLOCK_LEVEL_NONE;
  bool others = false, exclusive_held = false;
  for (const Open* o : open.file->opens) {
    if (o == &open) continue;
    others = true;
    if (is_exclusive_level(o->oplock_level)) exclusive_held = true;
  }
  // MS-FSA 2.1.5.18.1 LEVEL_ONE / LEVEL_BATCH (<316>: EXCLUSIVE -> LEVEL_ONE, BATCH -> LEVEL_BATCH): granted only
  // when no other open exists on the stream; refused -> 3.3.5.9 retries as LEVEL_TWO.
  if (is_exclusive_level(requested) && !others) return requested;
  // LEVEL_TWO: granted unless another open holds (or is breaking) an exclusive oplock; refused -> NONE.
  if (!exclusive_held) return SMB2_OPLOCK_LEVEL_II;
  return SMB2_OPLOCK_LEVEL_NONE;
}

bool oplock_start_break(Server& s, Open& holder, std::uint8_t new_level) {
  // 3.3.4.6: a connection to send the notification on.
  Connection* c = notify_connection(holder);
  if (!c) {
    if (!holder.is_durable && !holder.is_resilient && !holder.is_persistent) {
      // "If no connection is available and the open is not durable/resilient/persistent, the server SHOULD close
      // the Open" (3.3.4.17): the break completes without waiting for the timer.
      log(LogLevel::info, "oplock: holder of '", holder.path, "' has no connection; closing its open (3.3.4.6)");
      close_open(s, holder);
      return false;
    }
    // Durable/resilient/persistent: complete the break with NONE; the open stays for reconnection.
    holder.oplock_level = SMB2_OPLOCK_LEVEL_NONE;
    holder.oplock_state = OplockState::none;
    forget_break(s, holder);
    return false;
  }
  send_notification(s, *c, holder, new_level);
  if (!is_exclusive_level(holder.oplock_level)) {
    // A break from level II goes to NONE and needs no acknowledgment (2.2.24.1).
    holder.oplock_level = SMB2_OPLOCK_LEVEL_NONE;
    holder.oplock_state = OplockState::none;
    return false;
  }
  // 3.3.4.6: OplockState Breaking, OplockTimeout = now + the implementation-specific default; the level stays
  // until acknowledged. 3.3.2.1: the acknowledgment timer is started.
  holder.oplock_state = OplockState::breaking;
  holder.oplock_timeout = s.clock.now() + oplock_timeout_for(s, holder);
  auto& t = oplock_table(s);
  forget_break(s, holder);
  OplockTable::Break b;
  b.offered = new_level;
  std::uint64_t id = holder.durable_file_id;
  b.timer = s.clock.schedule_at(holder.oplock_timeout, [&s, id] { oplock_expire(s, id); });
  t.breaking[id] = b;
  return true;
}

void oplock_complete_break(Server& s, Open& open, std::uint8_t level) {
  forget_break(s, open);
  open.oplock_level = level;
  open.oplock_state = level == SMB2_OPLOCK_LEVEL_NONE ? OplockState::none : OplockState::held;
  open.oplock_timeout = {};
  if (open.file) schedule_resume(s, key_of(*open.file));
}

void oplock_expire(Server& s, std::uint64_t durable_file_id) {
  auto it = s.global_open_table.find(durable_file_id);
  if (it == s.global_open_table.end()) return;
  Open& open = *it->second;
  if (open.oplock_state != OplockState::breaking) return;
  // 3.3.6.1: "acknowledge the oplock break to the object store with SMB2_OPLOCK_LEVEL_NONE, set Open.OplockLevel to
  // SMB2_OPLOCK_LEVEL_NONE and Open.OplockState to None". Other breaking opens keep their own timers.
  log(LogLevel::info, "oplock: break of '", open.path, "' timed out (3.3.6.1)");
  ++oplock_table(s).timeouts_fired;
  oplock_complete_break(s, open, SMB2_OPLOCK_LEVEL_NONE);
}

std::optional<HandlerResult> oplock_break_for_open(RequestContext& ctx, const proto::CreateRequest& req, File& file,
                                                   std::uint32_t granted_access, bool sharing_conflict) {
  if (!oplock_break_holders_for_open(ctx.server, file, granted_access, req.create_disposition, sharing_conflict))
    return std::nullopt;
  // 3.3.4.2 (<240>): the CREATE goes async until the break is acknowledged, times out or the holder closes.
  return wait_for_break(ctx, req, file);
}

bool oplock_break_holders_for_open(Server& s, File& file, std::uint32_t granted_access,
                                   std::uint32_t create_disposition, bool sharing_conflict) {
  // MS-FSA 2.1.5.1.2: FILE_CREATE of an existing file fails with OBJECT_NAME_COLLISION before any oplock check.
  if (create_disposition == FILE_CREATE) return false;
  bool overwrite = create_disposition == FILE_SUPERSEDE || create_disposition == FILE_OVERWRITE ||
                   create_disposition == FILE_OVERWRITE_IF;
  // MS-FSA 2.1.4.12 (OPEN): an open asking only for FILE_READ_ATTRIBUTES / FILE_WRITE_ATTRIBUTES / SYNCHRONIZE
  // breaks no oplock unless it supersedes or overwrites the file (smbtorture smb2.oplock.batch8 vs batch13).
  constexpr std::uint32_t attr_only = access::FILE_READ_ATTRIBUTES | access::FILE_WRITE_ATTRIBUTES | SYNCHRONIZE;
  if ((granted_access & ~attr_only) == 0 && !overwrite) return false;
  bool must_wait = false;
  std::vector<Open*> holders(file.opens.begin(), file.opens.end());  // a break may close a holder
  for (Open* o : holders) {
    if (std::find(file.opens.begin(), file.opens.end(), o) == file.opens.end()) continue;
    if (is_exclusive_level(o->oplock_level)) {
      // MS-FSA 2.1.5.1.2.1: only a BATCH oplock is broken before the share-access check; with a sharing conflict an
      // EXCLUSIVE oplock stays and the open fails with STATUS_SHARING_VIOLATION.
      if (sharing_conflict && o->oplock_level != SMB2_OPLOCK_LEVEL_BATCH) continue;
      if (o->oplock_state == OplockState::breaking) {
        must_wait = true;  // already breaking: wait for the same break (MS-FSA 2.1.4.12 WaitList)
        continue;
      }
      // MS-FSA 2.1.4.12: LEVEL_ONE/BATCH break to LEVEL_TWO, or to NONE for SUPERSEDE/OVERWRITE/OVERWRITE_IF.
      if (oplock_start_break(s, *o, overwrite ? SMB2_OPLOCK_LEVEL_NONE : SMB2_OPLOCK_LEVEL_II)) must_wait = true;
    } else if (o->oplock_level == SMB2_OPLOCK_LEVEL_II && overwrite && !sharing_conflict) {
      // MS-FSA 2.1.4.12: an overwriting open breaks LEVEL_TWO to NONE; no acknowledgment, no waiting (2.2.24.1).
      oplock_start_break(s, *o, SMB2_OPLOCK_LEVEL_NONE);
    }
  }
  return must_wait;
}

void oplock_break_level2(Server& s, Open& writer) {
  if (writer.file) oplock_break_level2(s, *writer.file);
}

void oplock_break_level2(Server& s, File& file) {
  std::vector<Open*> holders(file.opens.begin(), file.opens.end());
  for (Open* o : holders) {
    if (std::find(file.opens.begin(), file.opens.end(), o) == file.opens.end()) continue;
    // MS-FSA 2.1.4.12 (WRITE): every LEVEL_TWO oplock on the stream breaks to NONE without acknowledgment.
    if (o->oplock_level == SMB2_OPLOCK_LEVEL_II) oplock_start_break(s, *o, SMB2_OPLOCK_LEVEL_NONE);
  }
}

void oplock_on_close(Server& s, Open& open) {
  bool had_break = forget_break(s, open);
  // Waiters on this file re-run: a closed holder no longer conflicts (MS-FSA 2.1.5.4 cleanup completes the break).
  if (open.file && (had_break || !oplock_table(s).waiters.empty())) schedule_resume(s, key_of(*open.file));
}

}  // namespace smb::server
