import { libraryConfig } from "@switchboard/tsup-config";

// The shared client logic is a private workspace package: compile it in, types included, so
// the package has no runtime dependencies at all.
export default libraryConfig({
  target: "es2022",
  platform: "browser",
  noExternal: ["@switchboard/client-core"],
  dts: { resolve: ["@switchboard/client-core"] },
});
