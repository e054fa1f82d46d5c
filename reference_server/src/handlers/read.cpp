// SMB2 READ (MS-SMB2 3.3.5.12; object store MS-FSA 2.1.5.3).
#include "smbserver/access.hpp"
#include "smbserver/handlers.hpp"
#include "smbserver/lock_hooks.hpp"
#include "smbserver/pipes.hpp"

namespace smb::server {
namespace {
constexpr std::uint32_t SMB2_CHANNEL_NONE = 0;
}

HandlerResult handle_read(RequestContext& ctx, const proto::ReadRequest& req) {
  // 3.3.5.12: session -> tree -> open.
  if (NtStatus st = verify_session(ctx); !st.is_success()) return st;
  if (NtStatus st = verify_tree(ctx); !st.is_success()) return st;
  if (NtStatus st = lookup_open(ctx, req.file_id); !st.is_success()) return st;
  Open& open = *ctx.open;
  Connection& c = ctx.connection;
  if (!open.is_persistent && open.is_replay_eligible) open.is_replay_eligible = false;
  // 3.3.5.12: GrantedAccess without FILE_READ_DATA -> STATUS_ACCESS_DENIED.
  if (!(open.granted_access & access::FILE_READ_DATA)) {
    ++ctx.server.statistics.sts0_permerrors;
    return status::STATUS_ACCESS_DENIED;
  }
  // 3.3.5.12: Length > Connection.MaxReadSize -> STATUS_INVALID_PARAMETER (SHOULD).
  if (req.length > c.max_read_size) return status::STATUS_INVALID_PARAMETER;
  // 3.3.5.2.5: with multi-credit, CreditCharge must cover the response payload.
  if (c.supports_multi_credit) {
    std::uint32_t need = req.length == 0 ? 1 : (req.length - 1) / 65536 + 1;
    if ((ctx.header.credit_charge == 0 && req.length > 65536) || (ctx.header.credit_charge && ctx.header.credit_charge < need))
      return status::STATUS_INVALID_PARAMETER;
  }
  if (req.channel != SMB2_CHANNEL_NONE) return status::STATUS_INVALID_PARAMETER;  // no RDMA
  if (open.pipe) return pipe_read(ctx, open, req);  // named pipe on IPC$ (pipes.hpp)
  if (open.is_directory) return status::STATUS_INVALID_DEVICE_REQUEST;           // MS-FSA 2.1.5.3
  ObjectStore* store = open.tree_connect->share->store.get();
  if (!store || !open.local_open) return status::STATUS_NOT_SUPPORTED;
  // MS-FSA 2.1.5.3: a range overlapping another open's exclusive byte-range lock -> FILE_LOCK_CONFLICT.
  if (NtStatus st = check_read_locks(open, req.offset, req.length); !st.is_success()) return st;
  proto::ReadResponse resp;
  if (req.length > 0) {
    auto data = store->read(*open.local_open, req.offset, req.length);
    if (!data) return data.status();
    resp.data = std::move(data.value());
    // 3.3.5.12: zero bytes read at/after end of file -> STATUS_END_OF_FILE.
    if (resp.data.empty()) return status::STATUS_END_OF_FILE;
  }
  // 3.3.5.12: fewer bytes than MinimumCount -> STATUS_END_OF_FILE.
  if (resp.data.size() < req.minimum_count) return status::STATUS_END_OF_FILE;
  open.current_offset = req.offset + resp.data.size();
  return resp;
}

}  // namespace smb::server
