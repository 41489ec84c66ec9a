import { libraryConfig } from "@switchboard/tsup-config";

// One entry per audience: applications, engine bindings, pub/sub adapters. The two seams hold
// only types, functions and constants, so a CJS entry's own copy of them keeps no identity that
// `instanceof` could miss. The events protocol is a private workspace package shared with the
// clients: compiled in, types included, so core keeps no runtime dependencies.
export default libraryConfig({
  entry: ["src/index.ts", "src/backend.ts", "src/pubsub.ts"],
  noExternal: ["@switchboard/protocol"],
  dts: { resolve: ["@switchboard/protocol"] },
});
