// Construction and teardown of the server's abstract data model (MS-SMB2 3.3.1, 3.3.4.17, 3.3.5.6, 3.3.5.8).
#include "smbserver/state.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <random>

#include "smbserver/lock_hooks.hpp"
#include "smbserver/log.hpp"
#include "smbserver/oplock.hpp"
#include "smbserver/smb1.hpp"

namespace smb::server {
namespace {

std::string upper(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return r;
}

proto::Guid random_guid() {
  std::random_device rd;
  proto::Guid g;
  for (auto& b : g.bytes) b = static_cast<std::uint8_t>(rd());
  g.bytes[7] = static_cast<std::uint8_t>((g.bytes[7] & 0x0F) | 0x40);  // version 4 (Data3 high nibble, LE)
  g.bytes[8] = static_cast<std::uint8_t>((g.bytes[8] & 0x3F) | 0x80);
  return g;
}

}  // namespace

std::uint64_t filetime_now() {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return static_cast<std::uint64_t>(ns / 100) + 116444736000000000ull;
}

std::string dialect_name(std::uint16_t d) {
  switch (d) {
    case 0x0202: return "2.0.2";
    case 0x0210: return "2.1";
    case 0x0300: return "3.0";
    case 0x0302: return "3.0.2";
    case 0x0311: return "3.1.1";
    case 0x02FF: return "2.???";
    default: return "Unknown";
  }
}

std::variant<std::unique_ptr<Server>, std::string> make_server(ServerConfig config, Clock::RealSource real) {
  auto s = std::make_unique<Server>(std::move(config));
  if (real) s->clock = Clock(std::move(real));
  s->server_guid = random_guid();  // <26> Windows: a new ServerGuid per boot
  s->start_time_filetime = filetime_now();
  s->statistics.sts0_start = s->start_time_filetime;
  for (const auto& sc : s->config.shares) {
    auto store = ObjectStore::create(sc);
    if (auto* err = std::get_if<std::string>(&store)) return "share '" + sc.name + "': " + *err;
    auto share = std::make_unique<Share>();
    share->config = sc;
    share->store = std::move(std::get<0>(store));
    s->shares.emplace(upper(sc.name), std::move(share));
  }
  // 3.3.5.7: IPC$ always exists, as a PIPE share.
  auto ipc = std::make_unique<Share>();
  ipc->config.name = "IPC$";
  ipc->is_pipe = true;
  s->shares.emplace("IPC$", std::move(ipc));
  install_smb1(*s);  // used only when config.smb1_enabled (connection.cpp)
  return s;
}

Share* find_share(Server& s, std::string_view name) {
  auto it = s.shares.find(upper(name));
  return it == s.shares.end() ? nullptr : it->second.get();
}

Connection& add_connection(Server& s, std::shared_ptr<Transport> transport) {
  auto c = std::make_unique<Connection>();
  c->id = s.next_connection_id++;
  c->transport = std::move(transport);
  c->creation_time = s.clock.now();
  // 3.3.1.7 / 3.3.5.1: MaxTransactSize etc. are set by NEGOTIATE; until then use the configured bound
  c->max_transact_size = s.config.max_transact_size;
  c->max_read_size = s.config.max_read_size;
  c->max_write_size = s.config.max_write_size;
  auto& ref = *c;
  s.connections.emplace(c->id, std::move(c));
  return ref;
}

std::unique_ptr<Open> new_open(Server& s, Session& session, TreeConnect& tree, Connection& c, std::uint64_t volatile_id) {
  auto open = std::make_unique<Open>();
  open->file_id = volatile_id;
  while (open->file_id == 0 || open->file_id == ~0ull || session.open_table.count(open->file_id))
    open->file_id = session.next_file_id++;
  do {
    open->durable_file_id = s.next_durable_file_id++;
  } while (open->durable_file_id == ~0ull || s.global_open_table.count(open->durable_file_id));
  open->session = &session;
  open->tree_connect = &tree;
  open->connection = &c;
  return open;
}

Open& register_open(Server& s, std::unique_ptr<Open> open) {
  ++s.statistics.sts0_fopens;
  ++open->tree_connect->open_count;
  s.global_open_table[open->durable_file_id] = open.get();
  Open& ref = *open;
  open->session->open_table.emplace(open->file_id, std::move(open));
  return ref;
}

void close_open(Server& s, Open& open) {
  Session* session = open.session;
  oplock_on_close(s, open);  // a closed holder completes its oplock break; waiters re-run (oplock.hpp)
  // Cancel pending async requests of this open (3.3.4.17 -> 3.3.5.16).
  if (open.connection) {
    std::vector<std::uint64_t> ids;
    for (auto& [aid, req] : open.connection->async_command_list)
      if (req.open == &open) ids.push_back(aid);
    for (auto aid : ids) {
      auto it = open.connection->async_command_list.find(aid);
      if (it != open.connection->async_command_list.end() && it->second.cancel) {
        auto cancel = it->second.cancel;
        cancel();
      }
    }
  }
  // Byte-range locks of the open go away and its blocked locks are cancelled (MS-FSA 2.1.5.5).
  release_open_locks(s, open);
  // SMB1 opens own their locks as (open, PID) (MS-CIFS 3.3.5.7 <251>: CLOSE releases every lock of the FID).
  if (open.file) open.file->locks.release_all(LockOwner::for_smb1(open.durable_file_id, 0));
  // Delete-on-close happens when the last handle to the file goes away (MS-FSA 2.1.5.4 cleanup).
  if (open.delete_on_close && open.file) open.file->delete_pending = true;
  // Whether a named stream of the file at `file_path` has an open other than this one.
  auto other_stream_opens = [&](const std::string& file_path) {
    if (!open.tree_connect) return false;
    for (const Open* o : named_stream_opens(s, open.tree_connect->share, file_path))
      if (o != &open) return true;
    return false;
  };
  if (open.file) {
    auto& v = open.file->opens;
    v.erase(std::remove(v.begin(), v.end(), &open), v.end());
    if (v.empty()) {
      if (open.file->delete_pending && open.local_open && open.tree_connect && open.tree_connect->share->store) {
        if (file_path_of(open) == open.path && other_stream_opens(open.path)) {
          // Its streams are still open: the file stays, delete-pending, until the last of them closes (2.1.5.4).
          s.deferred_deletes[{open.tree_connect->share, open.path}] = open.local_open;
        } else {
          NtStatus st = open.tree_connect->share->store->remove(*open.local_open);
          if (!st.is_success()) log(LogLevel::info, "delete-on-close of '", open.path, "' failed: ", to_string(st));
        }
      }
      s.files.erase({open.file->device, open.file->inode});
    }
  } else if (open.delete_on_close && open.local_open && open.tree_connect && open.tree_connect->share->store) {
    (void)open.tree_connect->share->store->remove(*open.local_open);
  }
  // The last open of a stream of a file deleted meanwhile: now the file goes, with its streams (2.1.5.4).
  if (const std::string file = file_path_of(open); file != open.path && open.tree_connect) {
    auto it = s.deferred_deletes.find({open.tree_connect->share, file});
    if (it != s.deferred_deletes.end() && !other_stream_opens(file)) {
      NtStatus st = open.tree_connect->share->store ? open.tree_connect->share->store->remove(*it->second)
                                                     : status::STATUS_SUCCESS;
      if (!st.is_success()) log(LogLevel::info, "delete-on-close of '", it->first.second, "' failed: ", to_string(st));
      s.deferred_deletes.erase(it);
    }
  }
  open.local_open.reset();
  s.global_open_table.erase(open.durable_file_id);
  if (open.tree_connect && open.tree_connect->open_count > 0) --open.tree_connect->open_count;
  if (s.statistics.sts0_fopens > 0) --s.statistics.sts0_fopens;
  if (session) session->open_table.erase(open.file_id);  // destroys `open`
}

void remove_tree_connect(Server& s, Session& session, std::uint32_t tree_id) {
  auto it = session.tree_connect_table.find(tree_id);
  if (it == session.tree_connect_table.end()) return;
  TreeConnect* tc = it->second.get();
  std::vector<Open*> victims;
  for (auto& [fid, o] : session.open_table)
    if (o->tree_connect == tc) victims.push_back(o.get());
  for (Open* o : victims) close_open(s, *o);
  session.tree_connect_table.erase(tree_id);
}

void remove_session(Server& s, Connection& c, std::uint64_t session_id) {
  auto it = c.session_table.find(session_id);
  if (it == c.session_table.end()) return;
  Session& session = *it->second;
  std::vector<Open*> opens;
  for (auto& [fid, o] : session.open_table) opens.push_back(o.get());
  for (Open* o : opens) close_open(s, *o);
  session.tree_connect_table.clear();
  s.global_session_table.erase(session_id);
  c.session_table.erase(it);
}

void remove_connection(Server& s, std::uint64_t connection_id) {
  auto it = s.connections.find(connection_id);
  if (it == s.connections.end()) return;
  Connection& c = *it->second;
  c.closed = true;
  c.async_command_list.clear();
  std::vector<std::uint64_t> ids;
  for (auto& [sid, _] : c.session_table) ids.push_back(sid);
  for (auto sid : ids) remove_session(s, c, sid);
  if (c.transport) c.transport->close();
  s.connections.erase(it);
}

std::string file_path_of(const Open& open) {
  return open.path.substr(0, open.path.find(':'));  // share-relative paths have no ':' but a stream's
}

std::vector<Open*> named_stream_opens(const Server& s, const Share* share, const std::string& file_path) {
  std::vector<Open*> out;
  const std::string prefix = file_path + ":";
  for (const auto& [id, o] : s.global_open_table)
    if (o->tree_connect && o->tree_connect->share == share && o->path.compare(0, prefix.size(), prefix) == 0)
      out.push_back(o);
  return out;
}

Outcome<std::shared_ptr<StoreHandle>> metadata_handle(const Open& open) {
  const std::string file = file_path_of(open);
  if (file == open.path || !open.local_open) return open.local_open;
  ObjectStore* store = open.tree_connect && open.tree_connect->share ? open.tree_connect->share->store.get() : nullptr;
  if (!store) return open.local_open;
  return store->open_internal(file);
}

Outcome<FileStat> open_stat(const Open& open) {
  ObjectStore* store = open.tree_connect && open.tree_connect->share ? open.tree_connect->share->store.get() : nullptr;
  if (!store || !open.local_open) return status::STATUS_NOT_SUPPORTED;
  auto st = store->stat(*open.local_open);
  if (!st) return st.status();
  auto meta = metadata_handle(open);
  if (!meta) return meta.status();
  if (*meta != open.local_open) {
    auto fs = store->stat(**meta);
    if (!fs) return fs.status();
    st->times = fs->times;
    st->file_attributes = fs->file_attributes;
  }
  return st;
}

}  // namespace smb::server
