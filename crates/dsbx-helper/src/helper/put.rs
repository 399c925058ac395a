//! `__helper put REQUEST`: an upload in one call (see `crate::target_rules::Put`). As the
//! sandbox's user (or root for `--root`) it reads REMOTE (relative ones from its working
//! directory, the container's `WorkingDir` the engine set), applies the target rules to what is
//! there, and unpacks the tar on stdin into the directory they chose, renaming its root entry.
//! The same rules and messages as the engine path, with no round trip between them.
//!
//! The target directory is opened once and everything below it is reached from that handle
//! without following a link (see `extract`): a link the sandbox plants or swaps in meanwhile
//! fails the upload instead of redirecting it, which matters most as root. The directory itself
//! is where its path leads, links followed as Docker follows them, except into `/.dsbx`, which
//! is checked on the open handle (the kernel's path, not the request's).
//!
//! Exit 0 with one JSON line (`Landed`) on stdout; 3 with a rule's message; 1 with an entry's
//! failure; 125 for a bad call; 126 for an unknown user.

use super::extract::{self, Landing};
use super::fs::stat_follow;
use crate::remote_path as remote;
use crate::target_rules::{self as rules, Ancestors, AtDest, Landed, PUT_REFUSED, Put};
use std::ffi::OsString;
use std::io::{self, Read};
use std::os::fd::AsRawFd;
use std::path::Path;

enum Failed {
    Refused(String),
    Extract(String),
}

pub fn run(args: &[OsString]) -> i32 {
    let request = match args {
        [json] => serde_json::from_str::<Put>(&json.to_string_lossy()).ok(),
        _ => None,
    };
    let Some(request) = request else {
        eprintln!("dsbx helper: bad put call: {args:?}");
        return 125;
    };
    if let Some(spec) = &request.user
        && let Err(e) = super::user_switch::become_spec(spec)
    {
        eprintln!("{e}");
        return 126;
    }
    // Modes come from the headers, exactly.
    // SAFETY: umask(2) on our own process.
    unsafe { libc::umask(0) };
    // Large reads of the tar: the pipe holds 1 MiB (see `exec::grow_pipe`), std's stdin 8 KiB.
    let input = io::BufReader::with_capacity(extract::COPY_CHUNK, io::stdin().lock());
    match put(request, input) {
        Ok(landed) => {
            println!(
                "{}",
                serde_json::to_string(&landed).expect("a plain struct")
            );
            0
        }
        Err(Failed::Refused(message)) => {
            eprintln!("{message}");
            PUT_REFUSED
        }
        Err(Failed::Extract(message)) => {
            eprintln!("{message}");
            1
        }
    }
}

fn put(request: Put, input: impl Read) -> Result<Landed, Failed> {
    let mut up = request.upload;
    let id = request.id;
    up.dest = absolute(&up.dest)?;
    let mut root_mode = None;
    if request.write {
        let shown = format!("{id}:{}", up.dest);
        match stat_follow(Path::new(&up.dest)) {
            Some((st, _)) if st.is_dir() => {
                return Err(Failed::Refused(format!("{shown} is a directory")));
            }
            Some((st, _)) if !st.is_file() => {
                return Err(Failed::Refused(format!("{shown} is not a regular file")));
            }
            // Through a final link to the file it names, as `echo > link` does.
            Some((st, resolved)) => {
                root_mode = Some(st.unix_mode());
                up.dest = resolved;
            }
            None => {}
        }
    }
    let shown = format!("{id}:{}", up.dest);
    let found = stat_follow(Path::new(&up.dest));
    let found = found.as_ref().map(|(st, p)| (st, p.as_str()));
    let (dir, place) = match rules::at_dest(&up, &shown, found).map_err(Failed::Refused)? {
        AtDest::Placed(dir, place) => (dir, place),
        AtDest::Missing => {
            let mut walk = Ancestors::new(&up, &id, &shown);
            loop {
                let stat = stat_follow(Path::new(walk.next_path()));
                if let Some(placed) = walk
                    .found(stat.as_ref().map(|(st, p)| (st, p.as_str())))
                    .map_err(Failed::Refused)?
                {
                    break placed;
                }
            }
        }
    };
    rules::refuse_engine_mount(&id, &dir, &place).map_err(Failed::Refused)?;
    let handle = extract::open_target(Path::new(&dir)).map_err(Failed::Extract)?;
    let real = std::fs::read_link(format!("/proc/self/fd/{}", handle.as_raw_fd()))
        .map_err(|e| Failed::Extract(format!("{dir}: {}", extract::plain(&e))))?;
    rules::refuse_own_files(&id, &real.to_string_lossy(), &place).map_err(Failed::Refused)?;
    let landing = Landing {
        dir: &handle,
        shown: Path::new(&dir),
        place: Some(&place),
        root_mode,
    };
    extract::extract_to(input, &landing).map_err(Failed::Extract)?;
    Ok(Landed {
        path: rules::landed(&dir, &place),
    })
}

/// REMOTE as an absolute path: a relative one from this process's working directory, which the
/// helper inherited from PID 1 (the engine set it to the container's `WorkingDir`); read from
/// the kernel, not from anything the sandbox wrote.
fn absolute(dest: &str) -> Result<String, Failed> {
    if dest.starts_with('/') {
        return Ok(remote::normalise(dest));
    }
    let cwd = std::env::current_dir()
        .map_err(|e| Failed::Extract(format!("the working directory: {}", extract::plain(&e))))?;
    let cwd = cwd
        .to_str()
        .ok_or_else(|| Failed::Extract("the working directory is not UTF-8".into()))?;
    Ok(remote::absolute(Some(cwd), dest))
}
