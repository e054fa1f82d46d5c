// smbconform._core.Client: harness::Client with a held-message queue so responses, interim responses and
// unsolicited breaks can be waited for in any order; SMB2 requests from JSON-named fields, raw bytes, SMB1 frames.
#include <pybind11/stl.h>

#include <chrono>
#include <deque>

#include "module.hpp"
#include "smbharness/client.hpp"
#include "smbharness/error.hpp"
#include "smbharness/message_dispatch.hpp"
#include "smbproto/smb1/messages.hpp"
#include "smbproto/status.hpp"

namespace smb::python {
namespace {

using nlohmann::json;
using harness::Deadline;

Deadline deadline_s(double seconds) {
  return harness::Clock::now() + std::chrono::microseconds(static_cast<std::int64_t>(seconds * 1e6));
}

const char* signature_name(harness::Received::Signature s) {
  switch (s) {
    case harness::Received::Signature::unsigned_: return "unsigned";
    case harness::Received::Signature::valid: return "valid";
    case harness::Received::Signature::invalid: return "invalid";
    case harness::Received::Signature::unchecked: return "unchecked";
  }
  return "unchecked";
}

bool is_interim(const harness::Received& r) {
  // MS-SMB2 3.3.4.2: an interim response is async with STATUS_PENDING.
  return r.header.is_async() && r.header.status == status::STATUS_PENDING.value;
}

/** {command, header, body, decode_error, raw, signature, smb1} as the Python Response wrapper expects. */
py::dict received_to_py(const harness::Received& r) {
  py::dict d;
  d["raw"] = py::bytes(reinterpret_cast<const char*>(r.bytes.data()), r.bytes.size());
  d["signature"] = signature_name(r.signature);
  if (r.bytes.size() >= 4 && r.bytes[0] == 0xFF && r.bytes[1] == 'S' && r.bytes[2] == 'M' && r.bytes[3] == 'B') {
    // An SMB1 message (MS-CIFS 2.2.3.1); harness::Client only decodes SMB2.
    d["smb1"] = true;
    auto m = proto::smb1::decode_response(r.bytes);
    if (!m) {
      d["decode_error"] = m.error().message();
      d["header"] = py::none();
      d["body"] = py::none();
      d["command"] = "";
      return d;
    }
    d["header"] = value_to_py(m->header);
    py::list bodies;
    std::string first;
    for (const auto& b : m->bodies) {
      auto c = proto::smb1::command_of(b);
      std::string name = c ? std::string(proto::smb1::to_string(*c)) : std::string("ERROR");
      if (first.empty()) first = name;
      py::dict e;
      e["command"] = name;
      e["body"] = std::visit(
          [](const auto& x) -> py::object {
            if constexpr (proto::HasFields<std::remove_cvref_t<decltype(x)>>) return value_to_py(x);
            else return py::none();
          },
          b);
      bodies.append(e);
    }
    d["command"] = first;
    d["bodies"] = bodies;
    d["body"] = bodies.size() ? bodies[0]["body"] : py::none();
    d["decode_error"] = py::none();
    return d;
  }
  d["smb1"] = false;
  d["header"] = value_to_py(r.header);
  if (r.body) {
    d["command"] = harness::body_name(*r.body);
    d["body"] = std::visit([](const auto& b) { return value_to_py(b); }, *r.body);
    d["decode_error"] = py::none();
  } else {
    auto name = proto::to_string(static_cast<proto::Command>(r.header.command));
    d["command"] = name.empty() ? std::string("UNKNOWN") : std::string(name);
    d["body"] = py::none();
    d["decode_error"] = r.decode_error ? r.decode_error.message() : std::string("does not decode");
  }
  return d;
}

std::optional<std::uint16_t> parse_dialect(py::handle o) {
  if (py::isinstance<py::int_>(o)) return o.cast<std::uint16_t>();
  return harness::dialect_from_string(py::str(o).cast<std::string>());
}

/** The binding's connection object; one Python thread at a time (the GIL is held except around I/O). */
class PyClient {
 public:
  PyClient(const std::string& host, std::uint16_t port, double timeout) {
    Result<harness::Client> c = [&] {
      py::gil_scoped_release nogil;
      return harness::Client::connect(host, port, deadline_s(timeout));
    }();
    if (!c) raise_for(c.error(), "connect " + host + ":" + std::to_string(port));
    client_.emplace(std::move(*c));
  }

  py::dict negotiate(const py::object& dialects, const std::string& signing, const py::object& capabilities,
                     double timeout) {
    harness::NegotiateOptions o;
    if (!dialects.is_none()) {
      o.dialects.clear();
      for (auto d : dialects) {
        auto v = parse_dialect(d);
        if (!v) throw py::value_error("unknown dialect " + py::str(d).cast<std::string>());
        o.dialects.push_back(*v);
      }
    }
    if (signing == "required") o.security_mode = harness::kSigningEnabled | harness::kSigningRequired;
    else if (signing == "none") o.security_mode = 0;
    else if (signing != "enabled") throw py::value_error("signing must be 'enabled', 'required' or 'none'");
    if (!capabilities.is_none()) o.capabilities = capabilities.cast<std::uint32_t>();
    Result<proto::NegotiateResponse> r = [&] {
      py::gil_scoped_release nogil;
      return c().negotiate(o, deadline_s(timeout));
    }();
    if (!r) raise_for(r.error(), "NEGOTIATE", status_detail());
    return value_to_py(*r);
  }

  py::dict session_setup(const std::string& kind, const std::string& user, const std::string& password,
                         const std::string& domain, double timeout) {
    harness::Account a;
    if (kind == "guest") a.kind = harness::Account::Kind::guest;
    else if (kind == "anonymous") a.kind = harness::Account::Kind::anonymous;
    else if (kind != "user") throw py::value_error("account must be 'user', 'guest' or 'anonymous'");
    a.credentials.user = user;
    a.credentials.password = password;
    a.credentials.domain = domain;
    Result<proto::SessionSetupResponse> r = [&] {
      py::gil_scoped_release nogil;
      return c().session_setup(a, deadline_s(timeout));
    }();
    if (!r) raise_for(r.error(), "SESSION_SETUP", status_detail());
    return value_to_py(*r);
  }

  py::dict tree_connect(const std::string& unc, double timeout) {
    Result<proto::TreeConnectResponse> r = [&] {
      py::gil_scoped_release nogil;
      return c().tree_connect(unc, deadline_s(timeout));
    }();
    if (!r) raise_for(r.error(), "TREE_CONNECT " + unc, status_detail());
    return value_to_py(*r);
  }

  std::uint64_t send(const std::string& command, const py::object& args, const py::object& header,
                     const py::object& sign, const py::object& patches) {
    auto cmd = harness::command_of_name(command);
    if (!cmd && command != "LEASE_BREAK_ACK") raise_decode_error("unknown request " + command);
    if (command == "LEASE_BREAK_ACK") cmd = proto::Command::OPLOCK_BREAK;
    proto::RequestBody body;
    json a = args.is_none() ? json::object() : py_to_json(args);
    if (auto e = harness::request_from_json(command, a, body)) raise_decode_error(command + ": field " + e->path + ": " + e->message);
    std::size_t payload = 0;  // CreditCharge from the payload, as the runner does (MS-SMB2 3.2.4.1.5)
    if (auto* rd = std::get_if<proto::ReadRequest>(&body)) payload = rd->length;
    if (auto* wr = std::get_if<proto::WriteRequest>(&body)) payload = wr->data.size();
    proto::Header h = c().make_header(*cmd, payload);
    harness::SendOptions so;
    if (!header.is_none()) {
      json hj = py_to_json(header);
      if (auto e = harness::header_from_json(hj, h)) raise_decode_error(command + ": header field " + e->path + ": " + e->message);
      if (hj.contains("message_id")) so.advance_message_id = false;
      if (hj.contains("async_id")) h.flags |= proto::SMB2_FLAGS_ASYNC_COMMAND;
    }
    if (!sign.is_none()) so.sign = sign.cast<bool>();
    if (!patches.is_none()) {
      for (auto p : patches) {
        auto t = p.cast<py::tuple>();
        std::string b = t[1].cast<py::bytes>();
        so.patches.push_back({t[0].cast<std::size_t>(), wire::Bytes(b.begin(), b.end())});
      }
    }
    Result<std::uint64_t> r = [&] {
      py::gil_scoped_release nogil;
      return c().send(h, body, so);
    }();
    if (!r) raise_for(r.error(), "send " + command);
    return *r;
  }

  void send_raw(const py::bytes& data, bool framed, double timeout) {
    std::string s = data;
    Result<void> r = [&] {
      py::gil_scoped_release nogil;
      return c().send_raw(wire::ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()), framed,
                          deadline_s(timeout));
    }();
    if (!r) raise_for(r.error(), "send_raw");
  }

  py::dict receive(double timeout) {
    if (!held_.empty()) {
      auto r = std::move(held_.front());
      held_.pop_front();
      return received_to_py(r);
    }
    return received_to_py(next(deadline_s(timeout), "receive"));
  }

  /** The final response to `message_id` (interim STATUS_PENDING responses are skipped unless `interim`). */
  py::dict wait_for(std::uint64_t message_id, double timeout, bool interim) {
    auto match = [&](const harness::Received& r) {
      return r.header.message_id == message_id && (interim || !is_interim(r));
    };
    return wait_until(match, deadline_s(timeout), "response to message_id " + std::to_string(message_id));
  }

  /** The next server-initiated message (MessageId 0xFFFFFFFFFFFFFFFF, MS-SMB2 3.3.4.6 / 3.3.4.7). */
  py::dict expect_break(double timeout) {
    auto match = [](const harness::Received& r) { return r.header.message_id == proto::kUnsolicitedMessageId; };
    return wait_until(match, deadline_s(timeout), "unsolicited message (oplock or lease break)");
  }

  /** True when nothing arrives for `timeout` seconds (the message, if any, stays queued). */
  bool expect_nothing(double timeout) {
    if (!held_.empty()) return false;
    Result<harness::Received> r = [&] {
      py::gil_scoped_release nogil;
      return c().receive(deadline_s(timeout));
    }();
    if (r) {
      held_.push_back(std::move(*r));
      return false;
    }
    if (r.error() == harness::errc::timeout) return true;
    raise_for(r.error(), "expect_nothing");
  }

  bool wait_closed(double timeout) {
    bool got = false;
    py::gil_scoped_release nogil;
    return held_.empty() && c().wait_closed(deadline_s(timeout), got);
  }

  py::bytes sign(const py::bytes& data) const {
    std::string s = data;
    wire::Bytes b(s.begin(), s.end());
    c().sign_message(b);
    return py::bytes(reinterpret_cast<const char*>(b.data()), b.size());
  }

  void close() {
    if (client_) client_->close();
  }
  bool is_open() const { return client_ && client_->is_open(); }
  harness::Client& c() {
    if (!client_) raise_for(harness::errc::not_connected, "client");
    return *client_;
  }
  const harness::Client& c() const { return const_cast<PyClient*>(this)->c(); }
  std::size_t held() const { return held_.size(); }

 private:
  std::string status_detail() const {
    return client_ && client_->last_status().value != 0 ? to_string(client_->last_status()) : std::string();
  }

  harness::Received next(Deadline d, const std::string& what) {
    Result<harness::Received> r = [&] {
      py::gil_scoped_release nogil;
      return c().receive(d);
    }();
    if (!r) raise_for(r.error(), "waiting for " + what);
    return std::move(*r);
  }

  template <class Match>
  py::dict wait_until(const Match& match, Deadline d, const std::string& what) {
    for (auto it = held_.begin(); it != held_.end(); ++it) {
      if (match(*it)) {
        auto r = std::move(*it);
        held_.erase(it);
        return received_to_py(r);
      }
    }
    for (;;) {
      auto r = next(d, what);
      if (match(r)) return received_to_py(r);
      held_.push_back(std::move(r));
    }
  }

  std::optional<harness::Client> client_;
  std::deque<harness::Received> held_;
};

}  // namespace

void init_client(py::module_& m) {
  py::class_<PyClient>(m, "Client", "One SMB connection (see smbconform.Client for the documented wrapper).")
      .def(py::init<const std::string&, std::uint16_t, double>(), py::arg("host"), py::arg("port"), py::arg("timeout") = 5.0,
           "Opens TCP. Raises ConnectionError (refused) or TimeoutError.")
      .def("negotiate", &PyClient::negotiate, py::arg("dialects") = py::none(), py::arg("signing") = "enabled",
           py::arg("capabilities") = py::none(), py::arg("timeout") = 5.0,
           "NEGOTIATE (MS-SMB2 3.2.4.2.2.2) -> response fields. Raises Error (error status), TimeoutError, ConnectionError.")
      .def("session_setup", &PyClient::session_setup, py::arg("kind") = "user", py::arg("user") = "",
           py::arg("password") = "", py::arg("domain") = "", py::arg("timeout") = 5.0,
           "SESSION_SETUP with NTLMv2 in SPNEGO (MS-SMB2 3.2.4.2.3) -> final response fields. Raises Error, TimeoutError.")
      .def("tree_connect", &PyClient::tree_connect, py::arg("unc"), py::arg("timeout") = 5.0,
           "TREE_CONNECT to \\\\host\\share -> response fields. Raises Error, TimeoutError.")
      .def("send", &PyClient::send, py::arg("command"), py::arg("args") = py::none(), py::arg("header") = py::none(),
           py::arg("sign") = py::none(), py::arg("patches") = py::none(),
           "Encodes, signs and sends one SMB2 request -> its MessageId. Raises DecodeError for a bad field.")
      .def("send_raw", &PyClient::send_raw, py::arg("data"), py::arg("framed") = false, py::arg("timeout") = 5.0)
      .def("receive", &PyClient::receive, py::arg("timeout") = 5.0, "The next message in arrival order.")
      .def("wait_for", &PyClient::wait_for, py::arg("message_id"), py::arg("timeout") = 5.0, py::arg("interim") = false)
      .def("expect_break", &PyClient::expect_break, py::arg("timeout") = 5.0)
      .def("expect_nothing", &PyClient::expect_nothing, py::arg("timeout"))
      .def("wait_closed", &PyClient::wait_closed, py::arg("timeout") = 5.0)
      .def("sign", &PyClient::sign, py::arg("data"), "Signs an encoded SMB2 message with the session key.")
      .def("close", &PyClient::close)
      .def_property_readonly("is_open", &PyClient::is_open)
      .def_property_readonly("held", &PyClient::held)
      .def_property_readonly("dialect", [](PyClient& p) { return p.c().dialect(); })
      .def_property_readonly("dialect_name", [](PyClient& p) { return harness::dialect_to_string(p.c().dialect()); })
      .def_property("session_id", [](PyClient& p) { return p.c().session_id(); },
                    [](PyClient& p, std::uint64_t v) { p.c().set_session_id(v); })
      .def_property("tree_id", [](PyClient& p) { return p.c().tree_id(); },
                    [](PyClient& p, std::uint32_t v) { p.c().set_tree_id(v); })
      .def_property_readonly("next_message_id", [](PyClient& p) { return p.c().next_message_id(); })
      .def_property_readonly("credits", [](PyClient& p) { return p.c().credits(); })
      .def_property_readonly("session_signs", [](PyClient& p) { return p.c().session_signs(); })
      .def_property_readonly("session_flags", [](PyClient& p) { return p.c().session_flags(); })
      .def_property_readonly("last_status", [](PyClient& p) { return p.c().last_status().value; })
      .def_property_readonly("negotiate_response", [](PyClient& p) { return value_to_py(p.c().negotiate_response()); })
      .def_property_readonly("last_sent", [](PyClient& p) {
        const auto& b = p.c().last_sent();
        return py::bytes(reinterpret_cast<const char*>(b.data()), b.size());
      });
}

}  // namespace smb::python
