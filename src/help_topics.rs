//! Help topics (`dsbx help environment`, `dsbx help exit-codes`), as gh has them: text about dsbx
//! as a whole rather than about one command. `dsbx help` lists them (the root command's
//! after_help, in `cli.rs`), and the root man page carries them as its ENVIRONMENT and EXIT
//! STATUS sections, so the terminal, the man page and docs/ say the same thing.

/// One topic: the word after `dsbx help`, a one-line summary, the text, and the man page section
/// it becomes.
pub struct Topic {
    pub name: &'static str,
    pub summary: &'static str,
    pub man_section: &'static str,
    pub text: &'static str,
}

pub const TOPICS: &[Topic] = &[
    Topic {
        name: "environment",
        summary: "The environment variables dsbx reads",
        man_section: "ENVIRONMENT",
        text: ENVIRONMENT,
    },
    Topic {
        name: "exit-codes",
        summary: "What each exit code means",
        man_section: "EXIT STATUS",
        text: EXIT_CODES,
    },
];

const ENVIRONMENT: &str = "\
Environment variables dsbx reads. A flag beats a variable, and a variable beats the config file.

  DSBX_CONFIG        The config file [default: <config dir>/dsbx/config.toml, e.g.
                     ~/.config/dsbx/config.toml]. `--config FILE` overrides it. A missing file
                     here means the defaults.
  DSBX_STATE_DIR     Where dsbx keeps state.toml and the channels' sockets [default:
                     ~/.local/state/dsbx].
  DSBX_SCOPE         Which sandboxes this run sees; overrides the config's `scope`. `--scope`
                     overrides both. The default is the login name (LOGNAME, then USER, then the
                     password database; cron sets LOGNAME only).
  DSBX_IMAGE         The default image for init; overrides the config's `image`.
  DSBX_URL_TEMPLATE  get-host's URL template; overrides the config's `url_template`.
                     `get-host --url-template` overrides both.
  DSBX_CHANNEL=off   Use the engine's exec path for every call instead of the sandbox's channel
                     (and make init create sandboxes without one).
  DOCKER_HOST        The engine: unix://, tcp://, http:// or ssh://user@host. `--docker-host`
                     overrides it.
  DOCKER_CONTEXT     The Docker context whose endpoint to use when DOCKER_HOST is unset [default:
                     `currentContext` in the Docker config].
  DOCKER_CONFIG      The Docker config directory: contexts, and registry credentials for pulls
                     [default: ~/.docker].
  DOCKER_TLS_VERIFY  When set (non-empty), tcp:// engines are reached over TLS, verified with
                     ca.pem, cert.pem and key.pem from DOCKER_CERT_PATH (`--tlsverify`).
  DOCKER_CERT_PATH   Where those TLS files are [default: the Docker config directory].
  NO_COLOR           When set, no colour on stderr (unless --color always).
  TMPDIR             Where host-wide locks live (dsbx-locks/) and where upload spools stdin
                     [default: /tmp].

Examples:
  DSBX_SCOPE=ci DOCKER_HOST=ssh://me@build-host dsbx ls";

const EXIT_CODES: &str = "\
Every exit code means one thing.

  0    success
  1    the operation failed (stderr says why), or a question was answered no (`files exists`,
       `get-host --check`, `proxy status`), as with test and grep
  2    usage error: a bad flag or value, an ambiguous id prefix
  3    no such sandbox (unknown id, name or prefix), or no such snapshot
  4    the Docker engine is unreachable, refusing, or did not answer in time; the message names
       the host or socket tried and how it was found

`dsbx exec` exits with the command's own status instead:

  N    the command's own exit status
  124  the command ran past --timeout and was killed, with every process it started
  125  dsbx could not run the command: every dsbx-side failure, including a usage error, a
       missing sandbox or an unreachable engine (stderr says which)
  126  the command could not be invoked (not executable, unknown user, bad working directory)
  127  the command was not found
  128+N  the command died of signal N (137: SIGKILL, e.g. the kernel's OOM killer)
  130  dsbx was interrupted (SIGINT or SIGTERM) and killed the command first

With --json a failure prints {\"error\": {\"kind\", \"message\", \"exit_code\"}} on stdout too.

Examples:
  dsbx files exists $ID /app/main.py || echo \"not there (exit $?)\"";

/// The topic `dsbx help WORDS…` asks for: `help` then one topic name, with nothing else but
/// global flags around them. Anything else is clap's business.
pub fn requested(args: &[std::ffi::OsString]) -> Option<&'static Topic> {
    let words: Vec<&str> = args
        .iter()
        .skip(1)
        .map(|a| a.to_str())
        .collect::<Option<_>>()?;
    let positional: Vec<&str> = positional_words(&words);
    match positional.as_slice() {
        ["help", topic] => TOPICS.iter().find(|t| t.name == *topic),
        _ => None,
    }
}

/// The words that are not global flags (nor their values).
fn positional_words<'a>(words: &[&'a str]) -> Vec<&'a str> {
    const WITH_VALUE: &[&str] = &["--color", "--config", "--docker-host", "--scope"];
    let mut out = Vec::new();
    let mut iter = words.iter();
    while let Some(word) = iter.next() {
        if WITH_VALUE.contains(word) {
            iter.next();
        } else if !word.starts_with('-') {
            out.push(*word);
        }
    }
    out
}

/// The listing `dsbx help` shows under "Help topics:".
pub fn listing() -> String {
    let mut out = String::from("Help topics (dsbx help TOPIC):\n");
    for topic in TOPICS {
        out.push_str(&format!("  {:<12} {}\n", topic.name, topic.summary));
    }
    out
}

/// What `dsbx help` and `dsbx --help` show after the commands: the topics, then examples.
pub fn root_after_help() -> String {
    format!(
        "{}\nExamples:\n  ID=$(dsbx init)\n  dsbx exec $ID \"echo hello\"\n  dsbx kill $ID",
        listing()
    )
}

/// The topics as man page sections (roff), for the root page.
pub fn man_sections() -> String {
    let mut out = String::new();
    for topic in TOPICS {
        out.push_str(&format!(".SH \"{}\"\n.nf\n", topic.man_section));
        for line in topic.text.lines() {
            out.push_str(&roff_line(line));
            out.push('\n');
        }
        out.push_str(".fi\n");
    }
    out
}

/// One line of literal text in roff: backslashes escaped, and a leading `.` or `'` kept from
/// being read as a request.
fn roff_line(line: &str) -> String {
    let escaped = line.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<std::ffi::OsString> {
        std::iter::once("dsbx")
            .chain(words.iter().copied())
            .map(Into::into)
            .collect()
    }

    #[test]
    fn topics_are_found_among_global_flags_only() {
        assert_eq!(
            requested(&args(&["help", "environment"])).map(|t| t.name),
            Some("environment")
        );
        assert_eq!(
            requested(&args(&["--scope", "x", "help", "exit-codes", "--json"])).map(|t| t.name),
            Some("exit-codes")
        );
        assert!(requested(&args(&["help", "init"])).is_none());
        assert!(requested(&args(&["help"])).is_none());
        assert!(requested(&args(&["exec", "ID", "help", "environment"])).is_none());
        assert!(requested(&args(&["--scope", "help", "environment"])).is_none());
    }

    #[test]
    fn man_sections_are_literal_roff() {
        let roff = man_sections();
        assert!(roff.contains(".SH \"ENVIRONMENT\"\n.nf\n"), "{roff}");
        assert!(roff.contains(".SH \"EXIT STATUS\""), "{roff}");
        assert_eq!(roff_line(".x \\n"), "\\&.x \\en");
    }
}
