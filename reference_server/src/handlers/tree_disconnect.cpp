// SMB2 TREE_DISCONNECT (MS-SMB2 3.3.5.8).
#include "smbserver/handlers.hpp"

namespace smb::server {

HandlerResult handle_tree_disconnect(RequestContext& ctx, const proto::TreeDisconnectRequest&) {
  if (NtStatus st = verify_session(ctx); !st.is_success()) return st;
  if (NtStatus st = verify_tree(ctx); !st.is_success()) return st;
  // 3.3.5.8: every Open of the session on this tree is closed (3.3.4.17), then the tree is freed.
  remove_tree_connect(ctx.server, *ctx.session, ctx.header.tree_id);
  ctx.tree = nullptr;
  return proto::TreeDisconnectResponse{};
}

}  // namespace smb::server
