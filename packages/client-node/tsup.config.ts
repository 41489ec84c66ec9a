import { libraryConfig } from "@switchboard/tsup-config";

// The shared client logic is a private workspace package: compile it in, types included.
export default libraryConfig({
  noExternal: ["@switchboard/client-core"],
  dts: { resolve: ["@switchboard/client-core"] },
});
