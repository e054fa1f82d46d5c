// SMB2 WRITE (MS-SMB2 3.3.5.13; object store MS-FSA 2.1.5.4).
#include "smbserver/access.hpp"
#include "smbserver/handlers.hpp"
#include "smbserver/lock_hooks.hpp"
#include "smbserver/oplock.hpp"
#include "smbserver/pipes.hpp"

namespace smb::server {

HandlerResult handle_write(RequestContext& ctx, const proto::WriteRequest& req) {
  // 3.3.5.13: session -> tree -> open.
  if (NtStatus st = verify_session(ctx); !st.is_success()) return st;
  if (NtStatus st = verify_tree(ctx); !st.is_success()) return st;
  if (NtStatus st = lookup_open(ctx, req.file_id); !st.is_success()) return st;
  Open& open = *ctx.open;
  Connection& c = ctx.connection;
  if (!open.is_persistent && open.is_replay_eligible) open.is_replay_eligible = false;
  if (open.pipe) return pipe_write(ctx, open, req);  // named pipe on IPC$ (pipes.hpp)
  ObjectStore* store = open.tree_connect->share->store.get();
  if (!store || !open.local_open) return status::STATUS_NOT_SUPPORTED;
  if (open.is_directory) return status::STATUS_INVALID_DEVICE_REQUEST;  // MS-FSA 2.1.5.4
  // 3.3.5.13: "If the range being written to is within the existing file size and
  // Open.GrantedAccess does not include FILE_WRITE_DATA, or if the range being written to extends
  // the file size and Open.GrantedAccess does not include FILE_APPEND_DATA, the server SHOULD fail
  // the request with STATUS_ACCESS_DENIED." We follow the spec text; <361>/<364> Windows allows the
  // write when either right is present.
  auto fs = store->stat(*open.local_open);
  if (!fs) return fs.status();
  std::uint64_t end = req.offset + req.data.size();
  bool extends = end > fs->end_of_file;
  bool allowed = extends ? (open.granted_access & access::FILE_APPEND_DATA) != 0
                         : (open.granted_access & access::FILE_WRITE_DATA) != 0;
  if (!allowed) {
    ++ctx.server.statistics.sts0_permerrors;
    return status::STATUS_ACCESS_DENIED;
  }
  // 3.3.5.13: Length > Connection.MaxWriteSize -> STATUS_INVALID_PARAMETER (SHOULD).
  if (req.data.size() > c.max_write_size) return status::STATUS_INVALID_PARAMETER;
  if (c.supports_multi_credit) {
    std::uint64_t need = req.data.empty() ? 1 : (req.data.size() - 1) / 65536 + 1;
    if ((ctx.header.credit_charge == 0 && req.data.size() > 65536) ||
        (ctx.header.credit_charge && ctx.header.credit_charge < need))
      return status::STATUS_INVALID_PARAMETER;  // 3.3.5.2.5
  }
  if (req.channel != 0) return status::STATUS_INVALID_PARAMETER;  // no RDMA channels
  // MS-FSA 2.1.5.4: a range overlapping another open's exclusive lock or any shared lock -> FILE_LOCK_CONFLICT.
  if (NtStatus st = check_write_locks(open, req.offset, req.data.size()); !st.is_success()) return st;
  // MS-FSA 2.1.5.4 -> 2.1.4.12: level II oplocks break to NONE, no acknowledgment, the writer is not delayed.
  oplock_break_level2(ctx.server, open);
  auto n = store->write(*open.local_open, req.offset, req.data);
  if (!n) return n.status();
  open.current_offset = req.offset + n.value();
  proto::WriteResponse resp;
  resp.count = n.value();
  return resp;
}

}  // namespace smb::server
