//! What `dsbx mcp` needs beyond the commands it calls: the host directory its transfers are
//! confined to. The server itself (tools, schemas, protocol) is `commands/mcp.rs`.

pub mod host_paths;
