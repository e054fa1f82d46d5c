// The per-connection protocol engine: Direct TCP framing, SMB1 upgrade, compound chains, the common
// request pipeline of MS-SMB2 3.3.5.2 (sequence window, credits, signing, validation) and responses.
//
// Threading: called only from the server's io_context thread. All malformed-input decisions for a
// connection are taken here, in one place: a request either gets an error response or the
// connection is closed (Connection.closed set, transport closed); nothing throws.
#pragma once

#include <string_view>

#include "smbproto/messages.hpp"
#include "smbserver/state.hpp"

namespace smb::server {

/**
 * Appends received bytes and processes every complete frame. Frames longer than
 * MaxTransactSize + 256 or a bad stream header close the connection (3.3.5.2, 2.1).
 * The caller removes the connection (remove_connection) once `c.closed` is set.
 */
void receive(Server& s, Connection& c, wire::ByteView data);

/** Processes one frame payload (an SMB2 message or compound chain, or an SMB1 message). */
void process_message(Server& s, Connection& c, wire::ByteView payload);

/** Marks the connection closed and closes its transport; logs `reason` at info level. */
void disconnect(Connection& c, std::string_view reason);

/** Encodes a header + body, frames it and sends it on the connection (used for unsolicited messages). */
void send_message(Server& s, Connection& c, const proto::Header& h, const proto::ResponseBody& body,
                  const Session* sign_with = nullptr);

}  // namespace smb::server
