//! `__helper listening PORT`: exit 0 when a TCP socket listens on PORT inside the sandbox's
//! network namespace, 1 when none does. `get-host --check` runs it to tell "nothing listens
//! inside" from "the URL does not answer".
//!
//! It reads `/proc/net/tcp` and `/proc/net/tcp6` through an exec because Docker's archive API does
//! not show `/proc` (measured on 20.10: "Could not find the file /proc/net/tcp"), and images may
//! have no `cat` or `ss`: the helper needs nothing from the image.

/// TCP state `0A` is LISTEN in the kernel's `/proc/net/tcp` tables.
const LISTEN: &str = "0A";

pub fn run(args: &[std::ffi::OsString]) -> i32 {
    let Some(port) = args
        .first()
        .and_then(|a| a.to_str())
        .and_then(|p| p.parse::<u16>().ok())
    else {
        eprintln!("dsbx helper: usage: listening PORT");
        return 125;
    };
    let mut readable = false;
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        if let Ok(text) = std::fs::read_to_string(table) {
            readable = true;
            if listens(&text, port) {
                return 0;
            }
        }
    }
    if !readable {
        eprintln!("dsbx helper: cannot read /proc/net/tcp");
        return 125;
    }
    1
}

/// Whether a `/proc/net/tcp{,6}` table has a socket in LISTEN state on `port`.
pub fn listens(table: &str, port: u16) -> bool {
    table.lines().skip(1).any(|line| {
        let mut fields = line.split_whitespace();
        let local = fields.nth(1).unwrap_or("");
        let state = fields.nth(1).unwrap_or("");
        let local_port = local
            .rsplit_once(':')
            .and_then(|(_, p)| u16::from_str_radix(p, 16).ok());
        state == LISTEN && local_port == Some(port)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TCP: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 123 1 0000 100 0 0 10 0
   1: 0100007F:0050 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 0 1 0000 100 0 0 10 0
";
    const TCP6: &str = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:0BB8 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000 100 0 0 10 0
";

    #[test]
    fn finds_listening_ports_only() {
        assert!(listens(TCP, 8000));
        // Port 80 appears only as an established connection, not a listener.
        assert!(!listens(TCP, 80));
        assert!(!listens(TCP, 8001));
        assert!(listens(TCP6, 3000));
        assert!(!listens("", 8000));
    }
}
