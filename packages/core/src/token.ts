/** One character of an HTTP token (RFC 9110 5.6.2). */
const TOKEN_CHAR = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]";

/** An HTTP token: what a header name and a subprotocol name (RFC 6455 4.1) must be. */
export const TOKEN = new RegExp(`^${TOKEN_CHAR}+$`);

/** A comma-separated list of tokens, as browsers send `Access-Control-Request-Headers`. */
export const TOKEN_LIST = new RegExp(`^${TOKEN_CHAR}+(?:[ \\t]*,[ \\t]*${TOKEN_CHAR}+)*$`);
