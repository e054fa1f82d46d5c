// The control side channel (CONTROL.md): newline-delimited JSON requests that inspect and steer
// the server's abstract state (state dump, fault injection, clock, session expiry, volume state).
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "smbserver/state.hpp"

namespace smb::server {

/**
 * Handles one request line. Always returns a reply object: {"ok":true,...} or
 * {"ok":false,"error":"..."} (malformed JSON, unknown op, missing/invalid fields). Never throws.
 */
nlohmann::json handle_control(Server& s, std::string_view line);

/** The abstract data model as JSON (the reply body of {"op":"state"}). */
nlohmann::json state_to_json(const Server& s);

}  // namespace smb::server
