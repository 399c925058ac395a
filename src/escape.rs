//! Control characters shown escaped: what an engine, a file name or a sandbox slipped into text
//! dsbx prints (an escape sequence, a newline) is seen, never obeyed by the terminal.

/// `c` as is, or escaped when it is a control character.
pub fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x80 && c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
        c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        c => out.push(c),
    }
}
