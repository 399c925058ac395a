//! The `K=V` entries `init`, `exec`, `template build` and the MCP server take (`-e`,
//! `--env-file`, `--build-arg`, a tool's `env`): parsed once, here, below the commands. Values
//! never reach the state file.

use crate::error::usage;
use crate::output::shown;
use anyhow::Context as _;
use std::path::Path;

/// One environment variable, its name checked ([`EnvVar::new`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    pub name: String,
    pub value: String,
}

impl EnvVar {
    /// A name is not empty and has no blanks, `=` or NUL (the engine's `K=V` list could not
    /// carry it); a value has no NUL.
    pub fn new(name: &str, value: &str) -> anyhow::Result<EnvVar> {
        let bad = |c: char| c.is_whitespace() || c == '=' || c == '\0';
        if name.is_empty() || name.contains(bad) || value.contains('\0') {
            return Err(usage(format!(
                "invalid environment variable `{}`: the name is empty or has blanks or `=` \
                 (use K=V, or K to pass dsbx's own value)",
                shown(name)
            )));
        }
        Ok(EnvVar {
            name: name.to_string(),
            value: value.to_string(),
        })
    }

    /// `K=V`, as the engine takes it.
    pub fn entry(&self) -> String {
        format!("{}={}", self.name, self.value)
    }
}

/// `K=V` as is; `K` takes its value from `lookup` (dsbx's own environment); a bad name, or `K`
/// unset, is a usage error.
pub fn env_entry(spec: &str, lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<EnvVar> {
    match spec.split_once('=') {
        Some((name, value)) => EnvVar::new(name, value),
        None => {
            let name = EnvVar::new(spec, "")?.name;
            let value = lookup(&name).ok_or_else(|| {
                usage(format!(
                    "`{}` is not set in dsbx's environment (use {0}=VALUE)",
                    shown(&name)
                ))
            })?;
            EnvVar::new(&name, &value)
        }
    }
}

/// `-e K=V` or `-e K` with dsbx's own environment (see [`env_entry`]).
pub fn parse_env_arg(spec: &str) -> anyhow::Result<EnvVar> {
    env_entry(spec, |k| std::env::var(k).ok())
}

/// `K=V` with a key that is not empty and has no blanks (`--build-arg`, labels).
pub fn parse_pair(text: &str) -> anyhow::Result<(String, String)> {
    text.split_once('=')
        .filter(|(k, _)| !k.is_empty() && !k.contains(char::is_whitespace))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .ok_or_else(|| {
            usage(format!(
                "`{}` is not KEY=VALUE (a key without blanks, `=`, then the value)",
                shown(text)
            ))
        })
}

/// An `--env-file`: `K=V` (or `K`) lines, `export ` allowed, blank lines and `#` comments
/// skipped.
pub fn read_env_file(path: &Path) -> anyhow::Result<Vec<EnvVar>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read --env-file {}", path.display()))
        .map_err(|e| usage(crate::error::one_line(&e)))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        out.push(
            parse_env_arg(line)
                .map_err(|e| usage(format!("{}, line {}: {e}", path.display(), n + 1)))?,
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(spec: &str) -> anyhow::Result<String> {
        env_entry(spec, |k| (k == "B").then(|| "2".into())).map(|e| e.entry())
    }

    #[test]
    fn env_entries() {
        assert_eq!(parse("A=1").unwrap(), "A=1");
        assert_eq!(parse("B").unwrap(), "B=2");
        assert_eq!(parse("C=").unwrap(), "C=");
        assert_eq!(parse("D=x=y").unwrap(), "D=x=y");
        for bad in ["=x", "", "A B=1", "MISSING"] {
            let err = parse(bad).unwrap_err();
            assert!(crate::output::is_usage(&err), "{bad}: {err}");
        }
        assert!(
            parse("=x")
                .unwrap_err()
                .to_string()
                .contains("name is empty")
        );
        assert!(
            parse("MISSING")
                .unwrap_err()
                .to_string()
                .contains("not set")
        );
    }

    #[test]
    fn names_and_values_are_checked_once() {
        assert!(EnvVar::new("A", "x y").is_ok());
        for (name, value) in [
            ("", "v"),
            ("A=B", "v"),
            ("A B", "v"),
            ("A\0", "v"),
            ("A", "\0"),
        ] {
            assert!(EnvVar::new(name, value).is_err(), "{name:?}={value:?}");
        }
    }

    #[test]
    fn pairs() {
        assert_eq!(parse_pair("K=V=W").unwrap(), ("K".into(), "V=W".into()));
        for bad in ["NOEQUALS", "=v", " K=v", ""] {
            assert!(parse_pair(bad).is_err(), "{bad}");
        }
    }
}
