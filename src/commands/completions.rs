//! `dsbx completions SHELL`: prints the shell's completion script, generated from the clap
//! definition by [`crate::generate`] (the same bytes as the committed `completions/` files).

use crate::cli::CompletionsArgs;
use crate::error::usage;
use crate::output::Printer;
use std::io::Write;

/// Needs no config, scope or state. Its stdout is itself the data, so `--json` is a usage error.
pub fn run(printer: &Printer, args: &CompletionsArgs) -> i32 {
    if printer.json {
        return printer.error(&usage(
            "`dsbx completions` prints a shell script on stdout and takes no --json",
        ));
    }
    let script = crate::generate::completion(args.shell);
    let mut out = std::io::stdout().lock();
    match out.write_all(&script).and_then(|_| out.flush()) {
        Ok(()) => 0,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => printer.error(&anyhow::Error::new(e).context("writing the completion script")),
    }
}
