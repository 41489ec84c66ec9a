import { libraryConfig } from "@switchboard/tsup-config";

export default libraryConfig();
