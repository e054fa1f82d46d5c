// SMB2 CLOSE (MS-SMB2 3.3.5.10, 3.3.4.17).
#include "smbserver/handlers.hpp"
#include "smbserver/lock_hooks.hpp"

namespace smb::server {
namespace {
constexpr std::uint16_t SMB2_CLOSE_FLAG_POSTQUERY_ATTRIB = 0x0001;
}

HandlerResult handle_close(RequestContext& ctx, const proto::CloseRequest& req) {
  // 3.3.5.10: session (Expired/InProgress allowed, 3.3.5.2.9), then the OPEN, then the tree.
  if (NtStatus st = verify_session(ctx, /*allow_not_valid=*/true); !st.is_success()) return st;
  if (NtStatus st = lookup_open(ctx, req.file_id); !st.is_success()) return st;
  if (NtStatus st = verify_tree(ctx); !st.is_success()) return st;
  Open& open = *ctx.open;
  proto::CloseResponse resp;
  if ((req.flags & SMB2_CLOSE_FLAG_POSTQUERY_ATTRIB) && open.local_open && open.tree_connect->share->store) {
    auto st = open_stat(open);  // a named stream's times and attributes are its file's
    if (st) {
      resp.flags = SMB2_CLOSE_FLAG_POSTQUERY_ATTRIB;
      resp.creation_time = st->times.creation_time;
      resp.last_access_time = st->times.last_access_time;
      resp.last_write_time = st->times.last_write_time;
      resp.change_time = st->times.change_time;
      resp.allocation_size = st->allocation_size;
      resp.end_of_file = st->end_of_file;
      resp.file_attributes = st->file_attributes;
    }
  }
  // 3.3.5.10 -> 3.3.4.17: the open's pending requests are cancelled (3.3.5.16: STATUS_CANCELLED, done by
  // close_open). Opt-in --close-pending-lock-status range-not-locked: its pending blocking LOCKs complete with
  // STATUS_RANGE_NOT_LOCKED instead, as Windows and Samba do (smbtorture smb2.lock.cancel, "cancel by close").
  if (ctx.server.config.close_pending_lock_status != status::STATUS_CANCELLED && open.file)
    open.file->locks.cancel_waiters(lock_owner(open), ctx.server.config.close_pending_lock_status);
  close_open(ctx.server, open);
  ctx.open = nullptr;
  return resp;
}

}  // namespace smb::server
