//! The command-line interface: clap definitions only. The work lives in `commands/`.

use crate::completion::{copy_side, images, sandboxes, snapshots, templates};
use crate::env_vars::EnvVar;
use crate::output::ColorChoice;
use crate::units::{Lifetime, Publish};
use clap::{Args, Parser, Subcommand};
use clap_complete::engine::{ArgValueCandidates, ArgValueCompleter};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(
    name = "dsbx",
    version,
    about = "E2B-style sandboxes on your own Docker engine",
    long_about = "E2B-style sandboxes on your own Docker engine.\n\n\
        stdout carries data only (ids, URLs, command output, JSON); messages for people go to \
        stderr. Exit codes: 0 ok, 1 failed, 2 usage, 3 no such sandbox, 4 engine unreachable \
        (exec: the command's own status, 124 timeout, 125 dsbx failure, 126/127 cannot run / \
        not found, 130 interrupted).",
    after_help = crate::help_topics::root_after_help(),
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Under their own heading in every command's help, after the command's own flags.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Print one JSON object on stdout (errors too, as {"error": {...}})
    #[arg(long, global = true)]
    pub json: bool,
    /// No progress or notices (errors still print); listings print ids or names only
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Say what dsbx does on stderr: engine requests and their durations, the path taken, the
    /// files read (twice, or -vv before the command: more)
    #[arg(long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Same as --verbose, before the command only (-v is init's --volume)
    #[arg(short = 'v', action = clap::ArgAction::Count, hide_short_help = true)]
    pub v: u8,
    /// When to colour stderr (also honours NO_COLOR)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]
    #[arg(long, global = true, value_name = "URL")]
    pub docker_host: Option<String>,
    /// Speak TLS to a tcp:// engine and verify it [default: $DOCKER_TLS_VERIFY]
    #[arg(long, global = true)]
    pub tlsverify: bool,
    /// TLS: the CA the engine's certificate must chain to [default: $DOCKER_CERT_PATH/ca.pem]
    #[arg(long, global = true, value_name = "FILE")]
    pub tlscacert: Option<PathBuf>,
    /// TLS: dsbx's certificate [default: $DOCKER_CERT_PATH/cert.pem]
    #[arg(long, global = true, value_name = "FILE")]
    pub tlscert: Option<PathBuf>,
    /// TLS: dsbx's key [default: $DOCKER_CERT_PATH/key.pem]
    #[arg(long, global = true, value_name = "FILE")]
    pub tlskey: Option<PathBuf>,
    /// Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]
    #[arg(long, global = true, value_name = "SCOPE")]
    pub scope: Option<String>,
}

impl GlobalArgs {
    /// How much `--verbose` (and `-v` before the command) asked for.
    pub fn verbosity(&self) -> u8 {
        self.verbose.saturating_add(self.v)
    }
}

// Parsed once per run: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a sandbox and print its id (also: run, create)
    #[command(
        visible_aliases = ["run", "create"],
        after_help = "Examples:\n  ID=$(dsbx init)\n  dsbx init --image python:3.12 -p 8000 --timeout 2h -n web"
    )]
    Init(InitArgs),
    /// Run a command in a sandbox, streaming its output; exits with its status
    #[command(after_help = EXEC_HELP)]
    Exec(ExecArgs),
    /// Copy a file or directory into a sandbox (`-` reads stdin)
    #[command(
        after_help = "Examples:\n  dsbx upload $ID ./src /app\n  tar c . | dsbx upload $ID - /tmp/x.tar"
    )]
    Upload(UploadArgs),
    /// Copy a file or directory out of a sandbox (`-` writes stdout)
    #[command(
        after_help = "Examples:\n  dsbx download $ID /app/out ./out\n  dsbx download $ID /etc/os-release -"
    )]
    Download(DownloadArgs),
    /// Copy between the host and a sandbox, `ID:PATH` on exactly one side (as `docker cp`)
    #[command(after_help = CP_HELP)]
    Cp(CpArgs),
    /// An interactive login shell in a sandbox, as its user (needs a terminal)
    #[command(after_help = "Examples:\n  dsbx shell $ID\n  dsbx shell $ID --root")]
    Shell(ShellArgs),
    /// Print the URL of a sandbox port
    #[command(
        name = "get-host",
        after_help = "Examples:\n  dsbx get-host $ID 8000\n  dsbx get-host $ID -p 8000 --wait 30s"
    )]
    GetHost(GetHostArgs),
    /// Remove sandboxes (containers, anonymous volumes, isolated networks, records) (also: rm)
    #[command(
        visible_alias = "rm",
        after_help = "Examples:\n  dsbx kill $ID\n  dsbx kill --all"
    )]
    Kill(KillArgs),
    /// List the scope's sandboxes
    #[command(
        after_help = "Examples:\n  dsbx ls\n  dsbx ls -q | xargs dsbx kill\n  dsbx ls --status running --label team=core\n  dsbx ls --all-scopes --json"
    )]
    Ls(LsArgs),
    /// Remove expired sandboxes and what they left behind (safe under cron)
    #[command(after_help = "Examples:\n  dsbx gc --dry-run\n  */5 * * * * dsbx gc --all-scopes")]
    Gc(GcArgs),
    /// Pause a sandbox (its processes freeze; its deadline keeps running)
    #[command(after_help = "Examples:\n  dsbx pause $ID")]
    Pause(IdArg),
    /// Resume a paused sandbox, or start a stopped one (also: start, unpause)
    #[command(
        visible_aliases = ["start", "unpause"],
        after_help = "Examples:\n  dsbx resume $ID"
    )]
    Resume(IdArg),
    /// Show everything known about a sandbox
    #[command(after_help = "Examples:\n  dsbx info $ID\n  dsbx info $ID --stats --json")]
    Info(InfoArgs),
    /// Show or change a sandbox's egress policy live, or read its proxy's decision log
    #[command(after_help = EGRESS_HELP)]
    Egress(EgressArgs),
    /// Set a sandbox's remaining lifetime from now (`0` = never)
    #[command(after_help = "Examples:\n  dsbx timeout $ID 2h\n  dsbx timeout $ID 0")]
    Timeout(TimeoutArgs),
    /// Build sandbox images
    #[command(
        subcommand,
        after_help = "Examples:\n  dsbx template build\n  dsbx template build --file Dockerfile --tag my-sbx"
    )]
    Template(TemplateCommand),
    /// The reverse proxy that serves wildcard URLs ({port}-{id}.<domain>)
    #[command(
        subcommand,
        after_help = "Examples:\n  dsbx proxy up\n  dsbx proxy status"
    )]
    Proxy(ProxyCommand),
    /// Check dsbx's setup: engine, image, state, config, proxy, helper
    #[command(after_help = "Examples:\n  dsbx doctor")]
    Doctor,
    /// Print a shell completion script
    #[command(after_help = "Examples:\n  dsbx completions bash > /etc/bash_completion.d/dsbx")]
    Completions(CompletionsArgs),
    /// Write dsbx's man pages (one per command) into a directory
    #[command(
        after_help = "Examples:\n  dsbx man                  # into ~/.local/share/man/man1: `man dsbx-init` works\n  sudo dsbx man --dir /usr/local/share/man/man1"
    )]
    Man(ManArgs),
    /// E2B sbx-style lifecycle commands (create, kill, list, info, ...)
    #[command(
        subcommand,
        after_help = "Examples:\n  dsbx sandbox create --timeout 600\n  dsbx sandbox get-host $ID -p 8000"
    )]
    Sandbox(SandboxCommand),
    /// E2B sbx-style file commands (ls, read, write, edit, ...)
    #[command(
        subcommand,
        after_help = "Examples:\n  dsbx files write $ID /app/main.py 'print(1)'\n  dsbx files read $ID /app/main.py"
    )]
    Files(FilesCommand),
    /// Save a sandbox's files as a snapshot (the sandbox keeps running); list, remove snapshots
    #[command(
        args_conflicts_with_subcommands = true,
        subcommand_negates_reqs = true,
        after_help = SNAPSHOT_HELP
    )]
    Snapshot(SnapshotArgs),
    /// Snapshot a sandbox and start COUNT new sandboxes from it; prints their ids
    #[command(after_help = "Examples:\n  NEW=$(dsbx fork $ID)\n  dsbx fork $ID -n 4 --timeout 30m")]
    Fork(ForkArgs),
    /// Serve sandboxes to AI agents as MCP tools over stdio (stdout carries only the protocol)
    #[command(after_help = MCP_HELP)]
    Mcp(McpArgs),
    /// List a sandbox's background jobs (`exec -b`); without ID, the sandboxes (as `ls`)
    #[command(after_help = "Examples:\n  dsbx ps $ID\n  dsbx ps $ID --json\n  dsbx ps")]
    Ps(PsArgs),
    /// Print a background job's output; -f follows it until the job ends
    #[command(after_help = "Examples:\n  dsbx logs $ID $JOB\n  dsbx logs -f $ID $JOB")]
    Logs(LogsArgs),
    /// Warm sandboxes `init` claims in milliseconds (the config's [pool]): status, fill, drain
    #[command(
        subcommand,
        after_help = "Examples:\n  dsbx pool status\n  dsbx pool fill --wait\n  */10 * * * * dsbx pool fill"
    )]
    Pool(PoolCommand),
    /// dsbx's helper inside a sandbox (not for direct use)
    #[command(name = "__helper", hide = true)]
    Helper(HelperArgs),
}

pub const EXEC_HELP: &str = "\
Where dsbx's flags may stand:
  1. before ID, and between ID and the command, always;
  2. `--` ends dsbx's flags: everything after it is the command;
  3. when the first command word contains whitespace it is the whole command (run by /bin/sh -c)
     and every later word must be a dsbx flag, long or short, global ones included;
  4. when every word after a single first command word parses as exec's long flags (or --json,
     --quiet, --verbose) with their values, that word alone is the command: `pwd --cwd /tmp`;
  5. otherwise every word from the first on belongs to the command: `curl --user a:b -s URL`,
     `npm --quiet --version`, `pip --timeout 60 install x`.

Examples:
  dsbx exec $ID \"cd /app && make\"
  dsbx exec $ID \"npm test\" --cwd /app -e CI=1
  dsbx exec $ID pwd --cwd /tmp
  dsbx exec $ID sed -i s/a/b/ file
  dsbx exec --timeout 60 $ID -- python3 -c 'print(1)'";

#[derive(Debug, Clone, Default, Args)]
pub struct InitArgs {
    /// A template name from the config's [templates] table
    #[arg(short, long, value_name = "NAME", conflicts_with = "image", add = ArgValueCandidates::new(templates))]
    pub template: Option<String>,
    /// Any image [default: config `image`, $DSBX_IMAGE, dsbx-base:latest]
    #[arg(long, value_name = "IMAGE", add = ArgValueCandidates::new(images))]
    pub image: Option<String>,
    /// A name, unique in the scope ([a-z0-9-], at most 40 characters)
    #[arg(short, long, value_name = "NAME", value_parser = crate::ids::parse_name)]
    pub name: Option<String>,
    /// Lifetime: seconds or 30s/10m/2h/1d; 0 = never [default: config `timeout`, 1h]
    #[arg(long, value_name = "DUR", value_parser = crate::units::parse_lifetime)]
    pub timeout: Option<Lifetime>,
    /// Environment variable K=V, or K to copy dsbx's own value
    #[arg(short, long = "env", value_name = "K=V|K", value_parser = crate::env_vars::parse_env_arg)]
    pub env: Vec<EnvVar>,
    /// Read environment variables from a file (K=V lines, # comments)
    #[arg(long, value_name = "FILE")]
    pub env_file: Vec<PathBuf>,
    /// Publish a sandbox port on `publish_address`: PORT to a free host port, HOST:PORT to
    /// that host port (docker's order)
    #[arg(short, long = "port", value_name = "[HOST:]PORT", value_parser = crate::units::parse_publish)]
    pub port: Vec<Publish>,
    /// Bind-mount an absolute host path: HOST:PATH[:ro]
    #[arg(short, long = "volume", value_name = "HOST:PATH[:ro]")]
    pub volume: Vec<String>,
    /// Label K=V (also on the container)
    #[arg(short, long = "label", value_name = "K=V", value_parser = crate::labels::parse_label)]
    pub label: Vec<(String, String)>,
    /// Memory limit, e.g. 512m, 2g [default: config limits.memory]
    #[arg(long, value_name = "SIZE", value_parser = crate::units::parse_size)]
    pub memory: Option<u64>,
    /// CPU limit, e.g. 0.5, 2 [default: config limits.cpus]
    // Held as Docker's nano-CPUs, the unit the limit is checked and set in.
    #[arg(long = "cpus", value_name = "N", allow_negative_numbers = true, value_parser = crate::units::parse_cpus)]
    pub nano_cpus: Option<i64>,
    /// Disk limit of the sandbox's writable layer, e.g. 1g, where the storage driver supports
    /// one (`dsbx doctor` says) [default: config limits.disk]
    #[arg(long, value_name = "SIZE", value_parser = crate::units::parse_size)]
    pub disk: Option<u64>,
    /// Pin the sandbox to these CPUs, e.g. 0-1 or 0,2 (nproc then reports them)
    #[arg(long, value_name = "CPUS", value_parser = crate::units::parse_cpuset)]
    pub cpuset_cpus: Option<String>,
    /// Process limit [default: config limits.pids]
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = crate::units::parse_pids)]
    pub pids: Option<i64>,
    /// bridge, none or a network name [default: the shared `dsbx` network]
    #[arg(long, value_name = "NET", conflicts_with = "isolated")]
    pub network: Option<String>,
    /// A network of the sandbox's own, removed with it
    #[arg(long)]
    pub isolated: bool,
    /// Egress policy: all, none, or a comma-separated allowlist of names, *.domains, addresses
    /// and networks, enforced by dsbx's egress proxy [default: config egress.default]
    #[arg(long, value_name = "all|none|LIST", value_parser = crate::egress::Policy::parse_spec)]
    pub egress: Option<crate::egress::Policy>,
    /// A health check: a shell command run in the sandbox, healthy when it exits 0 (replaces
    /// the image's HEALTHCHECK)
    #[arg(long, value_name = "CMD")]
    pub health_cmd: Option<String>,
    /// How often the health check runs [default: 10s]
    #[arg(long, value_name = "DUR", requires = "health_cmd", value_parser = crate::units::parse_positive_duration)]
    pub health_interval: Option<Duration>,
    /// Wait until the health check (--health-cmd or the image's) says healthy; fail (and remove
    /// the sandbox) when it says unhealthy or DUR passes
    #[arg(long, value_name = "DUR", value_parser = crate::units::parse_positive_duration)]
    pub wait_healthy: Option<Duration>,
    /// Working directory of commands [default: the image's]
    #[arg(long, value_name = "DIR")]
    pub workdir: Option<String>,
    /// The sandbox's user for exec and files [default: the image's USER]
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,
    /// Image platform, e.g. linux/amd64
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Option<String>,
    /// E2B metadata (sbx compatibility): same as --label
    #[arg(short = 'm', long = "metadata", value_name = "K=V", value_parser = crate::labels::parse_label)]
    pub metadata: Vec<(String, String)>,
    /// E2B auto-pause (sbx compatibility): accepted and ignored
    #[arg(long)]
    pub auto_pause: bool,
    /// Start from a snapshot (`dsbx snapshot ls`); other flags override what it carries
    #[arg(long, value_name = "NAME", conflicts_with_all = ["image", "template"], add = ArgValueCandidates::new(snapshots), value_parser = crate::snapshot::parse_name)]
    pub snapshot: Option<String>,
}

pub const SNAPSHOT_HELP: &str = "\
Files, installed packages, owners and modes are kept; running processes are not (no memory
state is saved). Bind mounts and volumes are not part of a snapshot. `-e` values given at init
stay out of the image unless --keep-env.

Examples:
  dsbx snapshot $ID --name before-upgrade
  dsbx init --snapshot before-upgrade
  dsbx snapshot ls
  dsbx snapshot rm before-upgrade";

#[derive(Debug, Clone, Args)]
pub struct SnapshotArgs {
    #[command(subcommand)]
    pub command: Option<SnapshotCommand>,
    /// Sandbox id, name or id prefix
    #[arg(value_name = "ID", required = true, add = ArgValueCandidates::new(sandboxes))]
    pub id: Option<String>,
    /// The snapshot's name ([a-z0-9-], at most 40 characters) [default: <id>-<random>]
    #[arg(short, long, value_name = "NAME", value_parser = crate::snapshot::parse_name)]
    pub name: Option<String>,
    #[command(flatten)]
    pub how: SnapshotHow,
}

/// How a snapshot is taken (shared by `snapshot` and `fork`).
#[derive(Debug, Clone, Default, Args)]
pub struct SnapshotHow {
    /// Do not pause the sandbox for the commit (files being written may be caught half-way)
    #[arg(long)]
    pub no_pause: bool,
    /// Also store the environment given with -e at init in the image (readable by anyone
    /// who can use the engine)
    #[arg(long)]
    pub keep_env: bool,
}

#[derive(Debug, Clone, Subcommand)]
pub enum SnapshotCommand {
    /// List the scope's snapshots
    #[command(after_help = "Examples:\n  dsbx snapshot ls\n  dsbx snapshot ls --json")]
    Ls,
    /// Remove snapshots (refused for one a sandbox still uses)
    #[command(after_help = "Examples:\n  dsbx snapshot rm before-upgrade")]
    Rm(SnapshotRmArgs),
}

#[derive(Debug, Clone, Args)]
pub struct SnapshotRmArgs {
    /// Snapshot names
    #[arg(value_name = "NAME", required = true, add = ArgValueCandidates::new(snapshots), value_parser = crate::snapshot::parse_name)]
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct ForkArgs {
    /// Sandbox id, name or id prefix
    #[arg(value_name = "ID", add = ArgValueCandidates::new(sandboxes))]
    pub id: String,
    /// How many sandboxes to start (in parallel)
    #[arg(short = 'n', long = "count", value_name = "COUNT", default_value = "1", value_parser = crate::snapshot::parse_fork_count)]
    pub count: usize,
    /// Lifetime of each new sandbox: seconds or 30s/10m/2h/1d; 0 = never [default: config `timeout`]
    #[arg(long, value_name = "DUR", value_parser = crate::units::parse_lifetime)]
    pub timeout: Option<Lifetime>,
    #[command(flatten)]
    pub how: SnapshotHow,
}

/// The exec flags that may also stand after the command (rules 3 and 4 of `dsbx exec --help`).
#[derive(Debug, Clone, Default, Args)]
pub struct ExecFlags {
    /// Working directory of the command (relative: from the sandbox's)
    #[arg(long, value_name = "DIR")]
    pub cwd: Option<String>,
    /// Environment variable K=V, or K to copy dsbx's own value
    #[arg(short, long = "env", value_name = "K=V|K", value_parser = crate::env_vars::parse_env_arg)]
    pub env: Vec<EnvVar>,
    /// Run as this user [default: the sandbox's user]
    #[arg(short, long, value_name = "USER", conflicts_with = "root")]
    pub user: Option<String>,
    /// Run as root, with the sandbox's capabilities
    #[arg(long)]
    pub root: bool,
    /// Kill the command and everything it started after DUR (exit 124) [default: config exec_timeout]
    #[arg(long, value_name = "DUR", value_parser = crate::units::parse_lifetime)]
    pub timeout: Option<Lifetime>,
    /// Join several words with spaces and run them through /bin/sh -c
    #[arg(long)]
    pub shell: bool,
    /// Forward stdin to the command (EOF included)
    #[arg(short = 'i', long = "stdin")]
    pub stdin: bool,
    /// Interactive terminal (raw mode, window size)
    #[arg(short = 't', long)]
    pub tty: bool,
    /// Start in the background; print `PID: <pid>` and `Log: <path>`
    #[arg(short, long)]
    pub background: bool,
    /// Print JSON Lines events on stdout as they happen: start, stdout, stderr, exit (or error)
    #[arg(long)]
    pub stream: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ExecArgs {
    #[command(flatten)]
    pub flags: ExecFlags,
    /// Sandbox id, name or id prefix
    #[arg(value_name = "ID", add = ArgValueCandidates::new(sandboxes))]
    pub id: String,
    /// The command: one string runs through /bin/sh -c; several words run as argv
    #[arg(value_name = "CMD", trailing_var_arg = true, allow_hyphen_values = true, num_args = 1.., required = true)]
    pub command: Vec<String>,
}

pub const MCP_HELP: &str = "\
Tools: create_sandbox, run_command, read_file, write_file, list_files, edit_file, upload_file,
download_file, get_url, extend_lifetime, list_sandboxes, kill_sandbox. Sandboxes belong to the
server's scope (--scope, DSBX_SCOPE, the config). Host paths of upload_file and download_file stay
inside --root-dir; without it those two tools refuse.

Examples:
  dsbx mcp --root-dir ~/work         # what an MCP client starts; it speaks on stdin/stdout
  {\"command\": \"dsbx\", \"args\": [\"mcp\", \"--root-dir\", \"/home/me/work\"]}   # a client's entry";

#[derive(Debug, Clone, Args)]
pub struct McpArgs {
    /// The host directory upload_file and download_file may use, and nothing outside it
    #[arg(long, value_name = "DIR")]
    pub root_dir: Option<PathBuf>,
    /// The most output run_command returns per stream; the rest is cut, with a note
    #[arg(long, value_name = "SIZE", default_value = "64KiB", value_parser = crate::units::parse_size)]
    pub output_limit: u64,
    /// The largest file read_file returns
    #[arg(long, value_name = "SIZE", default_value = "1MiB", value_parser = crate::units::parse_size)]
    pub read_limit: u64,
}

#[derive(Debug, Clone, Args)]
pub struct UploadArgs {
    /// Sandbox id, name or id prefix
    #[arg(value_name = "ID", add = ArgValueCandidates::new(sandboxes))]
    pub id: String,
    /// Local file or directory; `-` reads stdin
    #[arg(value_name = "LOCAL")]
    pub local: String,
    /// Path in the sandbox (relative: from its working directory)
    #[arg(value_name = "REMOTE")]
    pub remote: String,
    /// Write as root instead of the sandbox's user
    #[arg(long)]
    pub root: bool,
}

pub const CP_HELP: &str = "\
The side written `ID:PATH` is in the sandbox (an id, a name or an id prefix, then a colon); the
other is a host path, or `-` for a tar stream on stdin or stdout. A host path with a colon in it
is written with a slash first (`./a:b`). Copies into a sandbox are written as its user.

Examples:
  dsbx cp ./src $ID:/app
  dsbx cp $ID:/app/report.txt .
  dsbx cp web:/var/log/app.log ./app.log";

#[derive(Debug, Clone, Args)]
pub struct CpArgs {
    /// Where to copy from: a host path, `-` (stdin), or ID:PATH
    #[arg(value_name = "SRC", add = ArgValueCompleter::new(copy_side))]
    pub src: String,
    /// Where to copy to: a host path, `-` (stdout), or ID:PATH
    #[arg(value_name = "DST", add = ArgValueCompleter::new(copy_side))]
    pub dst: String,
}

#[derive(Debug, Clone, Args)]
pub struct ShellArgs {
    /// Sandbox id, name or id prefix
    #[arg(value_name = "ID", add = ArgValueCandidates::new(sandboxes))]
    pub id: String,
    /// Log in as root instead of the sandbox's user
    #[arg(long)]
    pub root: bool,
}

#[derive(Debug, Clone, Args)]
pub struct DownloadArgs {
    /// Sandbox id, name or id prefix
    #[arg(value_name = "ID", add = ArgValueCandidates::new(sandboxes))]
    pub id: String,
    /// Path in the sandbox (relative: from its working directory)
    #[arg(value_name = "REMOTE")]
    pub remote: String,
    /// Local path; `-` writes stdout (a file's bytes, a directory as tar)
    #[arg(value_name = "LOCAL")]
    pub local: String,
    /// Read as root instead of the sandbox's user (whose permissions apply otherwise)
    #[arg(long)]
    pub root: bool,
}

#[derive(Debug, Clone, Args)]
pub struct GetHostArgs {
    /// Sandbox id, name or id prefix
    #[arg(value_name = "ID", add = ArgValueCandidates::new(sandboxes))]
    pub id: String,
    /// The sandbox port
    #[arg(value_name = "PORT", required_unless_present = "port_flag", value_parser = crate::units::parse_port)]
    pub port: Option<u16>,
    /// The sandbox port (same as the positional PORT)
    #[arg(
        short = 'p',
        long = "port",
        value_name = "PORT",
        conflicts_with = "port",
        value_parser = crate::units::parse_port
    )]
    pub port_flag: Option<u16>,
    /// URL template [default: $DSBX_URL_TEMPLATE, config url_template, built-in]
    #[arg(long, value_name = "T", value_parser = crate::url::parse_template)]
    pub url_template: Option<String>,
    /// Exit 0 only if the sandbox's process answers on that port (a proxy URL is tried at the
    /// proxy's listen address: no wildcard DNS needed)
    #[arg(long)]
    pub check: bool,
    /// Wait until the port answers, at most DUR, then print
    #[arg(long, value_name = "DUR", value_parser = crate::units::parse_lifetime)]
    pub wait: Option<Lifetime>,
}

#[derive(Debug, Clone, Args)]
pub struct KillArgs {
    /// Sandbox ids, names or id prefixes
    #[arg(
        value_name = "ID",
        add = ArgValueCandidates::new(sandboxes),
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    pub ids: Vec<String>,
    /// Every sandbox of the scope
    #[arg(long)]
    pub all: bool,
    /// With --all: every scope
    #[arg(long, requires = "all")]
    pub all_scopes: bool,
    /// Do not ask before --all removes (on a terminal it shows what and asks)
    #[arg(short = 'y', long)]
    pub yes: bool,
}

#[derive(Debug, Clone, Args)]
pub struct LsArgs {
    /// Print ids only, one a line (same as -q/--quiet here, as in `docker ps -q`)
    #[arg(long = "ids", alias = "ids-only")]
    pub ids_only: bool,
    /// Only sandboxes with this status: running, paused, stopped, expired, missing, untracked,
    /// abandoned (repeat or comma-separate for any of them)
    #[arg(long, value_name = "STATUS", value_delimiter = ',')]
    pub status: Vec<String>,
    /// Only sandboxes with label K=V (K alone: any value); repeat to require them all
    #[arg(long, value_name = "K=V", value_parser = crate::labels::parse_label_filter)]
    pub label: Vec<(String, Option<String>)>,
    /// Every scope, not just the current one (adds a SCOPE column)
    #[arg(long)]
    pub all_scopes: bool,
    /// List the warm pool members instead (not anyone's sandboxes until claimed)
    #[arg(long)]
    pub pool: bool,
}

#[derive(Debug, Clone, Args)]
pub struct GcArgs {
    /// Say what would be removed; remove nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Also remove sandboxes created longer ago than DUR
    #[arg(long, value_name = "DUR", value_parser = crate::units::parse_positive_duration)]
    pub older_than: Option<Duration>,
    /// Also remove sandboxes no dsbx command touched for DUR
    #[arg(long, value_name = "DUR", value_parser = crate::units::parse_positive_duration)]
    pub idle: Option<Duration>,
    /// Every scope, not just the current one
    #[arg(long)]
    pub all_scopes: bool,
    /// Do not ask before removing what --older-than, --idle or --all-scopes found (on a
    /// terminal gc shows what and asks)
    #[arg(short = 'y', long)]
    pub yes: bool,
}

#[derive(Debug, Clone, Args)]
pub struct PsArgs {
    /// Sandbox id, name or id prefix (none: list the sandboxes, as `dsbx ls`)
    #[arg(value_name = "ID")]
    pub id: Option<String>,
    /// Without ID: `dsbx ls`'s filters and columns (-q/--quiet prints ids only)
    #[command(flatten)]
    pub list: LsArgs,
}

#[derive(Debug, Clone, Args)]
pub struct LogsArgs {
    /// Sandbox id, name or id prefix
    #[arg(value_name = "ID")]
    pub id: String,
    /// The job: its id from `dsbx ps ID` (or a unique prefix of 4+ characters), or its pid
    #[arg(value_name = "JOB")]
    pub job: String,
    /// Keep printing new output until the job ends
    #[arg(short = 'f', long)]
    pub follow: bool,
}

#[derive(Debug, Clone, Args)]
pub struct IdArg {
    /// Sandbox id, name or id prefix
    #[arg(value_name = "ID", add = ArgValueCandidates::new(sandboxes))]
    pub id: String,
}

#[derive(Debug, Clone, Args)]
pub struct InfoArgs {
    /// Sandbox id, name or id prefix
    #[arg(value_name = "ID", add = ArgValueCandidates::new(sandboxes))]
    pub id: String,
    /// Add live CPU and memory (costs the engine about a second)
    #[arg(long)]
    pub stats: bool,
}

pub const EGRESS_HELP: &str = "\
Examples:
  dsbx egress ID                 show the policy (all, none or the allowlist)
  dsbx egress ID allow ENTRY...  add names, *.domains, addresses or networks
  dsbx egress ID deny ENTRY...   remove them from the allowlist
  dsbx egress ID set POLICY      replace it: all, none or a comma-separated list
  dsbx egress log ID [-f]        the proxy's decisions, one a line (-f follows)
Changes apply to new connections at once, without a restart. Only sandboxes made with a policy
other than `all` have a proxy (`dsbx init --egress none|LIST`).";

#[derive(Debug, Clone, Args)]
pub struct EgressArgs {
    /// A sandbox id, name or id prefix; or `log`
    #[arg(value_name = "ID|log", add = ArgValueCandidates::new(sandboxes))]
    pub first: String,
    /// show, allow ENTRY..., deny ENTRY..., set POLICY; after `log`: the sandbox
    #[arg(value_name = "ACTION")]
    pub rest: Vec<String>,
    /// With `log`: keep printing decisions as they happen
    #[arg(short, long)]
    pub follow: bool,
}

#[derive(Debug, Clone, Args)]
pub struct TimeoutArgs {
    /// Sandbox id, name or id prefix
    #[arg(value_name = "ID", add = ArgValueCandidates::new(sandboxes))]
    pub id: String,
    /// Remaining lifetime from now: seconds or 30s/10m/2h/1d; 0 = never
    #[arg(value_name = "DUR", value_parser = crate::units::parse_lifetime)]
    pub duration: Lifetime,
}

#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// Build an image (without --file, the compiled-in default Dockerfile)
    #[command(
        after_help = "Examples:\n  dsbx template build\n  dsbx template build --file Dockerfile --tag my-sbx"
    )]
    Build(TemplateBuildArgs),
}

#[derive(Debug, Clone, Args)]
pub struct TemplateBuildArgs {
    /// Dockerfile to build (its directory is the context)
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Image tag [default: config `image`]
    #[arg(long, value_name = "TAG")]
    pub tag: Option<String>,
    /// Build argument K=V
    #[arg(long = "build-arg", value_name = "K=V", value_parser = crate::env_vars::parse_pair)]
    pub build_arg: Vec<(String, String)>,
}

#[derive(Debug, Subcommand)]
pub enum ProxyCommand {
    /// Start (or update) the proxy container; replacing another config's proxy warns
    #[command(after_help = "Examples:\n  dsbx proxy up")]
    Up,
    /// Remove the proxy container
    #[command(after_help = "Examples:\n  dsbx proxy down")]
    Down,
    /// Say whether the proxy runs, and where
    #[command(after_help = "Examples:\n  dsbx proxy status --json")]
    Status,
}

#[derive(Debug, Subcommand)]
pub enum PoolCommand {
    /// Per pool: warm, claimed and filling sandboxes, its key, the filler's last failures
    #[command(after_help = "Examples:\n  dsbx pool status --json")]
    Status,
    /// Bring every pool up to its size (in the background unless --wait)
    #[command(after_help = "Examples:\n  dsbx pool fill\n  dsbx pool fill --wait")]
    Fill(PoolFillArgs),
    /// Remove every warm sandbox of the scope (claimed ones are the user's and stay)
    #[command(after_help = "Examples:\n  dsbx pool drain")]
    Drain,
}

#[derive(Debug, Clone, Args)]
pub struct PoolFillArgs {
    /// Fill in the foreground and return once every pool is full
    #[arg(long)]
    pub wait: bool,
    /// Run as the detached background filler (what `init` and `pool fill` start)
    #[arg(long, hide = true)]
    pub detached: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ManArgs {
    /// Where to write the pages [default: ~/.local/share/man/man1, which man searches]
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, elvish or powershell
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum SandboxCommand {
    /// Create a sandbox (same as `dsbx init`)
    #[command(
        after_help = "Examples:\n  ID=$(dsbx sandbox create)\n  dsbx sandbox create -t python --timeout 600 -m team=core"
    )]
    Create(InitArgs),
    /// Remove a sandbox
    #[command(after_help = "Examples:\n  dsbx sandbox kill $ID")]
    Kill(IdArg),
    /// List sandboxes
    #[command(after_help = "Examples:\n  dsbx sandbox list --limit 5")]
    List(SandboxListArgs),
    /// Show a sandbox
    #[command(after_help = "Examples:\n  dsbx sandbox info $ID")]
    Info(IdArg),
    /// Print the status word (running, stopped, paused, ...)
    #[command(after_help = "Examples:\n  dsbx sandbox status $ID")]
    Status(IdArg),
    /// Print the URL of a port
    #[command(
        name = "get-host",
        after_help = "Examples:\n  dsbx sandbox get-host $ID -p 8000"
    )]
    GetHost(SandboxGetHostArgs),
    /// Add SECONDS to the remaining lifetime
    #[command(
        name = "extend-lifetime",
        after_help = "Examples:\n  dsbx sandbox extend-lifetime $ID 600"
    )]
    ExtendLifetime(ExtendArgs),
    /// Pause a sandbox
    #[command(after_help = "Examples:\n  dsbx sandbox pause $ID")]
    Pause(IdArg),
    /// Check a sandbox is there and running (starting or resuming it) and print its id
    #[command(after_help = "Examples:\n  dsbx sandbox connect $ID --timeout 600")]
    Connect(ConnectArgs),
}

#[derive(Debug, Clone, Args)]
pub struct SandboxListArgs {
    /// Show at most N
    #[arg(short, long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
}

#[derive(Debug, Clone, Args)]
pub struct SandboxGetHostArgs {
    /// Sandbox id, name or id prefix
    #[arg(value_name = "ID", add = ArgValueCandidates::new(sandboxes))]
    pub id: String,
    /// The sandbox port
    #[arg(short, long, value_name = "PORT", value_parser = crate::units::parse_port)]
    pub port: u16,
}

#[derive(Debug, Clone, Args)]
pub struct ExtendArgs {
    /// Sandbox id, name or id prefix
    #[arg(value_name = "ID", add = ArgValueCandidates::new(sandboxes))]
    pub id: String,
    /// Seconds to add
    #[arg(value_name = "SECONDS", value_parser = crate::units::parse_positive_duration)]
    pub seconds: Duration,
}

#[derive(Debug, Clone, Args)]
pub struct ConnectArgs {
    /// Sandbox id, name or id prefix
    #[arg(value_name = "ID", add = ArgValueCandidates::new(sandboxes))]
    pub id: String,
    /// Also set the remaining lifetime
    #[arg(long, value_name = "DUR", value_parser = crate::units::parse_lifetime)]
    pub timeout: Option<Lifetime>,
}

#[derive(Debug, Subcommand)]
pub enum FilesCommand {
    /// List a directory: one name per line, directories with a trailing /
    #[command(
        after_help = "Examples:\n  dsbx files ls $ID /app\n  dsbx files ls $ID /app --depth 3"
    )]
    Ls(FilesLsArgs),
    /// Print a file's bytes
    #[command(after_help = "Examples:\n  dsbx files read $ID /etc/os-release")]
    Read(FilesPathArgs),
    /// Write a file (CONTENT, or stdin with --stdin); creates parent directories
    #[command(
        after_help = "Examples:\n  dsbx files write $ID /app/hello.txt 'hello'\n  cat main.py | dsbx files write $ID /app/main.py --stdin"
    )]
    Write(FilesWriteArgs),
    /// Replace exact text in a file
    #[command(
        after_help = "Examples:\n  dsbx files edit $ID /app/main.py --old 'print(1)' --new 'print(2)'"
    )]
    Edit(FilesEditArgs),
    /// Print true or false; exit 0 or 1
    #[command(after_help = "Examples:\n  dsbx files exists $ID /app/main.py && echo present")]
    Exists(FilesPathArgs),
    /// Name, type, size, mode and modification time
    #[command(after_help = "Examples:\n  dsbx files info $ID /app/main.py --json")]
    Info(FilesPathArgs),
    /// Remove a file or directory
    #[command(after_help = "Examples:\n  dsbx files rm $ID /app/build")]
    Rm(FilesPathArgs),
    /// Create a directory and its parents
    #[command(after_help = "Examples:\n  dsbx files mkdir $ID /app/data/raw")]
    Mkdir(FilesPathArgs),
    /// Move or rename
    #[command(after_help = "Examples:\n  dsbx files mv $ID /app/old.txt /app/new.txt")]
    Mv(FilesMvArgs),
    /// Upload one file
    #[command(after_help = "Examples:\n  dsbx files upload $ID ./data.csv /app/data.csv")]
    Upload(FilesCopyArgs),
    /// Download one file
    #[command(after_help = "Examples:\n  dsbx files download $ID /app/out.png ./out.png")]
    Download(FilesCopyArgs),
    /// Upload a directory (skips .git, node_modules, ... unless --all)
    #[command(
        name = "upload-dir",
        after_help = "Examples:\n  dsbx files upload-dir $ID ./project /app --exclude target"
    )]
    UploadDir(FilesDirArgs),
    /// Download a directory (skips .git, node_modules, ... unless --all)
    #[command(
        name = "download-dir",
        after_help = "Examples:\n  dsbx files download-dir $ID /app/results ./results --all"
    )]
    DownloadDir(FilesDirArgs),
}

#[derive(Debug, Clone, Args)]
pub struct FilesLsArgs {
    /// Sandbox id, name or id prefix
    #[arg(value_name = "ID", add = ArgValueCandidates::new(sandboxes))]
    pub id: String,
    /// Directory [default: /]
    #[arg(value_name = "PATH", default_value = "/")]
    pub path: String,
    /// Recurse this deep
    #[arg(short, long, value_name = "N", default_value_t = 1)]
    pub depth: usize,
}

#[derive(Debug, Clone, Args)]
pub struct FilesPathArgs {
    /// Sandbox id, name or id prefix
    #[arg(value_name = "ID", add = ArgValueCandidates::new(sandboxes))]
    pub id: String,
    /// Path in the sandbox
    #[arg(value_name = "PATH")]
    pub path: String,
}

#[derive(Debug, Clone, Args)]
pub struct FilesWriteArgs {
    /// Sandbox id, name or id prefix
    #[arg(value_name = "ID", add = ArgValueCandidates::new(sandboxes))]
    pub id: String,
    /// Path in the sandbox
    #[arg(value_name = "PATH")]
    pub path: String,
    /// The content [default with --stdin: standard input]
    #[arg(value_name = "CONTENT", required_unless_present = "stdin")]
    pub content: Option<String>,
    /// Read the content from stdin
    #[arg(long, conflicts_with = "content")]
    pub stdin: bool,
}

#[derive(Debug, Clone, Args)]
pub struct FilesEditArgs {
    /// Sandbox id, name or id prefix
    #[arg(value_name = "ID", add = ArgValueCandidates::new(sandboxes))]
    pub id: String,
    /// Path in the sandbox
    #[arg(value_name = "PATH")]
    pub path: String,
    /// The exact text to replace
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub old: String,
    /// Its replacement
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub new: String,
    /// Replace every occurrence (otherwise it must occur once)
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Clone, Args)]
pub struct FilesMvArgs {
    /// Sandbox id, name or id prefix
    #[arg(value_name = "ID", add = ArgValueCandidates::new(sandboxes))]
    pub id: String,
    /// Current path
    #[arg(value_name = "OLD")]
    pub old: String,
    /// New path
    #[arg(value_name = "NEW")]
    pub new: String,
}

#[derive(Debug, Clone, Args)]
pub struct FilesCopyArgs {
    /// Sandbox id, name or id prefix
    #[arg(value_name = "ID", add = ArgValueCandidates::new(sandboxes))]
    pub id: String,
    /// Source
    #[arg(value_name = "FROM")]
    pub from: String,
    /// Destination
    #[arg(value_name = "TO")]
    pub to: String,
}

#[derive(Debug, Clone, Args)]
pub struct FilesDirArgs {
    /// Sandbox id, name or id prefix
    #[arg(value_name = "ID", add = ArgValueCandidates::new(sandboxes))]
    pub id: String,
    /// Source directory
    #[arg(value_name = "FROM")]
    pub from: String,
    /// Destination
    #[arg(value_name = "TO")]
    pub to: String,
    /// Descend at most N levels
    #[arg(short = 'd', long, value_name = "N")]
    pub max_depth: Option<usize>,
    /// Also skip directories with this name
    #[arg(short, long, value_name = "DIR")]
    pub exclude: Vec<String>,
    /// Skip nothing by default
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Clone, Args)]
pub struct HelperArgs {
    /// The helper's role and its arguments
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 1..)]
    pub args: Vec<std::ffi::OsString>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn a_bad_value_is_one_escaped_line_naming_the_flag() {
        let err = Cli::try_parse_from(["dsbx", "init", "--timeout", "5\x1b[m"]).unwrap_err();
        assert_eq!(
            crate::output::bad_value_line(&err).unwrap(),
            "invalid value '5\\x1b[m' for '--timeout <DUR>': invalid duration `5\\x1b[m`: use \
             seconds or a number with s, m, h or d (`30s`, `10m`, `2h`, `1d`; `0` = never)"
        );
        let err = Cli::try_parse_from(["dsbx", "sandbox", "list", "--limit", "x"]).unwrap_err();
        assert_eq!(
            crate::output::bad_value_line(&err).unwrap(),
            "invalid value 'x' for '--limit <N>': invalid digit found in string"
        );
        // Clap's other refusals keep their own form (usage lines, suggestions).
        let err = Cli::try_parse_from(["dsbx", "init", "--nope"]).unwrap_err();
        assert!(crate::output::bad_value_line(&err).is_none());
    }
}
