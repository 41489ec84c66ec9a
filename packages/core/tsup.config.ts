import { libraryConfig } from "@switchboard/tsup-config";

// The events protocol is a private workspace package shared with the clients: compile it in,
// types included, so core keeps no runtime dependencies.
export default libraryConfig({
  noExternal: ["@switchboard/protocol"],
  dts: { resolve: ["@switchboard/protocol"] },
});
