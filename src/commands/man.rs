//! `dsbx man [--dir D]`: writes dsbx's man pages (the same bytes as the committed `man/`, from
//! [`crate::man_and_completions::man_pages`]) where `man` finds them, and prints each path written.

use crate::cli::ManArgs;
use crate::output::Printer;
use anyhow::Context as _;
use std::path::PathBuf;

/// Needs no config, scope, state or engine.
pub fn run(printer: &Printer, args: &ManArgs) -> anyhow::Result<i32> {
    let (dir, written) = write_pages(args)?;
    report(printer, &dir, &written)
}

fn write_pages(args: &ManArgs) -> anyhow::Result<(PathBuf, Vec<PathBuf>)> {
    let dir = match &args.dir {
        Some(dir) => dir.clone(),
        None => default_dir()?,
    };
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the man page directory {}", dir.display()))?;
    let mut written = Vec::new();
    for (name, roff) in crate::man_and_completions::man_pages() {
        let path = dir.join(name);
        std::fs::write(&path, roff)
            .with_context(|| format!("cannot write the man page {}", path.display()))?;
        written.push(path);
    }
    Ok((dir, written))
}

/// `<data dir>/man/man1` (~/.local/share/man/man1): man-db searches it for anyone whose PATH has
/// ~/.local/bin, and `MANPATH` can name it otherwise.
fn default_dir() -> anyhow::Result<PathBuf> {
    let base = directories::BaseDirs::new()
        .context("cannot find your home directory: give the directory with --dir")?;
    Ok(base.data_local_dir().join("man").join("man1"))
}

fn report(printer: &Printer, dir: &std::path::Path, written: &[PathBuf]) -> anyhow::Result<i32> {
    if printer.json {
        printer.json_value(&serde_json::json!({
            "dir": dir,
            "pages": written,
        }))?;
    } else {
        for path in written {
            printer.data(path.display().to_string())?;
        }
    }
    printer.note(format!(
        "wrote {} man pages into {}; try `man dsbx-init`",
        written.len(),
        dir.display()
    ));
    Ok(0)
}
