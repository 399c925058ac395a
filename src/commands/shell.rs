//! `dsbx shell ID`: an interactive login shell in a sandbox, as its user: `exec -t -i` with the
//! user's own login shell from the sandbox's /etc/passwd (else /bin/sh), started as a login
//! shell so its profile runs.

use super::Context;
use crate::cli::{ExecArgs, ExecFlags, ShellArgs};
use crate::error::usage;
use std::io::IsTerminal;

/// Runs in the sandbox: the login shell of whoever it runs as, if it can run, else /bin/sh.
/// Busybox and Debian both have awk; an image without it gets /bin/sh.
const LOGIN_SHELL: &str = "s=$(awk -F: -v u=\"$(id -u)\" '$3==u{print $7; exit}' /etc/passwd \
     2>/dev/null); [ -x \"$s\" ] || s=/bin/sh; exec \"$s\" -l";

pub async fn run(ctx: &Context, args: ShellArgs) -> anyhow::Result<i32> {
    if !std::io::stdin().is_terminal() || !ctx.printer.stdout_is_terminal() {
        return Err(usage(format!(
            "dsbx shell needs a terminal; for a script use `dsbx exec -i {} sh -s < script`",
            args.id
        )));
    }
    let exec = ExecArgs {
        flags: ExecFlags {
            tty: true,
            stdin: true,
            root: args.root,
            ..ExecFlags::default()
        },
        id: args.id.clone(),
        command: vec![LOGIN_SHELL.to_string()],
    };
    // One word: exec runs it through /bin/sh -c.
    super::exec::run(ctx, exec).await
}
