// The reference server for Python: start/stop through harness::RefServer and its control channel
// (newline-delimited JSON over a Unix socket: state, fault, clear_faults, advance_clock, expire_session, volume).
#include <pybind11/stl.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "module.hpp"
#include "smbharness/ref_server.hpp"
#include "smbharness/target.hpp"

#ifndef SMBCONFORM_SERVER_BINARY
#define SMBCONFORM_SERVER_BINARY ""
#endif

namespace smb::python {
namespace {

/** Holds the running server; stop() is idempotent and the destructor stops it too. */
class PyRefServer {
 public:
  PyRefServer(const std::string& binary, int timeout_ms) {
    std::string err;
    {
      py::gil_scoped_release nogil;
      server_ = harness::RefServer::start(binary, timeout_ms, err);
    }
    if (!server_) raise_error("reference server " + binary + ": " + err);
  }
  const harness::Target& target() const {
    if (!server_) raise_error("reference server: stopped");
    return server_->target();
  }
  int pid() const { return server_ ? server_->pid() : -1; }
  bool running() const { return server_ != nullptr; }
  void stop() {
    if (!server_) return;
    py::gil_scoped_release nogil;
    server_->stop();
    server_.reset();  // removes the temporary directory
  }
  py::object control(const py::dict& request, double timeout) {
    harness::ControlClient cc(target().control_path);
    auto req = py_to_json(request);
    Result<nlohmann::json> r = [&] {
      py::gil_scoped_release nogil;
      return cc.call(req, harness::Clock::now() + std::chrono::microseconds(static_cast<std::int64_t>(timeout * 1e6)));
    }();
    if (!r) raise_for(r.error(), "control " + req.value("op", std::string("?")), cc.last_error());
    return json_to_py(*r);
  }

 private:
  std::unique_ptr<harness::RefServer> server_;
};

}  // namespace

void init_server(py::module_& m) {
  m.attr("DEFAULT_SERVER_BINARY") = std::string(SMBCONFORM_SERVER_BINARY);
#ifdef SMBCONFORM_SOURCE_DIR
  m.attr("SOURCE_DIR") = std::string(SMBCONFORM_SOURCE_DIR);  // where the CLI also looks for ci/expectations
#else
  m.attr("SOURCE_DIR") = std::string();
#endif
  py::class_<PyRefServer>(m, "RefServer", "A running smbconform-server (see smbconform.ReferenceServer).")
      .def(py::init<const std::string&, int>(), py::arg("binary"), py::arg("timeout_ms") = 15000,
           "Starts the binary on 127.0.0.1:0 with fresh shares (users alice, bob; guest on). Raises Error.")
      .def_property_readonly("target", &PyRefServer::target, py::return_value_policy::copy)
      .def_property_readonly("pid", &PyRefServer::pid)
      .def_property_readonly("running", &PyRefServer::running)
      .def("stop", &PyRefServer::stop, "Stops the server and removes its temporary directory (idempotent).")
      .def("control", &PyRefServer::control, py::arg("request"), py::arg("timeout") = 5.0,
           "One control request {\"op\": ...} -> reply dict. Raises Error with the server's message on \"ok\": false.");
}

}  // namespace smb::python
