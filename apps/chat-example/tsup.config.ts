import { appConfig } from "@switchboard/tsup-config";

export default appConfig(["src/server.ts"]);
