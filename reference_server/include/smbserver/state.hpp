// The abstract data model of an SMB2 server (MS-SMB2 3.3.1), with the spec's names, plus the file table.
//
// Threading: every object here is owned and touched by the server's single io_context thread; there
// are no locks. Ownership: Server owns Connections and Shares; a Connection owns its Sessions
// (Connection.SessionTable); a Session owns its TreeConnects and Opens; the global tables hold
// non-owning pointers. Files (share-mode objects) are owned by Server.files and die with their last open.
#pragma once

#include <array>
#include <functional>
#include <string_view>
#include <variant>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "smbproto/fields.hpp"
#include "smbproto/security/gss.hpp"
#include "smbproto/security/signing.hpp"
#include "smbproto/wire.hpp"
#include "smbserver/clock.hpp"
#include "smbserver/config.hpp"
#include "smbserver/lock_manager.hpp"
#include "smbserver/object_store.hpp"

namespace smb::server {

struct Connection;
struct Session;
struct TreeConnect;
struct Open;
struct File;
struct Share;

/** Byte-stream side of a connection (TCP socket in the service, a buffer in tests). */
class Transport {
 public:
  virtual ~Transport() = default;
  /** Queues one complete Direct TCP frame (stream header included). */
  virtual void send(wire::Bytes frame) = 0;
  /** Closes the stream; later sends are dropped. */
  virtual void close() = 0;
  virtual std::string peer() const = 0;
  /** Bytes handed to send() so far, and bytes of those the socket has taken (the control channel's "quiesce"). */
  virtual std::uint64_t bytes_queued() const { return 0; }
  virtual std::uint64_t bytes_written() const { return 0; }
};

/** Server.Statistics (MS-SMB2 3.3.1.5, MS-SRVS 2.2.4.39 STAT_SERVER_0). */
struct ServerStatistics {
  std::uint64_t sts0_start = 0;
  std::uint64_t sts0_fopens = 0;      ///< opens currently... (MS-SRVS: files opened); incremented per open
  std::uint64_t sts0_devopens = 0;
  std::uint64_t sts0_jobsqueued = 0;
  std::uint64_t sts0_sopens = 0;      ///< sessions established
  std::uint64_t sts0_stimedout = 0;
  std::uint64_t sts0_serrorout = 0;
  std::uint64_t sts0_pwerrors = 0;    ///< password errors
  std::uint64_t sts0_permerrors = 0;  ///< access denied errors (3.3.5.9)
  std::uint64_t sts0_syserrors = 0;
  std::uint64_t sts0_bytessent = 0;
  std::uint64_t sts0_bytesrcvd = 0;
};

/** A share at run time: its configuration and object store (IPC$ has none). */
struct Share {
  ShareConfig config;
  bool is_pipe = false;                   ///< SMB2_SHARE_TYPE_PIPE (IPC$)
  std::unique_ptr<ObjectStore> store;     ///< null for IPC$
};

/** One LockSequenceArray entry (3.3.1.10). */
struct LockSequenceEntry {
  bool valid = false;
  std::uint8_t sequence_number = 0;  ///< 4 bits
};

enum class OplockState { none, held, breaking };
enum class SessionState { in_progress, valid, expired };

/** Enumeration state of a directory open for QUERY_DIRECTORY (3.3.5.18). */
struct DirectoryEnumeration {
  bool active = false;                ///< a search is in progress (pattern fixed)
  std::string pattern;
  std::vector<DirEntry> entries;      ///< snapshot incl. "." and ".."
  std::size_t next = 0;
  bool returned_any = false;
};

/** Open (MS-SMB2 3.3.1.10). */
struct Open {
  std::uint64_t file_id = 0;           ///< FileId (volatile part), unique in the session
  std::uint64_t durable_file_id = 0;   ///< DurableFileId (persistent part), unique in GlobalOpenTable
  Session* session = nullptr;
  TreeConnect* tree_connect = nullptr;
  Connection* connection = nullptr;
  std::shared_ptr<StoreHandle> local_open;  ///< LocalOpen (null for pipes)
  std::shared_ptr<struct PipeInstance> pipe;  ///< the named-pipe endpoint of a pipe open (pipes.hpp), else null
  File* file = nullptr;
  std::string path;                    ///< PathName, share-relative
  bool is_directory = false;
  bool is_pipe = false;
  std::uint32_t granted_access = 0;    ///< mapped rights (GENERIC_* expanded, MAXIMUM_ALLOWED resolved)
  std::uint32_t desired_access = 0;
  std::uint32_t share_access = 0;
  std::uint32_t create_options = 0;
  std::uint32_t file_attributes = 0;
  std::uint8_t oplock_level = 0;       ///< SMB2_OPLOCK_LEVEL_*
  OplockState oplock_state = OplockState::none;
  Clock::TimePoint oplock_timeout{};
  bool is_durable = false;
  bool is_resilient = false;
  bool is_persistent = false;
  bool is_replay_eligible = false;
  std::uint32_t lock_count = 0;
  std::array<LockSequenceEntry, 64> lock_sequence_array{};  ///< index 1..64 stored at [0..63]
  proto::Guid create_guid;
  proto::Guid client_guid;
  std::uint32_t create_action = 0;     ///< CreateAction of the CREATE response, repeated for a replay (3.3.5.9.10)
  std::uint16_t channel_sequence = 0;
  bool delete_on_close = false;        ///< FILE_DELETE_ON_CLOSE or FileDispositionInformation
  std::uint64_t flush_count = 0;       ///< object-store flushes issued for this open
  std::uint64_t current_offset = 0;    ///< FilePositionInformation
  std::uint32_t mode = 0;              ///< FileModeInformation
  DirectoryEnumeration enumeration;
};

/** TreeConnect (MS-SMB2 3.3.1.9). */
struct TreeConnect {
  std::uint32_t tree_id = 0;
  Share* share = nullptr;
  Session* session = nullptr;
  std::uint32_t open_count = 0;
  std::uint32_t maximal_access = 0;
};

/** Session (MS-SMB2 3.3.1.8). */
struct Session {
  std::uint64_t session_id = 0;
  SessionState state = SessionState::in_progress;
  Connection* connection = nullptr;
  std::unique_ptr<security::Acceptor> security_context;  ///< in-progress authentication
  std::string user;
  std::string domain;
  bool is_guest = false;
  bool is_anonymous = false;
  bool signing_required = false;
  bool encrypt_data = false;
  wire::Bytes session_key;
  security::SessionKeys keys;          ///< SigningKey, EncryptionKey, DecryptionKey, ApplicationKey
  std::map<std::uint32_t, std::unique_ptr<TreeConnect>> tree_connect_table;
  std::map<std::uint64_t, std::unique_ptr<Open>> open_table;  ///< keyed by FileId.Volatile
  std::optional<security::PreauthHash> preauth_integrity_hash;  ///< 3.1.1 only
  Clock::TimePoint creation_time{};
  Clock::TimePoint idle_time{};
  std::uint32_t next_tree_id = 1;
  std::uint64_t next_file_id = 1;
};

/** Request (MS-SMB2 3.3.1.13): an async operation that has sent its interim response. */
struct AsyncRequest {
  std::uint64_t message_id = 0;
  std::uint64_t async_id = 0;
  std::uint16_t command = 0;
  std::uint64_t session_id = 0;
  std::uint32_t tree_id = 0;
  std::uint32_t header_flags = 0;
  Open* open = nullptr;
  /** Called when a CANCEL targets this request; returns true if it was cancelled (final STATUS_CANCELLED sent). */
  std::function<bool()> cancel;
};

/** Connection (MS-SMB2 3.3.1.7) plus its receive buffer and transport. */
struct Connection {
  std::uint64_t id = 0;
  std::shared_ptr<Transport> transport;
  bool closed = false;                 ///< the engine decided to disconnect (or the peer went away)

  // --- negotiation
  std::uint16_t negotiate_dialect = 0xFFFF;  ///< NegotiateDialect: 0xFFFF none, 0x02FF after SMB1 "SMB 2.???"
  std::uint16_t dialect = 0;                 ///< Dialect code; 0 = "Unknown"
  proto::Guid client_guid;
  std::uint32_t client_capabilities = 0;
  std::uint16_t client_security_mode = 0;
  std::uint32_t server_capabilities = 0;     ///< what we returned in the NEGOTIATE response
  std::uint16_t server_security_mode = 0;
  std::vector<std::uint16_t> client_dialects;
  bool supports_multi_credit = false;
  std::uint32_t max_transact_size = 0, max_read_size = 0, max_write_size = 0;
  security::SigningAlgorithm signing_algorithm = security::SigningAlgorithm::hmac_sha256;
  bool signing_algorithm_negotiated = false;  ///< 3.1.1 SIGNING_CAPABILITIES context answered
  std::optional<security::PreauthHash> preauth_integrity_hash;  ///< 3.1.1
  std::uint16_t preauth_integrity_hash_id = 0;

  // --- sequence window (3.3.1.1): ids in [window_low, window_high) not in `consumed` are valid
  std::uint64_t window_low = 0;
  std::uint64_t window_high = 1;
  std::set<std::uint64_t> consumed;    ///< used ids above window_low (out-of-order arrivals)

  // --- tables
  std::map<std::uint64_t, std::unique_ptr<Session>> session_table;
  std::map<std::uint64_t, AsyncRequest> async_command_list;  ///< keyed by AsyncId
  std::uint64_t next_async_id = 1;

  // --- receive side
  wire::Bytes rx;                      ///< bytes received but not yet forming a whole frame
  std::uint64_t rx_total = 0;          ///< bytes handed to receive() so far (each call processes them to the end)
  Clock::TimePoint creation_time{};
  /** SMB1 (NT LM 0.12) state, null unless the connection speaks SMB1 (smb1.hpp). */
  std::shared_ptr<struct Smb1ConnectionState> smb1;
};

/** The per-file object used for share-mode checks (MS-FSA 2.1.5.1.2); the LOCK/oplock work extends it. */
struct File {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::vector<Open*> opens;
  bool delete_pending = false;
  LockManager locks;  ///< byte-range locks and blocking-lock waiters (MS-FSA 2.1.1.4; lock_hooks.hpp)
};

/** Server (MS-SMB2 3.3.1.5): global state. */
struct Server {
  ServerConfig config;
  ServerStatistics statistics;
  proto::Guid server_guid;
  Clock clock;
  std::uint64_t start_time_filetime = 0;
  std::map<std::string, std::unique_ptr<Share>> shares;        ///< keyed by upper-case name
  std::map<std::uint64_t, Session*> global_session_table;
  std::map<std::uint64_t, Open*> global_open_table;            ///< keyed by DurableFileId
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::unique_ptr<File>> files;  ///< (dev, inode)
  /**
   * Files deleted (delete-on-close) while opens of their named streams remain: MS-FSA keeps File.PendingDelete until
   * the last open of any of its streams is closed (2.1.5.4), and opens by name meanwhile fail STATUS_DELETE_PENDING
   * (2.1.5.1.2). Keyed by share and Open.Path of the file; holds its store handle for the removal.
   */
  std::map<std::pair<const Share*, std::string>, std::shared_ptr<StoreHandle>> deferred_deletes;
  std::map<std::uint64_t, std::unique_ptr<Connection>> connections;
  std::uint64_t next_session_id = 1;
  std::uint64_t next_durable_file_id = 1;
  std::uint64_t next_connection_id = 1;
  /** Later engineers plug SMB1 in here (--smb1): gets the frame payload; returns false to disconnect. */
  std::function<bool(Connection&, wire::ByteView)> smb1_handler;
  /** Oplock breaks in flight and CREATEs waiting on them (oplock.hpp; created on first use). */
  std::shared_ptr<struct OplockTable> oplocks;

  explicit Server(ServerConfig c) : config(std::move(c)) {}
};

/**
 * Builds the server state: opens every share's object store and adds IPC$.
 * Errors: a message naming the share whose directory cannot be used.
 */
std::variant<std::unique_ptr<Server>, std::string> make_server(ServerConfig config, Clock::RealSource real = {});

/** Share by name, case-insensitive (3.3.5.7); nullptr if unknown. */
Share* find_share(Server& s, std::string_view name);

/** Registers a new Connection using `transport`; the caller feeds it bytes (connection.hpp). */
Connection& add_connection(Server& s, std::shared_ptr<Transport> transport);

/**
 * A new Open of `session` on `tree` from `c` (MS-SMB2 3.3.5.9 "successful open initialisation"): DurableFileId
 * (FileId.Persistent) unique in GlobalOpenTable and never all-ones; FileId.Volatile = `volatile_id`, or when 0 the
 * session's next unused one. Not yet in any table: register_open() adds it once the open has succeeded.
 */
std::unique_ptr<Open> new_open(Server& s, Session& session, TreeConnect& tree, Connection& c, std::uint64_t volatile_id = 0);
/** Adds `open` to GlobalOpenTable and Session.OpenTable and counts it (sts0_fopens, TreeConnect.OpenCount). */
Open& register_open(Server& s, std::unique_ptr<Open> open);
/** Closes one open (3.3.4.17): store handle, file table, tables, OpenCount, delete-on-close. */
void close_open(Server& s, Open& open);
/** Closes every open of the tree, then frees it (3.3.5.8). */
void remove_tree_connect(Server& s, Session& session, std::uint32_t tree_id);
/** Closes every open and tree of the session and removes it from both tables (3.3.5.6). */
void remove_session(Server& s, Connection& c, std::uint64_t session_id);
/** Tears a connection down: all sessions, async requests; removes it from Server.connections. */
void remove_connection(Server& s, std::uint64_t connection_id);

/** Open.Path of the file an open is of: an open of a named stream has Open.Path "f:s" (handle_create), this gives "f". */
std::string file_path_of(const Open& open);
/** The opens of the named streams of the file at `file_path` on `share` (Open.Path "file_path:..."). */
std::vector<Open*> named_stream_opens(const Server& s, const Share* share, const std::string& file_path);

/**
 * The store handle that carries an open's file-level metadata. Times and FileAttributes belong to the File, sizes to
 * each of its streams (MS-FSA 2.1.1.3 File, 2.1.1.4 Stream): for an open of a named stream (Open.Path "f:s", see
 * handle_create) this is a fresh open of its file (ObjectStore::open_internal: no fault consumed, no open counted),
 * otherwise the open's own handle. Errors: those of open_internal.
 */
Outcome<std::shared_ptr<StoreHandle>> metadata_handle(const Open& open);
/** stat() of the open's handle, with a named stream's times and FileAttributes taken from its file (metadata_handle). */
Outcome<FileStat> open_stat(const Open& open);

/** Current time as a Windows FILETIME. */
std::uint64_t filetime_now();
/** "2.0.2" ... "3.1.1", "2.???" (0x02FF) or "Unknown". */
std::string dialect_name(std::uint16_t d);

}  // namespace smb::server
