import { libraryConfig } from "@switchboard/tsup-config";

// shims: the engine is loaded with createRequire(import.meta.url), which CommonJS needs shimmed.
export default libraryConfig({ shims: true });
