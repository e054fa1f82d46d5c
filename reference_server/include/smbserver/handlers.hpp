// One handler per SMB2 command (reference_server/src/handlers/<cmd>.cpp), each a MS-SMB2 3.3.5.x section.
#pragma once

#include <optional>

#include "smbserver/dispatch.hpp"

namespace smb::server {

HandlerResult handle_negotiate(RequestContext& ctx, const proto::NegotiateRequest& req);            // 3.3.5.4
HandlerResult handle_session_setup(RequestContext& ctx, const proto::SessionSetupRequest& req);     // 3.3.5.5
HandlerResult handle_logoff(RequestContext& ctx, const proto::LogoffRequest& req);                  // 3.3.5.6
HandlerResult handle_tree_connect(RequestContext& ctx, const proto::TreeConnectRequest& req);       // 3.3.5.7
HandlerResult handle_tree_disconnect(RequestContext& ctx, const proto::TreeDisconnectRequest& req); // 3.3.5.8
HandlerResult handle_create(RequestContext& ctx, const proto::CreateRequest& req);                  // 3.3.5.9
HandlerResult handle_close(RequestContext& ctx, const proto::CloseRequest& req);                    // 3.3.5.10
HandlerResult handle_flush(RequestContext& ctx, const proto::FlushRequest& req);                    // 3.3.5.11
HandlerResult handle_read(RequestContext& ctx, const proto::ReadRequest& req);                      // 3.3.5.12
HandlerResult handle_write(RequestContext& ctx, const proto::WriteRequest& req);                    // 3.3.5.13
HandlerResult handle_lock(RequestContext& ctx, const proto::LockRequest& req);                      // 3.3.5.14
HandlerResult handle_ioctl(RequestContext& ctx, const proto::IoctlRequest& req);                    // 3.3.5.15
HandlerResult handle_echo(RequestContext& ctx, const proto::EchoRequest& req);                      // 3.3.5.17
HandlerResult handle_query_directory(RequestContext& ctx, const proto::QueryDirectoryRequest& req);  // 3.3.5.18
HandlerResult handle_query_info(RequestContext& ctx, const proto::QueryInfoRequest& req);           // 3.3.5.20
HandlerResult handle_set_info(RequestContext& ctx, const proto::SetInfoRequest& req);               // 3.3.5.21

/**
 * The NEGOTIATE response body for `dialect` (also 0x02FF for the SMB1 upgrade, 3.3.5.3.1): security
 * mode, capabilities, sizes, ServerGuid, times and the SPNEGO token. Sets Connection.Max*Size and
 * ServerCapabilities. Contexts (3.1.1) are added by handle_negotiate.
 */
proto::NegotiateResponse make_negotiate_response(Server& s, Connection& c, std::uint16_t dialect);

/**
 * Oplock hook for CREATE (3.3.5.9 step 9): returns the level granted to `open` (MS-FSA 2.1.5.18 rules,
 * implemented in src/oplock.cpp; see oplock.hpp).
 */
std::uint8_t grant_oplock(RequestContext& ctx, Open& open, std::uint8_t requested);

/**
 * CREATE replay detection (MS-SMB2 3.3.5.9.10, src/handlers/create_replay.cpp). Called by handle_create
 * after session/tree verification and the create-context combination checks, for disk shares. When the
 * request carries SMB2_FLAGS_REPLAY_OPERATION and a DH2Q context on a 3.x connection and GlobalOpenTable
 * has an Open with IsReplayEligible TRUE, the same CreateGuid and the connection's ClientGuid, returns the
 * CREATE response built from that Open (same FileId) or the failure status of the replay checks;
 * STATUS_FILE_NOT_AVAILABLE for a still-connected persistent Open with that CreateGuid. Otherwise
 * returns nullopt and the CREATE is processed as a new open.
 */
std::optional<HandlerResult> create_replay(RequestContext& ctx, const proto::CreateRequest& req);
/**
 * 3.3.5.9.10 "Successful Open Initialization" for a DH2Q open on a 3.x connection: sets
 * Open.IsReplayEligible (call after grant_durability, which set CreateGuid/IsDurable/IsPersistent) and keeps
 * the response's CreateAction for a later replay.
 */
void set_replay_eligibility(const RequestContext& ctx, const proto::CreateRequest& req, Open& open,
                            const proto::CreateResponse& resp);

}  // namespace smb::server
