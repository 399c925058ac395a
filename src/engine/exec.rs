//! exec: running a process in a sandbox through the engine's exec API.
