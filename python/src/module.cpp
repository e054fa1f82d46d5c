// Entry point of the smbconform._core extension: registers the exceptions, then each bind_*.cpp part.
#include "module.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "smbconform native core: the SMB2/SMB1 codec, client, scenario runner and reference server control.";
  smb::python::init_errors(m);
  smb::python::init_codec(m);
  smb::python::init_client(m);
  smb::python::init_scenario(m);
  smb::python::init_server(m);
}
