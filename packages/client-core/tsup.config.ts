import { libraryConfig } from "@switchboard/tsup-config";

// Never published: client-node and client-browser compile this output into their own bundles,
// so ESM and one flat .d.ts are all they need. The events protocol is compiled in here.
export default libraryConfig({
  format: ["esm"],
  target: "es2022",
  platform: "neutral",
  noExternal: ["@switchboard/protocol"],
  dts: { resolve: ["@switchboard/protocol"] },
});
