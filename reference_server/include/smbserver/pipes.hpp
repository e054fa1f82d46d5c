// Named-pipe endpoints on IPC$: CREATE, READ, WRITE, FLUSH and CLOSE of a pipe open (MS-SMB2 3.3.5.9-3.3.5.13).
//
// Each pipe open gets its own PipeInstance (Open::pipe) holding the two byte queues of the pipe and the requests
// waiting on it. The server end of every endpoint is simulated in-process (no RPC services):
//
//   srvsvc, wkssvc      reader consumes every write at once; a complete DCE/RPC bind PDU (C706 12.6.4.3) is answered
//                       with a bind_ack accepting NDR (12.6.4.4), any other complete request PDU with a fault
//                       (nca_op_rng_error): a pipe to open, write, read, flush and close, nothing RPC-wise.
//   smbconform-stall    reader never reads until the open goes away: a FLUSH after a WRITE stays pending.
//   smbconform-hangup   reader never reads; the server end closes 5 ms (server clock) after the first READ or FLUSH
//                       starts waiting on it.
//   smbconform-test     a reader controlled through the control channel (ops pipe_list, pipe_hold, pipe_release,
//                       pipe_close, pipe_send; CONTROL.md "Pipes"): held at open, it consumes everything when
//                       released, and can be closed (server end) or made to send bytes to the client.
//
// Threading: like state.hpp, everything runs on the server's single io_context thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "smbserver/dispatch.hpp"

namespace smb::server {

/** The kinds of simulated server ends (see the file comment). */
enum class PipeEndpoint { rpc, stall, hangup, test };

/** One open of a named pipe: its byte queues, the server end's state and the requests waiting on it. */
struct PipeInstance {
  struct Waiter {
    AsyncToken token;
    std::uint32_t length = 0;  ///< READ: requested length
  };
  PipeEndpoint endpoint = PipeEndpoint::rpc;
  std::string name;                    ///< endpoint name as opened (lower case)
  std::vector<std::uint8_t> inbound;   ///< written by the client, not yet consumed by the server end
  std::vector<std::uint8_t> outbound;  ///< written by the server end, not yet read by the client
  bool reader_held = false;            ///< the server end does not read (stall, hangup, test while held)
  bool server_closed = false;          ///< the server end has closed: I/O fails with STATUS_PIPE_BROKEN
  bool hangup_armed = false;           ///< hangup endpoint: a READ/FLUSH has waited, the close is scheduled
  std::uint64_t consumed = 0;          ///< bytes the server end has consumed so far
  std::vector<std::uint8_t> rpc_rx;    ///< rpc endpoints: consumed bytes not yet forming a whole PDU
  std::vector<Waiter> flushes;         ///< pending FLUSH requests (3.3.5.11)
  std::vector<Waiter> reads;           ///< pending READ requests (3.3.5.12)
};

/** True when `name` (a CREATE path on IPC$, case-insensitive, optional leading backslash) is a known endpoint. */
bool pipe_endpoint_exists(std::string_view name);

/**
 * CREATE on IPC$ (3.3.5.9): opens a pipe endpoint. Unknown name -> STATUS_OBJECT_NAME_NOT_FOUND; directory
 * options -> STATUS_INVALID_PARAMETER (a pipe is not a directory). Oplocks are skipped for pipes, so the response
 * OplockLevel is SMB2_OPLOCK_LEVEL_NONE (3.3.5.9, 2.2.14). No durability for pipes.
 */
HandlerResult pipe_create(RequestContext& ctx, const proto::CreateRequest& req);
/** WRITE on a pipe open (3.3.5.13): appends to the inbound queue; the server end may consume it at once. */
HandlerResult pipe_write(RequestContext& ctx, Open& open, const proto::WriteRequest& req);
/** READ on a pipe open (3.3.5.12): returns queued outbound bytes, else goes pending until some arrive. */
HandlerResult pipe_read(RequestContext& ctx, Open& open, const proto::ReadRequest& req);
/** FLUSH on a pipe open (3.3.5.11, 2.2.17): completes once the reader has consumed every written byte. */
HandlerResult pipe_flush(RequestContext& ctx, Open& open);

/** Control channel: every live pipe open as JSON (durable_file_id, name, queued bytes, held, closed). */
nlohmann::json pipes_json(const Server& s);
/**
 * Control channel op on the pipe open `durable_file_id` (0: the only open of endpoint smbconform-test):
 * "hold", "release", "close" (server end), or "send" (bytes to the client). Returns "" or an error message.
 */
std::string pipe_control(Server& s, std::uint64_t durable_file_id, const std::string& op,
                         const std::vector<std::uint8_t>& data);

}  // namespace smb::server
