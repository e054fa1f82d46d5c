// The smbconform command line (run, list) as a library function so tests can check exit codes and output.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace smb::harness {

/**
 * Runs the CLI. `args` excludes the program name; `argv0` locates the reference server binary.
 * Returns the exit status: 0 = every result matches its expectation, 1 = a mismatch,
 * 2 = usage error or a scenario-file error (located message on `err`, nothing sent).
 */
int run_cli(const std::string& argv0, const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/** Installs a SIGINT/SIGTERM handler that stops the reference server with `pid` before exiting (130). */
void stop_on_signal(int pid);

}  // namespace smb::harness
