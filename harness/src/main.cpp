// smbconform: the scenario runner's command-line entry point (all logic lives in cli.cpp).
#include <iostream>

#include "smbharness/cli.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    smb::harness::leave_run_data_to_exit(true);  // the process ends right after: no need to free the run's data
    return smb::harness::run_cli(argv[0], args, std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "smbconform: internal error: " << e.what() << "\n";
    return 2;
  }
}
