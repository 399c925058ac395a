//! Sandbox ids and names: how they are made and what makes them valid.

use crate::error::usage;
use rand::Rng;

pub const ID_LEN: usize = 12;
pub const NAME_MAX: usize = 40;
/// The shortest id prefix dsbx resolves: shorter ones match too much to be safe in scripts.
pub const MIN_PREFIX: usize = 4;

/// A new id: 12 characters of `[a-z0-9]` starting with a letter, so `8000-<id>` is one DNS label.
pub fn new_id() -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
    const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    let mut id = String::with_capacity(ID_LEN);
    id.push(LETTERS[rng.random_range(0..LETTERS.len())] as char);
    for _ in 1..ID_LEN {
        id.push(ALNUM[rng.random_range(0..ALNUM.len())] as char);
    }
    id
}

pub fn is_id(s: &str) -> bool {
    s.len() == ID_LEN
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

/// The Docker container name of a sandbox.
pub fn container_name(id: &str) -> String {
    format!("dsbx-{id}")
}

/// The container name of a warm pool member; claiming it renames it to [`container_name`].
pub fn pool_container_name(id: &str) -> String {
    format!("dsbx-pool-{id}")
}

/// `--name`: `[a-z0-9-]`, 1 to 40 characters.
pub fn validate_name(name: &str) -> anyhow::Result<()> {
    if name.is_empty() || name.len() > NAME_MAX {
        return Err(usage(format!(
            "invalid name `{}`: it must be 1 to {NAME_MAX} characters long",
            crate::output::shown(name)
        )));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(usage(format!(
            "invalid name `{}`: `{}` is not allowed (use a-z, 0-9 and -)",
            crate::output::shown(name),
            crate::output::shown(&bad.to_string())
        )));
    }
    Ok(())
}

/// [`validate_name`] as a value (`init --name`).
pub fn parse_name(name: &str) -> anyhow::Result<String> {
    validate_name(name).map(|()| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_are_valid_and_distinct() {
        let ids: std::collections::HashSet<String> = (0..1000).map(|_| new_id()).collect();
        assert_eq!(ids.len(), 1000);
        assert!(ids.iter().all(|id| is_id(id)));
    }

    #[test]
    fn ids_are_checked() {
        assert!(is_id("k3x9q2m7ab1c"));
        assert!(!is_id("3kx9q2m7ab1c"), "must start with a letter");
        assert!(!is_id("K3x9q2m7ab1c"));
        assert!(!is_id("k3x9q2m7ab1"));
    }

    #[test]
    fn names_are_checked() {
        assert!(validate_name("web-1").is_ok());
        assert!(validate_name("Web").is_err());
        assert!(validate_name(&"a".repeat(41)).is_err());
        assert!(validate_name(&"a".repeat(40)).is_ok());
        assert!(validate_name("").is_err());
        assert!(validate_name("a_b").is_err());
        assert_eq!(parse_name("web-1").unwrap(), "web-1");
        assert!(parse_name("Web").is_err());
    }
}
