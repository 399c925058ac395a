
use builtin;
use str;

set edit:completion:arg-completer[dsbx] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'dsbx'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'dsbx'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Create a sandbox and print its id'
            cand exec 'Run a command in a sandbox, streaming its output; exits with its status'
            cand upload 'Copy a file or directory into a sandbox (`-` reads stdin)'
            cand download 'Copy a file or directory out of a sandbox (`-` writes stdout)'
            cand get-host 'Print the URL of a sandbox port'
            cand kill 'Remove sandboxes (containers, anonymous volumes, isolated networks, records)'
            cand ls 'List the scope''s sandboxes'
            cand gc 'Remove expired sandboxes and what they left behind (safe under cron)'
            cand pause 'Pause a sandbox (its processes freeze; its deadline keeps running)'
            cand resume 'Resume a paused sandbox'
            cand info 'Show everything known about a sandbox'
            cand egress 'Show or change a sandbox''s egress policy live, or read its proxy''s decision log'
            cand timeout 'Set a sandbox''s remaining lifetime from now (`0` = never)'
            cand template 'Build sandbox images'
            cand proxy 'The reverse proxy that serves wildcard URLs ({port}-{id}.<domain>)'
            cand doctor 'Check dsbx''s setup: engine, image, state, config, proxy, helper'
            cand completions 'Print a shell completion script'
            cand sandbox 'E2B sbx-style lifecycle commands (create, kill, list, info, ...)'
            cand files 'E2B sbx-style file commands (ls, read, write, edit, ...)'
            cand snapshot 'Save a sandbox''s files as a snapshot (the sandbox keeps running); list, remove snapshots'
            cand fork 'Snapshot a sandbox and start COUNT new sandboxes from it; prints their ids'
            cand mcp 'Serve sandboxes to AI agents as MCP tools over stdio (stdout carries only the protocol)'
            cand pool 'Warm sandboxes `init` claims in milliseconds (the config''s [pool]): status, fill, drain'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'dsbx;init'= {
            cand -t 'A template name from the config''s [templates] table'
            cand --template 'A template name from the config''s [templates] table'
            cand --image 'Any image [default: config `image`, $DSBX_IMAGE, dsbx-base:latest]'
            cand -n 'A name, unique in the scope ([a-z0-9-], at most 40 characters)'
            cand --name 'A name, unique in the scope ([a-z0-9-], at most 40 characters)'
            cand --timeout 'Lifetime: seconds or 30s/10m/2h/1d; 0 = never [default: config `timeout`, 1h]'
            cand -e 'Environment variable K=V, or K to copy dsbx''s own value'
            cand --env 'Environment variable K=V, or K to copy dsbx''s own value'
            cand --env-file 'Read environment variables from a file (K=V lines, # comments)'
            cand -p 'Publish a sandbox port on `publish_address` to a free host port'
            cand --port 'Publish a sandbox port on `publish_address` to a free host port'
            cand -v 'Bind-mount an absolute host path: HOST:PATH[:ro]'
            cand --volume 'Bind-mount an absolute host path: HOST:PATH[:ro]'
            cand -l 'Label K=V (also on the container)'
            cand --label 'Label K=V (also on the container)'
            cand --memory 'Memory limit, e.g. 512m, 2g [default: config limits.memory]'
            cand --cpus 'CPU limit, e.g. 0.5, 2 [default: config limits.cpus]'
            cand --disk 'Disk limit of the sandbox''s writable layer, e.g. 1g, where the storage driver supports one (`dsbx doctor` says) [default: config limits.disk]'
            cand --cpuset-cpus 'Pin the sandbox to these CPUs, e.g. 0-1 or 0,2 (nproc then reports them)'
            cand --pids 'Process limit [default: config limits.pids]'
            cand --network 'bridge, none or a network name [default: the shared `dsbx` network]'
            cand --egress 'Egress policy: all, none, or a comma-separated allowlist of names, *.domains, addresses and networks, enforced by dsbx''s egress proxy [default: config egress.default]'
            cand --health-cmd 'A health check: a shell command run in the sandbox, healthy when it exits 0 (replaces the image''s HEALTHCHECK)'
            cand --health-interval 'How often the health check runs [default: 10s]'
            cand --wait-healthy 'Wait until the health check (--health-cmd or the image''s) says healthy; fail (and remove the sandbox) when it says unhealthy or DUR passes'
            cand --workdir 'Working directory of commands [default: the image''s]'
            cand --user 'The sandbox''s user for exec and files [default: the image''s USER]'
            cand --platform 'Image platform, e.g. linux/amd64'
            cand -m 'E2B metadata (sbx compatibility): same as --label'
            cand --metadata 'E2B metadata (sbx compatibility): same as --label'
            cand --snapshot 'Start from a snapshot (`dsbx snapshot ls`); other flags override what it carries'
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --isolated 'A network of the sandbox''s own, removed with it'
            cand --auto-pause 'E2B auto-pause (sbx compatibility): accepted and ignored'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;exec'= {
            cand --cwd 'Working directory of the command (relative: from the sandbox''s)'
            cand -e 'Environment variable K=V, or K to copy dsbx''s own value'
            cand --env 'Environment variable K=V, or K to copy dsbx''s own value'
            cand -u 'Run as this user [default: the sandbox''s user]'
            cand --user 'Run as this user [default: the sandbox''s user]'
            cand --timeout 'Kill the command and everything it started after DUR (exit 124) [default: config exec_timeout]'
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --root 'Run as root, with the sandbox''s capabilities'
            cand --shell 'Join several words with spaces and run them through /bin/sh -c'
            cand -i 'Forward stdin to the command (EOF included)'
            cand --stdin 'Forward stdin to the command (EOF included)'
            cand -t 'Interactive terminal (raw mode, window size)'
            cand --tty 'Interactive terminal (raw mode, window size)'
            cand -b 'Start in the background; print `PID: <pid>` and `Log: <path>`'
            cand --background 'Start in the background; print `PID: <pid>` and `Log: <path>`'
            cand --stream 'Print JSON Lines events on stdout as they happen: start, stdout, stderr, exit (or error)'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;upload'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --root 'Write as root instead of the sandbox''s user'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;download'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --root 'Accepted for symmetry with upload: downloads always read as root (Docker''s archive API)'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;get-host'= {
            cand -p 'The sandbox port (same as the positional PORT)'
            cand --port 'The sandbox port (same as the positional PORT)'
            cand --url-template 'URL template [default: $DSBX_URL_TEMPLATE, config url_template, built-in]'
            cand --wait 'Wait until the port answers, at most DUR, then print'
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --check 'Exit 0 only if the sandbox''s process answers on that port'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;kill'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --all 'Every sandbox of the scope'
            cand --all-scopes 'With --all: every scope'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;ls'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand -q 'Print ids only'
            cand --ids-only 'Print ids only'
            cand --all-scopes 'Every scope, not just the current one'
            cand --pool 'List the warm pool members instead (not anyone''s sandboxes until claimed)'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;gc'= {
            cand --older-than 'Also remove sandboxes created longer ago than DUR'
            cand --idle 'Also remove sandboxes no dsbx command touched for DUR'
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --dry-run 'Say what would be removed; remove nothing'
            cand --all-scopes 'Every scope, not just the current one'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;pause'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;resume'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;info'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --stats 'Add live CPU and memory (costs the engine about a second)'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;egress'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand -f 'With `log`: keep printing decisions as they happen'
            cand --follow 'With `log`: keep printing decisions as they happen'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;timeout'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;template'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand build 'Build an image (without --file, the compiled-in default Dockerfile)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'dsbx;template;build'= {
            cand --file 'Dockerfile to build (its directory is the context)'
            cand --tag 'Image tag [default: config `image`]'
            cand --build-arg 'Build argument K=V'
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;template;help'= {
            cand build 'Build an image (without --file, the compiled-in default Dockerfile)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'dsbx;template;help;build'= {
        }
        &'dsbx;template;help;help'= {
        }
        &'dsbx;proxy'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand up 'Start (or update) the proxy container'
            cand down 'Remove the proxy container'
            cand status 'Say whether the proxy runs, and where'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'dsbx;proxy;up'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;proxy;down'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;proxy;status'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;proxy;help'= {
            cand up 'Start (or update) the proxy container'
            cand down 'Remove the proxy container'
            cand status 'Say whether the proxy runs, and where'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'dsbx;proxy;help;up'= {
        }
        &'dsbx;proxy;help;down'= {
        }
        &'dsbx;proxy;help;status'= {
        }
        &'dsbx;proxy;help;help'= {
        }
        &'dsbx;doctor'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;completions'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;sandbox'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Create a sandbox (same as `dsbx init`)'
            cand kill 'Remove a sandbox'
            cand list 'List sandboxes'
            cand info 'Show a sandbox'
            cand status 'Print the status word (running, stopped, paused, ...)'
            cand get-host 'Print the URL of a port'
            cand extend-lifetime 'Add SECONDS to the remaining lifetime'
            cand pause 'Pause a sandbox'
            cand connect 'Check a sandbox is there and running (starting or resuming it) and print its id'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'dsbx;sandbox;create'= {
            cand -t 'A template name from the config''s [templates] table'
            cand --template 'A template name from the config''s [templates] table'
            cand --image 'Any image [default: config `image`, $DSBX_IMAGE, dsbx-base:latest]'
            cand -n 'A name, unique in the scope ([a-z0-9-], at most 40 characters)'
            cand --name 'A name, unique in the scope ([a-z0-9-], at most 40 characters)'
            cand --timeout 'Lifetime: seconds or 30s/10m/2h/1d; 0 = never [default: config `timeout`, 1h]'
            cand -e 'Environment variable K=V, or K to copy dsbx''s own value'
            cand --env 'Environment variable K=V, or K to copy dsbx''s own value'
            cand --env-file 'Read environment variables from a file (K=V lines, # comments)'
            cand -p 'Publish a sandbox port on `publish_address` to a free host port'
            cand --port 'Publish a sandbox port on `publish_address` to a free host port'
            cand -v 'Bind-mount an absolute host path: HOST:PATH[:ro]'
            cand --volume 'Bind-mount an absolute host path: HOST:PATH[:ro]'
            cand -l 'Label K=V (also on the container)'
            cand --label 'Label K=V (also on the container)'
            cand --memory 'Memory limit, e.g. 512m, 2g [default: config limits.memory]'
            cand --cpus 'CPU limit, e.g. 0.5, 2 [default: config limits.cpus]'
            cand --disk 'Disk limit of the sandbox''s writable layer, e.g. 1g, where the storage driver supports one (`dsbx doctor` says) [default: config limits.disk]'
            cand --cpuset-cpus 'Pin the sandbox to these CPUs, e.g. 0-1 or 0,2 (nproc then reports them)'
            cand --pids 'Process limit [default: config limits.pids]'
            cand --network 'bridge, none or a network name [default: the shared `dsbx` network]'
            cand --egress 'Egress policy: all, none, or a comma-separated allowlist of names, *.domains, addresses and networks, enforced by dsbx''s egress proxy [default: config egress.default]'
            cand --health-cmd 'A health check: a shell command run in the sandbox, healthy when it exits 0 (replaces the image''s HEALTHCHECK)'
            cand --health-interval 'How often the health check runs [default: 10s]'
            cand --wait-healthy 'Wait until the health check (--health-cmd or the image''s) says healthy; fail (and remove the sandbox) when it says unhealthy or DUR passes'
            cand --workdir 'Working directory of commands [default: the image''s]'
            cand --user 'The sandbox''s user for exec and files [default: the image''s USER]'
            cand --platform 'Image platform, e.g. linux/amd64'
            cand -m 'E2B metadata (sbx compatibility): same as --label'
            cand --metadata 'E2B metadata (sbx compatibility): same as --label'
            cand --snapshot 'Start from a snapshot (`dsbx snapshot ls`); other flags override what it carries'
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --isolated 'A network of the sandbox''s own, removed with it'
            cand --auto-pause 'E2B auto-pause (sbx compatibility): accepted and ignored'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;sandbox;kill'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;sandbox;list'= {
            cand -l 'Show at most N'
            cand --limit 'Show at most N'
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;sandbox;info'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;sandbox;status'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;sandbox;get-host'= {
            cand -p 'The sandbox port'
            cand --port 'The sandbox port'
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;sandbox;extend-lifetime'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;sandbox;pause'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;sandbox;connect'= {
            cand --timeout 'Also set the remaining lifetime'
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;sandbox;help'= {
            cand create 'Create a sandbox (same as `dsbx init`)'
            cand kill 'Remove a sandbox'
            cand list 'List sandboxes'
            cand info 'Show a sandbox'
            cand status 'Print the status word (running, stopped, paused, ...)'
            cand get-host 'Print the URL of a port'
            cand extend-lifetime 'Add SECONDS to the remaining lifetime'
            cand pause 'Pause a sandbox'
            cand connect 'Check a sandbox is there and running (starting or resuming it) and print its id'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'dsbx;sandbox;help;create'= {
        }
        &'dsbx;sandbox;help;kill'= {
        }
        &'dsbx;sandbox;help;list'= {
        }
        &'dsbx;sandbox;help;info'= {
        }
        &'dsbx;sandbox;help;status'= {
        }
        &'dsbx;sandbox;help;get-host'= {
        }
        &'dsbx;sandbox;help;extend-lifetime'= {
        }
        &'dsbx;sandbox;help;pause'= {
        }
        &'dsbx;sandbox;help;connect'= {
        }
        &'dsbx;sandbox;help;help'= {
        }
        &'dsbx;files'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand ls 'List a directory: one name per line, directories with a trailing /'
            cand read 'Print a file''s bytes'
            cand write 'Write a file (CONTENT, or stdin with --stdin); creates parent directories'
            cand edit 'Replace exact text in a file'
            cand exists 'Print true or false; exit 0 or 1'
            cand info 'Name, type, size, mode and modification time'
            cand rm 'Remove a file or directory'
            cand mkdir 'Create a directory and its parents'
            cand mv 'Move or rename'
            cand upload 'Upload one file'
            cand download 'Download one file'
            cand upload-dir 'Upload a directory (skips .git, node_modules, ... unless --all)'
            cand download-dir 'Download a directory (skips .git, node_modules, ... unless --all)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'dsbx;files;ls'= {
            cand -d 'Recurse this deep'
            cand --depth 'Recurse this deep'
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;files;read'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;files;write'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --stdin 'Read the content from stdin'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;files;edit'= {
            cand --old 'The exact text to replace'
            cand --new 'Its replacement'
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --all 'Replace every occurrence (otherwise it must occur once)'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;files;exists'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;files;info'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;files;rm'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;files;mkdir'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;files;mv'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;files;upload'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;files;download'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;files;upload-dir'= {
            cand -d 'Descend at most N levels'
            cand --max-depth 'Descend at most N levels'
            cand -e 'Also skip directories with this name'
            cand --exclude 'Also skip directories with this name'
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --all 'Skip nothing by default'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;files;download-dir'= {
            cand -d 'Descend at most N levels'
            cand --max-depth 'Descend at most N levels'
            cand -e 'Also skip directories with this name'
            cand --exclude 'Also skip directories with this name'
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --all 'Skip nothing by default'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;files;help'= {
            cand ls 'List a directory: one name per line, directories with a trailing /'
            cand read 'Print a file''s bytes'
            cand write 'Write a file (CONTENT, or stdin with --stdin); creates parent directories'
            cand edit 'Replace exact text in a file'
            cand exists 'Print true or false; exit 0 or 1'
            cand info 'Name, type, size, mode and modification time'
            cand rm 'Remove a file or directory'
            cand mkdir 'Create a directory and its parents'
            cand mv 'Move or rename'
            cand upload 'Upload one file'
            cand download 'Download one file'
            cand upload-dir 'Upload a directory (skips .git, node_modules, ... unless --all)'
            cand download-dir 'Download a directory (skips .git, node_modules, ... unless --all)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'dsbx;files;help;ls'= {
        }
        &'dsbx;files;help;read'= {
        }
        &'dsbx;files;help;write'= {
        }
        &'dsbx;files;help;edit'= {
        }
        &'dsbx;files;help;exists'= {
        }
        &'dsbx;files;help;info'= {
        }
        &'dsbx;files;help;rm'= {
        }
        &'dsbx;files;help;mkdir'= {
        }
        &'dsbx;files;help;mv'= {
        }
        &'dsbx;files;help;upload'= {
        }
        &'dsbx;files;help;download'= {
        }
        &'dsbx;files;help;upload-dir'= {
        }
        &'dsbx;files;help;download-dir'= {
        }
        &'dsbx;files;help;help'= {
        }
        &'dsbx;snapshot'= {
            cand -n 'The snapshot''s name ([a-z0-9-], at most 40 characters) [default: <id>-<random>]'
            cand --name 'The snapshot''s name ([a-z0-9-], at most 40 characters) [default: <id>-<random>]'
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --no-pause 'Do not pause the sandbox for the commit (files being written may be caught half-way)'
            cand --keep-env 'Also store the environment given with -e at init in the image (readable by anyone who can use the engine)'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand ls 'List the scope''s snapshots'
            cand rm 'Remove snapshots (refused for one a sandbox still uses)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'dsbx;snapshot;ls'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;snapshot;rm'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;snapshot;help'= {
            cand ls 'List the scope''s snapshots'
            cand rm 'Remove snapshots (refused for one a sandbox still uses)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'dsbx;snapshot;help;ls'= {
        }
        &'dsbx;snapshot;help;rm'= {
        }
        &'dsbx;snapshot;help;help'= {
        }
        &'dsbx;fork'= {
            cand -n 'How many sandboxes to start (in parallel)'
            cand --count 'How many sandboxes to start (in parallel)'
            cand --timeout 'Lifetime of each new sandbox: seconds or 30s/10m/2h/1d; 0 = never [default: config `timeout`]'
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --no-pause 'Do not pause the sandbox for the commit (files being written may be caught half-way)'
            cand --keep-env 'Also store the environment given with -e at init in the image (readable by anyone who can use the engine)'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;mcp'= {
            cand --root-dir 'The host directory upload_file and download_file may use, and nothing outside it'
            cand --output-limit 'The most output run_command returns per stream; the rest is cut, with a note'
            cand --read-limit 'The largest file read_file returns'
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;pool'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand status 'Per pool: warm, claimed and filling sandboxes, its key, the filler''s last failures'
            cand fill 'Bring every pool up to its size (in the background unless --wait)'
            cand drain 'Remove every warm sandbox of the scope (claimed ones are the user''s and stay)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'dsbx;pool;status'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;pool;fill'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --wait 'Fill in the foreground and return once every pool is full'
            cand --detached 'Run as the detached background filler (what `init` and `pool fill` start)'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;pool;drain'= {
            cand --color 'When to colour stderr (also honours NO_COLOR)'
            cand --config 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]'
            cand --docker-host 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]'
            cand --scope 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]'
            cand --json 'Print one JSON object on stdout (errors too, as {"error": {...}})'
            cand --quiet 'No progress or notices; errors still print'
            cand --verbose 'Explain what dsbx does (Docker calls, timings) on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dsbx;pool;help'= {
            cand status 'Per pool: warm, claimed and filling sandboxes, its key, the filler''s last failures'
            cand fill 'Bring every pool up to its size (in the background unless --wait)'
            cand drain 'Remove every warm sandbox of the scope (claimed ones are the user''s and stay)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'dsbx;pool;help;status'= {
        }
        &'dsbx;pool;help;fill'= {
        }
        &'dsbx;pool;help;drain'= {
        }
        &'dsbx;pool;help;help'= {
        }
        &'dsbx;help'= {
            cand init 'Create a sandbox and print its id'
            cand exec 'Run a command in a sandbox, streaming its output; exits with its status'
            cand upload 'Copy a file or directory into a sandbox (`-` reads stdin)'
            cand download 'Copy a file or directory out of a sandbox (`-` writes stdout)'
            cand get-host 'Print the URL of a sandbox port'
            cand kill 'Remove sandboxes (containers, anonymous volumes, isolated networks, records)'
            cand ls 'List the scope''s sandboxes'
            cand gc 'Remove expired sandboxes and what they left behind (safe under cron)'
            cand pause 'Pause a sandbox (its processes freeze; its deadline keeps running)'
            cand resume 'Resume a paused sandbox'
            cand info 'Show everything known about a sandbox'
            cand egress 'Show or change a sandbox''s egress policy live, or read its proxy''s decision log'
            cand timeout 'Set a sandbox''s remaining lifetime from now (`0` = never)'
            cand template 'Build sandbox images'
            cand proxy 'The reverse proxy that serves wildcard URLs ({port}-{id}.<domain>)'
            cand doctor 'Check dsbx''s setup: engine, image, state, config, proxy, helper'
            cand completions 'Print a shell completion script'
            cand sandbox 'E2B sbx-style lifecycle commands (create, kill, list, info, ...)'
            cand files 'E2B sbx-style file commands (ls, read, write, edit, ...)'
            cand snapshot 'Save a sandbox''s files as a snapshot (the sandbox keeps running); list, remove snapshots'
            cand fork 'Snapshot a sandbox and start COUNT new sandboxes from it; prints their ids'
            cand mcp 'Serve sandboxes to AI agents as MCP tools over stdio (stdout carries only the protocol)'
            cand pool 'Warm sandboxes `init` claims in milliseconds (the config''s [pool]): status, fill, drain'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'dsbx;help;init'= {
        }
        &'dsbx;help;exec'= {
        }
        &'dsbx;help;upload'= {
        }
        &'dsbx;help;download'= {
        }
        &'dsbx;help;get-host'= {
        }
        &'dsbx;help;kill'= {
        }
        &'dsbx;help;ls'= {
        }
        &'dsbx;help;gc'= {
        }
        &'dsbx;help;pause'= {
        }
        &'dsbx;help;resume'= {
        }
        &'dsbx;help;info'= {
        }
        &'dsbx;help;egress'= {
        }
        &'dsbx;help;timeout'= {
        }
        &'dsbx;help;template'= {
            cand build 'Build an image (without --file, the compiled-in default Dockerfile)'
        }
        &'dsbx;help;template;build'= {
        }
        &'dsbx;help;proxy'= {
            cand up 'Start (or update) the proxy container'
            cand down 'Remove the proxy container'
            cand status 'Say whether the proxy runs, and where'
        }
        &'dsbx;help;proxy;up'= {
        }
        &'dsbx;help;proxy;down'= {
        }
        &'dsbx;help;proxy;status'= {
        }
        &'dsbx;help;doctor'= {
        }
        &'dsbx;help;completions'= {
        }
        &'dsbx;help;sandbox'= {
            cand create 'Create a sandbox (same as `dsbx init`)'
            cand kill 'Remove a sandbox'
            cand list 'List sandboxes'
            cand info 'Show a sandbox'
            cand status 'Print the status word (running, stopped, paused, ...)'
            cand get-host 'Print the URL of a port'
            cand extend-lifetime 'Add SECONDS to the remaining lifetime'
            cand pause 'Pause a sandbox'
            cand connect 'Check a sandbox is there and running (starting or resuming it) and print its id'
        }
        &'dsbx;help;sandbox;create'= {
        }
        &'dsbx;help;sandbox;kill'= {
        }
        &'dsbx;help;sandbox;list'= {
        }
        &'dsbx;help;sandbox;info'= {
        }
        &'dsbx;help;sandbox;status'= {
        }
        &'dsbx;help;sandbox;get-host'= {
        }
        &'dsbx;help;sandbox;extend-lifetime'= {
        }
        &'dsbx;help;sandbox;pause'= {
        }
        &'dsbx;help;sandbox;connect'= {
        }
        &'dsbx;help;files'= {
            cand ls 'List a directory: one name per line, directories with a trailing /'
            cand read 'Print a file''s bytes'
            cand write 'Write a file (CONTENT, or stdin with --stdin); creates parent directories'
            cand edit 'Replace exact text in a file'
            cand exists 'Print true or false; exit 0 or 1'
            cand info 'Name, type, size, mode and modification time'
            cand rm 'Remove a file or directory'
            cand mkdir 'Create a directory and its parents'
            cand mv 'Move or rename'
            cand upload 'Upload one file'
            cand download 'Download one file'
            cand upload-dir 'Upload a directory (skips .git, node_modules, ... unless --all)'
            cand download-dir 'Download a directory (skips .git, node_modules, ... unless --all)'
        }
        &'dsbx;help;files;ls'= {
        }
        &'dsbx;help;files;read'= {
        }
        &'dsbx;help;files;write'= {
        }
        &'dsbx;help;files;edit'= {
        }
        &'dsbx;help;files;exists'= {
        }
        &'dsbx;help;files;info'= {
        }
        &'dsbx;help;files;rm'= {
        }
        &'dsbx;help;files;mkdir'= {
        }
        &'dsbx;help;files;mv'= {
        }
        &'dsbx;help;files;upload'= {
        }
        &'dsbx;help;files;download'= {
        }
        &'dsbx;help;files;upload-dir'= {
        }
        &'dsbx;help;files;download-dir'= {
        }
        &'dsbx;help;snapshot'= {
            cand ls 'List the scope''s snapshots'
            cand rm 'Remove snapshots (refused for one a sandbox still uses)'
        }
        &'dsbx;help;snapshot;ls'= {
        }
        &'dsbx;help;snapshot;rm'= {
        }
        &'dsbx;help;fork'= {
        }
        &'dsbx;help;mcp'= {
        }
        &'dsbx;help;pool'= {
            cand status 'Per pool: warm, claimed and filling sandboxes, its key, the filler''s last failures'
            cand fill 'Bring every pool up to its size (in the background unless --wait)'
            cand drain 'Remove every warm sandbox of the scope (claimed ones are the user''s and stay)'
        }
        &'dsbx;help;pool;status'= {
        }
        &'dsbx;help;pool;fill'= {
        }
        &'dsbx;help;pool;drain'= {
        }
        &'dsbx;help;help'= {
        }
    ]
    $completions[$command]
}
