//! The app's entry: `main_entry` parses the command line, builds the [`Context`] every command
//! shares, runs the command and turns its result into an exit code.

use crate::cli::{Cli, Command};
use crate::commands::*;
use crate::error::{Kind, is_broken_pipe};
use crate::output::Printer;
use clap::Parser;
use std::ffi::OsString;

pub fn main_entry() -> i32 {
    let args: Vec<OsString> = std::env::args_os().collect();
    // The helper inside a sandbox: straight to its role, before clap builds the whole command
    // tree (every `exec` and file command starts one role process there), and never answering
    // a shell (the sandbox's environment is not ours).
    if args.get(1).is_some_and(|a| a == "__helper") {
        return crate::helper::run(args[2..].to_vec());
    }
    crate::man_and_completions::answer_completion_request();
    // `dsbx help environment` and friends are text, not commands: clap's help knows no topics.
    if let Some(topic) = crate::help_topics::requested(&args) {
        return print_topic(topic);
    }
    let cli = match parse(&args) {
        Ok(cli) => cli,
        Err(Unparsed::Clap(e)) => {
            let exec_invocation = exec_words::subcommand_word(&args).as_deref() == Some("exec");
            return clap_error(e, &args, exec_invocation);
        }
        Err(Unparsed::Rules(e)) => {
            let json = exec_words::json_requested(&args);
            let printer = Printer::new(json, false, crate::output::ColorChoice::Auto);
            return printer.error_exiting(&e, 125);
        }
    };
    if let Command::Helper(helper) = cli.command {
        // `dsbx --flag __helper …`: the same roles, reached through clap.
        return crate::helper::run(helper.args);
    }
    let exec_invocation = matches!(cli.command, Command::Exec(_));
    crate::verbose::init(cli.global.verbosity(), cli.global.quiet);
    let printer = Printer::new(cli.global.json, cli.global.quiet, cli.global.color);
    let printer = logging_for_gc(printer, matches!(cli.command, Command::Gc(_)));
    // exec --stream's stdout is events: its fatal error is one too.
    let printer = printer.error_events(matches!(&cli.command, Command::Exec(e) if e.flags.stream));
    let failure_code = |kind: Kind| {
        if exec_invocation {
            125
        } else {
            kind.exit_code()
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    // These need no config, scope or state: completions print a script, man writes pages, and
    // doctor reports a broken config or state directory instead of stopping at it.
    let result = match cli.command {
        Command::Completions(a) => completions::run(&printer, &a),
        Command::Man(a) => man::run(&printer, &a),
        Command::Doctor => runtime.block_on(doctor::run(&cli.global, &printer)),
        command => match Context::build(cli.global.clone(), printer.clone()) {
            Ok(context) => runtime.block_on(run(&context, command)),
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => 0,
        Err(e) => printer.error_exiting(&e, failure_code(crate::error::kind_of(&e))),
    }
}

/// gc off a terminal (cron) writes a log: its fatal error is a timestamped line too, a bad flag
/// value included.
fn logging_for_gc(printer: Printer, gc: bool) -> Printer {
    let log = gc && !printer.stdout_is_terminal() && !printer.json;
    printer.stamping_errors(log)
}

/// Prints a help topic on stdout, as clap prints help: exit 0, a closed pipe included.
fn print_topic(topic: &crate::help_topics::Topic) -> i32 {
    let printer = Printer::new(false, false, crate::output::ColorChoice::Auto);
    match printer.data(topic.text) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            printer.problem(format!("writing the help topic: {e}"));
            1
        }
        _ => 0,
    }
}

/// Why argv did not make a command line.
enum Unparsed {
    /// Clap refused it (or was asked for help or the version).
    Clap(clap::Error),
    /// Exec's words broke the contract's rules (a usage error, exit 125).
    Rules(anyhow::Error),
}

/// Parses argv; for `exec`, applies the contract's rules to the command words and parses again
/// with the dsbx flags found after the command moved before it, so clap alone reads every flag.
fn parse(args: &[OsString]) -> Result<Cli, Unparsed> {
    let cli = Cli::try_parse_from(args).map_err(Unparsed::Clap)?;
    let Command::Exec(exec) = &cli.command else {
        return Ok(cli);
    };
    let n = exec.command.len();
    let split = exec_words::split_command(&exec.command, exec_words::after_dashdash(args, n))
        .map_err(Unparsed::Rules)?;
    if split.trailing.is_empty() {
        return Ok(cli);
    }
    Cli::try_parse_from(exec_words::reordered(args, n, &split)).map_err(Unparsed::Clap)
}

async fn run(ctx: &Context, command: Command) -> anyhow::Result<i32> {
    match command {
        Command::Init(a) => init::run(ctx, a).await,
        Command::Exec(a) => exec::run(ctx, a).await,
        Command::Upload(a) => upload::run(ctx, a).await,
        Command::Download(a) => download::run(ctx, a).await,
        Command::Cp(a) => cp::run(ctx, a).await,
        Command::Shell(a) => shell::run(ctx, a).await,
        Command::GetHost(a) => get_host::run(ctx, a).await,
        Command::Kill(a) => kill::run(ctx, a).await,
        Command::Ls(a) => ls::run(ctx, a).await,
        Command::Gc(a) => gc::run(ctx, a).await,
        Command::Pause(a) => pause_resume::pause(ctx, a).await,
        Command::Resume(a) => pause_resume::resume(ctx, a).await,
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
        Command::Ps(a) => jobs::ps(ctx, a).await,
        Command::Logs(a) => jobs::logs(ctx, a).await,
        Command::Helper(_) | Command::Doctor | Command::Completions(_) | Command::Man(_) => {
            unreachable!("handled before the context is built")
        }
    }
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
    if err.kind() == ErrorKind::InvalidSubcommand
        && let Some(clap::error::ContextValue::String(word)) =
            err.get(clap::error::ContextKind::InvalidSubcommand)
        && let Some(line) = suggest::for_unknown_command(word)
    {
        return usage_line(&line, args);
    }
    let code = if exec_invocation { 125 } else { 2 };
    let printer = Printer::new(
        exec_words::json_requested(args),
        false,
        crate::output::ColorChoice::Auto,
    );
    let gc = exec_words::subcommand_word(args).as_deref() == Some("gc");
    logging_for_gc(printer, gc).clap_error(&err, code)
}

/// A usage error of dsbx's own wording before any command runs: one line on stderr (and the
/// `--json` object), exit 2.
fn usage_line(line: &str, args: &[OsString]) -> i32 {
    let printer = Printer::new(
        exec_words::json_requested(args),
        false,
        crate::output::ColorChoice::Auto,
    );
    printer.error_exiting(&crate::error::usage(line.to_string()), 2)
}
