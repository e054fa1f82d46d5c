// The codec for Python: NTSTATUS table, SMB2 and SMB1 encode/decode with the JSON field names, and the
// field-list schema the stub generator (python/tools/gen_stubs.py) turns into .pyi files.
#include <cxxabi.h>

#include <pybind11/stl.h>

#include <cstdlib>
#include <memory>
#include <typeinfo>

#include "module.hpp"
#include "smbharness/message_dispatch.hpp"
#include "smbproto/messages.hpp"
#include "smbproto/smb1/messages.hpp"
#include "smbproto/status.hpp"

namespace smb::python {
namespace {

using nlohmann::json;

wire::Bytes to_bytes(const py::bytes& b) {
  std::string s = b;
  return wire::Bytes(s.begin(), s.end());
}

std::string short_type_name(const std::type_info& t) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> d(abi::__cxa_demangle(t.name(), nullptr, nullptr, &status), std::free);
  std::string n = status == 0 && d ? d.get() : t.name();
  auto colon = n.rfind("::");
  return colon == std::string::npos ? n : n.substr(colon + 2);
}

template <class T>
py::dict type_schema();

/** Schema of one member type: {"type": int|bool|str|bytes|guid|list|optional|struct, ...}. */
template <class T>
py::dict member_schema(const proto::NameTable* names) {
  py::dict d;
  if constexpr (std::is_same_v<T, bool>) {
    d["type"] = "bool";
  } else if constexpr (std::is_integral_v<T>) {
    d["type"] = "int";
    d["bits"] = sizeof(T) * 8;
    if (names) {
      py::list l;
      for (const auto& e : names->entries) l.append(py::str(std::string(e.name)));
      d["names"] = l;
      d["names_kind"] = names->kind == proto::NameTable::Kind::flags ? "flags" : "values";
    }
  } else if constexpr (std::is_same_v<T, std::string>) {
    d["type"] = "str";
  } else if constexpr (std::is_same_v<T, wire::Bytes>) {
    d["type"] = "bytes";
  } else if constexpr (proto::is_std_array<T>::value) {
    d["type"] = "bytes";
    d["size"] = std::tuple_size_v<T>;
  } else if constexpr (std::is_same_v<T, proto::Guid>) {
    d["type"] = "guid";
  } else if constexpr (proto::is_std_optional<T>::value) {
    d["type"] = "optional";
    d["item"] = member_schema<typename T::value_type>(names);
  } else if constexpr (proto::is_std_vector<T>::value) {
    d["type"] = "list";
    d["item"] = member_schema<typename T::value_type>(names);
  } else if constexpr (proto::HasFields<T>) {
    d = type_schema<T>();
  } else {
    d["type"] = "json";
  }
  return d;
}

template <class T>
py::dict type_schema() {
  py::dict d;
  d["type"] = "struct";
  d["struct"] = short_type_name(typeid(T));
  py::list fields;
  T t{};
  for_each_field(t, [&](const proto::FieldInfo& f, const auto& member) {
    py::dict fd = member_schema<std::remove_cvref_t<decltype(member)>>(f.names);
    fd["name"] = std::string(f.name);
    fields.append(fd);
  });
  d["fields"] = fields;
  return d;
}

template <class Variant>
py::dict body_schema(const Variant& v) {
  return std::visit([](const auto& b) { return type_schema<std::remove_cvref_t<decltype(b)>>(); }, v);
}

py::dict message_to_py(const std::string& command, const proto::Header& h, const py::object& body) {
  py::dict d;
  d["command"] = command;
  d["header"] = value_to_py(h);
  d["body"] = body;
  return d;
}

proto::Header header_for(const std::string& command, const py::object& header) {
  proto::Header h;
  if (auto c = harness::command_of_name(command)) h.command = static_cast<std::uint16_t>(*c);
  if (!header.is_none()) {
    if (auto e = harness::header_from_json(py_to_json(header), h))
      raise_decode_error("header field " + e->path + ": " + e->message);
  }
  return h;
}

py::bytes encode_request(const std::string& command, const py::object& args, const py::object& header) {
  proto::RequestBody body;
  json a = args.is_none() ? json::object() : py_to_json(args);
  if (!harness::command_of_name(command) && command != "LEASE_BREAK_ACK")
    raise_decode_error("unknown request " + command);
  if (auto e = harness::request_from_json(command, a, body)) raise_decode_error(command + ": field " + e->path + ": " + e->message);
  auto bytes = proto::encode_message(header_for(command, header), body);
  return py::bytes(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

py::dict decode_request(const py::bytes& data) {
  auto bytes = to_bytes(data);
  auto r = proto::decode_request(bytes);
  if (!r) raise_decode_error("request does not decode: " + r.error().message());
  std::string name = std::holds_alternative<proto::LeaseBreakAcknowledgment>(r->body)
                         ? std::string("LEASE_BREAK_ACK")
                         : std::string(proto::to_string(proto::command_of(r->body)));
  return message_to_py(name, r->header, std::visit([](const auto& b) { return value_to_py(b); }, r->body));
}

py::dict decode_response(const py::bytes& data) {
  auto bytes = to_bytes(data);
  auto r = proto::decode_response(bytes);
  if (!r) raise_decode_error("response does not decode: " + r.error().message());
  return message_to_py(harness::body_name(r->body), r->header, std::visit([](const auto& b) { return value_to_py(b); }, r->body));
}

// --- SMB1 (MS-CIFS): the same field-list conversion over smb1::RequestBody / ResponseBody.

std::optional<proto::smb1::RequestBody> smb1_request_from_name(const std::string& name) {
#define SMB1_X(n, code, Req, Resp) \
  if (name == #n) return proto::smb1::RequestBody{proto::smb1::Req{}};
  SMB1_COMMAND_LIST(SMB1_X)
#undef SMB1_X
  return std::nullopt;
}

py::list smb1_request_names() {
  py::list l;
#define SMB1_X(n, code, Req, Resp) l.append(#n);
  SMB1_COMMAND_LIST(SMB1_X)
#undef SMB1_X
  return l;
}

py::bytes smb1_encode_request(const py::object& header, const py::list& commands) {
  proto::smb1::Header h;
  h.flags2 = proto::smb1::SMB_FLAGS2_UNICODE | proto::smb1::SMB_FLAGS2_NT_STATUS;
  if (!header.is_none())
    if (auto e = proto::from_json_value(py_to_json(header), h)) raise_decode_error("header field " + e->path + ": " + e->message);
  std::vector<proto::smb1::RequestBody> bodies;
  for (auto item : commands) {
    auto pair = item.cast<py::tuple>();
    if (pair.size() != 2) throw py::type_error("each command is a (name, fields) pair");
    std::string name = pair[0].cast<std::string>();
    auto body = smb1_request_from_name(name);
    if (!body) raise_decode_error("unknown SMB1 command " + name);
    json args = pair[1].is_none() ? json::object() : py_to_json(pair[1]);
    std::optional<proto::FieldError> err;
    std::visit(
        [&](auto& b) {
          if constexpr (proto::HasFields<std::remove_cvref_t<decltype(b)>>) err = proto::from_json_value(args, b);
        },
        *body);
    if (err) raise_decode_error(name + ": field " + err->path + ": " + err->message);
    bodies.push_back(std::move(*body));
  }
  if (bodies.empty()) raise_decode_error("an SMB1 message needs at least one command");
  auto bytes = proto::smb1::encode_message(h, bodies);
  return py::bytes(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

template <class Msg>
py::dict smb1_to_py(const Msg& m) {
  py::dict d;
  d["header"] = value_to_py(m.header);
  py::list bodies;
  for (const auto& b : m.bodies) {
    py::dict e;
    auto c = proto::smb1::command_of(b);
    e["command"] = c ? std::string(proto::smb1::to_string(*c)) : std::string("ERROR");
    e["body"] = std::visit(
        [](const auto& x) -> py::object {
          if constexpr (proto::HasFields<std::remove_cvref_t<decltype(x)>>) return value_to_py(x);
          else return py::none();
        },
        b);
    bodies.append(e);
  }
  d["bodies"] = bodies;
  return d;
}

py::dict smb1_decode_response(const py::bytes& data) {
  auto bytes = to_bytes(data);
  auto r = proto::smb1::decode_response(bytes);
  if (!r) raise_decode_error("SMB1 response does not decode: " + r.error().message());
  return smb1_to_py(*r);
}

py::dict smb1_decode_request(const py::bytes& data) {
  auto bytes = to_bytes(data);
  auto r = proto::smb1::decode_request(bytes);
  if (!r) raise_decode_error("SMB1 request does not decode: " + r.error().message());
  return smb1_to_py(*r);
}

py::dict schema() {
  py::dict out;
  py::dict requests, responses;
  for (const auto& name : harness::request_names()) {
    proto::RequestBody b;
    if (harness::request_from_json(name, json::object(), b)) continue;
    requests[py::str(name)] = body_schema(b);
  }
  // Every response body type, named as an expect step names it (CREATE, ERROR, LEASE_BREAK, ...).
  proto::ResponseBody probe;
  auto add = [&](const auto& t) {
    proto::ResponseBody rb{t};
    std::string name = harness::body_name(rb);
    if (!name.empty()) responses[py::str(name)] = body_schema(rb);
  };
  std::apply([&](const auto&... ts) { (add(ts), ...); }, std::tuple<
#define SMB_X(name, code, Req, Resp) proto::Resp,
      SMB2_COMMAND_LIST(SMB_X)
#undef SMB_X
      proto::LeaseBreakNotification, proto::LeaseBreakResponse, proto::ErrorResponse>{});
  (void)probe;
  out["requests"] = requests;
  out["responses"] = responses;
  out["header"] = type_schema<proto::Header>();
  py::dict s1req, s1resp;
#define SMB1_X(n, code, Req, Resp)                                     \
  if constexpr (proto::HasFields<proto::smb1::Req>) s1req[#n] = type_schema<proto::smb1::Req>(); \
  if constexpr (proto::HasFields<proto::smb1::Resp>) s1resp[#n] = type_schema<proto::smb1::Resp>();
  SMB1_COMMAND_LIST(SMB1_X)
#undef SMB1_X
  out["smb1_requests"] = s1req;
  out["smb1_responses"] = s1resp;
  out["smb1_header"] = type_schema<proto::smb1::Header>();
  return out;
}

}  // namespace

void init_codec(py::module_& m) {
  py::list table;
#define SMB_X(name, val) table.append(py::make_tuple(#name, static_cast<std::uint32_t>(val)));
  SMB_STATUS_LIST(SMB_X)
#undef SMB_X
  m.attr("STATUS_TABLE") = table;
  m.def("status_to_string", [](std::uint32_t v) { return to_string(NtStatus{v}); },
        "\"STATUS_FILE_CLOSED (0xc0000128)\", or hex for a value outside the table.");
  m.def("status_from_string", [](const std::string& s) -> py::object {
        auto st = status_from_string(s);
        return st ? py::object(py::int_(st->value)) : py::none();
      }, "Spec name or numeric literal -> value; None when neither.");
  m.def("request_names", [] { return harness::request_names(); }, "Request names a send accepts (MS-SMB2 2.2.1.2 + LEASE_BREAK_ACK).");
  m.def("response_names", [] { return harness::response_names(); }, "Response names an expect accepts (plus ERROR, LEASE_BREAK).");
  m.def("encode_request", &encode_request, py::arg("command"), py::arg("args") = py::none(), py::arg("header") = py::none(),
        "Encodes an SMB2 request (header + body, no framing, unsigned) from JSON-named fields.\n"
        "Raises DecodeError for an unknown command, field or value (located: 'LOCK: field locks[0].flags: ...').");
  m.def("decode_request", &decode_request, py::arg("data"),
        "Decodes one SMB2 request message -> {command, header, body}. Raises DecodeError.");
  m.def("decode_response", &decode_response, py::arg("data"),
        "Decodes one SMB2 response message -> {command, header, body}; an error status with a 9-byte body is "
        "ERROR (MS-SMB2 2.2.2). Raises DecodeError.");
  m.def("smb1_request_names", &smb1_request_names, "SMB1 command names (MS-CIFS 2.2.2.1 spelling).");
  m.def("smb1_encode_request", &smb1_encode_request, py::arg("header"), py::arg("commands"),
        "Encodes an SMB1 request: header fields and a list of (command, fields) chained as AndX (MS-CIFS 2.2.3.4).\n"
        "Flags2 defaults to UNICODE|NT_STATUS. Raises DecodeError.");
  m.def("smb1_decode_response", &smb1_decode_response, py::arg("data"),
        "Decodes an SMB1 response -> {header, bodies: [{command, body}]}. Raises DecodeError.");
  m.def("smb1_decode_request", &smb1_decode_request, py::arg("data"),
        "Decodes an SMB1 request -> {header, bodies: [{command, body}]}. Raises DecodeError.");
  m.def("schema", &schema, "The field lists of every message and header (drives the generated .pyi stubs).");
}

}  // namespace smb::python
