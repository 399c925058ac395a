//! The `K=V` environment entries `init`, `exec` and the MCP server take (`-e`, `--env-file`):
//! parsed once, here, below the commands. Values never reach the state file.

use crate::error::usage;
use crate::output::shown;
use anyhow::Context as _;
use std::path::Path;

/// `K=V` as is; `K` takes its value from `lookup` (dsbx's own environment); an empty or
/// blank name, or `K` unset, is a usage error naming `flag`.
pub fn env_entry(
    spec: &str,
    flag: &str,
    lookup: impl Fn(&str) -> Option<String>,
) -> anyhow::Result<String> {
    let (key, value) = match spec.split_once('=') {
        Some((k, v)) => (k, Some(v)),
        None => (spec, None),
    };
    if key.is_empty() || key.contains(char::is_whitespace) || key.contains('\0') {
        return Err(usage(format!(
            "invalid {flag} `{}`: the variable name is empty or has blanks (use K=V, or K to pass dsbx's own value)",
            shown(spec)
        )));
    }
    match value {
        Some(_) => Ok(spec.to_string()),
        None => lookup(key).map(|v| format!("{key}={v}")).ok_or_else(|| {
            usage(format!(
                "{flag} {key}: `{key}` is not set in dsbx's environment (use {key}=VALUE)"
            ))
        }),
    }
}

/// [`env_entry`] with dsbx's own environment.
pub fn env_from_process(spec: &str, flag: &str) -> anyhow::Result<String> {
    env_entry(spec, flag, |k| std::env::var(k).ok())
}

pub fn read_env_file(path: &Path) -> anyhow::Result<Vec<String>> {
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
            env_from_process(line, "--env-file")
                .map_err(|e| usage(format!("{}, line {}: {e}", path.display(), n + 1)))?,
        );
    }
    Ok(out)
}

/// `-e K=V` as is; `-e K` takes its value from `lookup` (see [`env_entry`]).
pub fn parse_env(
    entries: &[String],
    lookup: impl Fn(&str) -> Option<String>,
) -> anyhow::Result<Vec<String>> {
    entries
        .iter()
        .map(|e| env_entry(e, "--env", &lookup))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(words: &[&str]) -> Vec<String> {
        words.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn env_entries() {
        let env = parse_env(&w(&["A=1", "B", "C="]), |k| (k == "B").then(|| "2".into())).unwrap();
        assert_eq!(env, w(&["A=1", "B=2", "C="]));
        assert!(parse_env(&w(&["=x"]), |_| None).is_err());
        assert!(parse_env(&w(&["MISSING"]), |_| None).is_err());
    }
}
