
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'dsbx' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'dsbx'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'dsbx' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a sandbox and print its id')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command in a sandbox, streaming its output; exits with its status')
            [CompletionResult]::new('upload', 'upload', [CompletionResultType]::ParameterValue, 'Copy a file or directory into a sandbox (`-` reads stdin)')
            [CompletionResult]::new('download', 'download', [CompletionResultType]::ParameterValue, 'Copy a file or directory out of a sandbox (`-` writes stdout)')
            [CompletionResult]::new('get-host', 'get-host', [CompletionResultType]::ParameterValue, 'Print the URL of a sandbox port')
            [CompletionResult]::new('kill', 'kill', [CompletionResultType]::ParameterValue, 'Remove sandboxes (containers, anonymous volumes, isolated networks, records)')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the scope''s sandboxes')
            [CompletionResult]::new('gc', 'gc', [CompletionResultType]::ParameterValue, 'Remove expired sandboxes and what they left behind (safe under cron)')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Pause a sandbox (its processes freeze; its deadline keeps running)')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Resume a paused sandbox')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show everything known about a sandbox')
            [CompletionResult]::new('egress', 'egress', [CompletionResultType]::ParameterValue, 'Show or change a sandbox''s egress policy live, or read its proxy''s decision log')
            [CompletionResult]::new('timeout', 'timeout', [CompletionResultType]::ParameterValue, 'Set a sandbox''s remaining lifetime from now (`0` = never)')
            [CompletionResult]::new('template', 'template', [CompletionResultType]::ParameterValue, 'Build sandbox images')
            [CompletionResult]::new('proxy', 'proxy', [CompletionResultType]::ParameterValue, 'The reverse proxy that serves wildcard URLs ({port}-{id}.<domain>)')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check dsbx''s setup: engine, image, state, config, proxy, helper')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('sandbox', 'sandbox', [CompletionResultType]::ParameterValue, 'E2B sbx-style lifecycle commands (create, kill, list, info, ...)')
            [CompletionResult]::new('files', 'files', [CompletionResultType]::ParameterValue, 'E2B sbx-style file commands (ls, read, write, edit, ...)')
            [CompletionResult]::new('snapshot', 'snapshot', [CompletionResultType]::ParameterValue, 'Save a sandbox''s files as a snapshot (the sandbox keeps running); list, remove snapshots')
            [CompletionResult]::new('fork', 'fork', [CompletionResultType]::ParameterValue, 'Snapshot a sandbox and start COUNT new sandboxes from it; prints their ids')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'Serve sandboxes to AI agents as MCP tools over stdio (stdout carries only the protocol)')
            [CompletionResult]::new('pool', 'pool', [CompletionResultType]::ParameterValue, 'Warm sandboxes `init` claims in milliseconds (the config''s [pool]): status, fill, drain')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dsbx;init' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'A template name from the config''s [templates] table')
            [CompletionResult]::new('--template', '--template', [CompletionResultType]::ParameterName, 'A template name from the config''s [templates] table')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Any image [default: config `image`, $DSBX_IMAGE, dsbx-base:latest]')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'A name, unique in the scope ([a-z0-9-], at most 40 characters)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'A name, unique in the scope ([a-z0-9-], at most 40 characters)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Lifetime: seconds or 30s/10m/2h/1d; 0 = never [default: config `timeout`, 1h]')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Environment variable K=V, or K to copy dsbx''s own value')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment variable K=V, or K to copy dsbx''s own value')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read environment variables from a file (K=V lines, # comments)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Publish a sandbox port on `publish_address` to a free host port')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Publish a sandbox port on `publish_address` to a free host port')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Bind-mount an absolute host path: HOST:PATH[:ro]')
            [CompletionResult]::new('--volume', '--volume', [CompletionResultType]::ParameterName, 'Bind-mount an absolute host path: HOST:PATH[:ro]')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Label K=V (also on the container)')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Label K=V (also on the container)')
            [CompletionResult]::new('--memory', '--memory', [CompletionResultType]::ParameterName, 'Memory limit, e.g. 512m, 2g [default: config limits.memory]')
            [CompletionResult]::new('--cpus', '--cpus', [CompletionResultType]::ParameterName, 'CPU limit, e.g. 0.5, 2 [default: config limits.cpus]')
            [CompletionResult]::new('--disk', '--disk', [CompletionResultType]::ParameterName, 'Disk limit of the sandbox''s writable layer, e.g. 1g, where the storage driver supports one (`dsbx doctor` says) [default: config limits.disk]')
            [CompletionResult]::new('--cpuset-cpus', '--cpuset-cpus', [CompletionResultType]::ParameterName, 'Pin the sandbox to these CPUs, e.g. 0-1 or 0,2 (nproc then reports them)')
            [CompletionResult]::new('--pids', '--pids', [CompletionResultType]::ParameterName, 'Process limit [default: config limits.pids]')
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'bridge, none or a network name [default: the shared `dsbx` network]')
            [CompletionResult]::new('--egress', '--egress', [CompletionResultType]::ParameterName, 'Egress policy: all, none, or a comma-separated allowlist of names, *.domains, addresses and networks, enforced by dsbx''s egress proxy [default: config egress.default]')
            [CompletionResult]::new('--health-cmd', '--health-cmd', [CompletionResultType]::ParameterName, 'A health check: a shell command run in the sandbox, healthy when it exits 0 (replaces the image''s HEALTHCHECK)')
            [CompletionResult]::new('--health-interval', '--health-interval', [CompletionResultType]::ParameterName, 'How often the health check runs [default: 10s]')
            [CompletionResult]::new('--wait-healthy', '--wait-healthy', [CompletionResultType]::ParameterName, 'Wait until the health check (--health-cmd or the image''s) says healthy; fail (and remove the sandbox) when it says unhealthy or DUR passes')
            [CompletionResult]::new('--workdir', '--workdir', [CompletionResultType]::ParameterName, 'Working directory of commands [default: the image''s]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The sandbox''s user for exec and files [default: the image''s USER]')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'Image platform, e.g. linux/amd64')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'E2B metadata (sbx compatibility): same as --label')
            [CompletionResult]::new('--metadata', '--metadata', [CompletionResultType]::ParameterName, 'E2B metadata (sbx compatibility): same as --label')
            [CompletionResult]::new('--snapshot', '--snapshot', [CompletionResultType]::ParameterName, 'Start from a snapshot (`dsbx snapshot ls`); other flags override what it carries')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--isolated', '--isolated', [CompletionResultType]::ParameterName, 'A network of the sandbox''s own, removed with it')
            [CompletionResult]::new('--auto-pause', '--auto-pause', [CompletionResultType]::ParameterName, 'E2B auto-pause (sbx compatibility): accepted and ignored')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;exec' {
            [CompletionResult]::new('--cwd', '--cwd', [CompletionResultType]::ParameterName, 'Working directory of the command (relative: from the sandbox''s)')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Environment variable K=V, or K to copy dsbx''s own value')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment variable K=V, or K to copy dsbx''s own value')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Run as this user [default: the sandbox''s user]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Run as this user [default: the sandbox''s user]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Kill the command and everything it started after DUR (exit 124) [default: config exec_timeout]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Run as root, with the sandbox''s capabilities')
            [CompletionResult]::new('--shell', '--shell', [CompletionResultType]::ParameterName, 'Join several words with spaces and run them through /bin/sh -c')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Forward stdin to the command (EOF included)')
            [CompletionResult]::new('--stdin', '--stdin', [CompletionResultType]::ParameterName, 'Forward stdin to the command (EOF included)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Interactive terminal (raw mode, window size)')
            [CompletionResult]::new('--tty', '--tty', [CompletionResultType]::ParameterName, 'Interactive terminal (raw mode, window size)')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Start in the background; print `PID: <pid>` and `Log: <path>`')
            [CompletionResult]::new('--background', '--background', [CompletionResultType]::ParameterName, 'Start in the background; print `PID: <pid>` and `Log: <path>`')
            [CompletionResult]::new('--stream', '--stream', [CompletionResultType]::ParameterName, 'Print JSON Lines events on stdout as they happen: start, stdout, stderr, exit (or error)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;upload' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Write as root instead of the sandbox''s user')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;download' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Accepted for symmetry with upload: downloads always read as root (Docker''s archive API)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;get-host' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The sandbox port (same as the positional PORT)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'The sandbox port (same as the positional PORT)')
            [CompletionResult]::new('--url-template', '--url-template', [CompletionResultType]::ParameterName, 'URL template [default: $DSBX_URL_TEMPLATE, config url_template, built-in]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the port answers, at most DUR, then print')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Exit 0 only if the sandbox''s process answers on that port')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;kill' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every sandbox of the scope')
            [CompletionResult]::new('--all-scopes', '--all-scopes', [CompletionResultType]::ParameterName, 'With --all: every scope')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;ls' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print ids only')
            [CompletionResult]::new('--ids-only', '--ids-only', [CompletionResultType]::ParameterName, 'Print ids only')
            [CompletionResult]::new('--all-scopes', '--all-scopes', [CompletionResultType]::ParameterName, 'Every scope, not just the current one')
            [CompletionResult]::new('--pool', '--pool', [CompletionResultType]::ParameterName, 'List the warm pool members instead (not anyone''s sandboxes until claimed)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;gc' {
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Also remove sandboxes created longer ago than DUR')
            [CompletionResult]::new('--idle', '--idle', [CompletionResultType]::ParameterName, 'Also remove sandboxes no dsbx command touched for DUR')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Say what would be removed; remove nothing')
            [CompletionResult]::new('--all-scopes', '--all-scopes', [CompletionResultType]::ParameterName, 'Every scope, not just the current one')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;pause' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;resume' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;info' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Add live CPU and memory (costs the engine about a second)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;egress' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'With `log`: keep printing decisions as they happen')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'With `log`: keep printing decisions as they happen')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;timeout' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;template' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Build an image (without --file, the compiled-in default Dockerfile)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dsbx;template;build' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Dockerfile to build (its directory is the context)')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Image tag [default: config `image`]')
            [CompletionResult]::new('--build-arg', '--build-arg', [CompletionResultType]::ParameterName, 'Build argument K=V')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;template;help' {
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Build an image (without --file, the compiled-in default Dockerfile)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dsbx;template;help;build' {
            break
        }
        'dsbx;template;help;help' {
            break
        }
        'dsbx;proxy' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Start (or update) the proxy container')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Remove the proxy container')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Say whether the proxy runs, and where')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dsbx;proxy;up' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;proxy;down' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;proxy;status' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;proxy;help' {
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Start (or update) the proxy container')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Remove the proxy container')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Say whether the proxy runs, and where')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dsbx;proxy;help;up' {
            break
        }
        'dsbx;proxy;help;down' {
            break
        }
        'dsbx;proxy;help;status' {
            break
        }
        'dsbx;proxy;help;help' {
            break
        }
        'dsbx;doctor' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;sandbox' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a sandbox (same as `dsbx init`)')
            [CompletionResult]::new('kill', 'kill', [CompletionResultType]::ParameterValue, 'Remove a sandbox')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List sandboxes')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show a sandbox')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Print the status word (running, stopped, paused, ...)')
            [CompletionResult]::new('get-host', 'get-host', [CompletionResultType]::ParameterValue, 'Print the URL of a port')
            [CompletionResult]::new('extend-lifetime', 'extend-lifetime', [CompletionResultType]::ParameterValue, 'Add SECONDS to the remaining lifetime')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Pause a sandbox')
            [CompletionResult]::new('connect', 'connect', [CompletionResultType]::ParameterValue, 'Check a sandbox is there and running (starting or resuming it) and print its id')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dsbx;sandbox;create' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'A template name from the config''s [templates] table')
            [CompletionResult]::new('--template', '--template', [CompletionResultType]::ParameterName, 'A template name from the config''s [templates] table')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Any image [default: config `image`, $DSBX_IMAGE, dsbx-base:latest]')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'A name, unique in the scope ([a-z0-9-], at most 40 characters)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'A name, unique in the scope ([a-z0-9-], at most 40 characters)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Lifetime: seconds or 30s/10m/2h/1d; 0 = never [default: config `timeout`, 1h]')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Environment variable K=V, or K to copy dsbx''s own value')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment variable K=V, or K to copy dsbx''s own value')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read environment variables from a file (K=V lines, # comments)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Publish a sandbox port on `publish_address` to a free host port')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Publish a sandbox port on `publish_address` to a free host port')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Bind-mount an absolute host path: HOST:PATH[:ro]')
            [CompletionResult]::new('--volume', '--volume', [CompletionResultType]::ParameterName, 'Bind-mount an absolute host path: HOST:PATH[:ro]')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Label K=V (also on the container)')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Label K=V (also on the container)')
            [CompletionResult]::new('--memory', '--memory', [CompletionResultType]::ParameterName, 'Memory limit, e.g. 512m, 2g [default: config limits.memory]')
            [CompletionResult]::new('--cpus', '--cpus', [CompletionResultType]::ParameterName, 'CPU limit, e.g. 0.5, 2 [default: config limits.cpus]')
            [CompletionResult]::new('--disk', '--disk', [CompletionResultType]::ParameterName, 'Disk limit of the sandbox''s writable layer, e.g. 1g, where the storage driver supports one (`dsbx doctor` says) [default: config limits.disk]')
            [CompletionResult]::new('--cpuset-cpus', '--cpuset-cpus', [CompletionResultType]::ParameterName, 'Pin the sandbox to these CPUs, e.g. 0-1 or 0,2 (nproc then reports them)')
            [CompletionResult]::new('--pids', '--pids', [CompletionResultType]::ParameterName, 'Process limit [default: config limits.pids]')
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'bridge, none or a network name [default: the shared `dsbx` network]')
            [CompletionResult]::new('--egress', '--egress', [CompletionResultType]::ParameterName, 'Egress policy: all, none, or a comma-separated allowlist of names, *.domains, addresses and networks, enforced by dsbx''s egress proxy [default: config egress.default]')
            [CompletionResult]::new('--health-cmd', '--health-cmd', [CompletionResultType]::ParameterName, 'A health check: a shell command run in the sandbox, healthy when it exits 0 (replaces the image''s HEALTHCHECK)')
            [CompletionResult]::new('--health-interval', '--health-interval', [CompletionResultType]::ParameterName, 'How often the health check runs [default: 10s]')
            [CompletionResult]::new('--wait-healthy', '--wait-healthy', [CompletionResultType]::ParameterName, 'Wait until the health check (--health-cmd or the image''s) says healthy; fail (and remove the sandbox) when it says unhealthy or DUR passes')
            [CompletionResult]::new('--workdir', '--workdir', [CompletionResultType]::ParameterName, 'Working directory of commands [default: the image''s]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The sandbox''s user for exec and files [default: the image''s USER]')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'Image platform, e.g. linux/amd64')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'E2B metadata (sbx compatibility): same as --label')
            [CompletionResult]::new('--metadata', '--metadata', [CompletionResultType]::ParameterName, 'E2B metadata (sbx compatibility): same as --label')
            [CompletionResult]::new('--snapshot', '--snapshot', [CompletionResultType]::ParameterName, 'Start from a snapshot (`dsbx snapshot ls`); other flags override what it carries')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--isolated', '--isolated', [CompletionResultType]::ParameterName, 'A network of the sandbox''s own, removed with it')
            [CompletionResult]::new('--auto-pause', '--auto-pause', [CompletionResultType]::ParameterName, 'E2B auto-pause (sbx compatibility): accepted and ignored')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;sandbox;kill' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;sandbox;list' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Show at most N')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Show at most N')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;sandbox;info' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;sandbox;status' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;sandbox;get-host' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The sandbox port')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'The sandbox port')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;sandbox;extend-lifetime' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;sandbox;pause' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;sandbox;connect' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Also set the remaining lifetime')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;sandbox;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a sandbox (same as `dsbx init`)')
            [CompletionResult]::new('kill', 'kill', [CompletionResultType]::ParameterValue, 'Remove a sandbox')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List sandboxes')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show a sandbox')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Print the status word (running, stopped, paused, ...)')
            [CompletionResult]::new('get-host', 'get-host', [CompletionResultType]::ParameterValue, 'Print the URL of a port')
            [CompletionResult]::new('extend-lifetime', 'extend-lifetime', [CompletionResultType]::ParameterValue, 'Add SECONDS to the remaining lifetime')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Pause a sandbox')
            [CompletionResult]::new('connect', 'connect', [CompletionResultType]::ParameterValue, 'Check a sandbox is there and running (starting or resuming it) and print its id')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dsbx;sandbox;help;create' {
            break
        }
        'dsbx;sandbox;help;kill' {
            break
        }
        'dsbx;sandbox;help;list' {
            break
        }
        'dsbx;sandbox;help;info' {
            break
        }
        'dsbx;sandbox;help;status' {
            break
        }
        'dsbx;sandbox;help;get-host' {
            break
        }
        'dsbx;sandbox;help;extend-lifetime' {
            break
        }
        'dsbx;sandbox;help;pause' {
            break
        }
        'dsbx;sandbox;help;connect' {
            break
        }
        'dsbx;sandbox;help;help' {
            break
        }
        'dsbx;files' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List a directory: one name per line, directories with a trailing /')
            [CompletionResult]::new('read', 'read', [CompletionResultType]::ParameterValue, 'Print a file''s bytes')
            [CompletionResult]::new('write', 'write', [CompletionResultType]::ParameterValue, 'Write a file (CONTENT, or stdin with --stdin); creates parent directories')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Replace exact text in a file')
            [CompletionResult]::new('exists', 'exists', [CompletionResultType]::ParameterValue, 'Print true or false; exit 0 or 1')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Name, type, size, mode and modification time')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a file or directory')
            [CompletionResult]::new('mkdir', 'mkdir', [CompletionResultType]::ParameterValue, 'Create a directory and its parents')
            [CompletionResult]::new('mv', 'mv', [CompletionResultType]::ParameterValue, 'Move or rename')
            [CompletionResult]::new('upload', 'upload', [CompletionResultType]::ParameterValue, 'Upload one file')
            [CompletionResult]::new('download', 'download', [CompletionResultType]::ParameterValue, 'Download one file')
            [CompletionResult]::new('upload-dir', 'upload-dir', [CompletionResultType]::ParameterValue, 'Upload a directory (skips .git, node_modules, ... unless --all)')
            [CompletionResult]::new('download-dir', 'download-dir', [CompletionResultType]::ParameterValue, 'Download a directory (skips .git, node_modules, ... unless --all)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dsbx;files;ls' {
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Recurse this deep')
            [CompletionResult]::new('--depth', '--depth', [CompletionResultType]::ParameterName, 'Recurse this deep')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;files;read' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;files;write' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--stdin', '--stdin', [CompletionResultType]::ParameterName, 'Read the content from stdin')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;files;edit' {
            [CompletionResult]::new('--old', '--old', [CompletionResultType]::ParameterName, 'The exact text to replace')
            [CompletionResult]::new('--new', '--new', [CompletionResultType]::ParameterName, 'Its replacement')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Replace every occurrence (otherwise it must occur once)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;files;exists' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;files;info' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;files;rm' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;files;mkdir' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;files;mv' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;files;upload' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;files;download' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;files;upload-dir' {
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Descend at most N levels')
            [CompletionResult]::new('--max-depth', '--max-depth', [CompletionResultType]::ParameterName, 'Descend at most N levels')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Also skip directories with this name')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Also skip directories with this name')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Skip nothing by default')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;files;download-dir' {
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Descend at most N levels')
            [CompletionResult]::new('--max-depth', '--max-depth', [CompletionResultType]::ParameterName, 'Descend at most N levels')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Also skip directories with this name')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Also skip directories with this name')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Skip nothing by default')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;files;help' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List a directory: one name per line, directories with a trailing /')
            [CompletionResult]::new('read', 'read', [CompletionResultType]::ParameterValue, 'Print a file''s bytes')
            [CompletionResult]::new('write', 'write', [CompletionResultType]::ParameterValue, 'Write a file (CONTENT, or stdin with --stdin); creates parent directories')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Replace exact text in a file')
            [CompletionResult]::new('exists', 'exists', [CompletionResultType]::ParameterValue, 'Print true or false; exit 0 or 1')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Name, type, size, mode and modification time')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a file or directory')
            [CompletionResult]::new('mkdir', 'mkdir', [CompletionResultType]::ParameterValue, 'Create a directory and its parents')
            [CompletionResult]::new('mv', 'mv', [CompletionResultType]::ParameterValue, 'Move or rename')
            [CompletionResult]::new('upload', 'upload', [CompletionResultType]::ParameterValue, 'Upload one file')
            [CompletionResult]::new('download', 'download', [CompletionResultType]::ParameterValue, 'Download one file')
            [CompletionResult]::new('upload-dir', 'upload-dir', [CompletionResultType]::ParameterValue, 'Upload a directory (skips .git, node_modules, ... unless --all)')
            [CompletionResult]::new('download-dir', 'download-dir', [CompletionResultType]::ParameterValue, 'Download a directory (skips .git, node_modules, ... unless --all)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dsbx;files;help;ls' {
            break
        }
        'dsbx;files;help;read' {
            break
        }
        'dsbx;files;help;write' {
            break
        }
        'dsbx;files;help;edit' {
            break
        }
        'dsbx;files;help;exists' {
            break
        }
        'dsbx;files;help;info' {
            break
        }
        'dsbx;files;help;rm' {
            break
        }
        'dsbx;files;help;mkdir' {
            break
        }
        'dsbx;files;help;mv' {
            break
        }
        'dsbx;files;help;upload' {
            break
        }
        'dsbx;files;help;download' {
            break
        }
        'dsbx;files;help;upload-dir' {
            break
        }
        'dsbx;files;help;download-dir' {
            break
        }
        'dsbx;files;help;help' {
            break
        }
        'dsbx;snapshot' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The snapshot''s name ([a-z0-9-], at most 40 characters) [default: <id>-<random>]')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The snapshot''s name ([a-z0-9-], at most 40 characters) [default: <id>-<random>]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--no-pause', '--no-pause', [CompletionResultType]::ParameterName, 'Do not pause the sandbox for the commit (files being written may be caught half-way)')
            [CompletionResult]::new('--keep-env', '--keep-env', [CompletionResultType]::ParameterName, 'Also store the environment given with -e at init in the image (readable by anyone who can use the engine)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the scope''s snapshots')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove snapshots (refused for one a sandbox still uses)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dsbx;snapshot;ls' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;snapshot;rm' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;snapshot;help' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the scope''s snapshots')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove snapshots (refused for one a sandbox still uses)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dsbx;snapshot;help;ls' {
            break
        }
        'dsbx;snapshot;help;rm' {
            break
        }
        'dsbx;snapshot;help;help' {
            break
        }
        'dsbx;fork' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'How many sandboxes to start (in parallel)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'How many sandboxes to start (in parallel)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Lifetime of each new sandbox: seconds or 30s/10m/2h/1d; 0 = never [default: config `timeout`]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--no-pause', '--no-pause', [CompletionResultType]::ParameterName, 'Do not pause the sandbox for the commit (files being written may be caught half-way)')
            [CompletionResult]::new('--keep-env', '--keep-env', [CompletionResultType]::ParameterName, 'Also store the environment given with -e at init in the image (readable by anyone who can use the engine)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;mcp' {
            [CompletionResult]::new('--root-dir', '--root-dir', [CompletionResultType]::ParameterName, 'The host directory upload_file and download_file may use, and nothing outside it')
            [CompletionResult]::new('--output-limit', '--output-limit', [CompletionResultType]::ParameterName, 'The most output run_command returns per stream; the rest is cut, with a note')
            [CompletionResult]::new('--read-limit', '--read-limit', [CompletionResultType]::ParameterName, 'The largest file read_file returns')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;pool' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Per pool: warm, claimed and filling sandboxes, its key, the filler''s last failures')
            [CompletionResult]::new('fill', 'fill', [CompletionResultType]::ParameterValue, 'Bring every pool up to its size (in the background unless --wait)')
            [CompletionResult]::new('drain', 'drain', [CompletionResultType]::ParameterValue, 'Remove every warm sandbox of the scope (claimed ones are the user''s and stay)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dsbx;pool;status' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;pool;fill' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Fill in the foreground and return once every pool is full')
            [CompletionResult]::new('--detached', '--detached', [CompletionResultType]::ParameterName, 'Run as the detached background filler (what `init` and `pool fill` start)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;pool;drain' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr (also honours NO_COLOR)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $DSBX_CONFIG, else <config dir>/dsbx/config.toml]')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'Docker engine: unix://, tcp://, ssh:// [default: $DOCKER_HOST, else the Docker context]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Which sandboxes this command sees [default: $DSBX_SCOPE, config `scope`, login name]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout (errors too, as {"error": {...}})')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or notices; errors still print')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Explain what dsbx does (Docker calls, timings) on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dsbx;pool;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Per pool: warm, claimed and filling sandboxes, its key, the filler''s last failures')
            [CompletionResult]::new('fill', 'fill', [CompletionResultType]::ParameterValue, 'Bring every pool up to its size (in the background unless --wait)')
            [CompletionResult]::new('drain', 'drain', [CompletionResultType]::ParameterValue, 'Remove every warm sandbox of the scope (claimed ones are the user''s and stay)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dsbx;pool;help;status' {
            break
        }
        'dsbx;pool;help;fill' {
            break
        }
        'dsbx;pool;help;drain' {
            break
        }
        'dsbx;pool;help;help' {
            break
        }
        'dsbx;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a sandbox and print its id')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command in a sandbox, streaming its output; exits with its status')
            [CompletionResult]::new('upload', 'upload', [CompletionResultType]::ParameterValue, 'Copy a file or directory into a sandbox (`-` reads stdin)')
            [CompletionResult]::new('download', 'download', [CompletionResultType]::ParameterValue, 'Copy a file or directory out of a sandbox (`-` writes stdout)')
            [CompletionResult]::new('get-host', 'get-host', [CompletionResultType]::ParameterValue, 'Print the URL of a sandbox port')
            [CompletionResult]::new('kill', 'kill', [CompletionResultType]::ParameterValue, 'Remove sandboxes (containers, anonymous volumes, isolated networks, records)')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the scope''s sandboxes')
            [CompletionResult]::new('gc', 'gc', [CompletionResultType]::ParameterValue, 'Remove expired sandboxes and what they left behind (safe under cron)')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Pause a sandbox (its processes freeze; its deadline keeps running)')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Resume a paused sandbox')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show everything known about a sandbox')
            [CompletionResult]::new('egress', 'egress', [CompletionResultType]::ParameterValue, 'Show or change a sandbox''s egress policy live, or read its proxy''s decision log')
            [CompletionResult]::new('timeout', 'timeout', [CompletionResultType]::ParameterValue, 'Set a sandbox''s remaining lifetime from now (`0` = never)')
            [CompletionResult]::new('template', 'template', [CompletionResultType]::ParameterValue, 'Build sandbox images')
            [CompletionResult]::new('proxy', 'proxy', [CompletionResultType]::ParameterValue, 'The reverse proxy that serves wildcard URLs ({port}-{id}.<domain>)')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check dsbx''s setup: engine, image, state, config, proxy, helper')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('sandbox', 'sandbox', [CompletionResultType]::ParameterValue, 'E2B sbx-style lifecycle commands (create, kill, list, info, ...)')
            [CompletionResult]::new('files', 'files', [CompletionResultType]::ParameterValue, 'E2B sbx-style file commands (ls, read, write, edit, ...)')
            [CompletionResult]::new('snapshot', 'snapshot', [CompletionResultType]::ParameterValue, 'Save a sandbox''s files as a snapshot (the sandbox keeps running); list, remove snapshots')
            [CompletionResult]::new('fork', 'fork', [CompletionResultType]::ParameterValue, 'Snapshot a sandbox and start COUNT new sandboxes from it; prints their ids')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'Serve sandboxes to AI agents as MCP tools over stdio (stdout carries only the protocol)')
            [CompletionResult]::new('pool', 'pool', [CompletionResultType]::ParameterValue, 'Warm sandboxes `init` claims in milliseconds (the config''s [pool]): status, fill, drain')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dsbx;help;init' {
            break
        }
        'dsbx;help;exec' {
            break
        }
        'dsbx;help;upload' {
            break
        }
        'dsbx;help;download' {
            break
        }
        'dsbx;help;get-host' {
            break
        }
        'dsbx;help;kill' {
            break
        }
        'dsbx;help;ls' {
            break
        }
        'dsbx;help;gc' {
            break
        }
        'dsbx;help;pause' {
            break
        }
        'dsbx;help;resume' {
            break
        }
        'dsbx;help;info' {
            break
        }
        'dsbx;help;egress' {
            break
        }
        'dsbx;help;timeout' {
            break
        }
        'dsbx;help;template' {
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Build an image (without --file, the compiled-in default Dockerfile)')
            break
        }
        'dsbx;help;template;build' {
            break
        }
        'dsbx;help;proxy' {
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Start (or update) the proxy container')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Remove the proxy container')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Say whether the proxy runs, and where')
            break
        }
        'dsbx;help;proxy;up' {
            break
        }
        'dsbx;help;proxy;down' {
            break
        }
        'dsbx;help;proxy;status' {
            break
        }
        'dsbx;help;doctor' {
            break
        }
        'dsbx;help;completions' {
            break
        }
        'dsbx;help;sandbox' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a sandbox (same as `dsbx init`)')
            [CompletionResult]::new('kill', 'kill', [CompletionResultType]::ParameterValue, 'Remove a sandbox')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List sandboxes')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show a sandbox')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Print the status word (running, stopped, paused, ...)')
            [CompletionResult]::new('get-host', 'get-host', [CompletionResultType]::ParameterValue, 'Print the URL of a port')
            [CompletionResult]::new('extend-lifetime', 'extend-lifetime', [CompletionResultType]::ParameterValue, 'Add SECONDS to the remaining lifetime')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Pause a sandbox')
            [CompletionResult]::new('connect', 'connect', [CompletionResultType]::ParameterValue, 'Check a sandbox is there and running (starting or resuming it) and print its id')
            break
        }
        'dsbx;help;sandbox;create' {
            break
        }
        'dsbx;help;sandbox;kill' {
            break
        }
        'dsbx;help;sandbox;list' {
            break
        }
        'dsbx;help;sandbox;info' {
            break
        }
        'dsbx;help;sandbox;status' {
            break
        }
        'dsbx;help;sandbox;get-host' {
            break
        }
        'dsbx;help;sandbox;extend-lifetime' {
            break
        }
        'dsbx;help;sandbox;pause' {
            break
        }
        'dsbx;help;sandbox;connect' {
            break
        }
        'dsbx;help;files' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List a directory: one name per line, directories with a trailing /')
            [CompletionResult]::new('read', 'read', [CompletionResultType]::ParameterValue, 'Print a file''s bytes')
            [CompletionResult]::new('write', 'write', [CompletionResultType]::ParameterValue, 'Write a file (CONTENT, or stdin with --stdin); creates parent directories')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Replace exact text in a file')
            [CompletionResult]::new('exists', 'exists', [CompletionResultType]::ParameterValue, 'Print true or false; exit 0 or 1')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Name, type, size, mode and modification time')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a file or directory')
            [CompletionResult]::new('mkdir', 'mkdir', [CompletionResultType]::ParameterValue, 'Create a directory and its parents')
            [CompletionResult]::new('mv', 'mv', [CompletionResultType]::ParameterValue, 'Move or rename')
            [CompletionResult]::new('upload', 'upload', [CompletionResultType]::ParameterValue, 'Upload one file')
            [CompletionResult]::new('download', 'download', [CompletionResultType]::ParameterValue, 'Download one file')
            [CompletionResult]::new('upload-dir', 'upload-dir', [CompletionResultType]::ParameterValue, 'Upload a directory (skips .git, node_modules, ... unless --all)')
            [CompletionResult]::new('download-dir', 'download-dir', [CompletionResultType]::ParameterValue, 'Download a directory (skips .git, node_modules, ... unless --all)')
            break
        }
        'dsbx;help;files;ls' {
            break
        }
        'dsbx;help;files;read' {
            break
        }
        'dsbx;help;files;write' {
            break
        }
        'dsbx;help;files;edit' {
            break
        }
        'dsbx;help;files;exists' {
            break
        }
        'dsbx;help;files;info' {
            break
        }
        'dsbx;help;files;rm' {
            break
        }
        'dsbx;help;files;mkdir' {
            break
        }
        'dsbx;help;files;mv' {
            break
        }
        'dsbx;help;files;upload' {
            break
        }
        'dsbx;help;files;download' {
            break
        }
        'dsbx;help;files;upload-dir' {
            break
        }
        'dsbx;help;files;download-dir' {
            break
        }
        'dsbx;help;snapshot' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the scope''s snapshots')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove snapshots (refused for one a sandbox still uses)')
            break
        }
        'dsbx;help;snapshot;ls' {
            break
        }
        'dsbx;help;snapshot;rm' {
            break
        }
        'dsbx;help;fork' {
            break
        }
        'dsbx;help;mcp' {
            break
        }
        'dsbx;help;pool' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Per pool: warm, claimed and filling sandboxes, its key, the filler''s last failures')
            [CompletionResult]::new('fill', 'fill', [CompletionResultType]::ParameterValue, 'Bring every pool up to its size (in the background unless --wait)')
            [CompletionResult]::new('drain', 'drain', [CompletionResultType]::ParameterValue, 'Remove every warm sandbox of the scope (claimed ones are the user''s and stay)')
            break
        }
        'dsbx;help;pool;status' {
            break
        }
        'dsbx;help;pool;fill' {
            break
        }
        'dsbx;help;pool;drain' {
            break
        }
        'dsbx;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
