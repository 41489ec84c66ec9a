import type { Options } from "tsup";
/** What a package's tsup.config.ts exports; named here so packages can export it without naming tsup's files. */
export type LibraryConfig = Options | Options[];
export declare function libraryConfig(overrides?: Options): LibraryConfig;
