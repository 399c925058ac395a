//! What the clap definition generates: shell completions and man pages, committed in
//! `completions/` and `man/` and kept fresh by `tests/generated.rs`
//! (`DSBX_UPDATE_GENERATED=1 cargo test --test generated` rewrites them), plus the rule every
//! command's help must follow. `dsbx completions` and that test share this code, so what a user
//! prints and what the repository ships are the same bytes.

use crate::cli::Cli;
use clap::{Command, CommandFactory};
use clap_complete::Shell;

/// The binary name completions are registered for.
pub const BIN: &str = "dsbx";

/// Every shell `dsbx completions` knows, in a stable order.
pub const SHELLS: &[Shell] = &[
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::Elvish,
    Shell::PowerShell,
];

/// The completion script for one shell: it registers a function that asks `dsbx` itself for
/// candidates at each <TAB> (clap_complete's dynamic completion, through
/// [`crate::completion::ENV_VAR`]), so live sandbox ids, templates and images complete too. The
/// script calls `dsbx` by name: the binary on PATH answers.
pub fn completion(shell: Shell) -> Vec<u8> {
    use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};
    let completer: &dyn EnvCompleter = match shell {
        Shell::Bash => &Bash,
        Shell::Zsh => &Zsh,
        Shell::Fish => &Fish,
        Shell::Elvish => &Elvish,
        Shell::PowerShell => &Powershell,
        other => unreachable!("{other} is not in SHELLS"),
    };
    let mut out = Vec::new();
    completer
        .write_registration(crate::completion::ENV_VAR, BIN, BIN, BIN, &mut out)
        .expect("writing into memory");
    out
}

/// Answers a shell's completion request and exits when the environment carries one (see
/// [`completion`]); returns otherwise. Runs before anything writes to stdout.
pub fn answer_completion_request() {
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(crate::completion::ENV_VAR)
        .bin(BIN)
        .completer(BIN)
        .complete();
}

/// The file name a shell's completion script is committed under (`dsbx.bash`, `_dsbx`, …).
pub fn completion_file_name(shell: Shell) -> String {
    use clap_complete::Generator;
    shell.file_name(BIN)
}

/// The built command tree for man pages: subcommands carry their full display names
/// (`dsbx-template-build`). clap's `help` subcommands are left out: they get no page, so no page
/// may list them (`dsbx help` is described on the root page).
fn built() -> Command {
    let mut cmd = without_help_subcommands(Cli::command());
    cmd.build();
    cmd
}

fn without_help_subcommands(cmd: Command) -> Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    let mut cmd = cmd.disable_help_subcommand(true);
    for name in names {
        cmd = cmd.mut_subcommand(name, without_help_subcommands);
    }
    cmd
}

/// Commands that get a man page and must follow [`help_problems`]: every visible one, but not
/// clap's own `help` subcommands.
fn documented(cmd: &Command) -> impl Iterator<Item = &Command> {
    cmd.get_subcommands()
        .filter(|sub| !sub.is_hide_set() && sub.get_name() != "help")
}

/// Man pages: `dsbx.1` and one per subcommand at any depth (`dsbx-init.1`,
/// `dsbx-template-build.1`), as (file name, roff) pairs in a stable order.
pub fn man_pages() -> Vec<(String, Vec<u8>)> {
    fn walk(cmd: &Command, out: &mut Vec<(String, Vec<u8>)>) {
        // Every page's footer names dsbx and its version, not the subcommand (`init 0.1.0`).
        let man = clap_mangen::Man::new(cmd.clone())
            .source(format!("dsbx {}", env!("CARGO_PKG_VERSION")))
            .manual("dsbx manual");
        let mut roff = Vec::new();
        man.render(&mut roff).expect("rendering into memory");
        if out.is_empty() {
            roff = with_topics(roff);
        }
        out.push((man.get_filename(), roff));
        for sub in documented(cmd) {
            walk(sub, out);
        }
    }
    let mut out = Vec::new();
    walk(&built(), &mut out);
    out
}

/// The root page with the help topics (`dsbx help environment`, …) as its own sections, before
/// VERSION.
fn with_topics(roff: Vec<u8>) -> Vec<u8> {
    let text = String::from_utf8(roff).expect("clap_mangen writes UTF-8");
    let sections = crate::help_topics::man_sections();
    let text = match text.find(".SH VERSION") {
        Some(at) => format!("{}{sections}{}", &text[..at], &text[at..]),
        None => format!("{text}{sections}"),
    };
    text.into_bytes()
}

/// Every generated file, as (path relative to the repository root, bytes).
pub fn files() -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = SHELLS
        .iter()
        .map(|shell| {
            (
                format!("completions/{}", completion_file_name(*shell)),
                completion(*shell),
            )
        })
        .collect();
    out.extend(
        man_pages()
            .into_iter()
            .map(|(name, roff)| (format!("man/{name}"), roff)),
    );
    out
}

/// What the help of `cmd` and everything under it lacks: an argument without help text (hidden
/// ones aside), a command whose `--help` shows no "Examples:" block (`after_help`). One
/// line each, naming the command and argument; empty when all is well.
pub fn help_problems(cmd: &Command) -> Vec<String> {
    fn walk(cmd: &Command, path: &str, out: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            if arg.is_hide_set() {
                continue;
            }
            let help = arg
                .get_help()
                .or(arg.get_long_help())
                .map(|h| h.to_string())
                .unwrap_or_default();
            if help.trim().is_empty() {
                let name = arg
                    .get_long()
                    .map(|l| format!("--{l}"))
                    .or_else(|| arg.get_short().map(|s| format!("-{s}")))
                    .unwrap_or_else(|| arg.get_id().to_string().to_uppercase());
                out.push(format!("`{path}`: argument {name} has no help text"));
            }
        }
        let example = cmd
            .get_after_help()
            .or(cmd.get_after_long_help())
            .map(|h| h.to_string())
            .unwrap_or_default();
        if !example.contains("Examples:") {
            out.push(format!(
                "`{path} --help` shows no example (add after_help with \"Examples:\")"
            ));
        }
        for sub in documented(cmd) {
            walk(sub, &format!("{path} {}", sub.get_name()), out);
        }
    }
    let mut cmd = cmd.clone();
    cmd.build();
    let mut out = Vec::new();
    let name = cmd.get_name().to_string();
    walk(&cmd, &name, &mut out);
    out
}

/// [`help_problems`] of dsbx's own definition.
pub fn dsbx_help_problems() -> Vec<String> {
    help_problems(&Cli::command())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Arg;

    #[test]
    fn help_rule_finds_each_gap() {
        let cmd = Command::new("t")
            .after_help("Examples:\n  t go")
            .arg(Arg::new("good").long("good").help("Does good"))
            .arg(Arg::new("bare").long("bare"))
            .arg(Arg::new("secret").long("secret").hide(true))
            .arg(Arg::new("path"))
            .subcommand(Command::new("run").about("Runs"))
            .subcommand(Command::new("hidden").hide(true));
        let problems = help_problems(&cmd);
        assert_eq!(
            problems,
            vec![
                "`t`: argument --bare has no help text".to_string(),
                "`t`: argument PATH has no help text".to_string(),
                "`t run --help` shows no example (add after_help with \"Examples:\")".to_string(),
            ]
        );
    }

    #[test]
    fn help_rule_accepts_a_complete_command() {
        let cmd = Command::new("t")
            .after_help("Examples:\n  t go")
            .arg(Arg::new("x").long("x").help("X"))
            .subcommand(
                Command::new("run")
                    .after_help("Examples:\n  t run")
                    .arg(Arg::new("n").help("N")),
            );
        assert_eq!(help_problems(&cmd), Vec::<String>::new());
    }

    #[test]
    fn one_man_page_per_visible_command() {
        let names: Vec<String> = man_pages().into_iter().map(|(name, _)| name).collect();
        assert_eq!(names[0], "dsbx.1");
        for expected in ["dsbx-init.1", "dsbx-template-build.1", "dsbx-files-read.1"] {
            assert!(names.iter().any(|n| n == expected), "{expected}: {names:?}");
        }
        assert!(
            !names
                .iter()
                .any(|n| n.contains("helper") || n.ends_with("-help.1"))
        );
    }

    #[test]
    fn completions_name_the_binary_and_skip_the_helper() {
        for shell in SHELLS {
            let text = String::from_utf8(completion(*shell)).unwrap();
            assert!(text.contains("dsbx"), "{shell}");
            assert!(!text.contains("__helper"), "{shell}");
        }
        assert_eq!(completion_file_name(Shell::Bash), "dsbx.bash");
        assert_eq!(completion_file_name(Shell::Zsh), "_dsbx");
    }
}
