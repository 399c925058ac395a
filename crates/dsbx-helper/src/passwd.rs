//! `/etc/passwd` and `/etc/group`, read as text. dsbx reads a sandbox's own copies (through the
//! archive API, or from inside as the helper) because Docker resolves names on the host
//! (moby#34142) and dsbx is linked statically, where glibc's NSS cannot be relied on.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    pub home: String,
}

fn parse_line(line: &str) -> Option<User> {
    let mut fields = line.split(':');
    let name = fields.next()?.to_string();
    let _password = fields.next()?;
    let uid = fields.next()?.parse().ok()?;
    let gid = fields.next()?.parse().ok()?;
    let _gecos = fields.next()?;
    let home = fields.next()?.to_string();
    Some(User {
        name,
        uid,
        gid,
        home,
    })
}

pub fn by_name(passwd: &str, name: &str) -> Option<User> {
    passwd
        .lines()
        .filter_map(parse_line)
        .find(|u| u.name == name)
}

pub fn by_uid(passwd: &str, uid: u32) -> Option<User> {
    passwd.lines().filter_map(parse_line).find(|u| u.uid == uid)
}

/// A user spec as Docker takes it: `name`, `uid`, `name:group` or `uid:gid`. Numeric ids need no
/// entry in the file (Docker accepts them too), nor does `root`, so that an image with no
/// `/etc/passwd` at all (`FROM scratch` and a binary) works; other names must have one. `None`: no
/// such user.
pub fn resolve(passwd: &str, group: &str, spec: &str) -> Option<User> {
    let (user_part, group_part) = match spec.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (spec, None),
    };
    let mut user = match user_part.parse::<u32>() {
        Ok(uid) => by_uid(passwd, uid).unwrap_or(User {
            name: uid.to_string(),
            uid,
            gid: uid,
            home: "/".into(),
        }),
        Err(_) if user_part == "root" => by_name(passwd, "root").unwrap_or(User {
            name: "root".into(),
            uid: 0,
            gid: 0,
            home: "/".into(),
        }),
        Err(_) => by_name(passwd, user_part)?,
    };
    if let Some(g) = group_part {
        user.gid = match g.parse::<u32>() {
            Ok(gid) => gid,
            Err(_) => group_id(group, g)?,
        };
    }
    Some(user)
}

/// Whether `spec` names a user or group that only the image's `/etc/passwd` or `/etc/group` can
/// resolve (anything but `root` and numbers).
pub fn needs_lookup(spec: &str) -> bool {
    let (user_part, group_part) = match spec.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (spec, None),
    };
    let named = |s: &str| s.parse::<u32>().is_err();
    (named(user_part) && user_part != "root") || group_part.is_some_and(named)
}

fn group_id(group: &str, name: &str) -> Option<u32> {
    group.lines().find_map(|line| {
        let mut f = line.split(':');
        (f.next()? == name).then_some(())?;
        f.next()?;
        f.next()?.parse().ok()
    })
}

/// The supplementary groups of `user` (those listing it as a member), plus its primary group.
pub fn groups_of(group: &str, user: &User) -> Vec<u32> {
    let mut gids = vec![user.gid];
    for line in group.lines() {
        let f: Vec<&str> = line.split(':').collect();
        if f.len() < 4 {
            continue;
        }
        if f[3].split(',').any(|m| m == user.name)
            && let Ok(gid) = f[2].parse::<u32>()
            && !gids.contains(&gid)
        {
            gids.push(gid);
        }
    }
    gids
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASSWD: &str = "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:U:/home/user:/bin/bash\n";
    const GROUP: &str = "root:x:0:\nuser:x:1000:\ndocker:x:999:user,other\nstaff:x:50:\n";

    #[test]
    fn resolves_names_and_numbers() {
        assert_eq!(resolve(PASSWD, GROUP, "user").unwrap().uid, 1000);
        assert_eq!(resolve(PASSWD, GROUP, "user").unwrap().home, "/home/user");
        assert_eq!(resolve(PASSWD, GROUP, "0").unwrap().name, "root");
        let anon = resolve(PASSWD, GROUP, "1234:1234").unwrap();
        assert_eq!((anon.uid, anon.gid), (1234, 1234));
        assert_eq!(resolve(PASSWD, GROUP, "user:staff").unwrap().gid, 50);
        assert!(resolve(PASSWD, GROUP, "bob").is_none());
        assert!(resolve(PASSWD, GROUP, "user:nogroup").is_none());
    }

    #[test]
    fn an_image_without_passwd_has_root_and_numeric_users() {
        let root = resolve("", "", "root").unwrap();
        assert_eq!((root.uid, root.gid, root.home.as_str()), (0, 0, "/"));
        let anon = resolve("", "", "1000:50").unwrap();
        assert_eq!((anon.uid, anon.gid), (1000, 50));
        assert!(resolve("", "", "user").is_none());
        assert!(resolve("", "", "root:staff").is_none());
    }

    /// Whether a user spec names a user or group that must be looked up (not root, not numbers).
    #[test]
    fn named_parts() {
        assert!(!needs_lookup("root"));
        assert!(!needs_lookup("1000:1000"));
        assert!(!needs_lookup("0"));
        assert!(needs_lookup("user"));
        assert!(needs_lookup("1000:staff"));
        assert!(needs_lookup("root:staff"));
    }

    #[test]
    fn supplementary_groups() {
        let user = by_name(PASSWD, "user").unwrap();
        assert_eq!(groups_of(GROUP, &user), vec![1000, 999]);
    }

    #[test]
    fn malformed_lines_are_skipped() {
        assert!(by_name("garbage\nuser:x:notanumber:1::/:\n", "user").is_none());
    }
}
