import type { Options } from "tsup";

/** What the config helpers return; named here so config files need no tsup type import. */
export type LibraryConfig = Options | Options[];

/** ESM + CJS + declarations from `src/index.ts`. */
export declare function libraryConfig(overrides?: Options): LibraryConfig;

/** ESM only, no declarations: for apps run with `node dist/<entry>.js`. */
export declare function appConfig(entry: string[], overrides?: Options): LibraryConfig;
