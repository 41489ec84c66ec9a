import { libraryConfig } from "@switchboard/tsup-config";

// Never published: client-node and client-browser compile this output into their own bundles,
// so ESM and one flat .d.ts are all they need.
export default libraryConfig({ format: ["esm"], target: "es2022", platform: "neutral" });
