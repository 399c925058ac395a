//! Where dsbx's own flags end and `exec`'s command begins (the contract's five rules), and the
//! argv scanning dsbx needs before clap has parsed anything. Every flag set here is read from
//! [`Cli::command()`], so a flag added to the CLI is known to these rules without a second list.

use crate::cli::Cli;
use crate::error::usage;
use clap::CommandFactory;
use std::ffi::OsString;

/// The command words as clap left them, split by the contract's five rules.
#[derive(Debug, PartialEq)]
pub struct Split {
    pub command: Vec<String>,
    /// Words after the command that are dsbx flags (rules 3 and 4).
    pub trailing: Vec<String>,
}

/// The flags a [`Rule`] accepts after the command words.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Rule {
    /// Rule 3: after a shell string, every dsbx flag, long or short, global ones included.
    AfterShellString,
    /// Rule 4: after a single word, exec's own long flags and the global switches: short flags
    /// there may be the command's own (`grep -e x f`), and the global flags that take a value are
    /// ones commands have too (`ls --color=never`).
    AfterWord,
}

/// Ids clap adds on its own: they never stand for dsbx after a command (`npm --version`).
const BUILT_IN: &[&str] = &["help", "version"];

/// A parser of the dsbx flags `rule` accepts after the command: `Cli::command()`'s global flags
/// and its `exec` subcommand's. (Not `build()`: propagating every global flag through every
/// subcommand costs more than the rest of an exec's parsing together.)
fn trailing_parser(rule: Rule) -> clap::Command {
    let cli = Cli::command();
    let exec = cli
        .find_subcommand("exec")
        .expect("the CLI has an exec subcommand");
    let globals = cli.get_arguments().filter(|a| a.is_global_set());
    let mut parser = clap::Command::new("dsbx exec")
        .no_binary_name(true)
        .disable_help_flag(true)
        .disable_version_flag(true);
    for arg in exec.get_arguments().chain(globals) {
        if arg.is_positional() || BUILT_IN.contains(&arg.get_id().as_str()) {
            continue;
        }
        let arg = match rule {
            Rule::AfterShellString => arg.clone(),
            Rule::AfterWord if arg.is_global_set() && takes_value(arg) => continue,
            Rule::AfterWord => arg.clone().short(None),
        };
        // The words' shape decides whose they are (a flag, and the value it takes), never
        // whether a typed value parses: `pwd --timeout 5x` is dsbx's flag with a bad value (a
        // usage error naming it), not a command. Flags with a fixed set of values keep it.
        let arg = if takes_value(&arg) && arg.get_possible_values().is_empty() {
            arg.value_parser(clap::builder::ValueParser::os_string())
        } else {
            arg
        };
        parser = parser.arg(arg.global(false));
    }
    parser
}

fn takes_value(arg: &clap::Arg) -> bool {
    arg.get_action().takes_values()
}

/// Splits the words clap put in CMD; `after_dashdash` says whether `--` preceded them.
pub fn split_command(words: &[String], after_dashdash: bool) -> anyhow::Result<Split> {
    let whole = || Split {
        command: words.to_vec(),
        trailing: Vec::new(),
    };
    let Some(first) = words.first().filter(|_| !after_dashdash) else {
        return Ok(whole());
    };
    let rest = &words[1..];
    let cut = || Split {
        command: vec![first.clone()],
        trailing: rest.to_vec(),
    };
    if first.chars().any(char::is_whitespace) {
        if let Err(e) = trailing_parser(Rule::AfterShellString).try_get_matches_from(rest) {
            return Err(usage(format!(
                "after a command given as one string ({first:?}), only dsbx flags may follow: \
                 {}; put the whole command in the string, or use `--` before an argv",
                first_line(&e)
            )));
        }
        return Ok(cut());
    }
    if !rest.is_empty()
        && rest[0].starts_with("--")
        && trailing_parser(Rule::AfterWord)
            .try_get_matches_from(rest)
            .is_ok()
    {
        return Ok(cut());
    }
    Ok(whole())
}

/// Clap's message without its `error: ` prefix and usage lines.
pub fn first_line(e: &clap::Error) -> String {
    let detail = e.to_string();
    detail
        .lines()
        .next()
        .unwrap_or("")
        .trim_start_matches("error: ")
        .to_string()
}

/// `argv` with exec's command words put in their place: the trailing dsbx flags before them,
/// then `--`, so that clap reads those flags as if they stood before the command (rule 1) and
/// everything after as the command. `n` is how many words clap put in CMD (always argv's last).
pub fn reordered(argv: &[OsString], n: usize, split: &Split) -> Vec<OsString> {
    let mut out: Vec<OsString> = argv[..argv.len() - n].to_vec();
    if out.last().is_some_and(|w| w == "--") {
        out.pop();
    }
    // A `--` among the trailing flags can only end them (anything after it would have been a
    // positional word, which no trailing parser takes): the one `--` below stands for it.
    out.extend(
        split
            .trailing
            .iter()
            .filter(|w| *w != "--")
            .map(OsString::from),
    );
    out.push("--".into());
    out.extend(split.command.iter().map(OsString::from));
    out
}

/// Whether the `n` CMD words at argv's end follow a `--`.
pub fn after_dashdash(argv: &[OsString], n: usize) -> bool {
    argv.len() > n && argv[argv.len() - n - 1] == "--"
}

/// The global flags that take a value (`--scope S`), from the CLI's definition.
fn global_value_flags() -> Vec<String> {
    Cli::command()
        .get_arguments()
        .filter(|a| a.is_global_set() && takes_value(a))
        .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
        .collect()
}

/// The subcommand argv names, found without clap (whose parse may have failed).
pub fn subcommand_word(args: &[OsString]) -> Option<String> {
    let value_flags = global_value_flags();
    let mut words = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(word) = words.next() {
        if value_flags.iter().any(|f| f == word.as_ref()) {
            words.next();
        } else if word == "--" {
            return None;
        } else if !word.starts_with('-') {
            return Some(word.into_owned());
        }
    }
    None
}

/// Whether `--json` stands among dsbx's own words (before a `--`), for a parse that failed.
pub fn json_requested(args: &[OsString]) -> bool {
    args.iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .any(|a| a == "--json")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(words: &[&str]) -> Vec<String> {
        words.iter().map(|s| s.to_string()).collect()
    }

    fn split(words: &[&str]) -> Split {
        split_command(&w(words), false).unwrap()
    }

    #[test]
    fn rule3_shell_string_then_any_dsbx_flag() {
        let s = split(&["npm test", "--cwd", "/app", "-e", "CI=1"]);
        assert_eq!(s.command, w(&["npm test"]));
        assert_eq!(s.trailing, w(&["--cwd", "/app", "-e", "CI=1"]));
        let s = split(&["pwd", "--cwd", "/tmp"]);
        assert_eq!(s.command, w(&["pwd"]));
        for globals in [
            &["--color", "never"][..],
            &["--scope", "s"],
            &["--docker-host", "unix:///x.sock"],
            &["--config=c.toml", "--json", "--quiet", "--verbose"],
        ] {
            let mut words = vec!["echo a"];
            words.extend_from_slice(globals);
            assert_eq!(split(&words).trailing, w(globals), "{globals:?}");
        }
    }

    #[test]
    fn rule3_rejects_non_flags() {
        let e = split_command(&w(&["echo hi", "there"]), false).unwrap_err();
        assert!(e.to_string().contains("only dsbx flags may follow"), "{e}");
        assert!(split_command(&w(&["echo hi", "--version"]), false).is_err());
    }

    #[test]
    fn rule4_a_word_then_only_dsbx_long_flags() {
        for words in [
            &["pwd", "--cwd", "/tmp"][..],
            &["pwd", "--timeout=5"],
            &["ls", "--json"],
            &["whoami", "--root"],
            &["env", "--env", "A=1", "--cwd", "/", "--quiet"],
            // Bad values are still dsbx's flags: the parse after says what is wrong with them.
            &["pwd", "--timeout", "5x"],
            &["env", "--env", "=x"],
        ] {
            let s = split(words);
            assert_eq!(s.command, w(&words[..1]), "{words:?}");
            assert_eq!(s.trailing, w(&words[1..]), "{words:?}");
        }
    }

    #[test]
    fn rule3_bad_values_are_dsbx_flags_too() {
        let s = split(&[
            "npm test",
            "--timeout",
            "5x",
            "-e",
            "=x",
            "--color",
            "never",
        ]);
        assert_eq!(s.command, w(&["npm test"]));
        assert!(split_command(&w(&["npm test", "--color", "bogus"]), false).is_err());
    }

    #[test]
    fn rule5_everything_is_the_command() {
        for words in [
            &["sed", "-i", "s/a/b/", "f"][..],
            &["ls", "-la"],
            &["grep", "-e", "x", "f"],
            &["ls", "--color=never"],
            &["git", "log", "--cwd", "x"],
            &["curl", "--user", "a:b", "-s", "http://x"],
            &["npm", "--quiet", "--version"],
            &["pip", "--timeout", "60", "install", "x"],
            &["id", "--user", "root", "-n"],
            &["echo", "--cwd"],
            &["make", "--help"],
            &["ls", "--scope", "x"],
        ] {
            let s = split(words);
            assert_eq!(s.command, w(words), "{words:?}");
            assert!(s.trailing.is_empty());
        }
    }

    #[test]
    fn rule2_dashdash_ends_flags() {
        let s = split_command(&w(&["pwd", "--cwd", "/tmp"]), true).unwrap();
        assert_eq!(s.command, w(&["pwd", "--cwd", "/tmp"]));
        let s = split_command(&w(&["echo a", "--cwd"]), true).unwrap();
        assert_eq!(s.command, w(&["echo a", "--cwd"]));
    }

    #[test]
    fn reordering_puts_trailing_flags_before_a_dashdash() {
        let argv: Vec<OsString> = ["dsbx", "exec", "ID", "pwd", "--cwd", "/tmp"]
            .iter()
            .map(OsString::from)
            .collect();
        let s = split(&["pwd", "--cwd", "/tmp"]);
        let got = reordered(&argv, 3, &s);
        assert_eq!(got, ["dsbx", "exec", "ID", "--cwd", "/tmp", "--", "pwd"]);
        let argv: Vec<OsString> = ["dsbx", "exec", "ID", "pwd", "--cwd", "/tmp", "--"]
            .iter()
            .map(OsString::from)
            .collect();
        let s = split(&["pwd", "--cwd", "/tmp", "--"]);
        let got = reordered(&argv, 4, &s);
        assert_eq!(got, ["dsbx", "exec", "ID", "--cwd", "/tmp", "--", "pwd"]);
    }

    #[test]
    fn the_subcommand_is_found_past_global_values() {
        let argv = |words: &[&str]| words.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            subcommand_word(&argv(&["dsbx", "--scope", "exec", "ls"])).as_deref(),
            Some("ls")
        );
        assert_eq!(
            subcommand_word(&argv(&["dsbx", "--json", "exec", "x"])).as_deref(),
            Some("exec")
        );
        assert!(json_requested(&argv(&["dsbx", "ls", "--json"])));
        assert!(!json_requested(&argv(&[
            "dsbx", "exec", "x", "--", "a", "--json"
        ])));
    }
}
