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

/**
 * For a process that exits as soon as run_cli returns (smbconform's main): `run` then leaves its scenarios, results
 * and report to the process exit instead of freeing them object by object, which is ~7 % of a full-suite run's CPU
 * and all of it serial, after the last scenario (clang's -disable-free does the same). They stay reachable (no leak
 * report). Off by default: a library caller that runs the CLI many times gets everything freed.
 */
void leave_run_data_to_exit(bool on);

/** Installs a SIGINT/SIGTERM handler that stops the reference server with `pid` before exiting (130). */
void stop_on_signal(int pid);

}  // namespace smb::harness
