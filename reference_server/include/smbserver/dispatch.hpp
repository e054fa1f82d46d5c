// The handler contract: RequestContext (what a handler sees), HandlerResult (what it returns) and the
// shared lookups of the common pipeline (MS-SMB2 3.3.5.2.9 session, 3.3.5.2.11 tree, FileId -> Open).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <variant>

#include "smbproto/messages.hpp"
#include "smbserver/state.hpp"

namespace smb::server {

/** Identifies an async request that got an interim response (3.3.4.2), for complete_async(). */
struct AsyncToken {
  std::uint64_t connection_id = 0;
  std::uint64_t async_id = 0;
};

/**
 * What a handler returns: a response body (success or a non-error status such as
 * STATUS_BUFFER_OVERFLOW / STATUS_MORE_PROCESSING_REQUIRED that still carries a body),
 * an error status (sent as an ERROR response, 3.3.4.4), or "pending" (an interim response is
 * sent now and the handler calls complete_async() later).
 */
struct HandlerResult {
  NtStatus status = status::STATUS_SUCCESS;
  std::optional<proto::ResponseBody> body;
  bool pending = false;

  HandlerResult(NtStatus s) : status(s) {}  // NOLINT: an error status
  template <class R>
    requires std::is_constructible_v<proto::ResponseBody, R> && (!std::is_same_v<std::decay_t<R>, NtStatus>)
  HandlerResult(R r) : body(proto::ResponseBody(std::move(r))) {}  // NOLINT: a success body
  /** A body sent with a non-error status (3.3.4.4 lists those that are not treated as errors). */
  template <class R>
  static HandlerResult with_status(NtStatus s, R r) {
    HandlerResult h(std::move(r));
    h.status = s;
    return h;
  }
  static HandlerResult go_pending() {
    HandlerResult h(status::STATUS_PENDING);
    h.pending = true;
    return h;
  }
};

/** Everything a handler may look at or set for one request of a (possibly compound) message. */
struct RequestContext {
  Server& server;
  Connection& connection;
  proto::Header header;          ///< effective header (related-compound ids already substituted)
  wire::ByteView message;        ///< this request's bytes (one compound element)
  bool request_signed = false;

  // Filled by the lookups below.
  Session* session = nullptr;
  TreeConnect* tree = nullptr;
  Open* open = nullptr;

  // Outputs for the engine.
  std::optional<std::uint64_t> response_session_id;  ///< SESSION_SETUP: the new SessionId
  std::optional<std::uint32_t> response_tree_id;     ///< TREE_CONNECT: the new TreeId
  std::optional<proto::FileId> produced_file_id;     ///< CREATE: the new FileId (compound chains)
  bool hash_response_into_connection = false;        ///< NEGOTIATE 3.1.1: preauth hash of the response
  Session* hash_response_into_session = nullptr;     ///< SESSION_SETUP MORE_PROCESSING_REQUIRED leg
  Session* sign_with = nullptr;                      ///< sign the response with this session's key
  bool disconnect_after = false;                     ///< close the connection after sending
  std::function<bool()> cancel;                      ///< for pending results: cancels the operation
  std::optional<AsyncToken> async_token;             ///< set by make_async()
};

/**
 * Session verification (3.3.5.2.9). `allow_not_valid`: LOGOFF, CLOSE and LOCK proceed on Expired and
 * InProgress sessions. Sets ctx.session.
 * Returns STATUS_SUCCESS, STATUS_USER_SESSION_DELETED (not in Connection.SessionTable),
 * STATUS_NETWORK_SESSION_EXPIRED (Expired), or STATUS_ACCESS_DENIED (InProgress; <272> Windows uses
 * a GSS status there, an implementation-specific choice).
 */
NtStatus verify_session(RequestContext& ctx, bool allow_not_valid = false);
/** Tree connect verification (3.3.5.2.11): STATUS_NETWORK_NAME_DELETED if the TreeId is unknown. Sets ctx.tree. */
NtStatus verify_tree(RequestContext& ctx);
/**
 * Open lookup: Session.OpenTable[FileId.Volatile] whose DurableFileId equals FileId.Persistent,
 * else STATUS_FILE_CLOSED (3.3.5.10-3.3.5.14). Needs ctx.session. Sets ctx.open.
 */
NtStatus lookup_open(RequestContext& ctx, const proto::FileId& id);

/**
 * Registers the current request in Connection.AsyncCommandList (3.3.4.2) so a handler can return
 * HandlerResult::go_pending() and finish later with complete_async(). `cancel` runs on CANCEL or when
 * the open closes; it must call complete_async(... STATUS_CANCELLED) itself if it cancels.
 */
AsyncToken make_async(RequestContext& ctx, std::function<bool()> cancel);

/** Sends the final response of an async request; ignored when the connection or request is gone. */
void complete_async(Server& server, const AsyncToken& token, HandlerResult result);

/** Runs the handler for a decoded request body (default: STATUS_NOT_SUPPORTED, from the command list). */
HandlerResult dispatch(RequestContext& ctx, const proto::RequestBody& body);

}  // namespace smb::server
