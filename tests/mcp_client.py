"""Drives `dsbx mcp` with the official MCP Python SDK (the `mcp` package's stdio client), as an
agent would: initialize, list tools, a whole flow on one sandbox, and the error paths; with
FLOW=snapshot, snapshots and forks instead.

Run by tests/mcp.rs, which sets the environment:
  FLOW       `agent` (the default) or `snapshot`
  DSBX_BIN   the dsbx binary under test
  ROOT_DIR   the server's --root-dir (the test made it, empty)
  OUTSIDE    a directory outside ROOT_DIR holding `canary.txt` (must stay untouched)
  IMAGE      the image to create the sandbox from
plus DSBX_STATE_DIR, DSBX_CONFIG and DSBX_SCOPE, which the server inherits.

Prints one line per step on stderr and `MCP-FLOW-OK <sandbox id>` (`MCP-SNAPSHOT-OK <snapshot
names>`) on stdout at the end; any failed check raises, so the exit status is not 0.
"""

import asyncio
import base64
import json
import os
import sys
import time
import urllib.request

import jsonschema
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

EXPECTED_TOOLS = {
    "create_sandbox",
    "run_command",
    "read_file",
    "write_file",
    "list_files",
    "edit_file",
    "upload_file",
    "download_file",
    "get_url",
    "extend_lifetime",
    "list_sandboxes",
    "kill_sandbox",
    "snapshot_sandbox",
    "fork_sandbox",
    "list_snapshots",
}


def step(text):
    print(f"mcp_client: {text}", file=sys.stderr, flush=True)


def data(result):
    """The structured result of a tool call (also given as JSON text)."""
    if result.structured_content is not None:
        return result.structured_content
    return json.loads(result.content[0].text)


async def ok(session, name, args, **kw):
    result = await session.call_tool(name, args, **kw)
    assert not result.is_error, f"{name} {args} failed: {data(result)}"
    return data(result)


async def fails(session, name, args):
    result = await session.call_tool(name, args)
    assert result.is_error, f"{name} {args} should have failed: {data(result)}"
    error = data(result)["error"]
    assert set(error) == {"kind", "message", "exit_code"}, error
    return error


async def flow(session):
    root = os.environ["ROOT_DIR"]
    outside = os.environ["OUTSIDE"]

    init = await session.initialize()
    assert init.server_info.name == "dsbx", init.server_info
    assert init.capabilities.tools is not None
    step(f"initialized: {init.server_info.name} {init.server_info.version}")

    tools = (await session.list_tools()).tools
    names = {t.name for t in tools}
    assert EXPECTED_TOOLS <= names, f"missing tools: {EXPECTED_TOOLS - names}"
    for tool in tools:
        schema = tool.input_schema
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema.get("type") == "object", (tool.name, schema)
        assert tool.description, tool.name
    run_schema = next(t for t in tools if t.name == "run_command").input_schema
    assert set(run_schema["required"]) == {"sandbox", "command"}, run_schema
    jsonschema.validate({"sandbox": "x", "command": "true", "timeout": "10s"}, run_schema)
    step(f"{len(tools)} tools, schemas valid")

    created = await ok(
        session,
        "create_sandbox",
        {
            "image": os.environ["IMAGE"],
            "timeout": "10m",
            "env": {"GREETING": "hello agent"},
            "ports": [8000],
        },
    )
    sid = created["id"]
    assert created["expires_at"], created
    step(f"created {sid}")

    page = "<h1>served by dsbx mcp</h1>\n"
    wrote = await ok(
        session,
        "write_file",
        {"sandbox": sid, "path": "/tmp/www/index.html", "content": page},
    )
    assert wrote["bytes"] == len(page.encode()), wrote

    ran = await ok(
        session,
        "run_command",
        {"sandbox": sid, "command": "echo $GREETING; echo oops >&2; exit 3"},
    )
    assert ran["exit_code"] == 3, ran
    assert ran["stdout"] == "hello agent\n", ran
    assert ran["stderr"] == "oops\n", ran
    assert ran["timed_out"] is False and ran["stdout_truncated"] is False, ran
    assert ran["oom_killed"] is False and ran["signal"] is None, ran
    step("run_command: exit code and separate streams")

    updates = []

    async def on_progress(progress, total, message):
        updates.append((progress, message))

    ran = await ok(
        session,
        "run_command",
        {"sandbox": sid, "command": "echo first; sleep 2; echo second"},
        progress_callback=on_progress,
    )
    assert ran["stdout"] == "first\nsecond\n", ran
    assert updates, "no progress notification during a 2 s command"
    assert all(b[0] > a[0] for a, b in zip(updates, updates[1:])), updates
    step(f"progress: {len(updates)} notification(s)")

    ran = await ok(
        session,
        "run_command",
        {"sandbox": sid, "command": "yes 0123456789 | head -c 200000"},
    )
    assert ran["stdout_truncated"] is True and "note" in ran, {k: ran[k] for k in ran if k != "stdout"}
    assert len(ran["stdout"]) == 65536, len(ran["stdout"])

    ran = await ok(
        session,
        "run_command",
        {"sandbox": sid, "command": "sleep 30", "timeout": 1},
    )
    assert ran["exit_code"] == 124 and ran["timed_out"] is True, ran

    bg = await ok(
        session,
        "run_command",
        {
            "sandbox": sid,
            "command": "httpd -f -p 8000 -h /tmp/www",
            "background": True,
        },
    )
    assert bg["pid"] > 0 and bg["log"], bg
    url = (await ok(session, "get_url", {"sandbox": sid, "port": 8000}))["url"]
    body, last_error = None, None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/index.html", timeout=5) as reply:
                body = reply.read().decode()
            break
        except Exception as e:  # not listening yet
            last_error = e
            await asyncio.sleep(0.2)
    assert body == page, f"fetching {url}: {body!r} ({last_error})"
    step(f"background server answers at {url}")

    read = await ok(session, "read_file", {"sandbox": sid, "path": "/tmp/www/index.html"})
    assert read["content"] == page, read
    edited = await ok(
        session,
        "edit_file",
        {"sandbox": sid, "path": "/tmp/www/index.html", "old": "dsbx mcp", "new": "an agent"},
    )
    assert edited["replacements"] == 1, edited
    read = await ok(session, "read_file", {"sandbox": sid, "path": "/tmp/www/index.html"})
    assert read["content"] == "<h1>served by an agent</h1>\n", read
    listing = await ok(session, "list_files", {"sandbox": sid, "path": "/tmp/www"})
    assert any(e.endswith("index.html") for e in listing["entries"]), listing

    binary = bytes(range(256))
    await ok(
        session,
        "write_file",
        {"sandbox": sid, "path": "/tmp/bin.dat", "content_base64": base64.b64encode(binary).decode()},
    )
    read = await ok(session, "read_file", {"sandbox": sid, "path": "/tmp/bin.dat"})
    assert base64.b64decode(read["content_base64"]) == binary, read
    step("files: write, read, edit, list, binary")

    with open(os.path.join(root, "notes.txt"), "w") as f:
        f.write("from the host\n")
    await ok(session, "upload_file", {"sandbox": sid, "local": "notes.txt", "remote": "/tmp/notes.txt"})
    read = await ok(session, "read_file", {"sandbox": sid, "path": "/tmp/notes.txt"})
    assert read["content"] == "from the host\n", read
    await ok(
        session,
        "download_file",
        {"sandbox": sid, "remote": "/tmp/www/index.html", "local": "out/deep/page.html"},
    )
    with open(os.path.join(root, "out/deep/page.html")) as f:
        assert f.read() == "<h1>served by an agent</h1>\n"
    step("upload and download inside the root directory")

    # Host paths outside the root directory, straight or through a symlink, are refused.
    os.symlink(outside, os.path.join(root, "escape"))
    os.symlink(os.path.join(outside, "canary.txt"), os.path.join(root, "canary-link"))
    for args in (
        {"local": os.path.join(outside, "canary.txt"), "remote": "/tmp/stolen"},
        {"local": "../" + os.path.basename(outside) + "/canary.txt", "remote": "/tmp/stolen"},
        {"local": "escape/canary.txt", "remote": "/tmp/stolen"},
        {"local": "canary-link", "remote": "/tmp/stolen"},
        {"local": "/etc/passwd", "remote": "/tmp/stolen"},
    ):
        error = await fails(session, "upload_file", {"sandbox": sid, **args})
        assert error["exit_code"] in (1, 2), error
    for local in (
        os.path.join(outside, "dropped.txt"),
        "../dropped.txt",
        "escape/dropped.txt",
        "escape",
        "canary-link",
        "escape/sub/dropped.txt",
    ):
        await fails(
            session,
            "download_file",
            {"sandbox": sid, "remote": "/tmp/notes.txt", "local": local},
        )
    for local in (".", root):
        error = await fails(session, "upload_file", {"sandbox": sid, "local": local, "remote": "/tmp/stolen"})
        assert error["kind"] == "usage", error

    # Code in the sandbox plants a symlink to the host directory outside the root; the agent
    # downloads it (links are kept as links); later transfers through it are refused.
    await ok(
        session,
        "run_command",
        {"sandbox": sid, "command": f"mkdir -p /tmp/trap && ln -s '{outside}' /tmp/trap/x"},
    )
    await ok(session, "download_file", {"sandbox": sid, "remote": "/tmp/trap", "local": "planted"})
    assert os.readlink(os.path.join(root, "planted/x")) == outside
    await fails(session, "upload_file", {"sandbox": sid, "local": "planted/x/canary.txt", "remote": "/tmp/stolen"})
    await fails(session, "upload_file", {"sandbox": sid, "local": "planted/x", "remote": "/tmp/stolen"})
    for local in ("planted/x/dropped.txt", "planted/x", "planted/x/"):
        await fails(session, "download_file", {"sandbox": sid, "remote": "/tmp/notes.txt", "local": local})

    exists = await ok(
        session,
        "run_command",
        {"sandbox": sid, "command": "test -e /tmp/stolen && echo yes || echo no"},
    )
    assert exists["stdout"] == "no\n", exists
    step("paths outside --root-dir refused")

    # Error paths: tool results with the kind and the CLI's exit code, never protocol errors.
    error = await fails(session, "run_command", {"sandbox": "zzzznothere", "command": "true"})
    assert error["kind"] == "not_found" and error["exit_code"] == 125, error
    error = await fails(session, "read_file", {"sandbox": "zzzznothere", "path": "/etc/hostname"})
    assert error["kind"] == "not_found" and error["exit_code"] == 3, error
    error = await fails(session, "read_file", {"sandbox": sid, "path": "/no/such/file"})
    assert error["kind"] == "failed" and error["exit_code"] == 1, error
    error = await fails(
        session, "run_command", {"sandbox": sid, "command": "true", "env": {"A=B": "x"}}
    )
    assert error["kind"] == "usage" and error["exit_code"] == 125, error
    error = await fails(session, "get_url", {"sandbox": sid, "port": 0})
    assert error["kind"] == "usage" and error["exit_code"] == 2, error
    ran = await ok(session, "run_command", {"sandbox": sid, "command": "no-such-command-here"})
    assert ran["exit_code"] == 127, ran
    step("error paths")

    listed = await ok(session, "list_sandboxes", {})
    assert [s["id"] for s in listed["sandboxes"]] == [sid], listed
    before = created["expires_at"]
    extended = await ok(session, "extend_lifetime", {"sandbox": sid, "seconds": 600})
    assert extended["expires_at"] > before, (before, extended)

    killed = await ok(session, "kill_sandbox", {"sandbox": sid})
    assert killed["killed"] == sid, killed
    listed = await ok(session, "list_sandboxes", {})
    assert listed["sandboxes"] == [], listed
    error = await fails(session, "kill_sandbox", {"sandbox": sid})
    assert error["kind"] == "not_found", error
    step("listed, extended, killed")
    return sid


async def snapshot_flow(session):
    """Snapshot a sandbox, fork it, start one from the snapshot; each sees the files it should."""
    await session.initialize()
    tools = {t.name: t for t in (await session.list_tools()).tools}
    fork_schema = tools["fork_sandbox"].input_schema
    assert fork_schema["required"] == ["sandbox"], fork_schema
    count = fork_schema["properties"]["count"]
    assert (count.get("minimum"), count.get("maximum")) == (1, 16), count
    jsonschema.validate({"sandbox": "x", "count": 16, "timeout": "10m"}, fork_schema)
    try:
        jsonschema.validate({"sandbox": "x", "count": 17}, fork_schema)
        raise AssertionError("the schema allows count 17")
    except jsonschema.ValidationError:
        pass
    snap_schema = tools["snapshot_sandbox"].input_schema
    assert snap_schema["required"] == ["sandbox"], snap_schema
    assert {"name", "no_pause"} <= set(snap_schema["properties"]), snap_schema
    step("snapshot and fork tools, schemas valid")

    src = (await ok(session, "create_sandbox", {"image": os.environ["IMAGE"], "timeout": "10m"}))["id"]
    note = "/tmp/kept/note.txt"
    await ok(session, "write_file", {"sandbox": src, "path": note, "content": "before\n"})
    snap = await ok(session, "snapshot_sandbox", {"sandbox": src, "name": "mcp-snap"})
    assert snap["name"] == "mcp-snap" and snap["source"] == src, snap
    assert snap["paused_ms"] is not None and snap["not_captured"] == [], snap
    step(f"snapshot {snap['name']} of {src} in {snap['duration_ms']} ms")

    # The source runs on after the snapshot; a later change is not in the snapshot.
    await ok(session, "write_file", {"sandbox": src, "path": note, "content": "after\n"})

    forked = await ok(session, "fork_sandbox", {"sandbox": src, "count": 2, "timeout": "10m"})
    ids = forked["ids"]
    assert len(set(ids)) == 2 and src not in ids, forked
    assert forked["source"] == src and forked["snapshot"] != "mcp-snap", forked
    for f in ids:
        read = await ok(session, "read_file", {"sandbox": f, "path": note})
        assert read["content"] == "after\n", (f, read)
    # Forks are apart from their source and from each other.
    await ok(session, "write_file", {"sandbox": ids[0], "path": note, "content": "fork 0\n"})
    for sid, expected in ((src, "after\n"), (ids[1], "after\n")):
        read = await ok(session, "read_file", {"sandbox": sid, "path": note})
        assert read["content"] == expected, (sid, read)
    step(f"forked {ids} from {src}")

    started = await ok(session, "create_sandbox", {"snapshot": "mcp-snap", "timeout": "10m"})
    read = await ok(session, "read_file", {"sandbox": started["id"], "path": note})
    assert read["content"] == "before\n", read
    ran = await ok(session, "run_command", {"sandbox": started["id"], "command": "cat " + note})
    assert ran["stdout"] == "before\n" and ran["oom_killed"] is False, ran
    step("create_sandbox from the snapshot")

    listed = await ok(session, "list_snapshots", {})
    by_name = {s["name"]: s for s in listed["snapshots"]}
    assert set(by_name) == {"mcp-snap", forked["snapshot"]}, listed
    assert by_name["mcp-snap"]["fork"] is False and by_name[forked["snapshot"]]["fork"] is True, listed
    assert by_name["mcp-snap"]["source"] == src, listed

    # Bad inputs: tool results with the kind and the CLI's exit code; nothing more was made.
    for args, kind, code, needle in (
        ({"sandbox": src, "name": "mcp-snap"}, "usage", 2, "already used"),
        ({"sandbox": src, "name": "Bad_Name"}, "usage", 2, "invalid snapshot name"),
        ({"sandbox": "zzzznothere"}, "not_found", 3, "zzzznothere"),
    ):
        error = await fails(session, "snapshot_sandbox", args)
        assert (error["kind"], error["exit_code"]) == (kind, code) and needle in error["message"], error
    for args, kind, code, needle in (
        ({"sandbox": src, "count": 0}, "usage", 2, "1 to 16"),
        ({"sandbox": src, "count": 17}, "usage", 2, "1 to 16"),
        ({"sandbox": src, "timeout": "5x"}, "usage", 2, "5x"),
        ({"sandbox": "zzzznothere"}, "not_found", 3, "zzzznothere"),
    ):
        error = await fails(session, "fork_sandbox", args)
        assert (error["kind"], error["exit_code"]) == (kind, code) and needle in error["message"], error
    for args, kind, code in (
        ({"snapshot": "nope"}, "not_found", 3),
        ({"snapshot": "mcp-snap", "image": os.environ["IMAGE"]}, "usage", 2),
    ):
        error = await fails(session, "create_sandbox", args)
        assert (error["kind"], error["exit_code"]) == (kind, code), error
    listed = await ok(session, "list_snapshots", {})
    assert len(listed["snapshots"]) == 2, listed
    sandboxes = await ok(session, "list_sandboxes", {})
    assert sorted(s["id"] for s in sandboxes["sandboxes"]) == sorted([src, started["id"], *ids]), sandboxes
    step("bad inputs refused")

    for sid in (src, started["id"], *ids):
        await ok(session, "kill_sandbox", {"sandbox": sid})
    assert (await ok(session, "list_sandboxes", {}))["sandboxes"] == []
    step("killed all four")
    return f"mcp-snap {forked['snapshot']}"


async def main():
    params = StdioServerParameters(
        command=os.environ["DSBX_BIN"],
        args=["mcp", "--root-dir", os.environ["ROOT_DIR"]],
        env=dict(os.environ),
    )
    snapshots = os.environ.get("FLOW", "agent") == "snapshot"
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            if snapshots:
                names = await snapshot_flow(session)
            else:
                sid = await flow(session)
    if snapshots:
        print(f"MCP-SNAPSHOT-OK {names}", flush=True)
    else:
        print(f"MCP-FLOW-OK {sid}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
