import { appConfig, type LibraryConfig } from "@switchboard/tsup-config";

const config: LibraryConfig = [
  // The server and the terminal client. Cleaning spares dist/web, which the build below writes
  // at the same time.
  appConfig(["src/server.ts", "src/cli.ts"], { clean: ["!web/**"] }),
  // The chat page: the browser client bundled in, next to the static index.html and CSS, so the
  // server serves everything itself (no CDN).
  appConfig(["src/web/app.ts"], {
    outDir: "dist/web",
    platform: "browser",
    target: "es2022",
    noExternal: [/^@switchboard\//],
    minify: true,
    publicDir: "src/web/public",
  }),
].flat();

export default config;
