//! `dsbx ps [ID]` and `dsbx logs ID JOB [-f]`: the background jobs (`exec -b`) of a sandbox,
//! from the records its helper keeps (see `helper::jobs`), over the channel or the engine's path.

use super::Context;
use super::exec::{Route, route};
use crate::cli::{LogsArgs, PsArgs};
use crate::engine::exec::ExecSpec;
use crate::engine::exec::OutputChunk;
use crate::engine::helper_volume::HELPER_PATH;
use crate::error::usage;
use crate::helper::jobs::{AMBIGUOUS_JOB, Job, NO_SUCH_JOB};
use anyhow::{Context as _, anyhow, bail};
use futures_util::StreamExt;
use tokio::signal::unix::{SignalKind, signal};

pub async fn ps(ctx: &Context, args: PsArgs) -> anyhow::Result<i32> {
    let Some(id) = args.id else {
        // `docker ps` lists containers: without an id, `ps` is `ls`.
        return super::ls::run(ctx, args.list).await;
    };
    let (id, code, out, err) = run_role(ctx, &id, vec!["jobs".into()]).await?;
    if code != 0 {
        return Err(role_failed(&id, code, &err));
    }
    let jobs: Vec<Job> = String::from_utf8_lossy(&out)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    if ctx.printer.json {
        ctx.printer
            .json_value(&serde_json::json!({ "jobs": jobs }))?;
    } else {
        print_table(ctx, &jobs)?;
    }
    Ok(0)
}

fn print_table(ctx: &Context, jobs: &[Job]) -> anyhow::Result<()> {
    let mut rows = vec![["JOB", "PID", "STATE", "EXIT", "STARTED", "COMMAND"].map(String::from)];
    for j in jobs {
        let exit = match (j.exit_code, j.signal) {
            (_, Some(s)) => format!("signal {s}"),
            (Some(c), None) => c.to_string(),
            _ => "-".into(),
        };
        rows.push([
            j.job.clone(),
            j.pid.to_string(),
            j.state.clone(),
            exit,
            j.started_at.clone(),
            crate::output::shown(&j.command.join(" ")),
        ]);
    }
    let widths: Vec<usize> = (0..6)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i == 5 {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$}  ", w = widths[i]));
            }
        }
        ctx.printer.data(line.trim_end())?;
    }
    Ok(())
}

/// Runs helper role `args` in sandbox `query` to its end: (sandbox id, exit code, stdout, stderr).
async fn run_role(
    ctx: &Context,
    query: &str,
    args: Vec<String>,
) -> anyhow::Result<(String, i32, Vec<u8>, Vec<u8>)> {
    match route(ctx, query).await? {
        Route::Channel { id, channel } => {
            let none: Option<futures_util::stream::Empty<Result<bytes::Bytes, std::io::Error>>> =
                None;
            let out = channel
                .run_captured(args, none)
                .await
                .with_context(|| format!("reading the jobs of {id} (channel)"))?;
            Ok((id, out.code as i32, out.stdout, out.stderr))
        }
        Route::Engine { engine, sandbox } => {
            require_helper(&sandbox)?;
            let out = engine
                .run_captured(&sandbox.id, helper_cmd(args), "0")
                .await?;
            Ok((sandbox.id, out.code as i32, out.stdout, out.stderr))
        }
    }
}

fn helper_cmd(args: Vec<String>) -> Vec<String> {
    let mut cmd = vec![HELPER_PATH.to_string(), "__helper".into()];
    cmd.extend(args);
    cmd
}

fn require_helper(sandbox: &crate::sandbox::Sandbox) -> anyhow::Result<()> {
    if sandbox.label(crate::labels::HELPER).is_none() {
        bail!(
            "sandbox {} has no dsbx helper, so it keeps no job records (see `helper_path`)",
            sandbox.id
        );
    }
    Ok(())
}

/// What a failed role's exit code and first stderr line mean.
fn role_failed(id: &str, code: i32, stderr: &[u8]) -> anyhow::Error {
    let text = String::from_utf8_lossy(stderr);
    let line = text
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .trim_start_matches("dsbx: ");
    if line.contains("unknown role") {
        return anyhow!(
            "sandbox {id}'s dsbx helper predates job records (`dsbx ps`, `dsbx logs`): \
             recreate the sandbox"
        );
    }
    match code {
        NO_SUCH_JOB => anyhow!("{line} in sandbox {id}: `dsbx ps {id}` lists its jobs"),
        AMBIGUOUS_JOB => usage(format!("{line} (in sandbox {id})")),
        _ => anyhow!("sandbox {id}: {line} (helper exit {code})"),
    }
}

/// `dsbx logs ID JOB [-f]`: the log streamed to stdout as it is read; `-f` until the job ends.
pub async fn logs(ctx: &Context, args: LogsArgs) -> anyhow::Result<i32> {
    if ctx.printer.json {
        return Err(usage(
            "`logs` writes the job's output itself on stdout; --json cannot be used with it",
        ));
    }
    let mut role = vec!["job-log".to_string()];
    if args.follow {
        role.push("--follow".into());
    }
    role.push(args.job.clone());
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    // The follower watches its stdin: kept open while we follow, it closes when we go, and the
    // follower ends with it.
    let (id, mut output, _input, ending) = match route(ctx, &args.id).await? {
        Route::Channel { id, channel } => {
            let started = channel
                .start(role, Vec::new(), false, args.follow)
                .await
                .context("reading the log over the sandbox's channel")?;
            (
                id,
                started.output,
                started.input,
                Ending::Channel(started.ended),
            )
        }
        Route::Engine { engine, sandbox } => {
            require_helper(&sandbox)?;
            let spec = ExecSpec {
                cmd: helper_cmd(role),
                env: Vec::new(),
                user: "0".into(),
                tty: false,
                stdin: args.follow,
                working_dir: None,
            };
            let attached = engine.start_attached(&sandbox.id, &spec).await?;
            let ending = Ending::Engine(engine, attached.exec_id);
            (sandbox.id, attached.output, attached.input, ending)
        }
    };
    let mut err = Vec::new();
    loop {
        tokio::select! {
            frame = output.next() => match frame {
                Some(Ok(OutputChunk::Stderr(message))) => err.extend_from_slice(&message),
                Some(Ok(other)) => ctx.printer.data_bytes(&other.into_bytes())?,
                Some(Err(e)) => return Err(anyhow::Error::new(e).context(format!("reading the log of job {} in {id}", args.job))),
                None => break,
            },
            _ = interrupt.recv() => return Ok(130),
            _ = terminate.recv() => return Ok(130),
        }
    }
    let code = match ending {
        Ending::Channel(ended) => {
            ended
                .await
                .map_err(|_| anyhow!("the channel of {id} ended without the log's end"))?
                .code
        }
        Ending::Engine(engine, exec_id) => engine.exit_code_in(&id, &exec_id).await? as i32,
    };
    if code != 0 {
        return Err(role_failed(&id, code, &err));
    }
    Ok(0)
}

/// Where the role's exit code comes from.
enum Ending<'a> {
    Channel(tokio::sync::oneshot::Receiver<crate::channel::client::Ended>),
    Engine(&'a crate::engine::Engine, String),
}
