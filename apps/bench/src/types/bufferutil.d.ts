// bufferutil ships no types; these are the two native helpers it exports.
declare module "bufferutil" {
  const bufferUtil: {
    mask(
      source: Uint8Array,
      mask: Uint8Array,
      output: Uint8Array,
      offset: number,
      length: number,
    ): void;
    unmask(buffer: Uint8Array, mask: Uint8Array): void;
  };
  export default bufferUtil;
}
