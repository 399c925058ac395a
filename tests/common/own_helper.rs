//! A test environment whose sandboxes get a helper volume of their own: a fresh copy of this
//! dsbx as `helper_path` (a new size-and-mtime key), so a test may alter that volume or watch it
//! being filled without touching the helper volume every other test shares. Every volume of its
//! key is removed when it is dropped, even if no sandbox was ever made.

use super::*;
use std::time::Duration;

pub struct OwnHelper {
    pub env: TestEnv,
    /// The copy's key, as dsbx computes it: its volumes are `dsbx-helper-<key>` (the marker) and
    /// `dsbx-helper-<key>-<id>` (the data).
    key: String,
}

impl OwnHelper {
    pub fn new() -> Option<OwnHelper> {
        let env = TestEnv::new()?;
        let copy = env.dir.path().join("dsbx-helper");
        std::fs::copy(dsbx_bin(), &copy).unwrap();
        // The key is the binary's size and mtime, and file times tick in jiffies: two tests
        // copying at once could share a volume (and wrap its helper twice). A time of the
        // scope's own makes the key this test's alone.
        let nanos = u64::from_str_radix(env.scope.trim_start_matches("t-"), 16).unwrap();
        let mtime = std::time::UNIX_EPOCH + Duration::from_nanos(nanos % (1 << 60));
        let file = std::fs::File::options().write(true).open(&copy).unwrap();
        file.set_modified(mtime).unwrap();
        env.write_config(&format!(
            "image = \"{BUSYBOX}\"\nhelper_path = \"{}\"\n",
            copy.display()
        ));
        let key = dsbx::commands::init::helper_key(&copy).unwrap();
        Some(OwnHelper { env, key })
    }

    /// Sandbox `id`'s helper volume (the data volume mounted at `/.dsbx/bin`).
    pub fn helper_volume_of(&self, id: &str) -> String {
        let name = format!("dsbx-{id}");
        let volume = inspect(
            &name,
            "{{range .Mounts}}{{if eq .Destination \"/.dsbx/bin\"}}{{.Name}}{{end}}{{end}}",
        );
        assert!(!volume.is_empty(), "no helper volume on {name}");
        assert!(
            volume.starts_with(&format!("dsbx-helper-{}-", self.key)),
            "{name} mounts {volume}, not this test's helper"
        );
        volume
    }
}

impl Drop for OwnHelper {
    fn drop(&mut self) {
        self.env.remove_containers();
        // The name filter matches substrings: the marker and every data volume of this key.
        let volumes = docker_lines(&[
            "volume",
            "ls",
            "-q",
            "--filter",
            &format!("name=dsbx-helper-{}", self.key),
        ]);
        for volume in volumes {
            let _ = docker(&["volume", "rm", "-f", &volume]);
        }
    }
}
