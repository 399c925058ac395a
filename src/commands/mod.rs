//! One file per subcommand. `main_entry` parses the command line, builds the [`Context`] every
//! command shares, runs the command and turns its result into an exit code.

mod completions;
mod doctor;
mod download;
pub mod egress;
mod exec;
mod files;
mod fork;
mod gc;
mod get_host;
mod health;
mod info;
pub mod init;
mod kill;
mod lifecycle;
mod ls;
mod mcp;
mod pool;
mod proxy;
mod resources;
mod sandbox_compat;
mod snapshot;
mod template;
mod timeout;
mod upload;

pub(crate) use init::deadline_after;

use crate::cli::{Cli, Command, GlobalArgs};
use crate::config::Config;
use crate::engine::Engine;
use crate::error::{Kind, is_broken_pipe};
use crate::output::Printer;
use crate::state::StateStore;
use clap::{CommandFactory, FromArgMatches};
use std::ffi::OsString;
use tokio::sync::OnceCell;

/// What every command gets: settings, scope, state, printer, and the engine on first use.
pub struct Context {
    pub global: GlobalArgs,
    pub config: Config,
    pub scope: String,
    pub store: StateStore,
    pub printer: Printer,
    engine: OnceCell<Engine>,
}

impl Context {
    /// Connects on first use, so commands that never touch Docker never pay for it.
    pub async fn engine(&self) -> anyhow::Result<&Engine> {
        self.engine
            .get_or_try_init(|| async {
                let engine = Engine::unverified(self.global.docker_host.as_deref())?
                    .with_bounds(self.config.engine_timeout.bounds());
                engine.verify().await?;
                Ok(engine)
            })
            .await
    }

    /// The live sandbox `query` names in this scope, with the engine and the state read to
    /// resolve it (so callers need not read the state file again).
    pub async fn live_sandbox(
        &self,
        query: &str,
    ) -> anyhow::Result<(&Engine, crate::state::State, crate::sandbox::Sandbox)> {
        let state = self.store.load()?;
        let resolve = |engine| crate::resolve::resolve(engine, &state, &self.scope, query);
        let (engine, target) = match self.engine.get() {
            Some(engine) => (engine, resolve(engine).await?),
            None => {
                // The proof that the engine answers runs beside the first real request instead
                // of before it: one round trip less on the path of every exec, and still exit 4
                // within seconds for an engine that accepts and never answers.
                let engine = Engine::unverified(self.global.docker_host.as_deref())?
                    .with_bounds(self.config.engine_timeout.bounds());
                // The ping's verdict comes first: an address that is not Docker's answers the
                // list with a 404 too, and "cannot reach" (exit 4) is the truth, not that 404.
                let target = {
                    let verify = engine.verify();
                    let resolving = resolve(&engine);
                    tokio::pin!(verify, resolving);
                    tokio::select! {
                        verified = &mut verify => {
                            verified?;
                            resolving.await?
                        }
                        target = &mut resolving => {
                            verify.await?;
                            target?
                        }
                    }
                };
                (self.engine.get_or_init(|| async { engine }).await, target)
            }
        };
        Ok((engine, state, target.live()?))
    }
}

pub fn main_entry() -> i32 {
    let args: Vec<OsString> = std::env::args_os().collect();
    let exec_invocation = is_exec_invocation(&args);
    let matches = match Cli::command().try_get_matches_from(&args) {
        Ok(m) => m,
        Err(e) => return clap_error(e, &args, exec_invocation),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => return clap_error(e, &args, exec_invocation),
    };
    if let Command::Helper(helper) = cli.command {
        return crate::helper::run(helper.args);
    }
    let printer = Printer::new(
        cli.global.json,
        cli.global.quiet,
        cli.global.verbose,
        cli.global.color,
    );
    // gc off a terminal (cron) writes a log: its fatal error is a timestamped line too.
    let printer = printer.clone().stamping_errors(
        matches!(cli.command, Command::Gc(_)) && !printer.stdout_is_terminal() && !cli.global.json,
    );
    let failure_code = |kind: Kind| {
        if exec_invocation {
            125
        } else {
            kind.exit_code()
        }
    };
    // These two need no config, scope or state: completions print a script, and doctor reports
    // a broken config or state directory instead of stopping at it.
    match &cli.command {
        Command::Completions(a) => return completions::run(&printer, a),
        Command::Doctor => return doctor::main(&cli.global, &printer),
        _ => {}
    }
    let context = match build_context(cli.global.clone(), printer.clone()) {
        Ok(ctx) => ctx,
        Err(e) => return printer.error_exiting(&e, failure_code(crate::error::kind_of(&e))),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let exec_matches = matches.subcommand_matches("exec").cloned();
    let result = runtime.block_on(run(&context, cli.command, exec_matches, &args));
    match result {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => 0,
        Err(e) => printer.error_exiting(&e, failure_code(crate::error::kind_of(&e))),
    }
}

fn build_context(global: GlobalArgs, printer: Printer) -> anyhow::Result<Context> {
    let config = Config::load(global.config.as_deref())?;
    let scope = crate::scope::resolve(global.scope.as_deref(), &config)?;
    let store = StateStore::locate()?;
    Ok(Context {
        global,
        config,
        scope,
        store,
        printer,
        engine: OnceCell::new(),
    })
}

async fn run(
    ctx: &Context,
    command: Command,
    exec_matches: Option<clap::ArgMatches>,
    args: &[OsString],
) -> anyhow::Result<i32> {
    match command {
        Command::Init(a) => init::run(ctx, a).await,
        Command::Exec(a) => exec::run(ctx, a, exec_matches.as_ref(), args).await,
        Command::Upload(a) => upload::run(ctx, a).await,
        Command::Download(a) => download::run(ctx, a).await,
        Command::GetHost(a) => get_host::run(ctx, a).await,
        Command::Kill(a) => kill::run(ctx, a).await,
        Command::Ls(a) => ls::run(ctx, a).await,
        Command::Gc(a) => gc::run(ctx, a).await,
        Command::Pause(a) => lifecycle::pause(ctx, a).await,
        Command::Resume(a) => lifecycle::resume(ctx, a).await,
        Command::Info(a) => info::run(ctx, a).await,
        Command::Egress(a) => egress::run(ctx, a).await,
        Command::Timeout(a) => timeout::run(ctx, a).await,
        Command::Template(t) => template::run(ctx, t).await,
        Command::Proxy(p) => proxy::run(ctx, p).await,
        Command::Sandbox(s) => sandbox_compat::run(ctx, s).await,
        Command::Files(f) => files::run(ctx, f).await,
        Command::Snapshot(a) => snapshot::run(ctx, a).await,
        Command::Pool(a) => pool::run(ctx, a).await,
        Command::Fork(a) => fork::run(ctx, a).await,
        Command::Mcp(a) => mcp::run(ctx, a).await,
        Command::Helper(_) | Command::Doctor | Command::Completions(_) => {
            unreachable!("handled before the context is built")
        }
    }
}

/// Global flags that take a value, so the subcommand word can be found without clap.
const GLOBAL_VALUE_FLAGS: &[&str] = &["--color", "--config", "--docker-host", "--scope"];

/// Whether argv names the `exec` subcommand: its failures all exit 125, clap's own included.
fn is_exec_invocation(args: &[OsString]) -> bool {
    let mut words = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(word) = words.next() {
        if GLOBAL_VALUE_FLAGS.contains(&word.as_ref()) {
            words.next();
        } else if !word.starts_with('-') {
            return word == "exec";
        }
    }
    false
}

fn clap_error(err: clap::Error, args: &[OsString], exec_invocation: bool) -> i32 {
    use clap::error::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = err.print();
        return if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            2
        } else {
            0
        };
    }
    if args.iter().any(|a| a == "--json") {
        let message = err.kind().to_string();
        let detail = err.to_string();
        let first = detail
            .lines()
            .next()
            .unwrap_or(&message)
            .trim_start_matches("error: ");
        let value = serde_json::json!({
            "error": { "kind": "usage", "message": first, "exit_code": if exec_invocation { 125 } else { 2 } }
        });
        println!("{value}");
    }
    let _ = err.print();
    if exec_invocation { 125 } else { 2 }
}
