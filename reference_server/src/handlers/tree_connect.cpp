// SMB2 TREE_CONNECT (MS-SMB2 3.3.5.7).
#include "smbserver/access.hpp"
#include "smbserver/connection.hpp"
#include "smbserver/handlers.hpp"

namespace smb::server {
namespace {
constexpr std::uint8_t SMB2_SHARE_TYPE_DISK = 0x01;
constexpr std::uint8_t SMB2_SHARE_TYPE_PIPE = 0x02;
constexpr std::uint32_t SMB2_SHARE_CAP_CONTINUOUS_AVAILABILITY = 0x00000010;
}  // namespace

HandlerResult handle_tree_connect(RequestContext& ctx, const proto::TreeConnectRequest& req) {
  if (NtStatus st = verify_session(ctx); !st.is_success()) return st;
  Session& session = *ctx.session;
  // 3.3.5.7: 3.1.1, not anonymous or guest, and the request neither signed nor encrypted -> disconnect.
  if (ctx.connection.dialect == 0x0311 && !session.is_anonymous && !session.is_guest && !ctx.request_signed) {
    ctx.disconnect_after = true;
    disconnect(ctx.connection, "unsigned TREE_CONNECT on a 3.1.1 authenticated session (3.3.5.7)");
    return status::STATUS_ACCESS_DENIED;
  }
  // Path "\\server\share": the share name is the last component (case-insensitive lookup).
  std::string_view path = req.path;
  auto slash = path.find_last_of('\\');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  Share* share = find_share(ctx.server, name);
  if (!share) return status::STATUS_BAD_NETWORK_NAME;  // 3.3.5.7

  auto tc = std::make_unique<TreeConnect>();
  do {
    tc->tree_id = session.next_tree_id++;
  } while (tc->tree_id == 0 || tc->tree_id == 0xFFFFFFFF || session.tree_connect_table.count(tc->tree_id));
  tc->share = share;
  tc->session = &session;
  tc->maximal_access = share->config.read_only ? access::READ_ONLY_ACCESS : access::FILE_ALL_ACCESS;
  proto::TreeConnectResponse resp;
  resp.share_type = share->is_pipe ? SMB2_SHARE_TYPE_PIPE : SMB2_SHARE_TYPE_DISK;
  resp.share_flags = 0;  // manual caching, no DFS
  resp.capabilities = share->config.continuously_available ? SMB2_SHARE_CAP_CONTINUOUS_AVAILABILITY : 0;
  resp.maximal_access = tc->maximal_access;
  ctx.response_tree_id = tc->tree_id;
  session.tree_connect_table.emplace(tc->tree_id, std::move(tc));
  return resp;
}

}  // namespace smb::server
