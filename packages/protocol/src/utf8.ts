/** The one UTF-8 encoder and decoder of a bundle; pure, so a bundle that uses neither drops them. */
export const utf8Encoder = /* @__PURE__ */ new TextEncoder();
export const utf8Decoder = /* @__PURE__ */ new TextDecoder();
