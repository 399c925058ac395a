//! `dsbx doctor [--json]`: checks dsbx's setup, one line per check, each ok, warn or fail with
//! what to do. It runs before (and instead of) the shared Context, because what it reports may be
//! exactly what stops the Context from being built: a broken config, an unusable state directory.
//! Exit 0 when nothing fails, 1 otherwise; warnings do not fail.

use crate::cli::GlobalArgs;
use crate::config::{self, Config, DEFAULT_IMAGE};
use crate::engine::Engine;
use crate::engine::system::EngineVersion;
use crate::error::one_line;
use crate::output::Printer;
use crate::state::StateStore;
use anyhow::Context as _;
use console::style;
use serde::Serialize;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warn,
    Fail,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub status: Status,
    pub message: String,
    /// What to do about it; empty when there is nothing to do.
    pub hint: String,
}

impl Check {
    fn ok(name: &'static str, message: impl Into<String>) -> Check {
        Check {
            name,
            status: Status::Ok,
            message: message.into(),
            hint: String::new(),
        }
    }

    fn warn(name: &'static str, message: impl Into<String>, hint: impl Into<String>) -> Check {
        Check {
            name,
            status: Status::Warn,
            message: message.into(),
            hint: hint.into(),
        }
    }

    fn fail(name: &'static str, message: impl Into<String>, hint: impl Into<String>) -> Check {
        Check {
            name,
            status: Status::Fail,
            message: message.into(),
            hint: hint.into(),
        }
    }
}

#[derive(Serialize)]
struct Report<'a> {
    checks: &'a [Check],
    ok: bool,
}

/// Runs every check and prints the report; returns the exit code.
pub async fn run(global: &GlobalArgs, printer: &Printer) -> anyhow::Result<i32> {
    let checks = run_checks(global).await;
    let ok = checks.iter().all(|c| c.status != Status::Fail);
    if printer.json {
        printer.json_value(&Report {
            checks: &checks,
            ok,
        })
    } else {
        print_lines(printer, &checks)
    }
    .context("writing the report")?;
    Ok(if ok { 0 } else { 1 })
}

fn print_lines(printer: &Printer, checks: &[Check]) -> std::io::Result<()> {
    for check in checks {
        let mark = match check.status {
            Status::Ok => style("✓").green(),
            Status::Warn => style("!").yellow().bold(),
            Status::Fail => style("✗").red().bold(),
        };
        let mut line = format!("{mark} {:<13}{}", check.name, check.message);
        if !check.hint.is_empty() {
            line.push_str(&format!(" → {}", check.hint));
        }
        printer.data(line)?;
    }
    let failed = checks.iter().filter(|c| c.status == Status::Fail).count();
    let warned = checks.iter().filter(|c| c.status == Status::Warn).count();
    printer.note_tty(match (failed, warned) {
        (0, 0) => "dsbx is ready".to_string(),
        (0, w) => format!("dsbx is ready ({w} warning{})", plural(w)),
        (f, _) => format!("{f} check{} failed", plural(f)),
    });
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

async fn run_checks(global: &GlobalArgs) -> Vec<Check> {
    let mut checks = Vec::new();

    let (config_check, config) = check_config(global.config.as_deref());
    let config_ok = config_check.status != Status::Fail;
    checks.push(config_check);
    checks.push(check_url_template(
        config.as_ref(),
        global.config.as_deref(),
    ));
    let config = config.unwrap_or_default();
    checks.push(check_state());

    let (engine_check, engine, version) =
        check_engine(&global.engine_flags(), config.engine_timeout.bounds()).await;
    checks.push(engine_check);
    match &engine {
        Some(engine) => {
            checks.push(check_image(engine, &config, config_ok).await);
            checks.push(check_proxy(engine, &config).await);
            checks.push(check_disk(engine, &config).await);
        }
        None => {
            for name in ["image", "proxy", "disk"] {
                checks.push(Check::warn(
                    name,
                    "not checked: the engine is unreachable",
                    "fix the engine check first",
                ));
            }
        }
    }
    checks.push(check_helper(&config, version.as_ref()));
    checks
}

fn check_config(flag: Option<&Path>) -> (Check, Option<Config>) {
    let path = config::config_path(flag);
    let shown = path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "(no config directory)".into());
    match Config::load(flag) {
        Ok(config) => {
            let message = match &path {
                Some(p) if p.exists() => format!("{shown} is valid"),
                _ => format!("no file at {shown}: the defaults apply"),
            };
            (Check::ok("config", message), Some(config))
        }
        Err(e) => (
            Check::fail(
                "config",
                one_line(&e),
                format!(
                    "fix that line of {shown} (every key is optional; the README lists them); \
                     the checks below use the defaults"
                ),
            ),
            None,
        ),
    }
}

/// The template get-host would use, where it comes from, and a sample rendering.
fn check_url_template(config: Option<&Config>, flag: Option<&Path>) -> Check {
    let env = std::env::var("DSBX_URL_TEMPLATE")
        .ok()
        .filter(|v| !v.is_empty());
    let (template, source) = if let Some(t) = env {
        (t, "DSBX_URL_TEMPLATE".to_string())
    } else if let Some(config) = config {
        if !config.url_template.0.is_empty() {
            (config.url_template.0.clone(), "the config".to_string())
        } else if !config.proxy.domain.is_empty() {
            let scheme = if config.proxy.cert.is_empty() {
                "http"
            } else {
                "https"
            };
            (
                format!("{scheme}://{{port}}-{{id}}.{}", config.proxy.domain),
                "[proxy] domain".to_string(),
            )
        } else {
            return Check::ok(
                "url_template",
                "the built-in default: http://{host}:{host_port} for published ports, \
                 http://{ip}:{port} for others",
            );
        }
    } else {
        // The config does not load; its url_template may still be readable on its own.
        match raw_url_template(flag) {
            Some(t) => (t, "the config".to_string()),
            None => {
                return Check::warn(
                    "url_template",
                    "not checked: the config does not load",
                    "fix the config check first",
                );
            }
        }
    };
    let sample = crate::url::UrlValues {
        port: 8000,
        id: "k3x9q2m7ab1c",
        name: "web",
        host_port: Some(32768),
        host: "127.0.0.1",
        ip: Some("172.17.0.2"),
    };
    match crate::url::render(&template, &sample) {
        Ok(url) => Check::ok(
            "url_template",
            format!("`{template}` (from {source}), e.g. {url}"),
        ),
        Err(e) => Check::fail(
            "url_template",
            format!("`{template}` (from {source}): {}", one_line(&e)),
            format!(
                "use only the placeholders {} and keep each DNS label within 63 characters",
                crate::url::PLACEHOLDERS
                    .iter()
                    .map(|p| format!("{{{p}}}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        ),
    }
}

fn raw_url_template(flag: Option<&Path>) -> Option<String> {
    let text = std::fs::read_to_string(config::config_path(flag)?).ok()?;
    let value: toml::Table = toml::from_str(&text).ok()?;
    value
        .get("url_template")?
        .as_str()
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

fn check_state() -> Check {
    let store = match StateStore::locate() {
        Ok(store) => store,
        Err(e) => {
            return Check::fail(
                "state",
                one_line(&e),
                "set DSBX_STATE_DIR to a directory you can write",
            );
        }
    };
    let dir = store.dir().display().to_string();
    if let Err(e) = store.check_writable() {
        return Check::fail(
            "state",
            one_line(&e),
            format!("make {dir} writable for you, or set DSBX_STATE_DIR to a directory that is"),
        );
    }
    let file = store.file();
    match store.load() {
        Ok(state) if file.exists() => Check::ok(
            "state",
            format!(
                "{} is valid ({} sandbox{} recorded); {dir} is writable",
                file.display(),
                state.sandboxes.len(),
                if state.sandboxes.len() == 1 { "" } else { "es" }
            ),
        ),
        Ok(_) => Check::ok("state", format!("{dir} is writable; no state file yet")),
        Err(e) => Check::fail(
            "state",
            one_line(&e),
            format!(
                "move {} aside; sandboxes are still found through their Docker labels",
                file.display()
            ),
        ),
    }
}

async fn check_engine(
    flags: &crate::engine::endpoint::Flags,
    bounds: crate::engine::Bounds,
) -> (Check, Option<Engine>, Option<EngineVersion>) {
    let engine = match Engine::connect(flags).await {
        Ok(engine) => engine.with_bounds(bounds),
        Err(e) => {
            let hint = if crate::engine::is_socket_denied(&e) {
                "join the docker group and log in again (or point --docker-host at an engine \
                 this user may use): the engine is there, its socket refuses this user"
            } else {
                "start the Docker engine, or point --docker-host or DOCKER_HOST at one that \
                 answers (`docker version` shows whether it does)"
            };
            return (
                Check::fail(
                    "engine",
                    // The engine layer's message points at doctor; here that would be circular.
                    one_line(&e).replace(" (`dsbx doctor` checks the setup)", ""),
                    hint,
                ),
                None,
                None,
            );
        }
    };
    let place = format!(
        "at {} (from {})",
        engine.endpoint.url, engine.endpoint.source
    );
    match engine.version().await {
        Ok(v) => {
            let message = format!(
                "{} {} (API {}, {}/{}) {place}",
                v.product, v.version, v.api_version, v.os, v.arch
            );
            let check = match engine.endpoint.plaintext_warning() {
                Some(_) => Check::warn(
                    "engine",
                    format!("{message}, over plain TCP: nothing is encrypted"),
                    "use TLS (DOCKER_TLS_VERIFY=1 with DOCKER_CERT_PATH, or --tlsverify) or ssh://",
                ),
                None => Check::ok("engine", message),
            };
            (check, Some(engine), Some(v))
        }
        Err(e) => (
            Check::fail(
                "engine",
                format!("{place}: {}", one_line(&e)),
                "check the engine's health (`docker version`, its log)",
            ),
            Some(engine),
            None,
        ),
    }
}

async fn check_image(engine: &Engine, config: &Config, config_ok: bool) -> Check {
    let image = &config.image;
    let whose = if config_ok {
        ""
    } else {
        " (the default: the config does not load)"
    };
    match engine.image_info(image).await {
        Ok(Some(_)) => Check::ok("image", format!("{image}{whose} is on the engine")),
        Ok(None) => {
            let base = &config.build.base;
            let base_note = match engine.image_info(base).await {
                Ok(Some(_)) => format!("from {base}, which is on the engine"),
                _ => format!("from {base}, which the build will pull"),
            };
            let default_note = if image == DEFAULT_IMAGE {
                ""
            } else {
                " (or pull it, if a registry has it)"
            };
            Check::warn(
                "image",
                format!(
                    "{image}{whose} is not on the engine: the first `dsbx init` will build it \
                     {base_note}{default_note}"
                ),
                "`dsbx template build` builds it now",
            )
        }
        Err(e) => Check::fail(
            "image",
            one_line(&e),
            "check the engine's health (`docker image ls`)",
        ),
    }
}

async fn check_proxy(engine: &Engine, config: &Config) -> Check {
    let domain = &config.proxy.domain;
    match engine.role_containers("proxy").await {
        Ok(list) => {
            if let Some(c) = list.iter().find(|c| c.state == "running") {
                return Check::ok("proxy", format!("running (container {})", c.name));
            }
            if let Some(c) = list.first() {
                return Check::warn(
                    "proxy",
                    format!("container {} is {}, not running", c.name, c.state),
                    "`dsbx proxy up` starts it; `dsbx proxy down` removes it",
                );
            }
            if domain.is_empty() {
                Check::ok(
                    "proxy",
                    "not running (only needed for wildcard URLs: set [proxy] domain, then \
                     `dsbx proxy up`)",
                )
            } else {
                Check::warn(
                    "proxy",
                    format!("not running, yet [proxy] domain is {domain}"),
                    "`dsbx proxy up` starts it",
                )
            }
        }
        Err(e) => Check::fail(
            "proxy",
            one_line(&e),
            "check the engine's health (`docker ps`)",
        ),
    }
}

/// Docker (Go) names for Rust's architecture names.
pub fn go_arch(rust_arch: &str) -> &str {
    match rust_arch {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" if cfg!(target_endian = "little") => "ppc64le",
        "powerpc64" => "ppc64",
        "loongarch64" => "loong64",
        other => other,
    }
}

/// Whether `init --disk` can be enforced on this engine; a failure only when the config asks
/// for a disk limit every init would then refuse.
async fn check_disk(engine: &Engine, config: &Config) -> Check {
    let support = match engine.disk_support().await {
        Ok(s) => s,
        Err(e) => return Check::warn("disk", one_line(&e), "check the engine (`docker info`)"),
    };
    match (support.refusal(), config.limits.disk.0) {
        (None, _) => Check::ok(
            "disk",
            format!(
                "init --disk is available: the storage driver is {}",
                support.driver
            ),
        ),
        (Some(why), None) => Check::ok("disk", format!("init --disk is not available: {why}")),
        (Some(why), Some(_)) => Check::fail(
            "disk",
            format!("[limits] disk is set, but {why}"),
            "remove [limits] disk from the config, or use an engine whose storage can limit it",
        ),
    }
}

fn check_helper(config: &Config, version: Option<&EngineVersion>) -> Check {
    let fallback = "without it, exec falls back to plain `docker exec`: no killing of a \
                    command's whole process tree, and a background child that keeps the output \
                    open holds the call";
    if !config.helper_path.is_empty() {
        let path = Path::new(&config.helper_path);
        return match std::fs::metadata(path) {
            Ok(meta) if meta.is_file() && is_executable(&meta) => Check::ok(
                "helper",
                format!("helper_path {} is used in sandboxes", path.display()),
            ),
            Ok(_) => Check::fail(
                "helper",
                format!("helper_path {} is not an executable file", path.display()),
                "point helper_path at a static Linux build of dsbx",
            ),
            Err(e) => Check::fail(
                "helper",
                format!("helper_path {}: {e}", path.display()),
                "point helper_path at a static Linux build of dsbx",
            ),
        };
    }
    let ours = go_arch(std::env::consts::ARCH);
    let is_static = cfg!(all(target_os = "linux", target_feature = "crt-static"));
    let hint = |arch: &str| {
        format!(
            "set helper_path to a static Linux build of dsbx for {arch} \
             (`cargo build --target <arch>-unknown-linux-gnu`, crt-static)"
        )
    };
    if !is_static {
        return Check::warn(
            "helper",
            format!(
                "this dsbx is not a static Linux binary, so it cannot run inside sandboxes; \
                 {fallback}"
            ),
            hint(version.map_or("the engine's architecture", |v| v.arch.as_str())),
        );
    }
    match version {
        None => Check::warn(
            "helper",
            format!(
                "this dsbx is a static linux/{ours} binary; the engine's architecture is \
                 unknown (engine unreachable)"
            ),
            "fix the engine check first",
        ),
        Some(v) if v.os == "linux" && v.arch == ours => Check::ok(
            "helper",
            format!("this dsbx is a static linux/{ours} binary: it runs as the sandbox helper"),
        ),
        Some(v) => Check::warn(
            "helper",
            format!(
                "this dsbx is a static linux/{ours} binary but the engine runs {}/{}; {fallback}",
                v.os, v.arch
            ),
            hint(&v.arch),
        ),
    }
}

fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn architectures_use_docker_names() {
        assert_eq!(go_arch("x86_64"), "amd64");
        assert_eq!(go_arch("aarch64"), "arm64");
        assert_eq!(go_arch("s390x"), "s390x");
        assert_eq!(go_arch("riscv64"), "riscv64");
    }

    #[test]
    fn helper_path_is_checked() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        let mut config = Config {
            helper_path: missing.display().to_string(),
            ..Config::default()
        };
        let check = check_helper(&config, None);
        assert_eq!(check.status, Status::Fail);
        assert!(check.message.contains("nope"), "{}", check.message);

        let file = dir.path().join("dsbx-linux");
        std::fs::write(&file, b"x").unwrap();
        config.helper_path = file.display().to_string();
        assert_eq!(check_helper(&config, None).status, Status::Fail);
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(check_helper(&config, None).status, Status::Ok);
    }

    #[test]
    fn engine_of_another_architecture_warns() {
        let v = EngineVersion {
            product: "Docker".into(),
            version: "29.0.0".into(),
            api_version: "1.52".into(),
            os: "linux".into(),
            arch: "riscv64".into(),
        };
        let check = check_helper(&Config::default(), Some(&v));
        assert_eq!(check.status, Status::Warn);
        assert!(check.hint.contains("riscv64"), "{}", check.hint);
    }

    #[test]
    fn json_shape() {
        let checks = [Check::warn("proxy", "m", "h")];
        let text = serde_json::to_string(&Report {
            checks: &checks,
            ok: true,
        })
        .unwrap();
        assert_eq!(
            text,
            r#"{"checks":[{"name":"proxy","status":"warn","message":"m","hint":"h"}],"ok":true}"#
        );
    }
}
