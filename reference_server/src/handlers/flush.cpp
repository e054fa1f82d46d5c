// SMB2 FLUSH (MS-SMB2 3.3.5.11; object store MS-FSA 2.1.5.7).
#include "smbserver/access.hpp"
#include "smbserver/handlers.hpp"
#include "smbserver/pipes.hpp"

namespace smb::server {

HandlerResult handle_flush(RequestContext& ctx, const proto::FlushRequest& req) {
  // 3.3.5.11: session -> tree -> open (FLUSH checks the tree before the open, unlike CLOSE).
  if (NtStatus st = verify_session(ctx); !st.is_success()) return st;
  if (NtStatus st = verify_tree(ctx); !st.is_success()) return st;
  if (NtStatus st = lookup_open(ctx, req.file_id); !st.is_success()) return st;
  Open& open = *ctx.open;
  // 3.3.5.11 (v85 text): "If Open.IsPersistent is FALSE and Open.IsReplayEligible is TRUE, the
  // server MUST set Open.IsReplayEligible to FALSE" - before the access check, so a denied flush
  // still clears eligibility.
  if (!open.is_persistent && open.is_replay_eligible) open.is_replay_eligible = false;
  // 3.3.5.11: a file (or pipe) needs FILE_WRITE_DATA or FILE_APPEND_DATA; a directory needs
  // FILE_ADD_FILE or FILE_ADD_SUBDIRECTORY (the same two bits) -> else STATUS_ACCESS_DENIED.
  std::uint32_t need = open.is_directory ? (access::FILE_ADD_FILE | access::FILE_ADD_SUBDIRECTORY)
                                         : (access::FILE_WRITE_DATA | access::FILE_APPEND_DATA);
  if ((open.granted_access & need) == 0) {
    ++ctx.server.statistics.sts0_permerrors;
    return status::STATUS_ACCESS_DENIED;
  }
  // 3.3.5.11: a persistent open succeeds without touching the object store.
  if (open.is_persistent) return proto::FlushResponse{};
  // 3.3.5.11 / 2.2.17: a named pipe's flush completes once a reader has consumed every written byte (pipes.hpp).
  if (open.pipe) return pipe_flush(ctx, open);
  ObjectStore* store = open.tree_connect->share->store.get();
  if (!store || !open.local_open) return status::STATUS_NOT_SUPPORTED;
  // 3.3.5.11 / <358>: MS-FSA 2.1.5.7 flush; its status is returned unchanged.
  ++open.flush_count;
  NtStatus st = store->flush(*open.local_open);
  if (!st.is_success()) return st;
  return proto::FlushResponse{};
}

}  // namespace smb::server
