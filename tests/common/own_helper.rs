//! A test environment whose sandboxes get a helper volume of their own: a fresh copy of this
//! dsbx as `helper_path` (a new size-and-mtime key), so a test may alter that volume or watch it
//! being filled without touching the helper volume every other test shares. Its volumes are
//! removed when it is dropped.

use super::*;
use std::time::Duration;

pub struct OwnHelper {
    pub env: TestEnv,
    /// The volumes to remove: the helper key's marker and data volume.
    pub volumes: std::cell::RefCell<Vec<String>>,
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
        Some(OwnHelper {
            env,
            volumes: Default::default(),
        })
    }

    /// Sandbox `id`'s helper volume (the data volume mounted at `/.dsbx/bin`), which is also
    /// noted for removal with the key's marker.
    pub fn helper_volume_of(&self, id: &str) -> String {
        let name = format!("dsbx-{id}");
        let volume = inspect(
            &name,
            "{{range .Mounts}}{{if eq .Destination \"/.dsbx/bin\"}}{{.Name}}{{end}}{{end}}",
        );
        assert!(!volume.is_empty(), "no helper volume on {name}");
        let key = inspect(&name, "{{index .Config.Labels \"dsbx.helper\"}}");
        let mut volumes = self.volumes.borrow_mut();
        for v in [volume.clone(), format!("dsbx-helper-{key}")] {
            if !volumes.contains(&v) {
                volumes.push(v);
            }
        }
        volume
    }
}

impl Drop for OwnHelper {
    fn drop(&mut self) {
        self.env.remove_containers();
        for volume in self.volumes.borrow().iter() {
            let _ = docker(&["volume", "rm", "-f", volume]);
        }
    }
}
