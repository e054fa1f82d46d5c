// smbconform-server: command line front end of the reference SMB2 server.
#include <cstdio>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>

#include "smbserver/config.hpp"
#include "smbserver/log.hpp"
#include "smbserver/service.hpp"

using namespace smb::server;

namespace {
int fail(const std::string& msg, int code) {
  std::cerr << "smbconform-server: " << msg << "\n";
  return code;
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"smbconform reference SMB2/SMB3 server"};
  std::string listen = "127.0.0.1:445";
  std::vector<std::string> shares, users;
  bool guest = false, smb1 = false, signing_required = false, multichannel = false;
  std::string control, config_file, log_level;
  double oplock_timeout = -1;
  auto* listen_opt = app.add_option("--listen", listen, "HOST:PORT to listen on (port 0 picks a free one)");
  app.add_option("--share", shares, "NAME=DIR[,flush=full|data_only|data_sync_only|none][,ca][,ro]");
  app.add_option("--user", users, "NAME:PASSWORD");
  auto* guest_opt = app.add_flag("--guest", guest, "allow guest logons");
  auto* control_opt = app.add_option("--control", control, "control channel: Unix socket PATH or 127.0.0.1:PORT");
  auto* smb1_opt = app.add_flag("--smb1", smb1, "enable SMB1");
  bool smb1_retry = false, smb1_wac_zero = false;
  app.add_flag("--smb1-lock-retry-conflict", smb1_retry, "SMB1: a retried failing lock gets FILE_LOCK_CONFLICT (MS-CIFS <291>)");
  app.add_flag("--smb1-wac-zero-keeps-open", smb1_wac_zero, "SMB1: zero-length WRITE_AND_CLOSE neither truncates nor closes (W2K/Samba)");
  bool smb1_echo_any = false, smb1_unlock_oldest = false, smb1_logoff_keeps = false;
  app.add_flag("--smb1-unlock-oldest-first", smb1_unlock_oldest,
               "SMB1: an unlock removes the earliest-granted matching lock (Samba; MS-FSA 2.1.5.9 removes an exclusive one first)");
  app.add_flag("--smb1-logoff-keeps-trees", smb1_logoff_keeps,
               "SMB1: LOGOFF_ANDX leaves the UID's tree connects valid (Samba; MS-CIFS 3.3.5.44 disconnects them)");
  app.add_flag("--smb1-echo-any-tid", smb1_echo_any, "SMB1: ECHO is answered whatever its TID (Samba; MS-CIFS 3.3.5.33 wants a valid TID or 0xFFFF)");
  std::string close_lock_status;
  auto* close_lock_opt = app.add_option("--close-pending-lock-status", close_lock_status,
                                        "cancelled (default, MS-SMB2 3.3.4.17) | range-not-locked (Windows/Samba): status of a "
                                        "pending blocking LOCK whose open is closed by CLOSE");
  auto* oplock_opt = app.add_option("--oplock-timeout", oplock_timeout, "oplock break acknowledgment timeout, seconds");
  auto* sign_opt = app.add_flag("--signing-required", signing_required, "require message signing");
  auto* mc_opt = app.add_flag("--multichannel", multichannel, "advertise SMB2_GLOBAL_CAP_MULTI_CHANNEL");
  app.add_option("--config", config_file, "JSON configuration file (command-line options override it)");
  auto* log_opt = app.add_option("--log-level", log_level, "error|warn|info|debug");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }

  ServerConfig cfg;
  if (!config_file.empty()) {
    std::ifstream in(config_file);
    if (!in) return fail("cannot read --config file '" + config_file + "'", 2);
    nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded()) return fail("--config file '" + config_file + "' is not valid JSON", 2);
    if (auto e = apply_config_json(j, cfg)) return fail(*e, 2);
  }
  if (listen_opt->count() || config_file.empty())
    if (auto e = parse_host_port(listen, cfg.listen_address, cfg.listen_port)) return fail("--listen: " + *e, 2);
  for (const auto& s : shares) {
    ShareConfig sc;
    if (auto e = parse_share_spec(s, sc)) return fail(*e, 2);
    cfg.shares.push_back(std::move(sc));
  }
  for (const auto& u : users) {
    std::string name, pw;
    if (auto e = parse_user_spec(u, name, pw)) return fail(*e, 2);
    cfg.users[name] = pw;
  }
  if (guest_opt->count()) cfg.guest_allowed = true;
  if (control_opt->count()) {
    ControlEndpoint ce;
    if (auto e = parse_control_spec(control, ce)) return fail(*e, 2);
    cfg.control = ce;
  }
  if (smb1_opt->count()) cfg.smb1_enabled = true;
  if (smb1_retry) cfg.smb1_lock_retry_conflict = true;
  if (smb1_wac_zero) cfg.smb1_wac_zero_keeps_open = true;
  if (smb1_echo_any) cfg.smb1_echo_any_tid = true;
  if (smb1_unlock_oldest) cfg.smb1_unlock_oldest_first = true;
  if (smb1_logoff_keeps) cfg.smb1_logoff_keeps_trees = true;
  if (close_lock_opt->count())
    if (auto e = parse_close_pending_lock_status(close_lock_status, cfg.close_pending_lock_status))
      return fail("--close-pending-lock-status: " + *e, 2);
  if (oplock_opt->count()) {
    if (oplock_timeout < 0) return fail("--oplock-timeout must be >= 0", 2);
    cfg.oplock_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(oplock_timeout * 1000));
  }
  if (sign_opt->count()) cfg.signing_required = true;
  if (mc_opt->count()) cfg.multichannel = true;
  if (log_opt->count() && !parse_log_level(log_level, cfg.log_level)) return fail("--log-level: unknown level '" + log_level + "'", 2);
  if (auto e = validate(cfg)) return fail(*e, 2);
  log_threshold() = cfg.log_level;

  auto made = Service::create(cfg);
  if (auto* err = std::get_if<StartError>(&made)) return fail(err->message, err->exit_code);
  auto& svc = *std::get<0>(made);
  svc.handle_signals();
  std::cout << "listening " << cfg.listen_address << ":" << svc.port() << "\n";
  if (cfg.control) std::cout << "control " << svc.control_endpoint() << "\n";
  std::cout.flush();
  svc.run();
  return 0;
}
