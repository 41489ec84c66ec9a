import type { Options } from "tsup";

/** What `libraryConfig` returns; named here so config files need no tsup type import. */
export type LibraryConfig = Options | Options[];

export declare function libraryConfig(overrides?: Options): LibraryConfig;
