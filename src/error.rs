//! Errors that know which exit code they mean: the kinds and tags are the helper crate's
//! (`dsbx_helper::error`, re-exported here, so the formats it holds tag their errors too); this
//! module adds what printing them needs.

pub use dsbx_helper::error::*;

/// The whole chain on one line, outermost first, as ripgrep prints it.
pub fn one_line(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = cause.to_string();
        // Some libraries repeat their source inside their own message; print each fact once.
        if parts.last().is_some_and(|prev| prev.contains(&text)) {
            continue;
        }
        parts.push(text);
    }
    // One line whatever a cause holds: a newline becomes a space, any other control character
    // (an escape sequence an engine or a file slipped in) is shown escaped.
    let mut line = String::new();
    for c in parts.join(": ").trim_end().chars() {
        if c == '\n' {
            line.push(' ');
        } else {
            crate::escape::push_escaped(&mut line, c);
        }
    }
    line
}

/// True when the error is stdout closing under us (`dsbx ls | head -1`): not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn kind_survives_context() {
        let err = Err::<(), _>(not_found("no sandbox `abcd`"))
            .context("killing abcd")
            .unwrap_err();
        assert_eq!(kind_of(&err), Kind::NotFound);
        assert_eq!(one_line(&err), "killing abcd: no sandbox `abcd`");
    }

    #[test]
    fn one_line_escapes_control_characters() {
        let err = anyhow::anyhow!("bad\x1b[2Jvalue\rhere\nand there");
        assert_eq!(one_line(&err), "bad\\x1b[2Jvalue\\rhere and there");
    }

    #[test]
    fn broken_pipe_found_in_chain() {
        let io = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        let err = anyhow::Error::new(io).context("writing stdout");
        assert!(is_broken_pipe(&err));
        assert!(!is_broken_pipe(&anyhow::anyhow!("other")));
    }
}
