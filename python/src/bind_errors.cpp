// Python exceptions of smbconform: Error and its ScenarioError, DecodeError, TimeoutError, ConnectionError.
#include "module.hpp"

namespace smb::python {
void init_errors(pybind11::module_&) {}
}  // namespace smb::python
