/**
 * The Standard Schema interface (https://standardschema.dev), written out here so that no schema
 * library is a dependency: zod, valibot, arktype and others implement it as `schema["~standard"]`.
 */

/** A validator that implements Standard Schema v1. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly "~standard": StandardSchemaV1.Props<Input, Output>;
}

export declare namespace StandardSchemaV1 {
  /** What a Standard Schema validator exposes. */
  export interface Props<Input = unknown, Output = Input> {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => Result<Output> | Promise<Result<Output>>;
    readonly types?: Types<Input, Output> | undefined;
  }
  /** A validation's outcome. */
  export type Result<Output> = SuccessResult<Output> | FailureResult;
  /** The value is valid; `value` is the (possibly transformed) output. */
  export interface SuccessResult<Output> {
    readonly value: Output;
    readonly issues?: undefined;
  }
  /** The value is invalid, for the reasons in `issues`. */
  export interface FailureResult {
    readonly issues: ReadonlyArray<Issue>;
  }
  /** One reason a value is invalid. */
  export interface Issue {
    readonly message: string;
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined;
  }
  /** A path segment given as an object. */
  export interface PathSegment {
    readonly key: PropertyKey;
  }
  /** Type-only: the schema's input and output types. */
  export interface Types<Input = unknown, Output = Input> {
    readonly input: Input;
    readonly output: Output;
  }
  /** The output type a schema validates to. */
  export type InferOutput<Schema extends StandardSchemaV1> = NonNullable<
    Schema["~standard"]["types"]
  >["output"];
}
