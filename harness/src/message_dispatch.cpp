// Name -> type dispatch over the codec's command list for loading, building and comparing messages.
#include "smbharness/message_dispatch.hpp"

#include "smbharness/message_fields.hpp"
#include "smbharness/smb1_runner.hpp"

namespace smb::harness {
namespace {

template <class T>
struct Tag {
  using type = T;
};

/** Calls f(Tag<RequestType>) for a request name; false if unknown. */
template <class F>
bool with_request_type(const std::string& name, F&& f) {
#define SMB_X(NAME, code, Req, Resp) \
  if (name == #NAME) {               \
    f(Tag<proto::Req>{});            \
    return true;                     \
  }
  SMB2_COMMAND_LIST(SMB_X)
#undef SMB_X
  if (name == "LEASE_BREAK_ACK") {
    f(Tag<proto::LeaseBreakAcknowledgment>{});
    return true;
  }
  return false;
}

/** Calls f(Tag<ResponseType>) for a response name; false if unknown. */
template <class F>
bool with_response_type(const std::string& name, F&& f) {
  if (name == "CANCEL") return false;
#define SMB_X(NAME, code, Req, Resp) \
  if (name == #NAME) {               \
    f(Tag<proto::Resp>{});           \
    return true;                     \
  }
  SMB2_COMMAND_LIST(SMB_X)
#undef SMB_X
  if (name == "ERROR") {
    f(Tag<proto::ErrorResponse>{});
    return true;
  }
  if (name == "LEASE_BREAK") {
    f(Tag<proto::LeaseBreakNotification>{});
    return true;
  }
  if (name == "LEASE_BREAK_ACK") {
    f(Tag<proto::LeaseBreakResponse>{});
    return true;
  }
  return false;
}

/** Args check tolerant of variables: keys must exist; variable-free values must convert. */
template <class T>
std::optional<proto::FieldError> check_args(const nlohmann::json& j, const std::string& path) {
  if (!j.is_object()) return proto::FieldError{path, "expected an object"};
  for (const auto& [key, value] : j.items()) {
    std::string sub = path.empty() ? key : path + "." + key;
    bool found = false;
    std::optional<proto::FieldError> err;
    T t{};
    for_each_field(t, [&](const proto::FieldInfo& fi, auto& member) {
      if (found || fi.name != key) return;
      found = true;
      using M = std::remove_cvref_t<decltype(member)>;
      if (!contains_variable(value)) {
        err = proto::value_from_json(value, member, fi.names, sub);
        return;
      }
      if constexpr (proto::HasFields<M>) {
        if (value.is_object()) err = check_args<M>(value, sub);
      } else if constexpr (proto::is_std_vector<M>::value) {
        if constexpr (proto::HasFields<typename M::value_type>) {
          if (value.is_array())
            for (std::size_t i = 0; i < value.size() && !err; ++i)
              if (value[i].is_object()) err = check_args<typename M::value_type>(value[i], sub + "[" + std::to_string(i) + "]");
        }
      }
    });
    if (!found) return proto::FieldError{sub, detail::unknown_field(key, detail::names_of<T>())};
    if (err) return err;
  }
  return std::nullopt;
}

}  // namespace

const std::vector<std::string>& request_names() {
  static const std::vector<std::string> v = [] {
    std::vector<std::string> out;
#define SMB_X(NAME, code, Req, Resp) out.emplace_back(#NAME);
    SMB2_COMMAND_LIST(SMB_X)
#undef SMB_X
    out.emplace_back("LEASE_BREAK_ACK");
    return out;
  }();
  return v;
}

const std::vector<std::string>& response_names() {
  static const std::vector<std::string> v = [] {
    std::vector<std::string> out;
#define SMB_X(NAME, code, Req, Resp) \
  if (std::string_view(#NAME) != "CANCEL") out.emplace_back(#NAME);
    SMB2_COMMAND_LIST(SMB_X)
#undef SMB_X
    out.emplace_back("ERROR");
    out.emplace_back("LEASE_BREAK");
    out.emplace_back("LEASE_BREAK_ACK");
    return out;
  }();
  return v;
}

std::optional<proto::Command> command_of_name(const std::string& name) {
  if (name == "LEASE_BREAK_ACK" || name == "LEASE_BREAK") return proto::Command::OPLOCK_BREAK;
  if (name == "ERROR") return std::nullopt;
  return proto::command_from_string(name);
}

std::optional<proto::FieldError> check_request_args(const std::string& command, const nlohmann::json& args,
                                                    const std::string& prefix) {
  if (is_smb1_request_name(command)) return smb1_check_request_args(command, args, prefix);  // SMB1 (smb1_runner.hpp)
  std::optional<proto::FieldError> err;
  bool known = with_request_type(command, [&](auto tag) { err = check_args<typename decltype(tag)::type>(args, prefix); });
  if (!known) return proto::FieldError{prefix, "unknown command " + command};
  return err;
}

std::optional<proto::FieldError> check_header_fields(const nlohmann::json& header, const std::string& prefix) {
  return check_args<proto::Header>(header, prefix);
}

std::optional<proto::FieldError> check_response_field(const std::string& response, const std::string& path,
                                                      const nlohmann::json* expected, const std::string& shown) {
  if (is_smb1_response_name(response)) return smb1_check_response_field(response, path, expected, shown);  // SMB1
  if (path.rfind("header.", 0) == 0) return check_path<proto::Header>(path.substr(7), shown, expected);
  std::optional<proto::FieldError> err;
  bool known = with_response_type(response, [&](auto tag) { err = check_path<typename decltype(tag)::type>(path, shown, expected); });
  if (!known) return proto::FieldError{shown, "unknown response " + response};
  return err;
}

std::optional<proto::FieldError> request_from_json(const std::string& command, const nlohmann::json& args,
                                                   proto::RequestBody& out) {
  std::optional<proto::FieldError> err;
  bool known = with_request_type(command, [&](auto tag) {
    typename decltype(tag)::type body{};
    err = proto::from_json_value(args.is_null() ? nlohmann::json::object() : args, body, "args");
    if (!err) out = std::move(body);
  });
  if (!known) return proto::FieldError{"send", "unknown command " + command};
  return err;
}

std::optional<proto::FieldError> header_from_json(const nlohmann::json& header, proto::Header& h) {
  if (header.is_null()) return std::nullopt;
  return proto::from_json_value(header, h, "header");
}

bool body_is(const std::string& response, const proto::ResponseBody& body) {
  bool is = false;
  with_response_type(response, [&](auto tag) { is = std::holds_alternative<typename decltype(tag)::type>(body); });
  return is;
}

std::string body_name(const proto::ResponseBody& body) {
  if (std::holds_alternative<proto::ErrorResponse>(body)) return "ERROR";
  if (std::holds_alternative<proto::LeaseBreakNotification>(body)) return "LEASE_BREAK";
  if (std::holds_alternative<proto::LeaseBreakResponse>(body)) return "LEASE_BREAK_ACK";
  return std::string(proto::to_string(proto::command_of(body)));
}

std::optional<std::string> match_field(const proto::Header& h, const proto::ResponseBody& body, const std::string& path,
                                       const nlohmann::json& expected) {
  bool is_header = path.rfind("header.", 0) == 0;
  auto segs = parse_path(is_header ? path.substr(7) : path);
  if (!segs) return "malformed field path";
  std::optional<std::string> diff;
  bool found;
  auto f = [&](const auto& member, const proto::NameTable* names) { diff = match_value(expected, member, names); };
  if (is_header) {
    found = visit_path(h, *segs, 0, f);
  } else {
    found = std::visit([&](const auto& b) { return visit_path(b, *segs, 0, f); }, body);
  }
  if (!found) return "expected " + detail::show_expected(expected) + " vs actual <absent>";
  return diff;
}

std::optional<nlohmann::json> get_field(const proto::Header& h, const proto::ResponseBody& body, const std::string& path) {
  bool is_header = path.rfind("header.", 0) == 0;
  auto segs = parse_path(is_header ? path.substr(7) : path);
  if (!segs) return std::nullopt;
  nlohmann::json out;
  auto f = [&](const auto& member, const proto::NameTable* names) { out = proto::value_to_json(member, names); };
  bool found = is_header ? visit_path(h, *segs, 0, f)
                         : std::visit([&](const auto& b) { return visit_path(b, *segs, 0, f); }, body);
  if (!found) return std::nullopt;
  return out;
}

nlohmann::json to_json(const proto::RequestBody& b) {
  return std::visit([](const auto& m) { return proto::to_json_value(m); }, b);
}
nlohmann::json to_json(const proto::ResponseBody& b) {
  return std::visit([](const auto& m) { return proto::to_json_value(m); }, b);
}

}  // namespace smb::harness
