/** Usage of the terminal client. */
export const CLI_USAGE = `usage: node dist/cli.js ws://HOST:PORT/chat
  Prints every chat line that arrives and sends each line you type. Ctrl-D or Ctrl-C quits.
  Reconnects by itself when the server goes away or restarts; exits 1, saying why, when the
  server closes the connection for good (a limit, a ban) or refuses it.`;

/** The server URL from the command line, or why there is none. */
export function parseCliArgs(argv: string[]): { url: string } | { help: true } | { error: string } {
  if (argv.length === 1 && (argv[0] === "--help" || argv[0] === "-h")) return { help: true };
  if (argv.length === 0) return { error: "missing the chat URL" };
  if (argv.length > 1) return { error: `expected one URL, got ${argv.length} arguments` };
  const text = argv[0] ?? "";
  if (!URL.canParse(text)) return { error: `not a URL: "${text}"; e.g. ws://127.0.0.1:8080/chat` };
  const { protocol } = new URL(text);
  if (protocol !== "ws:" && protocol !== "wss:") {
    return { error: `the URL must start with ws:// or wss://, got "${text}"` };
  }
  return { url: text };
}
