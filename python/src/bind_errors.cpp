// smbconform's Python exceptions (Error, ScenarioError, DecodeError, TimeoutError, ConnectionError), the
// error_code -> exception mapping and the JSON <-> Python value conversion shared by the other parts.
#include <pybind11/stl.h>

#include "module.hpp"
#include "smbharness/error.hpp"
#include "smbproto/error.hpp"

namespace smb::python {

Exceptions& exceptions() {
  static Exceptions e;
  return e;
}

namespace {

PyObject* new_exception(py::module_& m, const char* name, py::object bases, const char* doc) {
  std::string full = std::string(PyModule_GetName(m.ptr())) + "." + name;
  PyObject* t = PyErr_NewExceptionWithDoc(full.c_str(), doc, bases.ptr(), nullptr);
  if (t == nullptr) throw py::error_already_set();
  m.add_object(name, py::handle(t));  // the module keeps a reference
  return t;
}

[[noreturn]] void raise(PyObject* type, const std::string& message) {
  PyErr_SetString(type, message.c_str());
  throw py::error_already_set();
}

}  // namespace

void raise_scenario_error(const std::string& message) { raise(exceptions().scenario, message); }
void raise_decode_error(const std::string& message) { raise(exceptions().decode, message); }
void raise_error(const std::string& message) { raise(exceptions().error, message); }

void raise_for(std::error_code ec, const std::string& what, const std::string& detail) {
  std::string msg = what + ": " + ec.message() + (detail.empty() ? "" : ": " + detail);
  if (ec.category() == harness::harness_category()) {
    switch (static_cast<harness::errc>(ec.value())) {
      case harness::errc::timeout: raise(exceptions().timeout, msg);
      case harness::errc::closed:
      case harness::errc::connect_failed:
      case harness::errc::io_error:
      case harness::errc::not_connected: raise(exceptions().connection, msg);
      case harness::errc::bad_frame:
      case harness::errc::bad_response:
      case harness::errc::bad_signature:
      case harness::errc::auth_failed:
      case harness::errc::negotiate_failed:
      case harness::errc::tree_connect_failed:
      case harness::errc::control_error: raise(exceptions().error, msg);
    }
  }
  if (ec.category() == proto::proto_category()) raise(exceptions().decode, msg);
  raise(exceptions().error, msg);
}

py::object json_to_py(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded: return py::none();
    case nlohmann::json::value_t::boolean: return py::bool_(j.get<bool>());
    case nlohmann::json::value_t::number_integer: return py::int_(j.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned: return py::int_(j.get<std::uint64_t>());
    case nlohmann::json::value_t::number_float: return py::float_(j.get<double>());
    case nlohmann::json::value_t::string: return py::str(j.get_ref<const std::string&>());
    case nlohmann::json::value_t::binary: {
      const auto& b = j.get_binary();
      return py::bytes(reinterpret_cast<const char*>(b.data()), b.size());
    }
    case nlohmann::json::value_t::array: {
      py::list l;
      for (const auto& e : j) l.append(json_to_py(e));
      return l;
    }
    case nlohmann::json::value_t::object: {
      py::dict d;
      for (const auto& [k, v] : j.items()) d[py::str(k)] = json_to_py(v);
      return d;
    }
  }
  return py::none();
}

nlohmann::json py_to_json(py::handle o) {
  if (o.is_none()) return nullptr;
  if (py::isinstance<py::bool_>(o)) return o.cast<bool>();
  if (py::isinstance<py::int_>(o)) {
    // IntEnum members (smbconform.Status) are ints too.
    py::int_ i = py::reinterpret_borrow<py::int_>(o);
    if (PyObject_RichCompareBool(i.ptr(), py::int_(0).ptr(), Py_LT) == 1) return i.cast<std::int64_t>();
    return i.cast<std::uint64_t>();
  }
  if (py::isinstance<py::float_>(o)) return o.cast<double>();
  if (py::isinstance<py::str>(o)) return o.cast<std::string>();
  if (py::isinstance<py::bytes>(o) || py::isinstance<py::bytearray>(o) || py::isinstance<py::memoryview>(o)) {
    std::string s = py::bytes(py::reinterpret_borrow<py::object>(o)).cast<std::string>();
    return wire::to_hex(wire::ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
  }
  if (py::isinstance<py::dict>(o)) {
    nlohmann::json j = nlohmann::json::object();
    for (auto [k, v] : py::reinterpret_borrow<py::dict>(o)) j[py::str(k).cast<std::string>()] = py_to_json(v);
    return j;
  }
  if (py::isinstance<py::list>(o) || py::isinstance<py::tuple>(o)) {
    nlohmann::json j = nlohmann::json::array();
    for (auto v : o) j.push_back(py_to_json(v));
    return j;
  }
  if (py::hasattr(o, "to_json")) return py_to_json(o.attr("to_json")());
  throw py::type_error("cannot convert " + py::repr(o).cast<std::string>() + " to a JSON value");
}

void init_errors(py::module_& m) {
  auto builtins = py::module_::import("builtins");
  auto& e = exceptions();
  e.error = new_exception(m, "Error", builtins.attr("RuntimeError"), "Base class of every smbconform error.");
  py::object base = py::reinterpret_borrow<py::object>(e.error);
  e.scenario = new_exception(m, "ScenarioError", base,
                             "A scenario that does not load: the located message the CLI prints "
                             "(file: step N (kind COMMAND): field path: problem).");
  e.decode = new_exception(m, "DecodeError", py::make_tuple(base, builtins.attr("ValueError")),
                           "Bytes or values that do not decode or encode as the named message.");
  e.timeout = new_exception(m, "TimeoutError", py::make_tuple(base, builtins.attr("TimeoutError")),
                            "The deadline passed before the expected message arrived.");
  e.connection = new_exception(m, "ConnectionError", py::make_tuple(base, builtins.attr("ConnectionError")),
                               "The TCP connection could not be opened, or the peer closed it.");
}

}  // namespace smb::python
