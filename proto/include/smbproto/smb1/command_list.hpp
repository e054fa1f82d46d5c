// The only registry of SMB1 commands: one X-macro row each (MS-CIFS 2.2.2.1 command codes).
//
// X(NAME, CODE, RequestType, ResponseType). Built from it: the smb1::Command enum and its names,
// decode dispatch and AndX chaining (messages.cpp), and the typed round-trip test list.
#pragma once

#include "smbproto/smb1/locking_andx.hpp"
#include "smbproto/smb1/negotiate.hpp"
#include "smbproto/smb1/nt_create_andx.hpp"
#include "smbproto/smb1/read_andx.hpp"
#include "smbproto/smb1/session_setup_andx.hpp"
#include "smbproto/smb1/simple.hpp"
#include "smbproto/smb1/transaction2.hpp"
#include "smbproto/smb1/tree_connect_andx.hpp"
#include "smbproto/smb1/write_and_close.hpp"
#include "smbproto/smb1/write_andx.hpp"

#define SMB1_COMMAND_LIST(X)                                                                       \
  X(SMB_COM_DELETE_DIRECTORY, 0x01, DeleteDirectoryRequest, DeleteDirectoryResponse)               \
  X(SMB_COM_CLOSE, 0x04, CloseRequest, CloseResponse)                                              \
  X(SMB_COM_FLUSH, 0x05, FlushRequest, FlushResponse)                                              \
  X(SMB_COM_DELETE, 0x06, DeleteRequest, DeleteResponse)                                           \
  X(SMB_COM_RENAME, 0x07, RenameRequest, RenameResponse)                                           \
  X(SMB_COM_LOCKING_ANDX, 0x24, LockingAndxRequest, LockingAndxResponse)                           \
  X(SMB_COM_ECHO, 0x2B, EchoRequest, EchoResponse)                                                 \
  X(SMB_COM_WRITE_AND_CLOSE, 0x2C, WriteAndCloseRequest, WriteAndCloseResponse)                    \
  X(SMB_COM_READ_ANDX, 0x2E, ReadAndxRequest, ReadAndxResponse)                                    \
  X(SMB_COM_WRITE_ANDX, 0x2F, WriteAndxRequest, WriteAndxResponse)                                 \
  X(SMB_COM_TRANSACTION2, 0x32, Transaction2Request, Transaction2Response)                         \
  X(SMB_COM_TREE_DISCONNECT, 0x71, TreeDisconnectRequest, TreeDisconnectResponse)                  \
  X(SMB_COM_NEGOTIATE, 0x72, NegotiateRequest, NegotiateResponse)                                  \
  X(SMB_COM_SESSION_SETUP_ANDX, 0x73, SessionSetupAndxRequest, SessionSetupAndxResponse)           \
  X(SMB_COM_LOGOFF_ANDX, 0x74, LogoffAndxRequest, LogoffAndxResponse)                              \
  X(SMB_COM_TREE_CONNECT_ANDX, 0x75, TreeConnectAndxRequest, TreeConnectAndxResponse)              \
  X(SMB_COM_NT_CREATE_ANDX, 0xA2, NtCreateAndxRequest, NtCreateAndxResponse)                      \
  X(SMB_COM_NT_CANCEL, 0xA4, NtCancelRequest, NtCancelResponse)                                    \
  X(SMB_COM_NT_RENAME, 0xA5, NtRenameRequest, NtRenameResponse)
