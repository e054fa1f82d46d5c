// Shared declarations of the smbconform._core binding parts (one init_* function per bind_*.cpp).
#pragma once

#include <pybind11/pybind11.h>

namespace smb::python {
void init_errors(pybind11::module_& m);
}  // namespace smb::python
