//! `dsbx egress ID [show|allow|deny|set …]` and `dsbx egress log ID [-f]`: a sandbox's egress
//! policy, changed live, and its proxy's decision log. Also what `init --egress` sets up.

use super::Context;
use super::init::{NetworkChoice, Plan};
use crate::cli::EgressArgs;
use crate::egress::{Mode, PROXY_ALIAS, PROXY_PORT, Policy};
use crate::engine::Engine;
use crate::engine::egress::ProxySpec;
use crate::error::usage;
use futures_util::StreamExt;

pub async fn run(ctx: &Context, args: EgressArgs) -> anyhow::Result<i32> {
    if args.first == "log" {
        let [id] = args.rest.as_slice() else {
            return Err(usage("usage: dsbx egress log ID [-f]"));
        };
        return log(ctx, id, args.follow).await;
    }
    if args.follow {
        return Err(usage("-f/--follow goes with `dsbx egress log ID`"));
    }
    let action = args.rest.first().map(String::as_str).unwrap_or("show");
    let values = args.rest.get(1..).unwrap_or_default();
    match (action, values.len()) {
        ("show", 0) => {}
        ("allow" | "deny", 0) => {
            return Err(usage(format!(
                "dsbx egress ID {action} needs at least one entry (a name, *.domain, address or network)"
            )));
        }
        ("set", 1) | ("allow" | "deny", _) => {}
        ("set", _) => {
            return Err(usage(
                "dsbx egress ID set takes one policy: all, none or a comma-separated list",
            ));
        }
        (other, _) => {
            return Err(usage(format!(
                "unknown egress action `{other}`: use show, allow, deny or set (or `dsbx egress log ID`)"
            )));
        }
    }
    // Entries are checked before any engine call.
    let replacement = match action {
        "set" => Some(Policy::parse_spec(&values[0])?),
        "allow" | "deny" => {
            Policy::from_entries(values.iter().map(String::as_str))?;
            None
        }
        _ => None,
    };
    let (engine, _, sandbox) = ctx.live_sandbox(&args.first).await?;
    let id = sandbox.id.clone();
    let _lock =
        crate::host_lock::acquire_async(&engine.endpoint.url, &format!("egress-{id}")).await?;
    let mut policy = current_policy(engine, &id).await?;
    let changed = action != "show";
    match action {
        "allow" => {
            if policy.mode == Mode::All {
                ctx.printer.note(
                    "note: this sandbox's policy is `all`; the entries are kept for a later `set`",
                );
            }
            policy.add(values.iter().map(String::as_str))?;
        }
        "deny" => {
            let missing = policy.remove(values.iter().map(String::as_str))?;
            if !missing.is_empty() {
                ctx.printer.note(format!(
                    "note: not in the allowlist: {}",
                    missing.join(", ")
                ));
            }
        }
        "set" => policy = replacement.unwrap_or_else(Policy::none),
        _ => {}
    }
    if changed {
        engine.write_egress_policy(&id, &policy.to_file()).await?;
    }
    if ctx.printer.json {
        ctx.printer.json_value(&serde_json::json!({
            "id": id,
            "egress": policy.summary(),
            "mode": match policy.mode { Mode::All => "all", Mode::Allowlist if policy.allow.is_empty() => "none", Mode::Allowlist => "allowlist" },
            "allow": policy.entries(),
        }))?;
    } else {
        ctx.printer.data(policy.summary())?;
    }
    Ok(0)
}

/// The policy in the sandbox's proxy; a clear failure for a sandbox that has none.
async fn current_policy(engine: &Engine, id: &str) -> anyhow::Result<Policy> {
    let Some(text) = engine.read_egress_policy(id).await? else {
        anyhow::bail!(
            "sandbox {id} has no egress proxy: its egress is `all`, fixed at init (create one with `dsbx init --egress none` or `--egress LIST` to control it)"
        );
    };
    Policy::from_file(&text)
        .ok_or_else(|| anyhow::anyhow!("the egress policy of sandbox {id} is unreadable"))
}

/// `info`'s view: `None` for a sandbox without a proxy (its egress is `all`).
pub async fn policy_for_info(engine: &Engine, id: &str) -> Option<Policy> {
    let text = engine.read_egress_policy(id).await.ok()??;
    Policy::from_file(&text)
}

async fn log(ctx: &Context, query: &str, follow: bool) -> anyhow::Result<i32> {
    let (engine, _, sandbox) = ctx.live_sandbox(query).await?;
    let Some((docker_id, _)) = engine.egress_proxy_id(&sandbox.id).await? else {
        anyhow::bail!(
            "sandbox {} has no egress proxy, so no egress log: its egress is `all`",
            sandbox.id
        );
    };
    let mut lines = Box::pin(engine.egress_log_lines(&docker_id, follow));
    let mut entries = Vec::new();
    while let Some(line) = lines.next().await {
        let line = line?;
        let Ok(entry) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        if ctx.printer.json && !follow {
            entries.push(entry);
        } else if ctx.printer.json {
            ctx.printer.data(&entry)?;
        } else {
            ctx.printer.data(render(&entry))?;
        }
    }
    if ctx.printer.json && !follow {
        ctx.printer
            .json_value(&serde_json::json!({ "entries": entries }))?;
    }
    Ok(0)
}

/// `TIME allow|deny METHOD HOST:PORT from CLIENT[: REASON]`
fn render(e: &serde_json::Value) -> String {
    let s = |k: &str| e.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
    let mut line = format!(
        "{} {} {} {}:{} from {}",
        s("time"),
        s("decision"),
        s("method"),
        s("host"),
        e.get("port").and_then(|v| v.as_u64()).unwrap_or(0),
        s("client"),
    );
    let reason = s("reason");
    if !reason.is_empty() {
        line.push_str(": ");
        line.push_str(&reason);
    }
    line
}

/// The policy `init` gives: `--egress`, else the config's `[egress]`. `None`: `all` (no proxy).
pub fn plan_policy(ctx: &Context, flag: Option<&Policy>) -> anyhow::Result<Option<Policy>> {
    use crate::config::EgressDefault;
    let policy = match flag {
        Some(policy) => policy.clone(),
        None => match ctx.config.egress.default {
            EgressDefault::All => return Ok(None),
            EgressDefault::None => Policy::none(),
            EgressDefault::Allowlist => {
                Policy::from_entries(ctx.config.egress.allow.0.iter().map(String::as_str))?
            }
        },
    };
    Ok((policy.mode != Mode::All).then_some(policy))
}

/// Puts the sandbox of `plan` behind an egress proxy: its own internal network, the proxy on that
/// network and the outside one the plan named, the proxy settings in its environment. Sets
/// `made_network` before creating anything, so a failure removes the network and the proxy.
pub async fn prepare_for_init(
    ctx: &Context,
    engine: &Engine,
    plan: &mut Plan,
    id: &str,
    helper_volume: &str,
    made_network: &mut Option<String>,
) -> anyhow::Result<()> {
    let Some(policy) = plan.egress.clone() else {
        return Ok(());
    };
    let outside = match &plan.network {
        NetworkChoice::Shared(name) | NetworkChoice::Other(name) => name.clone(),
        NetworkChoice::Isolated => ctx.config.network.clone(),
        NetworkChoice::None => return Ok(()),
    };
    if outside == ctx.config.network {
        engine.ensure_network(&outside, "shared", &[]).await?;
    }
    let internal = crate::sandbox::isolated_network_name(id);
    *made_network = Some(internal.clone());
    engine
        .create_internal_network(&internal, id, &ctx.scope)
        .await?;
    engine
        .start_egress_proxy(&ProxySpec {
            id,
            scope: &ctx.scope,
            image: &plan.image,
            helper_volume,
            internal_network: &internal,
            outside_network: &outside,
            policy_file: &policy.to_file(),
        })
        .await?;
    plan.network = NetworkChoice::Isolated;
    let url = format!("http://{PROXY_ALIAS}:{PROXY_PORT}");
    for key in ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"] {
        plan.env.push(format!("{key}={url}"));
    }
    for key in ["NO_PROXY", "no_proxy"] {
        plan.env.push(format!("{key}=localhost,127.0.0.1,::1"));
    }
    plan.user_labels
        .insert(crate::labels::EGRESS.to_string(), "proxy".to_string());
    Ok(())
}
