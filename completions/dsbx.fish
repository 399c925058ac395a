# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_dsbx_global_optspecs
    string join \n json quiet verbose color= config= docker-host= scope= h/help V/version
end

function __fish_dsbx_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_dsbx_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_dsbx_using_subcommand
    set -l cmd (__fish_dsbx_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c dsbx -n "__fish_dsbx_needs_command" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_needs_command" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_needs_command" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_needs_command" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_needs_command" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_needs_command" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_needs_command" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_needs_command" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_needs_command" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_needs_command" -f -a "init" -d 'Create a sandbox and print its id'
complete -c dsbx -n "__fish_dsbx_needs_command" -f -a "exec" -d 'Run a command in a sandbox, streaming its output; exits with its status'
complete -c dsbx -n "__fish_dsbx_needs_command" -f -a "upload" -d 'Copy a file or directory into a sandbox (`-` reads stdin)'
complete -c dsbx -n "__fish_dsbx_needs_command" -f -a "download" -d 'Copy a file or directory out of a sandbox (`-` writes stdout)'
complete -c dsbx -n "__fish_dsbx_needs_command" -f -a "get-host" -d 'Print the URL of a sandbox port'
complete -c dsbx -n "__fish_dsbx_needs_command" -f -a "kill" -d 'Remove sandboxes (containers, anonymous volumes, isolated networks, records)'
complete -c dsbx -n "__fish_dsbx_needs_command" -f -a "ls" -d 'List the scope\'s sandboxes'
complete -c dsbx -n "__fish_dsbx_needs_command" -f -a "gc" -d 'Remove expired sandboxes and what they left behind (safe under cron)'
complete -c dsbx -n "__fish_dsbx_needs_command" -f -a "pause" -d 'Pause a sandbox (its processes freeze; its deadline keeps running)'
complete -c dsbx -n "__fish_dsbx_needs_command" -f -a "resume" -d 'Resume a paused sandbox'
complete -c dsbx -n "__fish_dsbx_needs_command" -f -a "info" -d 'Show everything known about a sandbox'
complete -c dsbx -n "__fish_dsbx_needs_command" -f -a "egress" -d 'Show or change a sandbox\'s egress policy live, or read its proxy\'s decision log'
complete -c dsbx -n "__fish_dsbx_needs_command" -f -a "timeout" -d 'Set a sandbox\'s remaining lifetime from now (`0` = never)'
complete -c dsbx -n "__fish_dsbx_needs_command" -f -a "template" -d 'Build sandbox images'
complete -c dsbx -n "__fish_dsbx_needs_command" -f -a "proxy" -d 'The reverse proxy that serves wildcard URLs ({port}-{id}.<domain>)'
complete -c dsbx -n "__fish_dsbx_needs_command" -f -a "doctor" -d 'Check dsbx\'s setup: engine, image, state, config, proxy, helper'
complete -c dsbx -n "__fish_dsbx_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c dsbx -n "__fish_dsbx_needs_command" -f -a "sandbox" -d 'E2B sbx-style lifecycle commands (create, kill, list, info, ...)'
complete -c dsbx -n "__fish_dsbx_needs_command" -f -a "files" -d 'E2B sbx-style file commands (ls, read, write, edit, ...)'
complete -c dsbx -n "__fish_dsbx_needs_command" -f -a "snapshot" -d 'Save a sandbox\'s files as a snapshot (the sandbox keeps running); list, remove snapshots'
complete -c dsbx -n "__fish_dsbx_needs_command" -f -a "fork" -d 'Snapshot a sandbox and start COUNT new sandboxes from it; prints their ids'
complete -c dsbx -n "__fish_dsbx_needs_command" -f -a "mcp" -d 'Serve sandboxes to AI agents as MCP tools over stdio (stdout carries only the protocol)'
complete -c dsbx -n "__fish_dsbx_needs_command" -f -a "pool" -d 'Warm sandboxes `init` claims in milliseconds (the config\'s [pool]): status, fill, drain'
complete -c dsbx -n "__fish_dsbx_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -s t -l template -d 'A template name from the config\'s [templates] table' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -l image -d 'Any image [default: config `image`, $DSBX_IMAGE, dsbx-base:latest]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -s n -l name -d 'A name, unique in the scope ([a-z0-9-], at most 40 characters)' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -l timeout -d 'Lifetime: seconds or 30s/10m/2h/1d; 0 = never [default: config `timeout`, 1h]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -s e -l env -d 'Environment variable K=V, or K to copy dsbx\'s own value' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -l env-file -d 'Read environment variables from a file (K=V lines, # comments)' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -s p -l port -d 'Publish a sandbox port on `publish_address` to a free host port' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -s v -l volume -d 'Bind-mount an absolute host path: HOST:PATH[:ro]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -s l -l label -d 'Label K=V (also on the container)' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -l memory -d 'Memory limit, e.g. 512m, 2g [default: config limits.memory]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -l cpus -d 'CPU limit, e.g. 0.5, 2 [default: config limits.cpus]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -l disk -d 'Disk limit of the sandbox\'s writable layer, e.g. 1g, where the storage driver supports one (`dsbx doctor` says) [default: config limits.disk]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -l cpuset-cpus -d 'Pin the sandbox to these CPUs, e.g. 0-1 or 0,2 (nproc then reports them)' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -l pids -d 'Process limit [default: config limits.pids]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -l network -d 'bridge, none or a network name [default: the shared `dsbx` network]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -l egress -d 'Egress policy: all, none, or a comma-separated allowlist of names, *.domains, addresses and networks, enforced by dsbx\'s egress proxy [default: config egress.default]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -l health-cmd -d 'A health check: a shell command run in the sandbox, healthy when it exits 0 (replaces the image\'s HEALTHCHECK)' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -l health-interval -d 'How often the health check runs [default: 10s]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -l wait-healthy -d 'Wait until the health check (--health-cmd or the image\'s) says healthy; fail (and remove the sandbox) when it says unhealthy or DUR passes' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -l workdir -d 'Working directory of commands [default: the image\'s]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -l user -d 'The sandbox\'s user for exec and files [default: the image\'s USER]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -l platform -d 'Image platform, e.g. linux/amd64' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -s m -l metadata -d 'E2B metadata (sbx compatibility): same as --label' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -l snapshot -d 'Start from a snapshot (`dsbx snapshot ls`); other flags override what it carries' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -l isolated -d 'A network of the sandbox\'s own, removed with it'
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -l auto-pause -d 'E2B auto-pause (sbx compatibility): accepted and ignored'
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand init" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand exec" -l cwd -d 'Working directory of the command (relative: from the sandbox\'s)' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand exec" -s e -l env -d 'Environment variable K=V, or K to copy dsbx\'s own value' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand exec" -s u -l user -d 'Run as this user [default: the sandbox\'s user]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand exec" -l timeout -d 'Kill the command and everything it started after DUR (exit 124) [default: config exec_timeout]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand exec" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand exec" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand exec" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand exec" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand exec" -l root -d 'Run as root, with the sandbox\'s capabilities'
complete -c dsbx -n "__fish_dsbx_using_subcommand exec" -l shell -d 'Join several words with spaces and run them through /bin/sh -c'
complete -c dsbx -n "__fish_dsbx_using_subcommand exec" -s i -l stdin -d 'Forward stdin to the command (EOF included)'
complete -c dsbx -n "__fish_dsbx_using_subcommand exec" -s t -l tty -d 'Interactive terminal (raw mode, window size)'
complete -c dsbx -n "__fish_dsbx_using_subcommand exec" -s b -l background -d 'Start in the background; print `PID: <pid>` and `Log: <path>`'
complete -c dsbx -n "__fish_dsbx_using_subcommand exec" -l stream -d 'Print JSON Lines events on stdout as they happen: start, stdout, stderr, exit (or error)'
complete -c dsbx -n "__fish_dsbx_using_subcommand exec" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand exec" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand exec" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand exec" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand exec" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand upload" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand upload" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand upload" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand upload" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand upload" -l root -d 'Write as root instead of the sandbox\'s user'
complete -c dsbx -n "__fish_dsbx_using_subcommand upload" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand upload" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand upload" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand upload" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand upload" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand download" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand download" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand download" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand download" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand download" -l root -d 'Accepted for symmetry with upload: downloads always read as root (Docker\'s archive API)'
complete -c dsbx -n "__fish_dsbx_using_subcommand download" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand download" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand download" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand download" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand download" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand get-host" -s p -l port -d 'The sandbox port (same as the positional PORT)' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand get-host" -l url-template -d 'URL template [default: $DSBX_URL_TEMPLATE, config url_template, built-in]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand get-host" -l wait -d 'Wait until the port answers, at most DUR, then print' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand get-host" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand get-host" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand get-host" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand get-host" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand get-host" -l check -d 'Exit 0 only if the sandbox\'s process answers on that port'
complete -c dsbx -n "__fish_dsbx_using_subcommand get-host" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand get-host" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand get-host" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand get-host" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand get-host" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand kill" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand kill" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand kill" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand kill" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand kill" -l all -d 'Every sandbox of the scope'
complete -c dsbx -n "__fish_dsbx_using_subcommand kill" -l all-scopes -d 'With --all: every scope'
complete -c dsbx -n "__fish_dsbx_using_subcommand kill" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand kill" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand kill" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand kill" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand kill" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand ls" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand ls" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand ls" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand ls" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand ls" -s q -l ids-only -d 'Print ids only'
complete -c dsbx -n "__fish_dsbx_using_subcommand ls" -l all-scopes -d 'Every scope, not just the current one'
complete -c dsbx -n "__fish_dsbx_using_subcommand ls" -l pool -d 'List the warm pool members instead (not anyone\'s sandboxes until claimed)'
complete -c dsbx -n "__fish_dsbx_using_subcommand ls" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand ls" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand ls" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand ls" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand ls" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand gc" -l older-than -d 'Also remove sandboxes created longer ago than DUR' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand gc" -l idle -d 'Also remove sandboxes no dsbx command touched for DUR' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand gc" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand gc" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand gc" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand gc" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand gc" -l dry-run -d 'Say what would be removed; remove nothing'
complete -c dsbx -n "__fish_dsbx_using_subcommand gc" -l all-scopes -d 'Every scope, not just the current one'
complete -c dsbx -n "__fish_dsbx_using_subcommand gc" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand gc" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand gc" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand gc" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand gc" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand pause" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand pause" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand pause" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand pause" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand pause" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand pause" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand pause" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand pause" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand pause" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand resume" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand resume" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand resume" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand resume" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand resume" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand resume" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand resume" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand resume" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand resume" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand info" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand info" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand info" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand info" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand info" -l stats -d 'Add live CPU and memory (costs the engine about a second)'
complete -c dsbx -n "__fish_dsbx_using_subcommand info" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand info" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand info" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand info" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand info" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand egress" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand egress" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand egress" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand egress" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand egress" -s f -l follow -d 'With `log`: keep printing decisions as they happen'
complete -c dsbx -n "__fish_dsbx_using_subcommand egress" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand egress" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand egress" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand egress" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand egress" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand timeout" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand timeout" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand timeout" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand timeout" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand timeout" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand timeout" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand timeout" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand timeout" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand timeout" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand template; and not __fish_seen_subcommand_from build help" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand template; and not __fish_seen_subcommand_from build help" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand template; and not __fish_seen_subcommand_from build help" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand template; and not __fish_seen_subcommand_from build help" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand template; and not __fish_seen_subcommand_from build help" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand template; and not __fish_seen_subcommand_from build help" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand template; and not __fish_seen_subcommand_from build help" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand template; and not __fish_seen_subcommand_from build help" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand template; and not __fish_seen_subcommand_from build help" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand template; and not __fish_seen_subcommand_from build help" -f -a "build" -d 'Build an image (without --file, the compiled-in default Dockerfile)'
complete -c dsbx -n "__fish_dsbx_using_subcommand template; and not __fish_seen_subcommand_from build help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dsbx -n "__fish_dsbx_using_subcommand template; and __fish_seen_subcommand_from build" -l file -d 'Dockerfile to build (its directory is the context)' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand template; and __fish_seen_subcommand_from build" -l tag -d 'Image tag [default: config `image`]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand template; and __fish_seen_subcommand_from build" -l build-arg -d 'Build argument K=V' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand template; and __fish_seen_subcommand_from build" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand template; and __fish_seen_subcommand_from build" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand template; and __fish_seen_subcommand_from build" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand template; and __fish_seen_subcommand_from build" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand template; and __fish_seen_subcommand_from build" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand template; and __fish_seen_subcommand_from build" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand template; and __fish_seen_subcommand_from build" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand template; and __fish_seen_subcommand_from build" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand template; and __fish_seen_subcommand_from build" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand template; and __fish_seen_subcommand_from help" -f -a "build" -d 'Build an image (without --file, the compiled-in default Dockerfile)'
complete -c dsbx -n "__fish_dsbx_using_subcommand template; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and not __fish_seen_subcommand_from up down status help" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and not __fish_seen_subcommand_from up down status help" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and not __fish_seen_subcommand_from up down status help" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and not __fish_seen_subcommand_from up down status help" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and not __fish_seen_subcommand_from up down status help" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and not __fish_seen_subcommand_from up down status help" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and not __fish_seen_subcommand_from up down status help" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and not __fish_seen_subcommand_from up down status help" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and not __fish_seen_subcommand_from up down status help" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and not __fish_seen_subcommand_from up down status help" -f -a "up" -d 'Start (or update) the proxy container'
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and not __fish_seen_subcommand_from up down status help" -f -a "down" -d 'Remove the proxy container'
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and not __fish_seen_subcommand_from up down status help" -f -a "status" -d 'Say whether the proxy runs, and where'
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and not __fish_seen_subcommand_from up down status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from up" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from up" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from up" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from up" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from up" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from up" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from up" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from up" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from up" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from down" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from down" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from down" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from down" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from down" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from down" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from down" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from down" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from down" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from status" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from status" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from status" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from status" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from status" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from status" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from status" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from help" -f -a "up" -d 'Start (or update) the proxy container'
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from help" -f -a "down" -d 'Remove the proxy container'
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from help" -f -a "status" -d 'Say whether the proxy runs, and where'
complete -c dsbx -n "__fish_dsbx_using_subcommand proxy; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dsbx -n "__fish_dsbx_using_subcommand doctor" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand doctor" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand doctor" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand doctor" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand doctor" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand doctor" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand doctor" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand completions" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand completions" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand completions" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand completions" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand completions" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand completions" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand completions" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand completions" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand completions" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and not __fish_seen_subcommand_from create kill list info status get-host extend-lifetime pause connect help" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and not __fish_seen_subcommand_from create kill list info status get-host extend-lifetime pause connect help" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and not __fish_seen_subcommand_from create kill list info status get-host extend-lifetime pause connect help" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and not __fish_seen_subcommand_from create kill list info status get-host extend-lifetime pause connect help" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and not __fish_seen_subcommand_from create kill list info status get-host extend-lifetime pause connect help" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and not __fish_seen_subcommand_from create kill list info status get-host extend-lifetime pause connect help" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and not __fish_seen_subcommand_from create kill list info status get-host extend-lifetime pause connect help" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and not __fish_seen_subcommand_from create kill list info status get-host extend-lifetime pause connect help" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and not __fish_seen_subcommand_from create kill list info status get-host extend-lifetime pause connect help" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and not __fish_seen_subcommand_from create kill list info status get-host extend-lifetime pause connect help" -f -a "create" -d 'Create a sandbox (same as `dsbx init`)'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and not __fish_seen_subcommand_from create kill list info status get-host extend-lifetime pause connect help" -f -a "kill" -d 'Remove a sandbox'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and not __fish_seen_subcommand_from create kill list info status get-host extend-lifetime pause connect help" -f -a "list" -d 'List sandboxes'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and not __fish_seen_subcommand_from create kill list info status get-host extend-lifetime pause connect help" -f -a "info" -d 'Show a sandbox'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and not __fish_seen_subcommand_from create kill list info status get-host extend-lifetime pause connect help" -f -a "status" -d 'Print the status word (running, stopped, paused, ...)'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and not __fish_seen_subcommand_from create kill list info status get-host extend-lifetime pause connect help" -f -a "get-host" -d 'Print the URL of a port'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and not __fish_seen_subcommand_from create kill list info status get-host extend-lifetime pause connect help" -f -a "extend-lifetime" -d 'Add SECONDS to the remaining lifetime'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and not __fish_seen_subcommand_from create kill list info status get-host extend-lifetime pause connect help" -f -a "pause" -d 'Pause a sandbox'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and not __fish_seen_subcommand_from create kill list info status get-host extend-lifetime pause connect help" -f -a "connect" -d 'Check a sandbox is there and running (starting or resuming it) and print its id'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and not __fish_seen_subcommand_from create kill list info status get-host extend-lifetime pause connect help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -s t -l template -d 'A template name from the config\'s [templates] table' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -l image -d 'Any image [default: config `image`, $DSBX_IMAGE, dsbx-base:latest]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -s n -l name -d 'A name, unique in the scope ([a-z0-9-], at most 40 characters)' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -l timeout -d 'Lifetime: seconds or 30s/10m/2h/1d; 0 = never [default: config `timeout`, 1h]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -s e -l env -d 'Environment variable K=V, or K to copy dsbx\'s own value' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -l env-file -d 'Read environment variables from a file (K=V lines, # comments)' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -s p -l port -d 'Publish a sandbox port on `publish_address` to a free host port' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -s v -l volume -d 'Bind-mount an absolute host path: HOST:PATH[:ro]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -s l -l label -d 'Label K=V (also on the container)' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -l memory -d 'Memory limit, e.g. 512m, 2g [default: config limits.memory]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -l cpus -d 'CPU limit, e.g. 0.5, 2 [default: config limits.cpus]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -l disk -d 'Disk limit of the sandbox\'s writable layer, e.g. 1g, where the storage driver supports one (`dsbx doctor` says) [default: config limits.disk]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -l cpuset-cpus -d 'Pin the sandbox to these CPUs, e.g. 0-1 or 0,2 (nproc then reports them)' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -l pids -d 'Process limit [default: config limits.pids]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -l network -d 'bridge, none or a network name [default: the shared `dsbx` network]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -l egress -d 'Egress policy: all, none, or a comma-separated allowlist of names, *.domains, addresses and networks, enforced by dsbx\'s egress proxy [default: config egress.default]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -l health-cmd -d 'A health check: a shell command run in the sandbox, healthy when it exits 0 (replaces the image\'s HEALTHCHECK)' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -l health-interval -d 'How often the health check runs [default: 10s]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -l wait-healthy -d 'Wait until the health check (--health-cmd or the image\'s) says healthy; fail (and remove the sandbox) when it says unhealthy or DUR passes' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -l workdir -d 'Working directory of commands [default: the image\'s]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -l user -d 'The sandbox\'s user for exec and files [default: the image\'s USER]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -l platform -d 'Image platform, e.g. linux/amd64' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -s m -l metadata -d 'E2B metadata (sbx compatibility): same as --label' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -l snapshot -d 'Start from a snapshot (`dsbx snapshot ls`); other flags override what it carries' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -l isolated -d 'A network of the sandbox\'s own, removed with it'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -l auto-pause -d 'E2B auto-pause (sbx compatibility): accepted and ignored'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from kill" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from kill" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from kill" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from kill" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from kill" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from kill" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from kill" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from kill" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from kill" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from list" -s l -l limit -d 'Show at most N' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from list" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from list" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from list" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from list" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from list" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from list" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from info" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from info" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from info" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from info" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from info" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from info" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from info" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from info" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from info" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from status" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from status" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from status" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from status" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from status" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from status" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from status" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from get-host" -s p -l port -d 'The sandbox port' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from get-host" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from get-host" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from get-host" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from get-host" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from get-host" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from get-host" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from get-host" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from get-host" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from get-host" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from extend-lifetime" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from extend-lifetime" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from extend-lifetime" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from extend-lifetime" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from extend-lifetime" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from extend-lifetime" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from extend-lifetime" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from extend-lifetime" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from extend-lifetime" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from pause" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from pause" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from pause" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from pause" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from pause" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from pause" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from pause" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from pause" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from pause" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from connect" -l timeout -d 'Also set the remaining lifetime' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from connect" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from connect" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from connect" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from connect" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from connect" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from connect" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from connect" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from connect" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from connect" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a sandbox (same as `dsbx init`)'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from help" -f -a "kill" -d 'Remove a sandbox'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from help" -f -a "list" -d 'List sandboxes'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from help" -f -a "info" -d 'Show a sandbox'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from help" -f -a "status" -d 'Print the status word (running, stopped, paused, ...)'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from help" -f -a "get-host" -d 'Print the URL of a port'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from help" -f -a "extend-lifetime" -d 'Add SECONDS to the remaining lifetime'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from help" -f -a "pause" -d 'Pause a sandbox'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from help" -f -a "connect" -d 'Check a sandbox is there and running (starting or resuming it) and print its id'
complete -c dsbx -n "__fish_dsbx_using_subcommand sandbox; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and not __fish_seen_subcommand_from ls read write edit exists info rm mkdir mv upload download upload-dir download-dir help" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and not __fish_seen_subcommand_from ls read write edit exists info rm mkdir mv upload download upload-dir download-dir help" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and not __fish_seen_subcommand_from ls read write edit exists info rm mkdir mv upload download upload-dir download-dir help" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and not __fish_seen_subcommand_from ls read write edit exists info rm mkdir mv upload download upload-dir download-dir help" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and not __fish_seen_subcommand_from ls read write edit exists info rm mkdir mv upload download upload-dir download-dir help" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and not __fish_seen_subcommand_from ls read write edit exists info rm mkdir mv upload download upload-dir download-dir help" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and not __fish_seen_subcommand_from ls read write edit exists info rm mkdir mv upload download upload-dir download-dir help" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and not __fish_seen_subcommand_from ls read write edit exists info rm mkdir mv upload download upload-dir download-dir help" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and not __fish_seen_subcommand_from ls read write edit exists info rm mkdir mv upload download upload-dir download-dir help" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and not __fish_seen_subcommand_from ls read write edit exists info rm mkdir mv upload download upload-dir download-dir help" -f -a "ls" -d 'List a directory: one name per line, directories with a trailing /'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and not __fish_seen_subcommand_from ls read write edit exists info rm mkdir mv upload download upload-dir download-dir help" -f -a "read" -d 'Print a file\'s bytes'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and not __fish_seen_subcommand_from ls read write edit exists info rm mkdir mv upload download upload-dir download-dir help" -f -a "write" -d 'Write a file (CONTENT, or stdin with --stdin); creates parent directories'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and not __fish_seen_subcommand_from ls read write edit exists info rm mkdir mv upload download upload-dir download-dir help" -f -a "edit" -d 'Replace exact text in a file'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and not __fish_seen_subcommand_from ls read write edit exists info rm mkdir mv upload download upload-dir download-dir help" -f -a "exists" -d 'Print true or false; exit 0 or 1'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and not __fish_seen_subcommand_from ls read write edit exists info rm mkdir mv upload download upload-dir download-dir help" -f -a "info" -d 'Name, type, size, mode and modification time'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and not __fish_seen_subcommand_from ls read write edit exists info rm mkdir mv upload download upload-dir download-dir help" -f -a "rm" -d 'Remove a file or directory'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and not __fish_seen_subcommand_from ls read write edit exists info rm mkdir mv upload download upload-dir download-dir help" -f -a "mkdir" -d 'Create a directory and its parents'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and not __fish_seen_subcommand_from ls read write edit exists info rm mkdir mv upload download upload-dir download-dir help" -f -a "mv" -d 'Move or rename'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and not __fish_seen_subcommand_from ls read write edit exists info rm mkdir mv upload download upload-dir download-dir help" -f -a "upload" -d 'Upload one file'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and not __fish_seen_subcommand_from ls read write edit exists info rm mkdir mv upload download upload-dir download-dir help" -f -a "download" -d 'Download one file'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and not __fish_seen_subcommand_from ls read write edit exists info rm mkdir mv upload download upload-dir download-dir help" -f -a "upload-dir" -d 'Upload a directory (skips .git, node_modules, ... unless --all)'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and not __fish_seen_subcommand_from ls read write edit exists info rm mkdir mv upload download upload-dir download-dir help" -f -a "download-dir" -d 'Download a directory (skips .git, node_modules, ... unless --all)'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and not __fish_seen_subcommand_from ls read write edit exists info rm mkdir mv upload download upload-dir download-dir help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from ls" -s d -l depth -d 'Recurse this deep' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from ls" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from ls" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from ls" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from ls" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from ls" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from ls" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from ls" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from read" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from read" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from read" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from read" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from read" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from read" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from read" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from read" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from read" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from write" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from write" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from write" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from write" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from write" -l stdin -d 'Read the content from stdin'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from write" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from write" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from write" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from write" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from write" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from edit" -l old -d 'The exact text to replace' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from edit" -l new -d 'Its replacement' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from edit" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from edit" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from edit" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from edit" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from edit" -l all -d 'Replace every occurrence (otherwise it must occur once)'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from edit" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from edit" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from edit" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from edit" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from edit" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from exists" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from exists" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from exists" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from exists" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from exists" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from exists" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from exists" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from exists" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from exists" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from info" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from info" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from info" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from info" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from info" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from info" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from info" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from info" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from info" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from rm" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from rm" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from rm" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from rm" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from rm" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from rm" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from rm" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from mkdir" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from mkdir" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from mkdir" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from mkdir" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from mkdir" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from mkdir" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from mkdir" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from mkdir" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from mkdir" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from mv" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from mv" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from mv" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from mv" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from mv" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from mv" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from mv" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from mv" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from mv" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from upload" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from upload" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from upload" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from upload" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from upload" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from upload" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from upload" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from upload" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from upload" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from download" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from download" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from download" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from download" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from download" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from download" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from download" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from download" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from download" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from upload-dir" -s d -l max-depth -d 'Descend at most N levels' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from upload-dir" -s e -l exclude -d 'Also skip directories with this name' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from upload-dir" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from upload-dir" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from upload-dir" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from upload-dir" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from upload-dir" -l all -d 'Skip nothing by default'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from upload-dir" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from upload-dir" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from upload-dir" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from upload-dir" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from upload-dir" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from download-dir" -s d -l max-depth -d 'Descend at most N levels' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from download-dir" -s e -l exclude -d 'Also skip directories with this name' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from download-dir" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from download-dir" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from download-dir" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from download-dir" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from download-dir" -l all -d 'Skip nothing by default'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from download-dir" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from download-dir" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from download-dir" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from download-dir" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from download-dir" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List a directory: one name per line, directories with a trailing /'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from help" -f -a "read" -d 'Print a file\'s bytes'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from help" -f -a "write" -d 'Write a file (CONTENT, or stdin with --stdin); creates parent directories'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from help" -f -a "edit" -d 'Replace exact text in a file'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from help" -f -a "exists" -d 'Print true or false; exit 0 or 1'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from help" -f -a "info" -d 'Name, type, size, mode and modification time'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove a file or directory'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from help" -f -a "mkdir" -d 'Create a directory and its parents'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from help" -f -a "mv" -d 'Move or rename'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from help" -f -a "upload" -d 'Upload one file'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from help" -f -a "download" -d 'Download one file'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from help" -f -a "upload-dir" -d 'Upload a directory (skips .git, node_modules, ... unless --all)'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from help" -f -a "download-dir" -d 'Download a directory (skips .git, node_modules, ... unless --all)'
complete -c dsbx -n "__fish_dsbx_using_subcommand files; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and not __fish_seen_subcommand_from ls rm help" -s n -l name -d 'The snapshot\'s name ([a-z0-9-], at most 40 characters) [default: <id>-<random>]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and not __fish_seen_subcommand_from ls rm help" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and not __fish_seen_subcommand_from ls rm help" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and not __fish_seen_subcommand_from ls rm help" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and not __fish_seen_subcommand_from ls rm help" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and not __fish_seen_subcommand_from ls rm help" -l no-pause -d 'Do not pause the sandbox for the commit (files being written may be caught half-way)'
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and not __fish_seen_subcommand_from ls rm help" -l keep-env -d 'Also store the environment given with -e at init in the image (readable by anyone who can use the engine)'
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and not __fish_seen_subcommand_from ls rm help" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and not __fish_seen_subcommand_from ls rm help" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and not __fish_seen_subcommand_from ls rm help" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and not __fish_seen_subcommand_from ls rm help" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and not __fish_seen_subcommand_from ls rm help" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and not __fish_seen_subcommand_from ls rm help" -a "ls" -d 'List the scope\'s snapshots'
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and not __fish_seen_subcommand_from ls rm help" -a "rm" -d 'Remove snapshots (refused for one a sandbox still uses)'
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and not __fish_seen_subcommand_from ls rm help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and __fish_seen_subcommand_from ls" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and __fish_seen_subcommand_from ls" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and __fish_seen_subcommand_from ls" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and __fish_seen_subcommand_from ls" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and __fish_seen_subcommand_from ls" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and __fish_seen_subcommand_from ls" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and __fish_seen_subcommand_from ls" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and __fish_seen_subcommand_from rm" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and __fish_seen_subcommand_from rm" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and __fish_seen_subcommand_from rm" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and __fish_seen_subcommand_from rm" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and __fish_seen_subcommand_from rm" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and __fish_seen_subcommand_from rm" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and __fish_seen_subcommand_from rm" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List the scope\'s snapshots'
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove snapshots (refused for one a sandbox still uses)'
complete -c dsbx -n "__fish_dsbx_using_subcommand snapshot; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dsbx -n "__fish_dsbx_using_subcommand fork" -s n -l count -d 'How many sandboxes to start (in parallel)' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand fork" -l timeout -d 'Lifetime of each new sandbox: seconds or 30s/10m/2h/1d; 0 = never [default: config `timeout`]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand fork" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand fork" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand fork" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand fork" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand fork" -l no-pause -d 'Do not pause the sandbox for the commit (files being written may be caught half-way)'
complete -c dsbx -n "__fish_dsbx_using_subcommand fork" -l keep-env -d 'Also store the environment given with -e at init in the image (readable by anyone who can use the engine)'
complete -c dsbx -n "__fish_dsbx_using_subcommand fork" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand fork" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand fork" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand fork" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand fork" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand mcp" -l root-dir -d 'The host directory upload_file and download_file may use, and nothing outside it' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand mcp" -l output-limit -d 'The most output run_command returns per stream; the rest is cut, with a note' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand mcp" -l read-limit -d 'The largest file read_file returns' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand mcp" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand mcp" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand mcp" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand mcp" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand mcp" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand mcp" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand mcp" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand mcp" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand mcp" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and not __fish_seen_subcommand_from status fill drain help" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and not __fish_seen_subcommand_from status fill drain help" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and not __fish_seen_subcommand_from status fill drain help" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and not __fish_seen_subcommand_from status fill drain help" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and not __fish_seen_subcommand_from status fill drain help" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and not __fish_seen_subcommand_from status fill drain help" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and not __fish_seen_subcommand_from status fill drain help" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and not __fish_seen_subcommand_from status fill drain help" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and not __fish_seen_subcommand_from status fill drain help" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and not __fish_seen_subcommand_from status fill drain help" -f -a "status" -d 'Per pool: warm, claimed and filling sandboxes, its key, the filler\'s last failures'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and not __fish_seen_subcommand_from status fill drain help" -f -a "fill" -d 'Bring every pool up to its size (in the background unless --wait)'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and not __fish_seen_subcommand_from status fill drain help" -f -a "drain" -d 'Remove every warm sandbox of the scope (claimed ones are the user\'s and stay)'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and not __fish_seen_subcommand_from status fill drain help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from status" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from status" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from status" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from status" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from status" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from status" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from status" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from fill" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from fill" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from fill" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from fill" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from fill" -l wait -d 'Fill in the foreground and return once every pool is full'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from fill" -l detached -d 'Run as the detached background filler (what `init` and `pool fill` start)'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from fill" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from fill" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from fill" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from fill" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from fill" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from drain" -l color -d 'When to colour stderr (also honours NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from drain" -l config -d 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]' -r -F
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from drain" -l docker-host -d 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from drain" -l scope -d 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]' -r
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from drain" -l json -d 'Print one JSON object on stdout (errors too, as {"error": {...}})'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from drain" -l quiet -d 'No progress or notices; errors still print'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from drain" -l verbose -d 'Explain what dsbx does (Docker calls, timings) on stderr'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from drain" -s h -l help -d 'Print help'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from drain" -s V -l version -d 'Print version'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from help" -f -a "status" -d 'Per pool: warm, claimed and filling sandboxes, its key, the filler\'s last failures'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from help" -f -a "fill" -d 'Bring every pool up to its size (in the background unless --wait)'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from help" -f -a "drain" -d 'Remove every warm sandbox of the scope (claimed ones are the user\'s and stay)'
complete -c dsbx -n "__fish_dsbx_using_subcommand pool; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and not __fish_seen_subcommand_from init exec upload download get-host kill ls gc pause resume info egress timeout template proxy doctor completions sandbox files snapshot fork mcp pool help" -f -a "init" -d 'Create a sandbox and print its id'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and not __fish_seen_subcommand_from init exec upload download get-host kill ls gc pause resume info egress timeout template proxy doctor completions sandbox files snapshot fork mcp pool help" -f -a "exec" -d 'Run a command in a sandbox, streaming its output; exits with its status'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and not __fish_seen_subcommand_from init exec upload download get-host kill ls gc pause resume info egress timeout template proxy doctor completions sandbox files snapshot fork mcp pool help" -f -a "upload" -d 'Copy a file or directory into a sandbox (`-` reads stdin)'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and not __fish_seen_subcommand_from init exec upload download get-host kill ls gc pause resume info egress timeout template proxy doctor completions sandbox files snapshot fork mcp pool help" -f -a "download" -d 'Copy a file or directory out of a sandbox (`-` writes stdout)'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and not __fish_seen_subcommand_from init exec upload download get-host kill ls gc pause resume info egress timeout template proxy doctor completions sandbox files snapshot fork mcp pool help" -f -a "get-host" -d 'Print the URL of a sandbox port'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and not __fish_seen_subcommand_from init exec upload download get-host kill ls gc pause resume info egress timeout template proxy doctor completions sandbox files snapshot fork mcp pool help" -f -a "kill" -d 'Remove sandboxes (containers, anonymous volumes, isolated networks, records)'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and not __fish_seen_subcommand_from init exec upload download get-host kill ls gc pause resume info egress timeout template proxy doctor completions sandbox files snapshot fork mcp pool help" -f -a "ls" -d 'List the scope\'s sandboxes'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and not __fish_seen_subcommand_from init exec upload download get-host kill ls gc pause resume info egress timeout template proxy doctor completions sandbox files snapshot fork mcp pool help" -f -a "gc" -d 'Remove expired sandboxes and what they left behind (safe under cron)'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and not __fish_seen_subcommand_from init exec upload download get-host kill ls gc pause resume info egress timeout template proxy doctor completions sandbox files snapshot fork mcp pool help" -f -a "pause" -d 'Pause a sandbox (its processes freeze; its deadline keeps running)'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and not __fish_seen_subcommand_from init exec upload download get-host kill ls gc pause resume info egress timeout template proxy doctor completions sandbox files snapshot fork mcp pool help" -f -a "resume" -d 'Resume a paused sandbox'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and not __fish_seen_subcommand_from init exec upload download get-host kill ls gc pause resume info egress timeout template proxy doctor completions sandbox files snapshot fork mcp pool help" -f -a "info" -d 'Show everything known about a sandbox'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and not __fish_seen_subcommand_from init exec upload download get-host kill ls gc pause resume info egress timeout template proxy doctor completions sandbox files snapshot fork mcp pool help" -f -a "egress" -d 'Show or change a sandbox\'s egress policy live, or read its proxy\'s decision log'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and not __fish_seen_subcommand_from init exec upload download get-host kill ls gc pause resume info egress timeout template proxy doctor completions sandbox files snapshot fork mcp pool help" -f -a "timeout" -d 'Set a sandbox\'s remaining lifetime from now (`0` = never)'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and not __fish_seen_subcommand_from init exec upload download get-host kill ls gc pause resume info egress timeout template proxy doctor completions sandbox files snapshot fork mcp pool help" -f -a "template" -d 'Build sandbox images'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and not __fish_seen_subcommand_from init exec upload download get-host kill ls gc pause resume info egress timeout template proxy doctor completions sandbox files snapshot fork mcp pool help" -f -a "proxy" -d 'The reverse proxy that serves wildcard URLs ({port}-{id}.<domain>)'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and not __fish_seen_subcommand_from init exec upload download get-host kill ls gc pause resume info egress timeout template proxy doctor completions sandbox files snapshot fork mcp pool help" -f -a "doctor" -d 'Check dsbx\'s setup: engine, image, state, config, proxy, helper'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and not __fish_seen_subcommand_from init exec upload download get-host kill ls gc pause resume info egress timeout template proxy doctor completions sandbox files snapshot fork mcp pool help" -f -a "completions" -d 'Print a shell completion script'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and not __fish_seen_subcommand_from init exec upload download get-host kill ls gc pause resume info egress timeout template proxy doctor completions sandbox files snapshot fork mcp pool help" -f -a "sandbox" -d 'E2B sbx-style lifecycle commands (create, kill, list, info, ...)'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and not __fish_seen_subcommand_from init exec upload download get-host kill ls gc pause resume info egress timeout template proxy doctor completions sandbox files snapshot fork mcp pool help" -f -a "files" -d 'E2B sbx-style file commands (ls, read, write, edit, ...)'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and not __fish_seen_subcommand_from init exec upload download get-host kill ls gc pause resume info egress timeout template proxy doctor completions sandbox files snapshot fork mcp pool help" -f -a "snapshot" -d 'Save a sandbox\'s files as a snapshot (the sandbox keeps running); list, remove snapshots'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and not __fish_seen_subcommand_from init exec upload download get-host kill ls gc pause resume info egress timeout template proxy doctor completions sandbox files snapshot fork mcp pool help" -f -a "fork" -d 'Snapshot a sandbox and start COUNT new sandboxes from it; prints their ids'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and not __fish_seen_subcommand_from init exec upload download get-host kill ls gc pause resume info egress timeout template proxy doctor completions sandbox files snapshot fork mcp pool help" -f -a "mcp" -d 'Serve sandboxes to AI agents as MCP tools over stdio (stdout carries only the protocol)'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and not __fish_seen_subcommand_from init exec upload download get-host kill ls gc pause resume info egress timeout template proxy doctor completions sandbox files snapshot fork mcp pool help" -f -a "pool" -d 'Warm sandboxes `init` claims in milliseconds (the config\'s [pool]): status, fill, drain'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and not __fish_seen_subcommand_from init exec upload download get-host kill ls gc pause resume info egress timeout template proxy doctor completions sandbox files snapshot fork mcp pool help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from template" -f -a "build" -d 'Build an image (without --file, the compiled-in default Dockerfile)'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from proxy" -f -a "up" -d 'Start (or update) the proxy container'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from proxy" -f -a "down" -d 'Remove the proxy container'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from proxy" -f -a "status" -d 'Say whether the proxy runs, and where'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from sandbox" -f -a "create" -d 'Create a sandbox (same as `dsbx init`)'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from sandbox" -f -a "kill" -d 'Remove a sandbox'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from sandbox" -f -a "list" -d 'List sandboxes'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from sandbox" -f -a "info" -d 'Show a sandbox'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from sandbox" -f -a "status" -d 'Print the status word (running, stopped, paused, ...)'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from sandbox" -f -a "get-host" -d 'Print the URL of a port'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from sandbox" -f -a "extend-lifetime" -d 'Add SECONDS to the remaining lifetime'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from sandbox" -f -a "pause" -d 'Pause a sandbox'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from sandbox" -f -a "connect" -d 'Check a sandbox is there and running (starting or resuming it) and print its id'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from files" -f -a "ls" -d 'List a directory: one name per line, directories with a trailing /'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from files" -f -a "read" -d 'Print a file\'s bytes'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from files" -f -a "write" -d 'Write a file (CONTENT, or stdin with --stdin); creates parent directories'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from files" -f -a "edit" -d 'Replace exact text in a file'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from files" -f -a "exists" -d 'Print true or false; exit 0 or 1'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from files" -f -a "info" -d 'Name, type, size, mode and modification time'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from files" -f -a "rm" -d 'Remove a file or directory'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from files" -f -a "mkdir" -d 'Create a directory and its parents'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from files" -f -a "mv" -d 'Move or rename'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from files" -f -a "upload" -d 'Upload one file'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from files" -f -a "download" -d 'Download one file'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from files" -f -a "upload-dir" -d 'Upload a directory (skips .git, node_modules, ... unless --all)'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from files" -f -a "download-dir" -d 'Download a directory (skips .git, node_modules, ... unless --all)'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from snapshot" -f -a "ls" -d 'List the scope\'s snapshots'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from snapshot" -f -a "rm" -d 'Remove snapshots (refused for one a sandbox still uses)'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from pool" -f -a "status" -d 'Per pool: warm, claimed and filling sandboxes, its key, the filler\'s last failures'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from pool" -f -a "fill" -d 'Bring every pool up to its size (in the background unless --wait)'
complete -c dsbx -n "__fish_dsbx_using_subcommand help; and __fish_seen_subcommand_from pool" -f -a "drain" -d 'Remove every warm sandbox of the scope (claimed ones are the user\'s and stay)'
