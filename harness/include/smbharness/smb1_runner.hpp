// SMB1 in the scenario runner: load-time checks of SMB1 command/field names and status forms, and the run loop's
// steps on connections declared with "protocol": "smb1" (send/expect by MS-CIFS command names, the unsolicited
// LOCKING_ANDX oplock break, raw sends). The runner (runner.cpp) and loader (scenario_loader.cpp) call in here.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "smbharness/runner.hpp"
#include "smbharness/scenario.hpp"
#include "smbharness/target.hpp"
#include "smbharness/values.hpp"
#include "smbproto/fields.hpp"
#include "smbproto/json.hpp"
#include "smbproto/status.hpp"

namespace smb::harness {

/** True for an SMB1 command name a `send` step accepts ("SMB_COM_CLOSE", ...; MS-CIFS 2.2.2.1 spelling). */
bool is_smb1_request_name(const std::string& name);
/** True for an SMB1 name an `expect` / `expect_unsolicited` step accepts (the command names). */
bool is_smb1_response_name(const std::string& name);
const std::vector<std::string>& smb1_command_names();

/** Load-time check of `send` args against the SMB1 request's field list. Returns the located problem or nullopt. */
std::optional<proto::FieldError> smb1_check_request_args(const std::string& command, const nlohmann::json& args,
                                                         const std::string& prefix);
/** Load-time check of SMB1 header overrides (smb1::Header field list: tid, uid, pid_low, mid, flags2, ...). */
std::optional<proto::FieldError> smb1_check_header_fields(const nlohmann::json& header, const std::string& prefix);
/**
 * Load-time check of one expected field of an SMB1 message: `header.<field>`, `message_size` (the SMB message
 * length without the transport prefix), or a body field of the command's response or, for the server's oplock
 * break, of the LOCKING_ANDX request.
 */
std::optional<proto::FieldError> smb1_check_response_field(const std::string& response, const std::string& path,
                                                           const nlohmann::json* expected, const std::string& shown);
/**
 * SMBSTATUS names "ERRDOS/ERRbadfid", "ERRSRV/ERRbaduid", ... (MS-CIFS 2.2.2.4) as the 4 Status bytes read
 * little-endian: (ErrorCode << 16) | ErrorClass. nullopt for anything else.
 */
std::optional<NtStatus> smb1_status_from_string(const std::string& name);
/** "ERRDOS/ERRbadfid (0x00060001)" for a DOS-form Status; hex for unknown pairs. */
std::string smb1_dos_to_string(std::uint32_t status);

/** One SMB1 connection of a running scenario (client, outstanding requests, unconsumed messages). */
struct Smb1Conn;

/** The connection's transport, null when it is closed (the run loop's reference_quiet bookkeeping). */
const TcpTransport* smb1_transport(const Smb1Conn& conn);

/** What the SMB1 steps need from the run loop. */
struct Smb1RunContext {
  const Scenario& scenario;
  const Target& target;
  const RunOptions& options;
  Variables& vars;
  std::map<std::string, std::chrono::steady_clock::time_point>& marks;
  CaptureLog* capture = nullptr;
  /** Settles "nothing on the connection from this local port for this long" without waiting (reference_quiet over
   *  all of the scenario's connections); null or false = wait it out. */
  std::function<bool(std::uint16_t, std::chrono::milliseconds)> settle_nothing;
};

/** A step's grade and its detail (without the file/step prefix). */
struct Smb1Grade {
  Verdict verdict = Verdict::pass;
  std::string detail;
};

/**
 * Connects `spec` over SMB1 (TCP, NEGOTIATE "NT LM 0.12", SESSION_SETUP_ANDX, TREE_CONNECT_ANDX as far as the
 * spec's connect/account/share allow) and sets `$<name>.uid/.tid/.pid/.session_id/.tree_id/.capabilities/
 * .security_mode`. Returns "" or the reason the prologue failed.
 */
std::string smb1_prologue(std::shared_ptr<Smb1Conn>& conn, const ConnectionSpec& spec, Smb1RunContext& ctx);

/** True for the step kinds smb1_run_step handles (every wire step; not wait/control). */
bool smb1_wire_step(const Step& step);

/** Runs one wire step on an SMB1 connection and records what was sent and received in `sr`. */
Smb1Grade smb1_run_step(std::shared_ptr<Smb1Conn>& conn, const ConnectionSpec& spec, const Step& step,
                        Smb1RunContext& ctx, StepResult& sr);

/** Closes the connection (end of the scenario). */
void smb1_close(Smb1Conn& conn);

}  // namespace smb::harness
