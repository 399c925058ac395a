//! Dynamic shell completion: the values a shell offers at <TAB> that only the engine and the
//! config know (live sandbox ids and names, templates, local images). clap_complete's
//! `CompleteEnv` calls these while the shell waits, so each is bounded: an engine that does not
//! answer within [`ENGINE_BOUND`] yields no candidates rather than a frozen prompt.

use crate::config::Config;
use crate::engine::Engine;
use clap_complete::engine::{CompletionCandidate, PathCompleter, ValueCompleter};
use std::ffi::{OsStr, OsString};
use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;

/// The environment variable the registration scripts set when they ask dsbx for candidates. Not
/// clap's usual `COMPLETE`: a variable that generic could be set in a sandbox's environment,
/// where dsbx runs as the helper.
pub const ENV_VAR: &str = "DSBX_COMPLETE";

/// How long a shell waits for the engine before it gets nothing: a person pressing <TAB>
/// notices more than a second.
pub const ENGINE_BOUND: Duration = Duration::from_secs(1);

/// The global flags typed on the line being completed (`dsbx --scope ci exec <TAB>` completes
/// the `ci` scope's sandboxes). The shells pass the line as `dsbx -- dsbx WORDS...`.
#[derive(Debug, Default, PartialEq)]
struct LineFlags {
    config: Option<PathBuf>,
    engine: crate::engine::endpoint::Flags,
    scope: Option<String>,
}

fn line_flags(args: impl IntoIterator<Item = OsString>) -> LineFlags {
    let words: Vec<String> = args
        .into_iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut flags = LineFlags::default();
    for (i, word) in words.iter().enumerate() {
        let (name, inline) = match word.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (word.as_str(), None),
        };
        let value = || inline.clone().or_else(|| words.get(i + 1).cloned());
        match name {
            "--config" => flags.config = value().map(PathBuf::from),
            "--docker-host" => flags.engine.host = value(),
            "--tlsverify" => flags.engine.tls_verify = true,
            "--tlscacert" => flags.engine.tls_ca = value().map(PathBuf::from),
            "--tlscert" => flags.engine.tls_cert = value().map(PathBuf::from),
            "--tlskey" => flags.engine.tls_key = value().map(PathBuf::from),
            "--scope" => flags.scope = value(),
            _ => {}
        }
    }
    flags
}

/// Runs `work` on a private runtime for at most [`ENGINE_BOUND`]; `None` when it fails or
/// runs out of time. The runtime is dropped without waiting for what is still in flight.
fn bounded<T, F>(work: impl FnOnce(Engine, Config, String) -> F) -> Option<T>
where
    F: Future<Output = anyhow::Result<T>>,
{
    let flags = line_flags(std::env::args_os());
    let config = Config::load(flags.config.as_deref()).ok()?;
    let scope = crate::scope::resolve(flags.scope.as_deref(), config.scope.as_deref()).ok()?;
    let engine = Engine::unverified(&flags.engine).ok()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    let out = runtime
        .block_on(async { tokio::time::timeout(ENGINE_BOUND, work(engine, config, scope)).await });
    runtime.shutdown_background();
    out.ok()?.ok()
}

/// The scope's sandboxes: each id (described by its name, status and image) and each name.
pub fn sandboxes() -> Vec<CompletionCandidate> {
    let listed =
        bounded(|engine, _config, scope| async move { engine.list_sandboxes(Some(&scope)).await })
            .unwrap_or_default();
    let mut out = Vec::new();
    for s in listed {
        let state = format!("{:?}", s.state).to_lowercase();
        let name = if s.name.is_empty() { "-" } else { &s.name };
        out.push(
            CompletionCandidate::new(&s.id)
                .help(Some(format!("{name} {state} {}", s.image).into())),
        );
        if !s.name.is_empty() {
            out.push(
                CompletionCandidate::new(&s.name)
                    .help(Some(format!("{} {state} {}", s.id, s.image).into())),
            );
        }
    }
    out
}

/// The scope's snapshots (`init --snapshot`, `snapshot rm`), described by their sources.
pub fn snapshots() -> Vec<CompletionCandidate> {
    let listed = bounded(|engine, _config, scope| async move {
        let images = engine.list_snapshot_images(Some(&scope)).await?;
        Ok(images
            .iter()
            .filter_map(crate::snapshot::Snapshot::from_image)
            .filter(|s| s.scope == scope)
            .map(|s| (s.name, s.source))
            .collect::<Vec<_>>())
    })
    .unwrap_or_default();
    listed
        .into_iter()
        .map(|(name, source)| {
            CompletionCandidate::new(name).help(Some(format!("from {source}").into()))
        })
        .collect()
}

/// One side of `dsbx cp`: `ID:` and `NAME:` for the scope's sandboxes, and host paths. After
/// the colon nothing is offered: the path is inside the sandbox.
pub fn copy_side(current: &OsStr) -> Vec<CompletionCandidate> {
    let typed = current.to_string_lossy();
    if typed.contains(':') {
        return Vec::new();
    }
    let mut out: Vec<CompletionCandidate> = sandboxes()
        .into_iter()
        .filter_map(|c| {
            let value = format!("{}:", c.get_value().to_string_lossy());
            value
                .starts_with(typed.as_ref())
                .then(|| CompletionCandidate::new(value).help(c.get_help().cloned()))
        })
        .collect();
    out.extend(PathCompleter::any().complete(current));
    out
}

/// The config's templates (`[templates]`), described by their images. Needs no engine.
pub fn templates() -> Vec<CompletionCandidate> {
    let flags = line_flags(std::env::args_os());
    let Ok(config) = Config::load(flags.config.as_deref()) else {
        return Vec::new();
    };
    config
        .templates
        .iter()
        .map(|(name, image)| CompletionCandidate::new(name).help(Some(image.clone().into())))
        .collect()
}

/// The engine's local images (`repo:tag`).
pub fn images() -> Vec<CompletionCandidate> {
    bounded(|engine, _config, _scope| async move { engine.local_image_names().await })
        .unwrap_or_default()
        .into_iter()
        .map(CompletionCandidate::new)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(words: &[&str]) -> LineFlags {
        line_flags(words.iter().map(OsString::from))
    }

    #[test]
    fn global_flags_on_the_line_are_honoured() {
        let f = flags(&[
            "dsbx",
            "--",
            "dsbx",
            "--scope",
            "ci",
            "--docker-host=tcp://h:1",
            "exec",
            "",
        ]);
        assert_eq!(f.scope.as_deref(), Some("ci"));
        assert_eq!(f.engine.host.as_deref(), Some("tcp://h:1"));
        assert_eq!(f.config, None);
        assert_eq!(
            flags(&["dsbx", "--", "dsbx", "exec", "--scope"]).scope,
            None
        );
    }
}
