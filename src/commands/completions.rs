//! `dsbx completions SHELL`: prints the shell's completion script, generated from the clap
//! definition by [`crate::man_and_completions`] (the same bytes as the committed `completions/` files).

use crate::cli::CompletionsArgs;
use crate::error::usage;
use crate::output::Printer;
use anyhow::Context as _;

/// Needs no config, scope or state. Its stdout is itself the data, so `--json` is a usage error.
pub fn run(printer: &Printer, args: &CompletionsArgs) -> anyhow::Result<i32> {
    if printer.json {
        return Err(usage(
            "`dsbx completions` prints a shell script on stdout and takes no --json",
        ));
    }
    let script = crate::man_and_completions::completion(args.shell);
    printer
        .data_bytes(&script)
        .context("writing the completion script")?;
    Ok(0)
}
