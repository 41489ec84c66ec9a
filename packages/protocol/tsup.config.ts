import { libraryConfig } from "@switchboard/tsup-config";

// Never published: core and client-core compile this output into their own bundles.
export default libraryConfig({ format: ["esm"], target: "es2022", platform: "neutral" });
