//! "Did you mean": words people type from docker, kubectl or E2B that dsbx spells otherwise,
//! each with the command that does that job here. clap's own guess goes by spelling only
//! (`stop` → `sto…`); this goes by meaning.

/// (what people type, what dsbx calls it).
const HABITS: &[(&str, &str)] = &[
    (
        "stop",
        "`dsbx pause ID` (freeze it) or `dsbx kill ID` (remove it)",
    ),
    ("delete", "`dsbx kill ID` (also `dsbx rm ID`)"),
    ("remove", "`dsbx kill ID` (also `dsbx rm ID`)"),
    ("destroy", "`dsbx kill ID` (also `dsbx rm ID`)"),
    ("list", "`dsbx ls`"),
    ("inspect", "`dsbx info ID`"),
    ("show", "`dsbx info ID`"),
    ("status", "`dsbx info ID` (or `dsbx sandbox status ID`)"),
    ("stats", "`dsbx info ID --stats`"),
    ("top", "`dsbx info ID --stats`"),
    ("sh", "`dsbx shell ID` (or `dsbx exec -t ID sh`)"),
    ("bash", "`dsbx shell ID` (or `dsbx exec -t ID bash`)"),
    ("ssh", "`dsbx shell ID`"),
    ("attach", "`dsbx shell ID`"),
    ("login", "`dsbx shell ID`"),
    ("copy", "`dsbx cp SRC ID:PATH` or `dsbx cp ID:PATH DST`"),
    (
        "put",
        "`dsbx upload ID LOCAL PATH` (or `dsbx cp LOCAL ID:PATH`)",
    ),
    (
        "push",
        "`dsbx upload ID LOCAL PATH` (or `dsbx cp LOCAL ID:PATH`)",
    ),
    (
        "get",
        "`dsbx download ID PATH LOCAL` (or `dsbx cp ID:PATH LOCAL`)",
    ),
    (
        "pull",
        "`dsbx download ID PATH LOCAL`; images are pulled by `dsbx init --image`",
    ),
    ("port", "`dsbx get-host ID PORT`"),
    ("url", "`dsbx get-host ID PORT`"),
    ("commit", "`dsbx snapshot ID`"),
    ("save", "`dsbx snapshot ID`"),
    (
        "images",
        "`dsbx snapshot ls` (dsbx's snapshots) or `docker images`",
    ),
    ("rmi", "`dsbx snapshot rm NAME`"),
    ("build", "`dsbx template build`"),
    ("extend", "`dsbx timeout ID DUR`"),
    ("ttl", "`dsbx timeout ID DUR`"),
    ("new", "`dsbx init` (also `dsbx create`, `dsbx run`)"),
    ("up", "`dsbx init` (also `dsbx create`, `dsbx run`)"),
    ("prune", "`dsbx gc`"),
    ("clean", "`dsbx gc`"),
    ("cleanup", "`dsbx gc`"),
];

/// The line for an unknown command `word`, when it is a habit dsbx knows.
pub fn for_unknown_command(word: &str) -> Option<String> {
    HABITS
        .iter()
        .find(|(typed, _)| *typed == word)
        .map(|(_, meant)| format!("dsbx has no `{word}` command: did you mean {meant}?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn habits_do_not_shadow_real_commands() {
        use clap::CommandFactory;
        let cmd = crate::cli::Cli::command();
        for (word, _) in HABITS {
            assert!(
                cmd.find_subcommand(word).is_none(),
                "`{word}` is a dsbx command or alias: drop it from HABITS"
            );
        }
        assert!(
            for_unknown_command("stop")
                .unwrap()
                .contains("dsbx pause ID")
        );
        assert!(for_unknown_command("frobnicate").is_none());
    }
}
