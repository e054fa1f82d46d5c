// Runtime dispatch from scenario command names ("FLUSH", "ERROR", "LEASE_BREAK") to the codec's typed messages.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "smbproto/json.hpp"
#include "smbproto/messages.hpp"

namespace smb::harness {

/** Request names a `send` step accepts: the command list plus LEASE_BREAK_ACK. */
const std::vector<std::string>& request_names();
/** Names an `expect` step accepts: the command list (minus CANCEL), ERROR, LEASE_BREAK, LEASE_BREAK_ACK. */
const std::vector<std::string>& response_names();

/** The wire command code a request/response name belongs to (ERROR -> nullopt: any command). */
std::optional<proto::Command> command_of_name(const std::string& name);

/**
 * Load-time check of `send` args: every key a field of the request, every value without variables
 * convertible. Returns the first problem with its path ("args.file_idd") or nullopt.
 */
std::optional<proto::FieldError> check_request_args(const std::string& command, const nlohmann::json& args,
                                                    const std::string& prefix);
/** Load-time check of header overrides against the Header field list. */
std::optional<proto::FieldError> check_header_fields(const nlohmann::json& header, const std::string& prefix);
/**
 * Load-time check of one expected field of a response (`header.*` or a body path) and its value
 * (`expected` may be null to check the path only, e.g. for captures).
 */
std::optional<proto::FieldError> check_response_field(const std::string& response, const std::string& path,
                                                      const nlohmann::json* expected, const std::string& shown);

/** Builds a request body from resolved args. Errors: the located field problem. */
std::optional<proto::FieldError> request_from_json(const std::string& command, const nlohmann::json& args,
                                                   proto::RequestBody& out);
/** Applies header overrides (resolved) on top of `h`. */
std::optional<proto::FieldError> header_from_json(const nlohmann::json& header, proto::Header& h);

/** True when `body` is the body type named by `response` ("ERROR" -> ErrorResponse). */
bool body_is(const std::string& response, const proto::ResponseBody& body);
/** Short name of a decoded body ("CREATE", "ERROR", "LEASE_BREAK"). */
std::string body_name(const proto::ResponseBody& body);

/**
 * Compares one field (`header.x` or a body path) of a received message with a resolved expectation.
 * Returns nullopt on a match, else the expected-vs-actual text (or "no field X" when absent).
 */
std::optional<std::string> match_field(const proto::Header& h, const proto::ResponseBody& body, const std::string& path,
                                       const nlohmann::json& expected);
/** The JSON value of one field of a received message (for captures); nullopt when absent. */
std::optional<nlohmann::json> get_field(const proto::Header& h, const proto::ResponseBody& body, const std::string& path);

/** Decoded request body -> JSON (for reports). */
nlohmann::json to_json(const proto::RequestBody& b);
nlohmann::json to_json(const proto::ResponseBody& b);

}  // namespace smb::harness
