//! Short probes run inside a sandbox through dsbx's helper (`get-host --check` asks whether a
//! port listens). Not the user-facing `exec`: no output is relayed, only the exit status.

use super::Engine;
use bollard::exec::{StartExecOptions, StartExecResults};
use bollard::models::ExecConfig;
use futures_util::StreamExt;
use std::time::Duration;

impl Engine {
    /// Runs `argv` as root in the sandbox and returns its exit status (stderr text on failure).
    pub async fn probe(&self, id: &str, argv: &[&str]) -> anyhow::Result<(i64, String)> {
        let container = crate::ids::container_name(id);
        let config = ExecConfig {
            attach_stdout: Some(true),
            attach_stderr: Some(true),
            user: Some("0".into()),
            cmd: Some(argv.iter().map(|a| a.to_string()).collect()),
            ..Default::default()
        };
        let created = self
            .docker()
            .create_exec(&container, config)
            .await
            .map_err(|e| self.fail_sandbox(e, id, &format!("probing sandbox {id}")))?;
        let started = self
            .docker()
            .start_exec(
                &created.id,
                Some(StartExecOptions {
                    detach: false,
                    tty: false,
                    output_capacity: None,
                }),
            )
            .await
            .map_err(|e| self.fail_sandbox(e, id, &format!("probing sandbox {id}")))?;
        let mut text = String::new();
        if let StartExecResults::Attached { mut output, .. } = started {
            while let Some(frame) = output.next().await {
                match frame {
                    Ok(frame) => text.push_str(&String::from_utf8_lossy(&frame.into_bytes())),
                    Err(e) => return Err(self.fail(e, &format!("probing sandbox {id}"))),
                }
            }
        }
        // The exit code can lag the end of the stream by a moment.
        for _ in 0..50 {
            let info = self
                .docker()
                .inspect_exec(&created.id)
                .await
                .map_err(|e| self.fail(e, &format!("probing sandbox {id}")))?;
            if let (Some(false), Some(code)) = (info.running, info.exit_code) {
                return Ok((code, text.trim().to_string()));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Err(anyhow::anyhow!(
            "probing sandbox {id}: the probe did not report an exit status"
        ))
    }
}
