//! Durations (`30`, `30s`, `10m`, `2h`, `1d`; `0` = never), sizes (`512m`, `2g`, `16MiB`),
//! CPU and process limits, and ports (`8000`, `8000/tcp`, `-p 8080:8000`): each rule once, for
//! the command line (clap's `value_parser`s in `cli.rs`), the config and the MCP server alike.

use crate::error::usage;
use crate::output::shown;
use std::time::Duration;

/// A lifetime or timeout. `None` means never / no limit (written `0`).
///
/// dsbx counts lifetimes and timeouts in whole seconds (the deadline file holds epoch seconds):
/// a value with a fraction is rounded up (`1500ms` is 2 s), so a deadline is never earlier than
/// asked, and a value under one second (`500ms`, `1ns`) is a usage error rather than a sandbox
/// stopped before `init` returns.
pub fn parse_duration(text: &str) -> anyhow::Result<Option<Duration>> {
    let t = text.trim();
    let bad = || {
        usage(format!(
            "invalid duration `{}`: use seconds or a number with s, m, h or d (`30s`, `10m`, `2h`, `1d`; `0` = never)",
            shown(text)
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
    if duration.is_zero() {
        return Ok(None);
    }
    if duration < Duration::from_secs(1) {
        return Err(usage(format!(
            "duration `{}` is under one second: dsbx counts lifetimes and timeouts in whole \
             seconds (give `1s` or more; `0` = never)",
            shown(text)
        )));
    }
    let whole = duration.as_secs() + u64::from(duration.subsec_nanos() > 0);
    Ok(Some(Duration::from_secs(whole)))
}

/// A lifetime or timeout as a flag or key gives it: `None` is never / no limit (written `0`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lifetime(pub Option<Duration>);

/// [`parse_duration`] as a [`Lifetime`] (`--timeout`, `dsbx timeout ID DUR`).
pub fn parse_lifetime(text: &str) -> anyhow::Result<Lifetime> {
    parse_duration(text).map(Lifetime)
}

/// A duration where `0` (never) means nothing: an interval, a wait, an age, an extension.
pub fn parse_positive_duration(text: &str) -> anyhow::Result<Duration> {
    parse_duration(text)?.ok_or_else(|| {
        usage(format!(
            "duration `{}` must be more than 0 (`1s` or more)",
            shown(text)
        ))
    })
}

/// The largest size Docker takes (its limits are signed 64-bit byte counts).
const SIZE_MAX: u128 = i64::MAX as u128;

/// A byte count. Suffixes are binary, as Docker's `--memory` reads them (`1k` = 1024). Computed
/// in integers, so a huge value is an error instead of wrapping past a range check.
pub fn parse_size(text: &str) -> anyhow::Result<u64> {
    let t = text.trim();
    let bad = || {
        usage(format!(
            "invalid size `{}`: use a number with an optional unit (b, k, m, g, t; e.g. `512m`, `2g`, `16MiB`)",
            shown(text)
        ))
    };
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let multiplier: u128 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        _ => return Err(bad()),
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && fraction.is_empty() || fraction.contains('.') {
        return Err(bad());
    }
    let too_large = || {
        usage(format!(
            "size `{}` is too large: at most {} bytes (8 EiB)",
            shown(text),
            i64::MAX
        ))
    };
    // Digits past the 18th cannot move a byte count below 2^63 by a whole byte.
    let whole: u128 = if whole.is_empty() {
        0
    } else if whole.trim_start_matches('0').len() > 20 {
        return Err(too_large());
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let fraction = &fraction[..fraction.len().min(18)];
    let fraction_bytes = if fraction.is_empty() {
        0
    } else {
        let digits: u128 = fraction.parse().map_err(|_| bad())?;
        digits * multiplier / 10u128.pow(fraction.len() as u32)
    };
    let bytes = whole
        .checked_mul(multiplier)
        .and_then(|b| b.checked_add(fraction_bytes))
        .filter(|b| *b <= SIZE_MAX)
        .ok_or_else(too_large)?;
    Ok(bytes as u64)
}

/// Docker's smallest CPU limit (its own `--cpus` refuses less).
const MIN_NANO_CPUS: i64 = 10_000_000;
/// More CPUs than any host has; the engine itself refuses more than its host's count.
const MAX_CPUS: f64 = 1_000_000.0;

/// A CPU limit (`0.5`, `2`) as Docker's nano-CPUs, at least 0.01: a smaller value would round to
/// 0, which Docker reads as no limit at all.
pub fn parse_cpus(text: &str) -> anyhow::Result<i64> {
    let value = text
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| {
            usage(format!(
                "invalid cpus `{}`: use a number of CPUs from 0.01, e.g. 0.5 or 2",
                shown(text)
            ))
        })?;
    nano_cpus(value).map_err(|why| usage(format!("cpus `{}` {why}", shown(text))))
}

/// `cpus` as nano-CPUs, or why it is out of range.
pub fn nano_cpus(cpus: f64) -> Result<i64, String> {
    if !cpus.is_finite() || cpus > MAX_CPUS {
        return Err("is out of range: give a number of CPUs from 0.01".into());
    }
    let nano = (cpus * 1e9).round() as i64;
    if nano < MIN_NANO_CPUS {
        return Err(
            "is below Docker's smallest CPU limit of 0.01 (a smaller one would mean no limit)"
                .into(),
        );
    }
    Ok(nano)
}

/// A process limit (`--pids`, `[limits] pids`): a whole number above 0.
pub fn parse_pids(text: &str) -> anyhow::Result<i64> {
    text.trim()
        .parse::<i64>()
        .ok()
        .and_then(|n| pids(n).ok())
        .ok_or_else(|| {
            usage(format!(
                "invalid pids `{}`: use a whole number above 0",
                shown(text)
            ))
        })
}

/// `n` as a process limit, or why it is not one.
pub fn pids(n: i64) -> Result<i64, String> {
    if n > 0 {
        Ok(n)
    } else {
        Err(format!(
            "invalid pids `{n}`: it must be a whole number above 0"
        ))
    }
}

/// CPUs to pin a sandbox to (`--cpuset-cpus`): numbers and rising ranges, comma-separated
/// (`0-1`, `0,2`), as the engine takes them.
pub fn parse_cpuset(text: &str) -> anyhow::Result<String> {
    let valid = !text.is_empty()
        && text.split(',').all(|part| {
            let mut ends = part.splitn(2, '-');
            let a = ends.next().and_then(|a| a.parse::<u32>().ok());
            match (a, ends.next()) {
                (Some(_), None) => true,
                (Some(a), Some(b)) => b.parse::<u32>().is_ok_and(|b| b >= a),
                _ => false,
            }
        });
    if !valid {
        return Err(usage(format!(
            "invalid cpuset `{}`: use CPU numbers and ranges, e.g. 0-1 or 0,2",
            shown(text)
        )));
    }
    Ok(text.to_string())
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

/// A byte count for people, in binary units: `512 B`, `1.5 KiB`, `20.0 MiB`, `3.2 GiB`. `--json`
/// keeps the exact number of bytes.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// A sandbox port (`-p`, `get-host`): 1 to 65535, with an optional `/tcp`.
pub fn parse_port(text: &str) -> anyhow::Result<u16> {
    text.trim_end_matches("/tcp")
        .parse::<u32>()
        .ok()
        .filter(|p| (1..=65535).contains(p))
        .map(|p| p as u16)
        .ok_or_else(|| {
            usage(format!(
                "invalid port `{}`: use a number from 1 to 65535",
                shown(text)
            ))
        })
}

/// `-p PORT` (a free host port) or `-p HOST:PORT` (that host port; docker's order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Publish {
    pub host: Option<u16>,
    pub port: u16,
}

pub fn parse_publish(text: &str) -> anyhow::Result<Publish> {
    match text.split_once(':') {
        None => Ok(Publish {
            host: None,
            port: parse_port(text)?,
        }),
        Some((host, port)) => {
            let host = parse_port(host).map_err(|_| {
                usage(format!(
                    "invalid host port in `{}`: use HOST:PORT with numbers from 1 to 65535",
                    shown(text)
                ))
            })?;
            Ok(Publish {
                host: Some(host),
                port: parse_port(port)?,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_for_people() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(20 * 1024 * 1024), "20.0 MiB");
        assert_eq!(human_size(5 * 1024 * 1024 * 1024), "5.0 GiB");
    }

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
        // Whole seconds, rounded up: never a deadline earlier than asked.
        assert_eq!(
            parse_duration("1500ms").unwrap(),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            parse_duration("1s 1ns").unwrap(),
            Some(Duration::from_secs(2))
        );
        for under in ["500ms", "1ns", "999ms"] {
            let err = parse_duration(under).unwrap_err();
            assert!(err.to_string().contains("under one second"), "{err}");
            assert_eq!(crate::error::kind_of(&err), crate::error::Kind::Usage);
        }
        for bad in ["5x", "", "-1", "s", "1.5.2h", "99999999999999999999999"] {
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
        assert_eq!(parse_size(".5k").unwrap(), 512);
        for bad in ["lots", "", "-1g", "2x", "g", ".", "1.2.3k", "1e3"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
        for huge in [
            "10000000000g",
            "9223372036854775808",
            "99999999999999999999999999t",
        ] {
            let err = parse_size(huge).unwrap_err();
            assert!(err.to_string().contains("too large"), "{huge}: {err}");
            assert_eq!(crate::error::kind_of(&err), crate::error::Kind::Usage);
        }
        assert_eq!(parse_size("9223372036854775807").unwrap(), i64::MAX as u64);
        assert_eq!(parse_size("8388607t").unwrap(), 8388607 << 40);
    }

    #[test]
    fn cpus() {
        assert_eq!(parse_cpus("0.5").unwrap(), 500_000_000);
        assert_eq!(parse_cpus("2").unwrap(), 2_000_000_000);
        assert_eq!(parse_cpus("0.01").unwrap(), 10_000_000);
        for tiny in ["1e-10", "0.001", "0", "-1"] {
            let err = parse_cpus(tiny).unwrap_err();
            assert!(err.to_string().contains("0.01"), "{tiny}: {err}");
            assert_eq!(crate::error::kind_of(&err), crate::error::Kind::Usage);
        }
        for bad in ["inf", "NaN", "many", "1e300"] {
            assert!(parse_cpus(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn echoed_values_stay_on_one_line() {
        let err = parse_duration("5\x1b[31m\rx").unwrap_err().to_string();
        assert!(err.contains("5\\x1b[31m\\rx"), "{err}");
        let err = parse_size(&"9".repeat(4000)).unwrap_err().to_string();
        assert!(err.len() < 300 && err.contains("4000 bytes"), "{err}");
    }

    #[test]
    fn lifetimes_and_positive_durations() {
        assert_eq!(parse_lifetime("0").unwrap(), Lifetime(None));
        assert_eq!(
            parse_lifetime("2m").unwrap(),
            Lifetime(Some(Duration::from_secs(120)))
        );
        assert_eq!(
            parse_positive_duration("10").unwrap(),
            Duration::from_secs(10)
        );
        for bad in ["0", "0s", "soon", ""] {
            let err = parse_positive_duration(bad).unwrap_err();
            assert_eq!(
                crate::error::kind_of(&err),
                crate::error::Kind::Usage,
                "{bad}"
            );
        }
        assert!(
            parse_positive_duration("0")
                .unwrap_err()
                .to_string()
                .contains("more than 0")
        );
    }

    #[test]
    fn pids_and_cpusets() {
        assert_eq!(parse_pids("64").unwrap(), 64);
        for bad in ["0", "-1", "many", "1.5", ""] {
            assert!(parse_pids(bad).is_err(), "{bad}");
        }
        for good in ["0", "0-1", "0,2", "1-3,5"] {
            assert_eq!(parse_cpuset(good).unwrap(), good);
        }
        for bad in ["", "1-0", "a", "0,", "-1", "0-"] {
            let err = parse_cpuset(bad).unwrap_err();
            assert!(err.to_string().contains("invalid cpuset"), "{bad}: {err}");
        }
    }

    #[test]
    fn publish_specs() {
        assert_eq!(
            parse_publish("8000").unwrap(),
            Publish {
                host: None,
                port: 8000
            }
        );
        assert_eq!(
            parse_publish("9000:80/tcp").unwrap(),
            Publish {
                host: Some(9000),
                port: 80
            }
        );
        let err = parse_publish("x:80").unwrap_err().to_string();
        assert!(err.contains("invalid host port in `x:80`"), "{err}");
        let err = parse_publish("8080:0").unwrap_err().to_string();
        assert!(err.contains("invalid port `0`"), "{err}");
        assert!(parse_publish("70000").is_err());
    }

    #[test]
    fn human() {
        assert_eq!(human_duration(Duration::from_secs(59)), "59s");
        assert_eq!(human_duration(Duration::from_secs(3660)), "1h1m");
        assert_eq!(human_duration(Duration::from_secs(90000)), "1d1h");
    }
}
