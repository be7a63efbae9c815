/** The words of `tokentray --help` and `tokentray COMMAND --help`. */
export const USAGE = `tokentray — your broker tokens for bots and scripts (TokenTray's command line)

Usage: tokentray COMMAND [ARGS] [OPTIONS]

Commands:
  status [ACCOUNT…] [--json]          status, readiness for the next NSE session, expiry (IST + local)
  token ACCOUNT [--allow-expired]     the access token alone on stdout
  env ACCOUNT… [--format dotenv|json|shell]
                                      the variables the account's export writes
  exec ACCOUNT… -- CMD [ARGS…]        run CMD with those variables in its environment
  wait ACCOUNT… [--timeout 30m]       return as soon as every account is good for the next session
  refresh ACCOUNT                     renew now without the login page (FYERS)
  validate ACCOUNT                    ask the broker whether the token still works
  login ACCOUNT                       open the login window in the running TokenTray
  api [on|off] [--port N] [--new-key status|token]
                                      the loopback HTTP API: turn it on/off, make a key (shown once)

ACCOUNT is an account id or label (case-insensitive) or a unique prefix of one.
With TokenTray running the CLI works on its live state (a private socket); without it, read-only
commands read the settings and the keychain directly.

Exit codes: 0 ok (status: every account good for the next session)
            1 not good: not ready, token expired/revoked/missing, needs a login, wait timed out
            2 error: bad usage, unknown account, keychain or broker problem, app not running (login)
Run "tokentray COMMAND --help" for a command's options. Docs: docs/bots.md.`;

export const COMMAND_HELP: Readonly<Record<string, string>> = {
  api: `Usage: tokentray api [on|off] [--port N] [--new-key status|token] [--json]

Shows or changes the loopback HTTP API of the running TokenTray (the same as Settings → Local API):
  on / off           start or stop it (off by default); it listens on 127.0.0.1 and ::1 only
  --port N           its port (default 5056)
  --new-key SCOPE    make a new key for SCOPE, replacing the old one, and print it once:
                     "status" (status and events, never a token) or "token" (also tokens, renewals)
Keys live only in the OS keychain. Needs TokenTray running.`,
  status: `Usage: tokentray status [ACCOUNT…] [--json]

Shows each account's token status, whether it lasts through the next NSE session (09:15–15:30 IST),
its expiry in IST and local time, and the time left. Without ACCOUNT: every account.
  --json   the same as GET /api/token/status (fields documented in docs/openapi.json)
Exit 0 when every listed account is good for the next session, 1 when not, 2 on error —
usable as ExecStartPre= in a systemd unit or in a crontab line.`,
  token: `Usage: tokentray token ACCOUNT [--allow-expired]

Prints the access token alone on stdout, e.g. KITE_ACCESS_TOKEN=$(tokentray token kite).
Refuses (exit 1, message on stderr) when the token is expired or revoked, unless --allow-expired.
Prefer "tokentray exec" where you can: a token on a command line can end up in shell history.`,
  env: `Usage: tokentray env ACCOUNT… [--format dotenv|json|shell] [--allow-expired]

Prints the variables the accounts' .env exports write (token, its expiry, extra keys):
  dotenv  KEY="value" lines (default)     json  one JSON object     shell  export KEY='value' lines
e.g. eval "$(tokentray env kite --format shell)". Exit 1 when a token is expired or revoked.`,
  exec: `Usage: tokentray exec ACCOUNT… [--allow-expired] -- CMD [ARGS…]

Runs CMD with the accounts' variables added to its environment (like aws-vault exec). No shell in
between: CMD and ARGS are passed as they are. CMD's exit code is passed through; SIGINT, SIGTERM,
SIGHUP and SIGQUIT are forwarded to it. Exit 1 without running CMD when a token is expired or revoked.`,
  wait: `Usage: tokentray wait ACCOUNT… [--timeout 30m]

Returns 0 as soon as every ACCOUNT holds a token that lasts through the next NSE session, 1 when the
timeout passes first (default 30m; units ms, s, m, h). A bot's start script waits instead of failing.`,
  refresh: `Usage: tokentray refresh ACCOUNT

Renews the token now without the login page, where the broker allows it (FYERS: refresh token +
stored PIN). Upstox and Kite need a login every day: exit 1 with "needs a login".`,
  validate: `Usage: tokentray validate ACCOUNT

Asks the broker whether the token still works. A rejected token is marked revoked (exit 1).`,
  login: `Usage: tokentray login ACCOUNT

Asks the running TokenTray to open the broker's login window for ACCOUNT and waits until the
login finishes. Needs TokenTray running (exit 2 with a message when it is not).`,
};
