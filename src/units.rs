//! Durations (`30`, `30s`, `10m`, `2h`, `1d`; `0` = never) and sizes (`512m`, `2g`, `16MiB`).

use crate::error::usage;
use std::time::Duration;

/// A lifetime or timeout. `None` means never / no limit (written `0`).
pub fn parse_duration(text: &str) -> anyhow::Result<Option<Duration>> {
    let t = text.trim();
    let bad = || {
        usage(format!(
            "invalid duration `{text}`: use seconds or a number with s, m, h or d (`30s`, `10m`, `2h`, `1d`; `0` = never)"
        ))
    };
    if t.is_empty() {
        return Err(bad());
    }
    let duration = if t.bytes().all(|b| b.is_ascii_digit()) {
        Duration::from_secs(t.parse().map_err(|_| bad())?)
    } else {
        humantime::parse_duration(t).map_err(|_| bad())?
    };
    Ok((!duration.is_zero()).then_some(duration))
}

/// A byte count. Suffixes are binary, as Docker's `--memory` reads them (`1k` = 1024).
pub fn parse_size(text: &str) -> anyhow::Result<u64> {
    let t = text.trim();
    let bad = || {
        usage(format!(
            "invalid size `{text}`: use a number with an optional unit (b, k, m, g; e.g. `512m`, `2g`, `16MiB`)"
        ))
    };
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let number: f64 = number.parse().map_err(|_| bad())?;
    let multiplier: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        _ => return Err(bad()),
    };
    if !number.is_finite() || number < 0.0 {
        return Err(bad());
    }
    Ok((number * multiplier as f64) as u64)
}

/// `1h 2m` style, for people.
pub fn human_duration(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0..=59 => format!("{secs}s"),
        60..=3599 => format!("{}m", secs / 60),
        3600..=86399 => format!("{}h{}m", secs / 3600, (secs % 3600) / 60),
        _ => format!("{}d{}h", secs / 86400, (secs % 86400) / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30").unwrap(), Some(Duration::from_secs(30)));
        assert_eq!(
            parse_duration("30s").unwrap(),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_duration("10m").unwrap(),
            Some(Duration::from_secs(600))
        );
        assert_eq!(
            parse_duration("2h").unwrap(),
            Some(Duration::from_secs(7200))
        );
        assert_eq!(
            parse_duration("1d").unwrap(),
            Some(Duration::from_secs(86400))
        );
        assert_eq!(parse_duration("0").unwrap(), None);
        assert_eq!(parse_duration("0s").unwrap(), None);
        for bad in ["5x", "", "-1", "s", "1.5.2h"] {
            let err = parse_duration(bad).unwrap_err();
            assert_eq!(
                crate::error::kind_of(&err),
                crate::error::Kind::Usage,
                "{bad}"
            );
        }
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("2g").unwrap(), 2 << 30);
        assert_eq!(parse_size("512m").unwrap(), 512 << 20);
        assert_eq!(parse_size("16MiB").unwrap(), 16 << 20);
        assert_eq!(parse_size("100").unwrap(), 100);
        assert_eq!(parse_size("1.5k").unwrap(), 1536);
        for bad in ["lots", "", "-1g", "2x", "g"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn human() {
        assert_eq!(human_duration(Duration::from_secs(59)), "59s");
        assert_eq!(human_duration(Duration::from_secs(3660)), "1h1m");
        assert_eq!(human_duration(Duration::from_secs(90000)), "1d1h");
    }
}
