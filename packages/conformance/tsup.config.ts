import { libraryConfig } from "@switchboard/tsup-config";

// Three entries: the server suite, the browser-safe client suite, and the Node-only servers
// the client suite talks to.
export default libraryConfig({ entry: ["src/index.ts", "src/client.ts", "src/client-servers.ts"] });
