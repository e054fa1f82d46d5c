// Shared declarations of the smbconform._core binding parts: one init_* per bind_*.cpp, JSON <-> Python
// conversion, message -> Python conversion driven by for_each_field, and error_code -> exception mapping.
#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>
#include <system_error>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "smbproto/json.hpp"
#include "smbproto/wire.hpp"

namespace smb::python {

namespace py = pybind11;

void init_errors(py::module_& m);
void init_codec(py::module_& m);
void init_client(py::module_& m);
void init_scenario(py::module_& m);
void init_server(py::module_& m);

/** The registered exception types (set by init_errors). */
struct Exceptions {
  PyObject* error = nullptr;
  PyObject* scenario = nullptr;
  PyObject* decode = nullptr;
  PyObject* timeout = nullptr;
  PyObject* connection = nullptr;
};
Exceptions& exceptions();

/** Raises smbconform.ScenarioError / DecodeError / Error (never returns). */
[[noreturn]] void raise_scenario_error(const std::string& message);
[[noreturn]] void raise_decode_error(const std::string& message);
[[noreturn]] void raise_error(const std::string& message);
/**
 * Raises the exception matching an error_code: harness timeout -> TimeoutError; closed, connect_failed,
 * io_error, not_connected -> ConnectionError; codec (proto) errors -> DecodeError; anything else -> Error.
 * The message is "<what>: <error message>[: <detail>]".
 */
[[noreturn]] void raise_for(std::error_code ec, const std::string& what, const std::string& detail = "");

/** JSON -> Python (objects -> dict, arrays -> list). */
py::object json_to_py(const nlohmann::json& j);
/**
 * Python -> JSON: dict/list/tuple/str/int/bool/float/None; bytes and bytearray become hex strings (the JSON
 * spelling of byte-buffer fields); objects with a to_json() method are converted through it.
 * Throws TypeError for anything else.
 */
nlohmann::json py_to_json(py::handle o);

/** One member -> Python: integers, bool, str, bytes (buffers and fixed arrays), GUID text, lists, dicts. */
template <class T>
py::object value_to_py(const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    return py::bool_(v);
  } else if constexpr (std::is_integral_v<T>) {
    return py::int_(static_cast<std::uint64_t>(v));
  } else if constexpr (std::is_same_v<T, std::string>) {
    return py::str(v);
  } else if constexpr (std::is_same_v<T, wire::Bytes> || proto::is_std_array<T>::value) {
    return py::bytes(reinterpret_cast<const char*>(v.data()), v.size());
  } else if constexpr (std::is_same_v<T, proto::Guid>) {
    return py::str(proto::to_string(v));
  } else if constexpr (proto::is_std_optional<T>::value) {
    return v ? value_to_py(*v) : py::none();
  } else if constexpr (proto::is_std_vector<T>::value) {
    py::list l;
    for (const auto& e : v) l.append(value_to_py(e));
    return l;
  } else if constexpr (proto::HasFields<T>) {
    py::dict d;
    for_each_field(v, [&](const proto::FieldInfo& f, const auto& member) {
      d[py::str(std::string(f.name))] = value_to_py(member);
    });
    return d;
  } else {
    return json_to_py(proto::value_to_json(v, nullptr));
  }
}

}  // namespace smb::python
