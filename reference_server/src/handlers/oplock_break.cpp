// SMB2 OPLOCK_BREAK acknowledgments: oplock (MS-SMB2 3.3.5.22.1) and lease (3.3.5.22.2) paths.
#include "smbserver/handlers.hpp"
#include "smbserver/oplock.hpp"

namespace smb::server {
namespace {

/**
 * 3.3.5.22.1 "illegal transition": EXCLUSIVE accepts II or NONE; BATCH accepts II, NONE or EXCLUSIVE; II accepts
 * only NONE.
 */
bool legal_ack(std::uint8_t held, std::uint8_t ack) {
  switch (held) {
    case SMB2_OPLOCK_LEVEL_EXCLUSIVE: return ack == SMB2_OPLOCK_LEVEL_II || ack == SMB2_OPLOCK_LEVEL_NONE;
    case SMB2_OPLOCK_LEVEL_BATCH:
      return ack == SMB2_OPLOCK_LEVEL_II || ack == SMB2_OPLOCK_LEVEL_NONE || ack == SMB2_OPLOCK_LEVEL_EXCLUSIVE;
    case SMB2_OPLOCK_LEVEL_II: return ack == SMB2_OPLOCK_LEVEL_NONE;
    default: return false;
  }
}

}  // namespace

HandlerResult handle_oplock_break(RequestContext& ctx, const proto::OplockBreakAcknowledgment& req) {
  Server& s = ctx.server;
  // 3.3.5.22.1: session (3.3.5.2.9), tree (3.3.5.2.11), then the open (STATUS_FILE_CLOSED).
  if (NtStatus st = verify_session(ctx); !st.is_success()) return st;
  if (NtStatus st = verify_tree(ctx); !st.is_success()) return st;
  if (NtStatus st = lookup_open(ctx, req.file_id); !st.is_success()) return st;
  Open& open = *ctx.open;
  // "If Open.IsPersistent is FALSE and Open.IsReplayEligible is TRUE, the server MUST set it to FALSE."
  if (!open.is_persistent && open.is_replay_eligible) open.is_replay_eligible = false;
  // "If Open.OplockState is not Breaking, the server MUST stop processing the acknowledgment, and send an error
  // response with STATUS_INVALID_DEVICE_STATE." (v84; older revisions answered per level.)
  if (open.oplock_state != OplockState::breaking) return status::STATUS_INVALID_DEVICE_STATE;
  // LEASE level: complete the break with NONE; {NONE, None}; STATUS_INVALID_PARAMETER.
  if (req.oplock_level == SMB2_OPLOCK_LEVEL_LEASE) {
    oplock_complete_break(s, open, SMB2_OPLOCK_LEVEL_NONE);
    return status::STATUS_INVALID_PARAMETER;
  }
  // Illegal transition: complete with NONE; {NONE, None}; STATUS_INVALID_OPLOCK_PROTOCOL.
  if (!legal_ack(open.oplock_level, req.oplock_level)) {
    oplock_complete_break(s, open, SMB2_OPLOCK_LEVEL_NONE);
    return status::STATUS_INVALID_OPLOCK_PROTOCOL;
  }
  // The object store completes the break (MS-FSA 2.1.5.19). EXCLUSIVE from a BATCH holder completes with NONE
  // (3.3.5.22.1). A level II acknowledgment of a break that offered NONE cannot raise the level: the store grants
  // at most the offered level (2.2.23.1 "the maximum value ... the server will accept").
  std::uint8_t level = req.oplock_level == SMB2_OPLOCK_LEVEL_EXCLUSIVE ? SMB2_OPLOCK_LEVEL_NONE : req.oplock_level;
  auto& t = oplock_table(s);
  if (auto it = t.breaking.find(open.durable_file_id); it != t.breaking.end() && it->second.offered < level)
    level = it->second.offered;
  // Test hook (SMB2-OPLK-17): the object store rejects the acknowledgment -> {NONE, None} and that error.
  if (t.ack_fault_count != 0 && !t.ack_fault.is_success()) {
    NtStatus err = t.ack_fault;
    if (t.ack_fault_count > 0 && --t.ack_fault_count == 0) t.ack_fault = status::STATUS_SUCCESS;
    oplock_complete_break(s, open, SMB2_OPLOCK_LEVEL_NONE);
    return err;
  }
  oplock_complete_break(s, open, level);
  // Response: OplockLevel = Open.OplockLevel (2.2.25.1), the request's FileId.
  proto::OplockBreakResponse resp;
  resp.oplock_level = open.oplock_level;
  resp.file_id = req.file_id;
  return resp;
}

HandlerResult handle_lease_break_ack(RequestContext& ctx, const proto::LeaseBreakAcknowledgment&) {
  // 3.3.5.22: StructureSize 36 selects the lease path only when the dialect is not 2.0.2; on 2.0.2 the request is
  // an oplock acknowledgment with the wrong StructureSize (3.3.5.2.6 -> STATUS_INVALID_PARAMETER).
  if (ctx.connection.dialect == 0x0202) return status::STATUS_INVALID_PARAMETER;
  if (NtStatus st = verify_session(ctx); !st.is_success()) return st;
  // 3.3.5.22.2: "the server MUST locate the LeaseTable by performing a lookup in GlobalLeaseTableList using
  // Connection.ClientGuid ... If no LeaseTable is found, the server MUST fail the request with
  // STATUS_OBJECT_NAME_NOT_FOUND." The reference server grants no leases, so no table exists.
  return status::STATUS_OBJECT_NAME_NOT_FOUND;
}

}  // namespace smb::server
