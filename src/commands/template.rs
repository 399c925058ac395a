//! `dsbx template build`, and how `init` gets an image that is not on the engine: the default
//! image `dsbx-base` is built from the Dockerfile compiled into dsbx, anything else is pulled.
//!
//! Builds and pulls of one image take turns under a host-wide lock (across state directories and
//! scopes), and whoever gets the lock second finds the image there and does nothing. A build is
//! tagged only after the engine reported success, so a failed or interrupted build leaves no tag.

use super::Context;
use crate::cli::{TemplateBuildArgs, TemplateCommand};
use crate::engine::Engine;
use crate::engine::images::ImageInfo;
use crate::engine::images::{Progress, StreamFailure};
use crate::error::usage;
use crate::registry_auth::{self, Reference};
use anyhow::Context as _;
use bytes::Bytes;
use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The default image's Dockerfile (`docker/Dockerfile`), compiled in.
pub const DEFAULT_DOCKERFILE: &str = include_str!("../../docker/Dockerfile");

/// The repository name of the default image: a missing image of this name is built, not pulled.
pub const DEFAULT_REPOSITORY: &str = "dsbx-base";

pub async fn run(ctx: &Context, command: TemplateCommand) -> anyhow::Result<i32> {
    match command {
        TemplateCommand::Build(args) => build_command(ctx, args).await,
    }
}

/// What to build: a context and the Dockerfile's name inside it.
enum Source {
    /// The compiled-in Dockerfile, alone in its context.
    BuiltIn,
    /// A Dockerfile on disk; its directory is the context.
    File { dir: PathBuf, name: String },
}

async fn build_command(ctx: &Context, args: TemplateBuildArgs) -> anyhow::Result<i32> {
    let tag = args.tag.clone().unwrap_or_else(|| ctx.config.image.clone());
    let reference = registry_auth::parse_reference(&tag)?;
    if reference.digest.is_some() {
        return Err(usage(format!(
            "invalid --tag `{tag}`: a build is tagged with a name, not a digest"
        )));
    }
    let mut build_args: HashMap<String, String> = args.build_arg.iter().cloned().collect();
    let source = match &args.file {
        None => {
            build_args
                .entry("BASE".into())
                .or_insert_with(|| ctx.config.build.base.clone());
            Source::BuiltIn
        }
        Some(file) => source_of(file)?,
    };
    let engine = ctx.engine().await?;
    let started = Instant::now();
    let _lock = lock_image(ctx, engine, &reference.full(), "build").await?;
    let id = build(ctx, engine, &source, &reference.full(), &build_args, None).await?;
    let duration_ms = started.elapsed().as_millis() as u64;
    if ctx.printer.json {
        ctx.printer.json_value(&serde_json::json!({
            "image": reference.full(),
            "id": id,
            "duration_ms": duration_ms,
        }))?;
    } else {
        ctx.printer.data(&id)?;
        ctx.printer.note_tty(format!(
            "Built {} ({id}) in {:.1} s",
            reference.full(),
            duration_ms as f64 / 1000.0
        ));
    }
    Ok(0)
}

fn source_of(file: &Path) -> anyhow::Result<Source> {
    let meta = std::fs::metadata(file)
        .with_context(|| format!("cannot read Dockerfile {}", file.display()))?;
    if !meta.is_file() {
        anyhow::bail!("Dockerfile {} is not a file", file.display());
    }
    let file = std::fs::canonicalize(file)
        .with_context(|| format!("cannot resolve {}", file.display()))?;
    let dir = file.parent().unwrap_or(Path::new("/")).to_path_buf();
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| {
            usage(format!(
                "the Dockerfile name {} is not UTF-8",
                file.display()
            ))
        })?
        .to_string();
    Ok(Source::File { dir, name })
}

/// Makes sure `image` is on the engine: builds the default image from the compiled-in Dockerfile,
/// pulls anything else. Returns what the image says about users and directories (the one inspect
/// `init` needs, so it does not make a second).
pub async fn ensure_image(
    ctx: &Context,
    engine: &Engine,
    image: &str,
    platform: Option<&str>,
) -> anyhow::Result<ImageInfo> {
    let reference = registry_auth::parse_reference(image)?;
    if let Some(info) = engine.image_info(image).await? {
        return Ok(info);
    }
    let builds = reference.repository == DEFAULT_REPOSITORY;
    let _lock = lock_image(ctx, engine, image, if builds { "build" } else { "pull" }).await?;
    // Whoever held the lock may have just made it.
    if let Some(info) = engine.image_info(image).await? {
        return Ok(info);
    }
    if builds {
        let mut args = HashMap::new();
        args.insert("BASE".to_string(), ctx.config.build.base.clone());
        build(ctx, engine, &Source::BuiltIn, image, &args, platform).await?;
    } else {
        pull(ctx, engine, &reference, image, platform).await?;
    }
    engine.image_info(image).await?.ok_or_else(|| {
        anyhow::anyhow!("image `{image}` is still not on the engine after it was made")
    })
}

async fn lock_image(
    ctx: &Context,
    engine: &Engine,
    image: &str,
    verb: &str,
) -> anyhow::Result<crate::host_lock::HostLock> {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(image.as_bytes());
    let key: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    crate::host_lock::acquire_async_noting(&engine.endpoint.url, &format!("image-{key}"), || {
        ctx.printer
            .note(format!("Waiting for another dsbx to {verb} image {image}…"))
    })
    .await
}

/// Builds `source` and tags the result `tag`; returns the image id.
async fn build(
    ctx: &Context,
    engine: &Engine,
    source: &Source,
    tag: &str,
    build_args: &HashMap<String, String>,
    platform: Option<&str>,
) -> anyhow::Result<String> {
    let (what, dockerfile) = match source {
        Source::BuiltIn => (
            format!(
                "dsbx's built-in Dockerfile (BASE={})",
                build_args.get("BASE").map_or("", String::as_str)
            ),
            "Dockerfile".to_string(),
        ),
        Source::File { dir, name } => (dir.join(name).display().to_string(), name.clone()),
    };
    ctx.printer
        .note(format!("Building image {tag} from {what}…"));
    let tar_error: Arc<Mutex<Option<String>>> = Arc::default();
    let context = context_stream(source, tar_error.clone());
    let mut view = BuildView::new(ctx.printer.clone());
    let result = engine
        .build_image(context, &dockerfile, build_args, platform, &mut |p| {
            view.show(p)
        })
        .await;
    let id = match result {
        Ok(id) => id,
        Err(failure) => {
            if let Some(e) = tar_error.lock().unwrap().take() {
                anyhow::bail!("cannot send the build context of {what}: {e}");
            }
            return Err(match failure {
                StreamFailure::Engine(e) => e.context(format!("building image {tag}")),
                StreamFailure::Answer(answer) => {
                    if !view.printer.interactive() {
                        // The failing step's output, which the person has not seen yet.
                        let out = view.step_output.trim_matches('\n').trim_end();
                        if !out.is_empty() {
                            ctx.printer.reason(out);
                        }
                    }
                    match view.step.as_deref() {
                        Some(step) => {
                            let step = with_build_args(step, build_args);
                            anyhow::anyhow!("building image {tag} failed at {step}: {answer}")
                        }
                        None => anyhow::anyhow!("building image {tag} failed: {answer}"),
                    }
                }
            });
        }
    };
    engine.tag_image(&id, tag).await?;
    Ok(id)
}

/// The step as the engine names it, plus the values of the build args it uses: `FROM ${BASE}`
/// alone does not say which base failed to pull.
fn with_build_args(step: &str, build_args: &HashMap<String, String>) -> String {
    let uses = |name: &str| {
        step.contains(&format!("${{{name}}}"))
            || step.match_indices(&format!("${name}")).any(|(at, m)| {
                !step[at + m.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
            })
    };
    let mut used: Vec<String> = build_args
        .iter()
        .filter(|(name, _)| uses(name))
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    if used.is_empty() {
        return step.to_string();
    }
    used.sort();
    format!("{step} ({})", used.join(", "))
}

/// The build context as a tar stream, written by a blocking thread into the byte channel
/// uploads use, as the engine reads it.
fn context_stream(
    source: &Source,
    error: Arc<Mutex<Option<String>>>,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    let (writer, body) = crate::transfer::stream::body_channel();
    let source = match source {
        Source::BuiltIn => None,
        Source::File { dir, .. } => Some(dir.clone()),
    };
    tokio::task::spawn_blocking(move || {
        let mut tar = tar::Builder::new(writer);
        tar.follow_symlinks(false);
        let result = match &source {
            None => crate::engine::archive::append_file(
                &mut tar,
                "Dockerfile",
                0o644,
                DEFAULT_DOCKERFILE.as_bytes(),
            ),
            Some(dir) => tar.append_dir_all(".", dir),
        }
        .and_then(|_| tar.finish());
        let result = result.and_then(|()| tar.get_mut().flush());
        if let Err(e) = result {
            *error.lock().unwrap() = Some(e.to_string());
            tar.get_mut().abort(e.to_string());
        }
    });
    body
}

/// Build output: live on a terminal; otherwise kept per step, so a failure can show its step.
struct BuildView {
    printer: crate::output::Printer,
    step: Option<String>,
    step_output: String,
}

/// At most this much of one step's output is kept for the error report.
const STEP_OUTPUT_LIMIT: usize = 64 * 1024;

impl BuildView {
    fn new(printer: crate::output::Printer) -> BuildView {
        BuildView {
            printer,
            step: None,
            step_output: String::new(),
        }
    }

    fn show(&mut self, progress: Progress) {
        let Progress::Text(text) = progress else {
            return;
        };
        self.printer.live_text(&text);
        record_step(&mut self.step, &mut self.step_output, &text);
    }
}

/// Keeps the latest `Step N/M : …` line and the output after it (its tail when long).
fn record_step(step: &mut Option<String>, output: &mut String, text: &str) {
    for line in text.split_inclusive('\n') {
        if line.starts_with("Step ") && line.contains(" : ") {
            *step = Some(line.trim_end().to_string());
            output.clear();
            continue;
        }
        output.push_str(line);
    }
    if output.len() > STEP_OUTPUT_LIMIT {
        let mut cut = output.len() - STEP_OUTPUT_LIMIT;
        while !output.is_char_boundary(cut) {
            cut += 1;
        }
        output.replace_range(..cut, "…");
    }
}

async fn pull(
    ctx: &Context,
    engine: &Engine,
    reference: &Reference,
    image: &str,
    platform: Option<&str>,
) -> anyhow::Result<()> {
    let credentials = registry_auth::credentials_for(&reference.registry)
        .with_context(|| format!("cannot pull image {image}"))?;
    ctx.printer.note(format!(
        "Pulling image {}{}…",
        reference.full(),
        if credentials.is_some() {
            format!(
                " (credentials for {} from the Docker config)",
                reference.registry
            )
        } else {
            String::new()
        }
    ));
    let mut view = PullView::new(ctx.printer.interactive());
    let result = engine
        .pull_image(&reference.full(), platform, credentials, &mut |p| {
            view.show(p)
        })
        .await;
    view.finish();
    match result {
        Ok(()) => {}
        Err(StreamFailure::Engine(e)) => return Err(e.context(format!("pulling image {image}"))),
        Err(StreamFailure::Answer(answer)) => {
            let lower = answer.to_lowercase();
            let hint = if lower.contains("unauthorized")
                || lower.contains("authentication required")
                || lower.contains("no basic auth credentials")
                || lower.contains("denied")
            {
                format!(
                    " (dsbx uses the credentials `docker login {}` stores in the Docker config)",
                    reference.registry
                )
            } else {
                match resembling_local_image(engine, image).await {
                    Some(near) => format!(" (did you mean the local image `{near}`?)"),
                    None => String::new(),
                }
            };
            anyhow::bail!("cannot pull image {image}: {answer}{hint}");
        }
    }
    // A pull of `image` without a tag fetched `image:latest`, which is the same name to Docker.
    if engine.image_info(image).await?.is_none() {
        anyhow::bail!(
            "pulled {} but the engine does not list image {image}",
            reference.full()
        );
    }
    Ok(())
}

/// The local image whose name is nearest `image`, when it is near enough to be a typo of it
/// (at most 2 edits, or one in five characters for long names). Best effort: an engine that
/// cannot list its images suggests nothing.
async fn resembling_local_image(engine: &Engine, image: &str) -> Option<String> {
    let names = engine.local_image_names().await.ok()?;
    nearest_name(image, &names)
}

fn nearest_name(image: &str, names: &[String]) -> Option<String> {
    let with_tag = |n: &str| {
        if n.rsplit('/').next().is_some_and(|last| last.contains(':')) {
            n.to_string()
        } else {
            format!("{n}:latest")
        }
    };
    let wanted = with_tag(image);
    let allowed = (wanted.chars().count() / 5).max(2);
    names
        .iter()
        .map(|n| (strsim::levenshtein(&wanted, &with_tag(n)), n))
        .filter(|(d, _)| (1..=allowed).contains(d))
        .min()
        .map(|(_, n)| n.clone())
}

/// Per-layer progress bars on a terminal; nothing otherwise.
struct PullView {
    multi: Option<indicatif::MultiProgress>,
    bars: HashMap<String, indicatif::ProgressBar>,
}

impl PullView {
    fn new(interactive: bool) -> PullView {
        PullView {
            multi: interactive.then(indicatif::MultiProgress::new),
            bars: HashMap::new(),
        }
    }

    fn show(&mut self, progress: Progress) {
        let Some(multi) = &self.multi else { return };
        let Progress::Layer {
            id,
            status,
            current,
            total,
        } = progress
        else {
            return;
        };
        if id.is_empty() || status.starts_with("Pulling from") {
            let _ = multi.println(if id.is_empty() {
                status
            } else {
                format!("{id}: {status}")
            });
            return;
        }
        let bar = self.bars.entry(id.clone()).or_insert_with(|| {
            let bar = multi.add(indicatif::ProgressBar::new(0));
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{prefix} {msg:18} [{bar:30}] {bytes}/{total_bytes}",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            bar.set_prefix(id.clone());
            bar
        });
        if let (Some(c), Some(t)) = (current, total)
            && t > 0
        {
            bar.set_length(t);
            bar.set_position(c.min(t));
        }
        bar.set_message(status.clone());
        if status == "Pull complete" || status == "Already exists" {
            match bar.length() {
                Some(len) if len > 0 => bar.set_position(len),
                // Nothing was transferred: a byte count would only say 0 B/0 B.
                _ => bar.set_style(
                    indicatif::ProgressStyle::with_template("{prefix} {msg}")
                        .expect("valid template"),
                ),
            }
            bar.finish();
        }
    }

    fn finish(&mut self) {
        for bar in self.bars.values() {
            bar.finish();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_finds_the_image_it_resembles() {
        let names: Vec<String> = ["dsbx-base:latest", "python:3.12", "node:22"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            nearest_name("dsbx-bsae", &names).as_deref(),
            Some("dsbx-base:latest")
        );
        assert_eq!(
            nearest_name("pyhton:3.12", &names).as_deref(),
            Some("python:3.12")
        );
        assert_eq!(nearest_name("redis:7", &names), None);
        assert_eq!(
            nearest_name("python:3.12", &names),
            None,
            "the same name is no typo"
        );
    }

    #[test]
    fn a_failing_step_names_the_build_args_it_uses() {
        let args = HashMap::from([
            ("BASE".to_string(), "debian:13".to_string()),
            ("B".to_string(), "x".to_string()),
            ("UNUSED".to_string(), "y".to_string()),
        ]);
        assert_eq!(
            with_build_args("Step 2/11 : FROM ${BASE}", &args),
            "Step 2/11 : FROM ${BASE} (BASE=debian:13)"
        );
        assert_eq!(
            with_build_args("Step 3/4 : RUN echo $B $BASE", &args),
            "Step 3/4 : RUN echo $B $BASE (B=x, BASE=debian:13)"
        );
        // `$BASEX` is another name; a step using none is left as it is.
        assert_eq!(
            with_build_args("Step 1/1 : RUN echo $BASEX", &args),
            "Step 1/1 : RUN echo $BASEX"
        );
    }

    #[test]
    fn the_failing_step_is_remembered() {
        let (mut step, mut out) = (None, String::new());
        record_step(&mut step, &mut out, "Step 1/3 : FROM x\n ---> abc\n");
        record_step(&mut step, &mut out, "Step 2/3 : RUN false\n");
        record_step(&mut step, &mut out, " ---> Running in 12\npartial ");
        record_step(&mut step, &mut out, "line\n");
        assert_eq!(step.as_deref(), Some("Step 2/3 : RUN false"));
        assert_eq!(out, " ---> Running in 12\npartial line\n");
        let long = "x".repeat(STEP_OUTPUT_LIMIT * 2);
        record_step(&mut step, &mut out, &long);
        assert!(out.len() <= STEP_OUTPUT_LIMIT + 4 && out.starts_with('…'));
    }

    #[test]
    fn the_default_dockerfile_is_compiled_in() {
        assert!(DEFAULT_DOCKERFILE.contains("ARG BASE=debian:bookworm-slim"));
        assert!(DEFAULT_DOCKERFILE.contains("USER user"));
        assert!(DEFAULT_DOCKERFILE.contains("WORKDIR /home/user"));
    }
}
