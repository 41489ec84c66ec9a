import { libraryConfig } from "@switchboard/tsup-config";

// One entry per audience: applications, engine bindings, pub/sub adapters. The two seams hold
// only types, functions and constants, so a CJS entry's own copy of them keeps no identity that
// `instanceof` could miss.
export default libraryConfig({ entry: ["src/index.ts", "src/backend.ts", "src/pubsub.ts"] });
