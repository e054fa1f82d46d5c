// SMB2 NEGOTIATE (MS-SMB2 3.3.5.4; SMB1 upgrade responses 3.3.5.3.1).
#include <algorithm>

#include "smbproto/security/gss.hpp"
#include "smbserver/handlers.hpp"
#include "smbserver/lock_hooks.hpp"

namespace smb::server {
namespace {

constexpr std::uint16_t SMB2_NEGOTIATE_SIGNING_ENABLED = 0x0001;
constexpr std::uint16_t SMB2_NEGOTIATE_SIGNING_REQUIRED = 0x0002;
constexpr std::uint32_t SMB2_GLOBAL_CAP_LARGE_MTU = 0x00000004;
constexpr std::uint32_t SMB2_GLOBAL_CAP_MULTI_CHANNEL = 0x00000008;
constexpr std::uint16_t SHA_512 = 0x0001;  // 2.2.3.1.1 HashAlgorithms

bool is_3x(std::uint16_t d) { return d >= 0x0300 && d != 0x02FF; }

}  // namespace

proto::NegotiateResponse make_negotiate_response(Server& s, Connection& c, std::uint16_t dialect) {
  proto::NegotiateResponse r;
  // 3.3.5.4: SIGNING_ENABLED always; SIGNING_REQUIRED when the server requires signing.
  r.security_mode = SMB2_NEGOTIATE_SIGNING_ENABLED | (s.config.signing_required ? SMB2_NEGOTIATE_SIGNING_REQUIRED : 0);
  r.dialect_revision = dialect;
  r.server_guid = s.server_guid;
  std::uint32_t caps = 0;
  // LARGE_MTU (multi-credit) for 2.1 and later, including the 0x02FF wildcard response (2.2.4).
  if (dialect >= 0x0210) caps |= SMB2_GLOBAL_CAP_LARGE_MTU;
  // MULTI_CHANNEL only when configured, and only for 3.x (2.2.4). No LEASING, no ENCRYPTION, no
  // PERSISTENT_HANDLES: the reference server does not implement them.
  if (s.config.multichannel && is_3x(dialect)) caps |= SMB2_GLOBAL_CAP_MULTI_CHANNEL;
  // PERSISTENT_HANDLES for 3.x when a continuously-available share exists (3.3.5.9.10 needs it
  // in Connection.ServerCapabilities to grant persistent handles; lock_hooks.hpp).
  if (offers_persistent_handles(s, dialect)) caps |= kGlobalCapPersistentHandles;
  r.capabilities = caps;
  // Without multi-credit a request/response is bounded by 64 KiB (3.3.5.2.5); 2.0.2 has no LARGE_MTU.
  std::uint32_t limit = (caps & SMB2_GLOBAL_CAP_LARGE_MTU) ? 0xFFFFFFFFu : 65536u;
  r.max_transact_size = std::min(s.config.max_transact_size, limit);
  r.max_read_size = std::min(s.config.max_read_size, limit);
  r.max_write_size = std::min(s.config.max_write_size, limit);
  r.system_time = filetime_now();
  r.server_start_time = 0;  // 2.2.4: SHOULD be 0
  r.security_buffer = security::negotiate_response_token();
  c.server_capabilities = caps;
  c.server_security_mode = r.security_mode;
  c.max_transact_size = r.max_transact_size;
  c.max_read_size = r.max_read_size;
  c.max_write_size = r.max_write_size;
  return r;
}

HandlerResult handle_negotiate(RequestContext& ctx, const proto::NegotiateRequest& req) {
  Server& s = ctx.server;
  Connection& c = ctx.connection;
  // 3.3.5.4: DialectCount 0 -> STATUS_INVALID_PARAMETER.
  if (req.dialects.empty()) return status::STATUS_INVALID_PARAMETER;
  // Highest dialect both sides support, within the configured range.
  std::uint16_t chosen = 0;
  for (std::uint16_t d : {0x0311, 0x0302, 0x0300, 0x0210, 0x0202}) {
    if (d < s.config.min_dialect || d > s.config.max_dialect) continue;
    if (std::find(req.dialects.begin(), req.dialects.end(), d) != req.dialects.end()) {
      chosen = d;
      break;
    }
  }
  // 3.3.5.4: no common dialect -> STATUS_NOT_SUPPORTED.
  if (!chosen) return status::STATUS_NOT_SUPPORTED;

  std::vector<proto::NegotiateContext> out_contexts;
  security::SigningAlgorithm signing = security::default_signing_algorithm(chosen);
  bool signing_negotiated = false;
  if (chosen == 0x0311) {
    // 3.3.5.4 context validation: exactly one PREAUTH context; at most one ENCRYPTION,
    // COMPRESSION, RDMA_TRANSFORM and SIGNING context; each context long enough.
    int preauth = 0, enc = 0, comp = 0, rdma = 0, sign = 0;
    for (const auto& x : req.negotiate_contexts) {
      switch (x.context_type) {
        case proto::SMB2_PREAUTH_INTEGRITY_CAPABILITIES: ++preauth; break;
        case proto::SMB2_ENCRYPTION_CAPABILITIES: ++enc; break;
        case proto::SMB2_COMPRESSION_CAPABILITIES: ++comp; break;
        case proto::SMB2_RDMA_TRANSFORM_CAPABILITIES: ++rdma; break;
        case proto::SMB2_SIGNING_CAPABILITIES: ++sign; break;
        default: break;  // NETNAME, TRANSPORT, reserved and unknown types are ignored
      }
    }
    if (preauth != 1 || enc > 1 || comp > 1 || rdma > 1 || sign > 1) return status::STATUS_INVALID_PARAMETER;
    proto::PreauthIntegrityCapabilities pic;
    if (!proto::parse_context(proto::find_context(req.negotiate_contexts, proto::SMB2_PREAUTH_INTEGRITY_CAPABILITIES)->data, pic) ||
        pic.hash_algorithms.empty())
      return status::STATUS_INVALID_PARAMETER;
    // 3.3.5.4: no common hash algorithm -> STATUS_SMB_NO_PREAUTH_INTEGRITY_HASH_OVERLAP.
    if (std::find(pic.hash_algorithms.begin(), pic.hash_algorithms.end(), SHA_512) == pic.hash_algorithms.end())
      return status::STATUS_SMB_NO_PREAUTH_INTEGRITY_HASH_OVERLAP;
    if (const auto* ec = proto::find_context(req.negotiate_contexts, proto::SMB2_ENCRYPTION_CAPABILITIES)) {
      proto::EncryptionCapabilities e;
      if (!proto::parse_context(ec->data, e) || e.ciphers.empty()) return status::STATUS_INVALID_PARAMETER;
      // No encryption support: no ENCRYPTION_CAPABILITIES context in the response.
    }
    if (const auto* sc = proto::find_context(req.negotiate_contexts, proto::SMB2_SIGNING_CAPABILITIES)) {
      proto::SigningCapabilities sig;
      if (!proto::parse_context(sc->data, sig) || sig.signing_algorithms.empty()) return status::STATUS_INVALID_PARAMETER;
      // Prefer AES-CMAC; otherwise the first algorithm of the client's list that we implement.
      const auto& algs = sig.signing_algorithms;
      std::optional<std::uint16_t> pick;
      if (std::find(algs.begin(), algs.end(), 1) != algs.end()) pick = 1;
      for (std::size_t i = 0; !pick && i < algs.size(); ++i)
        if (algs[i] <= 2) pick = algs[i];
      if (!pick) pick = 1;  // none in common: answer AES-CMAC, the 3.1.1 default
      signing = static_cast<security::SigningAlgorithm>(*pick);
      signing_negotiated = true;
      proto::SigningCapabilities reply;
      reply.signing_algorithms = {*pick};
      out_contexts.push_back(proto::make_context(reply));
    }
    // Response PREAUTH context: exactly one algorithm (SHA-512) and a 32-byte salt (<287>).
    proto::PreauthIntegrityCapabilities mine;
    mine.hash_algorithms = {SHA_512};
    mine.salt.resize(32);
    for (auto& b : mine.salt) b = static_cast<std::uint8_t>(std::rand());
    out_contexts.insert(out_contexts.begin(), proto::make_context(mine));
    c.preauth_integrity_hash_id = SHA_512;
    c.preauth_integrity_hash.emplace();
    c.preauth_integrity_hash->update(ctx.message);  // 3.3.5.4: hash of the NEGOTIATE request...
    ctx.hash_response_into_connection = true;       // ...then of the response, when it is sent
  }
  c.dialect = chosen;
  c.negotiate_dialect = chosen;
  c.client_dialects = req.dialects;
  c.client_security_mode = req.security_mode;
  if (chosen != 0x0202) c.client_guid = req.client_guid;          // 3.3.5.4: not for 2.0.2
  if (chosen >= 0x0300) c.client_capabilities = req.capabilities;  // 3.x only
  c.signing_algorithm = signing;
  c.signing_algorithm_negotiated = signing_negotiated;
  proto::NegotiateResponse resp = make_negotiate_response(s, c, chosen);
  c.supports_multi_credit = (c.server_capabilities & SMB2_GLOBAL_CAP_LARGE_MTU) != 0;
  resp.negotiate_contexts = std::move(out_contexts);
  return resp;
}

}  // namespace smb::server
