// The only registry of SMB2 commands: one X-macro row each (MS-SMB2 2.2.1.2 command codes).
//
// X(NAME, CODE, RequestType, ResponseType). Built from it: the Command enum and its names, decode
// dispatch (messages.cpp), the server's default STATUS_NOT_SUPPORTED handler, the Python binding
// loop and the typed round-trip test list. CANCEL has no response (NoResponse).
#pragma once

#include "smbproto/commands/cancel.hpp"
#include "smbproto/commands/close.hpp"
#include "smbproto/commands/create.hpp"
#include "smbproto/commands/echo.hpp"
#include "smbproto/commands/flush.hpp"
#include "smbproto/commands/ioctl.hpp"
#include "smbproto/commands/lock.hpp"
#include "smbproto/commands/logoff.hpp"
#include "smbproto/commands/negotiate.hpp"
#include "smbproto/commands/oplock_break.hpp"
#include "smbproto/commands/query_directory.hpp"
#include "smbproto/commands/query_info.hpp"
#include "smbproto/commands/read.hpp"
#include "smbproto/commands/session_setup.hpp"
#include "smbproto/commands/set_info.hpp"
#include "smbproto/commands/tree_connect.hpp"
#include "smbproto/commands/tree_disconnect.hpp"
#include "smbproto/commands/write.hpp"

#define SMB2_COMMAND_LIST(X)                                                    \
  X(NEGOTIATE, 0x0000, NegotiateRequest, NegotiateResponse)                     \
  X(SESSION_SETUP, 0x0001, SessionSetupRequest, SessionSetupResponse)           \
  X(LOGOFF, 0x0002, LogoffRequest, LogoffResponse)                              \
  X(TREE_CONNECT, 0x0003, TreeConnectRequest, TreeConnectResponse)              \
  X(TREE_DISCONNECT, 0x0004, TreeDisconnectRequest, TreeDisconnectResponse)     \
  X(CREATE, 0x0005, CreateRequest, CreateResponse)                              \
  X(CLOSE, 0x0006, CloseRequest, CloseResponse)                                 \
  X(FLUSH, 0x0007, FlushRequest, FlushResponse)                                 \
  X(READ, 0x0008, ReadRequest, ReadResponse)                                    \
  X(WRITE, 0x0009, WriteRequest, WriteResponse)                                 \
  X(LOCK, 0x000A, LockRequest, LockResponse)                                    \
  X(IOCTL, 0x000B, IoctlRequest, IoctlResponse)                                 \
  X(CANCEL, 0x000C, CancelRequest, NoResponse)                                  \
  X(ECHO, 0x000D, EchoRequest, EchoResponse)                                    \
  X(QUERY_DIRECTORY, 0x000E, QueryDirectoryRequest, QueryDirectoryResponse)     \
  X(QUERY_INFO, 0x0010, QueryInfoRequest, QueryInfoResponse)                    \
  X(SET_INFO, 0x0011, SetInfoRequest, SetInfoResponse)                          \
  X(OPLOCK_BREAK, 0x0012, OplockBreakAcknowledgment, OplockBreakResponse)
