import { libraryConfig } from "@switchboard/tsup-config";

// Three entries: the server suite, the browser-safe client suite, and the Node-only servers
// the client suite talks to. shims: the suite finds its optional peers with
// createRequire(import.meta.url), which CommonJS needs shimmed.
export default libraryConfig({
  entry: ["src/index.ts", "src/client.ts", "src/client-servers.ts"],
  shims: true,
});
