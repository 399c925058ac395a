//! `dsbx cp SRC DST`: docker's copy habit over dsbx's own transfers. Exactly one side is
//! `ID:PATH`; the copy is then `upload` or `download`, with their rules (the sandbox's user,
//! `-` as a stream, the boundary checks).

use super::Context;
use crate::cli::{CpArgs, DownloadArgs, UploadArgs};
use crate::error::usage;

/// One side of a copy: the host, or a path in a sandbox.
#[derive(Debug, PartialEq)]
enum Side<'a> {
    Host(&'a str),
    Sandbox { id: &'a str, path: &'a str },
}

/// docker's rule: `X:PATH` names a container when X is not empty and holds no `/`, so `./a:b`
/// and `/tmp/a:b` stay host paths.
fn side(text: &str) -> Side<'_> {
    match text.split_once(':') {
        Some((id, path)) if !id.is_empty() && !id.contains('/') => Side::Sandbox { id, path },
        _ => Side::Host(text),
    }
}

pub async fn run(ctx: &Context, args: CpArgs) -> anyhow::Result<i32> {
    match (side(&args.src), side(&args.dst)) {
        (Side::Host(local), Side::Sandbox { id, path }) => {
            let path = non_empty(path, &args.dst)?;
            let upload = UploadArgs {
                id: id.to_string(),
                local: local.to_string(),
                remote: path.to_string(),
                root: false,
            };
            super::upload::run(ctx, upload).await
        }
        (Side::Sandbox { id, path }, Side::Host(local)) => {
            let path = non_empty(path, &args.src)?;
            let download = DownloadArgs {
                id: id.to_string(),
                remote: path.to_string(),
                local: local.to_string(),
                root: false,
            };
            super::download::run(ctx, download).await
        }
        (Side::Sandbox { .. }, Side::Sandbox { .. }) => Err(usage(
            "dsbx cp copies between the host and one sandbox: copy out to the host, then in",
        )),
        (Side::Host(_), Side::Host(_)) => Err(usage(format!(
            "dsbx cp needs ID:PATH on one side (`dsbx cp {} ID:{}`); for a host path with a colon write ./ first",
            args.src, args.dst
        ))),
    }
}

fn non_empty<'a>(path: &'a str, whole: &str) -> anyhow::Result<&'a str> {
    if path.is_empty() {
        return Err(usage(format!(
            "`{whole}` names no path in the sandbox: write ID:PATH (ID:. for its working directory)"
        )));
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sides_follow_docker() {
        assert_eq!(
            side("abc:/app"),
            Side::Sandbox {
                id: "abc",
                path: "/app"
            }
        );
        assert_eq!(
            side("web:rel/x"),
            Side::Sandbox {
                id: "web",
                path: "rel/x"
            }
        );
        assert_eq!(side("./a:b"), Side::Host("./a:b"));
        assert_eq!(side("/tmp/a:b"), Side::Host("/tmp/a:b"));
        assert_eq!(side(":x"), Side::Host(":x"));
        assert_eq!(side("-"), Side::Host("-"));
        assert_eq!(side("plain"), Side::Host("plain"));
    }
}
