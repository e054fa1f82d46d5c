// Handler dispatch (default STATUS_NOT_SUPPORTED from the command list) and the shared lookups
// of the common pipeline (MS-SMB2 3.3.5.2.9, 3.3.5.2.11, FileId -> Open).
#include "smbserver/dispatch.hpp"

#include "smbserver/handlers.hpp"
#include "smbserver/oplock.hpp"

namespace smb::server {
namespace {

// The default for every command in the list without a handler (STYLE.md §2: the command list
// is the only registry): STATUS_NOT_SUPPORTED.
template <class Req>
HandlerResult handle(RequestContext&, const Req&) {
  return status::STATUS_NOT_SUPPORTED;
}
HandlerResult handle(RequestContext& c, const proto::NegotiateRequest& r) { return handle_negotiate(c, r); }
HandlerResult handle(RequestContext& c, const proto::SessionSetupRequest& r) { return handle_session_setup(c, r); }
HandlerResult handle(RequestContext& c, const proto::LogoffRequest& r) { return handle_logoff(c, r); }
HandlerResult handle(RequestContext& c, const proto::TreeConnectRequest& r) { return handle_tree_connect(c, r); }
HandlerResult handle(RequestContext& c, const proto::TreeDisconnectRequest& r) { return handle_tree_disconnect(c, r); }
HandlerResult handle(RequestContext& c, const proto::CreateRequest& r) { return handle_create(c, r); }
HandlerResult handle(RequestContext& c, const proto::CloseRequest& r) { return handle_close(c, r); }
HandlerResult handle(RequestContext& c, const proto::FlushRequest& r) { return handle_flush(c, r); }
HandlerResult handle(RequestContext& c, const proto::ReadRequest& r) { return handle_read(c, r); }
HandlerResult handle(RequestContext& c, const proto::WriteRequest& r) { return handle_write(c, r); }
HandlerResult handle(RequestContext& c, const proto::LockRequest& r) { return handle_lock(c, r); }
HandlerResult handle(RequestContext& c, const proto::OplockBreakAcknowledgment& r) { return handle_oplock_break(c, r); }
HandlerResult handle(RequestContext& c, const proto::LeaseBreakAcknowledgment& r) { return handle_lease_break_ack(c, r); }
HandlerResult handle(RequestContext& c, const proto::IoctlRequest& r) { return handle_ioctl(c, r); }
HandlerResult handle(RequestContext& c, const proto::EchoRequest& r) { return handle_echo(c, r); }
HandlerResult handle(RequestContext& c, const proto::QueryDirectoryRequest& r) { return handle_query_directory(c, r); }
HandlerResult handle(RequestContext& c, const proto::QueryInfoRequest& r) { return handle_query_info(c, r); }
HandlerResult handle(RequestContext& c, const proto::SetInfoRequest& r) { return handle_set_info(c, r); }

}  // namespace

HandlerResult dispatch(RequestContext& ctx, const proto::RequestBody& body) {
  return std::visit([&](const auto& m) { return handle(ctx, m); }, body);
}

NtStatus verify_session(RequestContext& ctx, bool allow_not_valid) {
  auto& table = ctx.connection.session_table;
  auto it = table.find(ctx.header.session_id);
  if (it == table.end()) return status::STATUS_USER_SESSION_DELETED;  // 3.3.5.2.9
  Session& s = *it->second;
  if (!allow_not_valid) {
    // 3.3.5.2.9: Expired -> NETWORK_SESSION_EXPIRED (SHOULD); InProgress -> implementation-specific
    // (<272> Windows returns a GSS status; we use STATUS_ACCESS_DENIED).
    if (s.state == SessionState::expired) return status::STATUS_NETWORK_SESSION_EXPIRED;
    if (s.state == SessionState::in_progress) return status::STATUS_ACCESS_DENIED;
  }
  ctx.session = &s;
  return status::STATUS_SUCCESS;
}

NtStatus verify_tree(RequestContext& ctx) {
  if (!ctx.session) return status::STATUS_USER_SESSION_DELETED;
  auto& table = ctx.session->tree_connect_table;
  auto it = table.find(ctx.header.tree_id);
  if (it == table.end()) return status::STATUS_NETWORK_NAME_DELETED;  // 3.3.5.2.11
  ctx.tree = it->second.get();
  return status::STATUS_SUCCESS;
}

NtStatus lookup_open(RequestContext& ctx, const proto::FileId& id) {
  if (!ctx.session) return status::STATUS_USER_SESSION_DELETED;
  auto& table = ctx.session->open_table;
  auto it = table.find(id.volatile_);
  // 3.3.5.10-3.3.5.14: no open, or Open.DurableFileId != FileId.Persistent -> STATUS_FILE_CLOSED
  if (it == table.end() || it->second->durable_file_id != id.persistent) return status::STATUS_FILE_CLOSED;
  ctx.open = it->second.get();
  return status::STATUS_SUCCESS;
}

}  // namespace smb::server
