// SMB2 IOCTL (MS-SMB2 3.3.5.15; FSCTL_VALIDATE_NEGOTIATE_INFO 3.3.5.15.12).
#include <algorithm>

#include "smbserver/handlers.hpp"
#include "smbserver/lock_hooks.hpp"

namespace smb::server {

HandlerResult handle_ioctl(RequestContext& ctx, const proto::IoctlRequest& req) {
  if (NtStatus st = verify_session(ctx); !st.is_success()) return st;
  if (NtStatus st = verify_tree(ctx); !st.is_success()) return st;
  // 3.3.5.15: Flags must be SMB2_0_IOCTL_IS_FSCTL for FSCTLs; 0 (an IOCTL) -> not supported here.
  if (req.flags != proto::SMB2_0_IOCTL_IS_FSCTL) return status::STATUS_NOT_SUPPORTED;
  if (req.ctl_code == proto::FSCTL_VALIDATE_NEGOTIATE_INFO) {
    Connection& c = ctx.connection;
    // 3.3.5.15.12: not for 3.1.1 (the preauth integrity hash protects the negotiation): the
    // server MUST terminate the transport connection... on 3.1.1 per <397>-era text; Windows
    // disconnects. We disconnect too.
    if (c.dialect == 0x0311) {
      ctx.disconnect_after = true;
      return status::STATUS_ACCESS_DENIED;
    }
    proto::ValidateNegotiateInfoRequest vin;
    if (!proto::decode_payload(req.input, vin)) return status::STATUS_INVALID_PARAMETER;
    // The fields must match what the client sent in NEGOTIATE and what we chose; any mismatch ->
    // terminate the connection (3.3.5.15.12).
    std::uint16_t dialect = 0;
    for (std::uint16_t d : {0x0311, 0x0302, 0x0300, 0x0210, 0x0202})
      if (d >= ctx.server.config.min_dialect && d <= ctx.server.config.max_dialect &&
          std::find(vin.dialects.begin(), vin.dialects.end(), d) != vin.dialects.end()) {
        dialect = d;
        break;
      }
    if (vin.capabilities != c.client_capabilities || vin.guid != c.client_guid ||
        vin.security_mode != c.client_security_mode || dialect != c.dialect) {
      ctx.disconnect_after = true;
      return status::STATUS_ACCESS_DENIED;
    }
    if (req.max_output_response < 24) return status::STATUS_INVALID_PARAMETER;
    proto::ValidateNegotiateInfoResponse out;
    out.capabilities = c.server_capabilities;
    out.guid = ctx.server.server_guid;
    out.security_mode = c.server_security_mode;
    out.dialect = c.dialect;
    proto::IoctlResponse resp;
    resp.ctl_code = req.ctl_code;
    resp.file_id = req.file_id;
    resp.output = proto::encode_payload(out);
    return resp;
  }
  // 3.3.5.15.9 FSCTL_LMR_REQUEST_RESILIENCY (lock_hooks.cpp).
  if (req.ctl_code == proto::FSCTL_LMR_REQUEST_RESILIENCY) return handle_request_resiliency(ctx, req);
  // Other FSCTLs: device-type FSCTLs on a disk share are not supported (3.3.5.15).
  return status::STATUS_NOT_SUPPORTED;
}

}  // namespace smb::server
