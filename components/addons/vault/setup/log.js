// @ts-check
/**
 * Output of the Vault setup Jobs: one line per event on stdout, errors on stderr. Every line goes
 * through `redact`, which replaces each registered secret (tokens, the service-account JWT, key
 * shares, initial secret values) by `[redacted]`: a second line of defence behind the rule that no
 * message is ever built from a secret (paths and names only). `lastResort` alone writes unredacted
 * text, for the PGP-encrypted key shares when they could not be stored anywhere else.
 */
"use strict";

/** Secrets shorter than this are not searched for (they would garble every line). */
const MIN_REDACTED_LENGTH = 6;
/** Longest message kept from a server's error text. */
const MAX_SERVER_TEXT = 400;

class Log {
  /**
   * @param {string} command `bootstrap` or `configure`
   * @param {(line: string) => void} out
   * @param {(line: string) => void} err
   */
  constructor(command, out, err) {
    this.prefix = `vault-setup ${command}: `;
    this.out = out;
    this.err = err;
    /** @type {Set<string>} */
    this.secrets = new Set();
  }

  /** Registers a secret so that no line ever shows it. @param {unknown} value */
  secret(value) {
    if (typeof value === "string") {
      if (value.length >= MIN_REDACTED_LENGTH) this.secrets.add(value);
    } else if (Array.isArray(value)) {
      for (const v of value) this.secret(v);
    } else if (value !== null && typeof value === "object") {
      for (const v of Object.values(value)) this.secret(v);
    }
  }

  /** @param {string} text @returns {string} */
  redact(text) {
    let result = text;
    for (const s of this.secrets) result = result.split(s).join("[redacted]");
    return result;
  }

  /** @param {string} message */
  info(message) {
    this.out(this.redact(this.prefix + message));
  }

  /** @param {string} message */
  error(message) {
    this.err(this.redact(`${this.prefix}ERROR: ${message}`));
  }

  /**
   * Writes lines to stderr WITHOUT redaction. Only for the PGP-encrypted key shares, when storing
   * them failed: the Job's log is then the last place they exist.
   * @param {string[]} lines
   */
  lastResort(lines) {
    for (const line of lines) this.err(line);
  }
}

/**
 * A server's error text, cut to a readable length, for messages (redacted again when logged).
 * @param {string} text
 * @returns {string}
 */
function serverText(text) {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > MAX_SERVER_TEXT ? `${oneLine.slice(0, MAX_SERVER_TEXT)}…` : oneLine;
}

module.exports = { Log, serverText, MIN_REDACTED_LENGTH };
