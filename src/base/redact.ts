import { InputError } from './source.js';

/** What every secret becomes: short, greppable, and obviously not the original. */
export const redacted = '[REDACTED]';

/** Public but long and useless in a postmortem: kubeconfig certificate data is shortened to this. */
export const certificateMark = '[CERTIFICATE]';

/**
 * Names whose value is a secret: `password`, `MYSQL_ROOT_PASSWORD`, `clientSecret`,
 * `api-key`, `id-token`. The name must END with the word, so `secretName`,
 * `tokenExpirationSeconds` and `PASSWORD_FILE` (references, not secrets) stay.
 */
const secretName =
  /^[A-Za-z0-9_.-]*?(?:password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?key[_-]?data|credentials?|auth|[_.-]pass)$/i;

/** Kubeconfig certificate data, in kubectl's spelling and client-go's (`clientCertificateData`): public, shortened. */
const certificateName = /^(?:client[_-]?certificate[_-]?data|certificate[_-]?authority[_-]?data)$/i;

/** Values that cannot be a secret: booleans, nulls, empty, already redacted, or a nested block. */
function isPlainValue(v: string): boolean {
  const s = v.trim().replace(/^["']|["']$/g, '');
  return s === '' || /^(true|false|null|~|\[REDACTED\]|\[CERTIFICATE\])$/i.test(s);
}

export function isSecretName(name: string): boolean {
  return secretName.test(name);
}

/** Replaces secrets in one string. Each rule keeps the name, scheme or user so the line still reads. */
export function redactText(s: string, extra: readonly RegExp[] = []): string {
  let out = s;
  out = redactPem(out);
  if (out.includes('Private-Lines:')) out = redactPutty(out);
  if (/\bkind["']?\s*:\s*["']?Secret\b/.test(out)) out = redactSecretText(out);
  out = redactYamlLines(out);
  if (out.includes('-')) out = redactYamlArgv(out);
  out = redactJsonFields(out);
  for (const [pattern, replace] of inlineRules)
    out = typeof replace === 'string' ? out.replace(pattern, replace) : out.replace(pattern, replace);
  for (const pattern of extra) out = out.replace(globalCopy(pattern), redacted);
  return out;
}

/**
 * Redacts every string in an event, deeply, keeping its keys; also redacts by
 * structure what text rules cannot see: fields named like secrets, `{name, value}`
 * and `{label, value}` pairs naming one (env vars, evidence), and Secret objects' data.
 */
export function redactEvent<E>(event: E, extra: readonly RegExp[] = noExtra): E {
  return walk(event, extra) as E;
}

/** The default extra patterns: one array, so the short texts' cache below is kept between calls. */
const noExtra: readonly RegExp[] = [];

/**
 * Short strings already redacted, per list of extra patterns: an API list repeats its names,
 * labels and statuses thousands of times (a 5,000-node cluster's pods), and each string
 * otherwise goes through every rule again. redactText is a pure function of its arguments.
 */
const shortTexts = new WeakMap<readonly RegExp[], Map<string, string>>();
const shortLength = 128;
const shortEntries = 4000;

function redactShort(s: string, extra: readonly RegExp[]): string {
  if (s.length > shortLength) return redactLong(s, extra);
  let cache = shortTexts.get(extra);
  if (!cache) shortTexts.set(extra, (cache = new Map<string, string>()));
  let out = cache.get(s);
  if (out === undefined) {
    if (cache.size >= shortEntries) cache.clear();
    out = redactText(s, extra);
    cache.set(s, out);
  }
  return out;
}

/**
 * The last few long texts redacted, per list of extra patterns: a check's whole output (a 5,000-node list,
 * 200 KB) takes tens of ms to redact. The walk redacts it in a task of its own as the check finishes
 * (redactAhead), and the event that carries it, redacted whole when emitted, then finds it here.
 */
const longTexts = new WeakMap<readonly RegExp[], Map<string, string>>();
const longLength = 4096;
const longEntries = 8;

function redactLong(s: string, extra: readonly RegExp[]): string {
  if (s.length < longLength) return redactText(s, extra);
  let cache = longTexts.get(extra);
  if (!cache) longTexts.set(extra, (cache = new Map<string, string>()));
  let out = cache.get(s);
  if (out === undefined) {
    out = redactText(s, extra);
    if (cache.size >= longEntries) cache.delete(cache.keys().next().value as string);
    cache.set(s, out);
  }
  return out;
}

/** Redacts a long text now, so that redacting an event that carries it later is a look-up (same extra patterns, same array). */
export function redactAhead(s: string, extra: readonly RegExp[] = noExtra): void {
  redactLong(s, extra);
}

function walk(value: unknown, extra: readonly RegExp[]): unknown {
  if (typeof value === 'string') return redactShort(value, extra);
  if (Array.isArray(value))
    return value.map((v, i) =>
      i > 0 && typeof v === 'string' && isSecretFlagItem(value[i - 1]) && !isPlainValue(v) ? redacted : walk(v, extra),
    );
  if (value === null || typeof value !== 'object') return value;
  // A captured binary file (a CPU profile: function names and counts) is kept as bytes; text rules cannot read it.
  if (value instanceof Uint8Array) return value;
  const obj = value as Record<string, unknown>;
  const isSecret = obj.kind === 'Secret';
  const pairName = typeof obj.name === 'string' ? obj.name : typeof obj.label === 'string' ? obj.label : undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (isSecret && (k === 'data' || k === 'stringData') && v !== null && typeof v === 'object') {
      out[k] = Object.fromEntries(Object.keys(v).map((dk) => [dk, redacted]));
    } else if (
      typeof v === 'string' &&
      !isPlainValue(v) &&
      (isSecretName(k) || (k === 'value' && pairName !== undefined && isSecretName(pairName)))
    ) {
      out[k] = redacted;
    } else {
      out[k] = walk(v, extra);
    }
  }
  return out;
}

// ── text rules ──────────────────────────────────────────────────────

/**
 * PEM private keys of any flavour (RSA, EC, OPENSSH, ENCRYPTED, plain PKCS#8) and
 * PGP's armoured `PRIVATE KEY BLOCK`; a block cut off by a log limit is redacted to the end.
 */
function redactPem(s: string): string {
  return s.replace(
    /-----BEGIN ([A-Z0-9 ]{0,40})PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END \1PRIVATE KEY\2-----|$)/g,
    (_m, kind: string, block = '') =>
      `-----BEGIN ${kind}PRIVATE KEY${block}-----${redacted}-----END ${kind}PRIVATE KEY${block}-----`,
  );
}

/**
 * A PuTTY key file (`PuTTY-User-Key-File-3: ...`): everything from `Private-Lines: N`
 * to `Private-MAC:` (or `Private-Hash:`, PuTTY 0.52) is the key, and the MAC goes too;
 * cut off, it is redacted to the end. Found with indexOf, so a long text is read once.
 */
function redactPutty(s: string): string {
  let out = '';
  let from = 0;
  // Where the next MAC (or Hash) line is, each found again only once passed: a text of many keys is read once, not once per key.
  const next = { mac: -2, hash: -2 };
  for (let at = s.indexOf('Private-Lines:'); at >= 0; at = s.indexOf('Private-Lines:', from)) {
    const head = /^Private-Lines:[ \t]{0,8}\d{1,5}/.exec(s.slice(at, at + 32));
    if (!head) {
      out += s.slice(from, at + 1);
      from = at + 1;
      continue;
    }
    const bodyStart = at + head[0].length;
    const sep = /^(?:\r?\n|\\r\\n|\\n)/.exec(s.slice(bodyStart, bodyStart + 4))?.[0] ?? '\n';
    if (next.mac !== -1 && next.mac < bodyStart) next.mac = s.indexOf('Private-MAC:', bodyStart);
    if (next.hash !== -1 && next.hash < bodyStart) next.hash = s.indexOf('Private-Hash:', bodyStart);
    const mac = next.mac < 0 ? next.hash : next.hash < 0 ? next.mac : Math.min(next.mac, next.hash);
    out += `${s.slice(from, bodyStart)}${sep}${redacted}`;
    if (mac < 0) return out;
    const macLine = /^(Private-(?:MAC|Hash):[ \t]{0,8})[0-9a-fA-F]{1,128}/.exec(s.slice(mac, mac + 160));
    out += sep;
    if (!macLine) {
      from = mac;
      continue;
    }
    out += `${macLine[1] ?? ''}${redacted}`;
    from = mac + macLine[0].length;
  }
  return out + s.slice(from);
}

const yamlKey = /^(\s*(?:-\s+)?)(["']?)([A-Za-z0-9_.-]+)\2(\s*:[ \t]*)(.*)$/;

/**
 * `password: x`, `token: x`, `client-key-data: x` at the start of a line
 * (YAML, kubeconfig, `key: value` output), block scalars (`password: |`) included.
 */
function redactYamlLines(s: string): string {
  if (!s.includes(':')) return s;
  const lines = s.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const m = yamlKey.exec(line);
    const [, lead = '', quote = '', key = '', sep = '', value = ''] = m ?? [];
    const isCert = certificateName.test(key);
    if (!m || !(isSecretName(key) || isCert) || value === '' || /^[{[]/.test(value) || isPlainValue(value)) {
      out.push(line);
      continue;
    }
    out.push(`${lead}${quote}${key}${quote}${sep}${isCert ? certificateMark : redacted}`);
    if (/^[|>][-+0-9]*\s*$/.test(value)) i = skipBlock(lines, i, lead.length);
  }
  return out.join('\n');
}

/**
 * An argv written one item a line, as YAML lists print a container's args:
 * `- --api-key` then `- value` (the flag and its value are separate items); the value goes.
 */
function redactYamlArgv(s: string): string {
  const lines = s.split('\n');
  let changed = false;
  for (let i = 0; i + 1 < lines.length; i++) {
    const item = /^[ \t]{0,64}-[ \t]{1,8}(["']?)(.*?)\1[ \t]{0,8}\r?$/.exec(lines[i] ?? '');
    if (!item || !isSecretFlagItem(item[2] ?? '')) continue;
    const next = /^([ \t]{0,64}-[ \t]{1,8})(.*?)(\r?)$/.exec(lines[i + 1] ?? '');
    if (!next || isPlainValue(next[2] ?? '') || (next[2] ?? '').startsWith('-')) continue;
    lines[i + 1] = `${next[1] ?? ''}${redacted}${next[3] ?? ''}`;
    changed = true;
  }
  return changed ? lines.join('\n') : s;
}

/** Index of the last line of the block scalar or nested block under line `i` (indented deeper than `indent`). */
function skipBlock(lines: string[], i: number, indent: number): number {
  let j = i;
  while (j + 1 < lines.length) {
    const next = lines[j + 1] ?? '';
    if (next.trim() !== '' && next.length - next.trimStart().length <= indent) break;
    j++;
  }
  return j;
}

/** `"password": "x"` and `"apiKey":"x"` in JSON, whatever the spacing; escaped quotes inside the value are handled. */
function redactJsonFields(s: string): string {
  if (!s.includes('"')) return s;
  return s.replace(/"([A-Za-z0-9_.-]+)"(\s*:\s*)"((?:[^"\\]|\\.)*)"/g, (m, key: string, sep: string, value: string) => {
    if (certificateName.test(key)) return `"${key}"${sep}"${certificateMark}"`;
    return isSecretName(key) && !isPlainValue(value) ? `"${key}"${sep}"${redacted}"` : m;
  });
}

/**
 * A Secret printed as JSON or YAML (`kubectl get secret -o yaml`, a last-applied
 * annotation): every value under `data` and `stringData`. Only called when the
 * text says `kind: Secret`, so a ConfigMap's data stays readable.
 */
function redactSecretText(s: string): string {
  let out = s.replace(
    /("(?:data|stringData)"\s*:\s*\{)([^{}]*)(\})/g,
    (_m, open: string, body: string, close: string) =>
      `${open}${body.replace(/("(?:[^"\\]|\\.)*"\s*:\s*)"(?:[^"\\]|\\.)*"/g, `$1"${redacted}"`)}${close}`,
  );
  const lines = out.split('\n');
  const result: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    result.push(line);
    const m = /^(\s*)(?:data|stringData):\s*$/.exec(line);
    if (!m) continue;
    const indent = (m[1] ?? '').length;
    const end = skipBlock(lines, i, indent);
    let childIndent: number | undefined;
    for (let j = i + 1; j <= end; j++) {
      const child = lines[j] ?? '';
      const depth = child.length - child.trimStart().length;
      childIndent ??= depth;
      const kv = /^(\s*)([^:\s][^:]*?)(\s*:)[ \t]*(.*)$/.exec(child);
      // Only the Secret's own keys; lines deeper than them belong to a block scalar being dropped.
      if (depth === childIndent && kv) result.push(`${kv[1] ?? ''}${kv[2] ?? ''}${kv[3] ?? ''} ${redacted}`);
      else if (child.trim() === '') result.push(child);
    }
    i = end;
  }
  out = result.join('\n');
  return out;
}

const envName = String.raw`[A-Za-z0-9_]*?(?:PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|_PASS|(?<![A-Za-z0-9_])PASS)`;

/**
 * A command-line flag whose value is a secret (`--password`, `--api-key`, `--db-pass`,
 * `--oidc-client-secret`); the name must end with the word, so `--token-file` stays.
 */
const secretFlag = String.raw`--?(?:[a-z0-9_-]{0,48}?(?:password|passwd|passphrase|token|secret|api[-_]?key|access[-_]?key|credentials?)|(?:[a-z0-9_-]{0,48}-)?pass)`;
const secretFlagItemRe = new RegExp(String.raw`^${secretFlag}$`, 'i');

/** An argv item that is a secret flag alone (its value the next item). */
function isSecretFlagItem(v: unknown): boolean {
  return typeof v === 'string' && v.length <= 64 && secretFlagItemRe.test(v);
}
/** A value: quoted, or up to whitespace, `&` (query strings), a quote, `,` or `;`. */
const envValue = String.raw`(?:"(?:[^"\\]|\\.)*"|'[^']*'|[^\s&"',;]+)`;

/** Bearer/Basic credentials: must look like a token (a digit, or 24+ characters), so "Bearer token" and "Basic auth" stay prose. */
const credential = String.raw`(?=[A-Za-z0-9\-._~+/]*[0-9]|[A-Za-z0-9\-._~+/]{24})[A-Za-z0-9\-._~+/]{8,}=*`;

const inlineRules: [RegExp, string | ((...args: string[]) => string)][] = [
  // Authorization headers: the scheme stays, the credential goes (with no scheme, the rest of the value).
  [
    // Digest keeps its parameters (username, realm, uri): only its response is secret, redacted below.
    /\b((?:proxy-)?authorization)(["']?\s*[:=]\s*["']?)(?:(Digest)(?=\s)|(Bearer|Basic|Negotiate|token)\s+[^\s"',}]+|(?!\[REDACTED\])[^\s"',}][^"'\r\n,}]*)/gi,
    (_m, name: string, sep: string, digest: string | undefined, scheme: string | undefined) =>
      digest ? `${name}${sep}${digest}` : `${name}${sep}${scheme ? `${scheme} ` : ''}${redacted}`,
  ],
  [new RegExp(String.raw`\b(Bearer|Basic)\s+${credential}`, 'g'), `$1 ${redacted}`],
  // scheme://user:password@host (a scheme is short: bounded, so a long run of scheme characters is not re-read from every word start)
  [/\b([a-z][a-z0-9+.-]{0,31}:\/\/[^\s:@/]*):([^\s@/]+)@/gi, `$1:${redacted}@`],
  // --password=x, --token x, --client-secret=x; in a ps line, a JSON string or /proc/<pid>/cmdline (NUL-separated).
  [
    new RegExp(
      String.raw`(^|[\s"'\[,\0])(${secretFlag})(=|[ \t\0]{1,8})(?!\[REDACTED\])("[^"\n]{0,1024}"|'[^'\n]{0,1024}'|[^\s"'\0]+)`,
      'gi',
    ),
    `$1$2$3${redacted}`,
  ],
  // The flag and its value as separate items of a JSON array (a container's args): "--api-key", "x".
  [
    new RegExp(String.raw`"(${secretFlag})"(\s{0,64},\s{0,64})"(?!\[REDACTED\]")(?:[^"\\\n]|\\.){1,4096}"`, 'gi'),
    `"$1"$2"${redacted}"`,
  ],
  // PASSWORD=x, MYSQL_ROOT_PASSWORD=x, DB_PASS=x, ?token=x, and a credentials file's
  // `aws_secret_access_key = x`; the name must end with the secret word.
  [
    new RegExp(String.raw`(^|[^A-Za-z0-9_-])(${envName})(=|[ \t]{1,8}=[ \t]{0,8})(?!\[REDACTED\])${envValue}`, 'gim'),
    `$1$2$3${redacted}`,
  ],
  // `password: x` in the middle of a log line ("connecting as root with password: x"), and headers
  // such as `X-Api-Key: x` or `X-Vault-Token: x` wherever they are (`curl -H "X-Api-Key: x"`).
  [
    /\b((?:[a-z0-9]{1,32}[-_]){0,4}(?:password|passwd|api[-_]?key|apikey|secret[-_]?key|client[-_]?secret|(?:auth|access|private|session|refresh|vault|consul|security)[-_]?token|(?<=[-_])pass)|x-[a-z0-9-]{0,32}?(?:token|key|secret|auth))([ \t]{0,8}:[ \t]{0,8})(?!\[REDACTED\])("[^"\n]{0,1024}"|'[^'\n]{0,1024}'|[^\s"',;]+)/gi,
    `$1$2${redacted}`,
  ],
  // HTTP Digest: the response is a hash of the password that can be replayed; the other parameters stay.
  [/\b(response=)("?)[0-9a-fA-F]{32,128}\2(?![0-9a-fA-F])/g, `$1$2${redacted}$2`],
  // A JWT anywhere (service account tokens, OIDC id-tokens): found by redactJwts, in one pass over each run.
  // Every maximal run matches at once (no backing off); runs without eyJ come back as they were.
  [/[A-Za-z0-9_.-]+/g, (run: string) => (run.includes('eyJ') ? redactJwts(run) : run)],
  // Well-known token shapes: GitHub, GitLab, Slack, AWS access key ids. The runs end where their alphabet
  // does (a lookahead, not \b), so a long run is read once instead of backed off character by character.
  // AWS key ids: AKIA long-lived, ASIA temporary (STS). Stripe secret and restricted keys.
  [
    /\b(?:gh[pousr]_[A-Za-z0-9]{30,}(?![A-Za-z0-9_])|glpat-[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])|xox[abprs]-[A-Za-z0-9-]{10,}(?![A-Za-z0-9-])|A(?:KI|SI)A[0-9A-Z]{16}\b|[sr]k_(?:live|test)_[A-Za-z0-9]{10,}(?![A-Za-z0-9]))/g,
    redacted,
  ],
];

/**
 * A JWT is three base64url parts joined by dots, the first (a JSON header)
 * starting eyJ at a word boundary, the first two at least 8 long after it.
 * The regular expression for that backtracks over a long run with no dots
 * (`eyJ-` repeated: quadratic, a 256 KiB line took 35 s), so each run of the
 * alphabet is split on its dots once and read part by part.
 */
function redactJwts(run: string): string {
  const parts = run.split('.');
  const out: string[] = [];
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k] ?? '';
    const start = k + 2 < parts.length && (parts[k + 1] ?? '').length >= 8 ? headerStart(part) : -1;
    if (start < 0) {
      out.push(part);
      continue;
    }
    // The header from its eyJ, the payload, and the signature (which may be empty) are one secret.
    out.push(`${part.slice(0, start)}${redacted}`);
    k += 2;
  }
  // Parts that were redacted are gone from out, so joining puts each dot back where it stood otherwise.
  return out.join('.');
}

/** Where a JWT header starts in one dot-free part (eyJ at a word boundary, 8 more characters after it), or -1. */
function headerStart(part: string): number {
  for (let i = part.indexOf('eyJ'); i >= 0; i = part.indexOf('eyJ', i + 1)) {
    // Later candidates are shorter: if this one is too short, so are they.
    if (part.length - i - 3 < 8) return -1;
    if (i === 0 || !/[A-Za-z0-9_]/.test(part[i - 1] ?? '')) return i;
  }
  return -1;
}

/** `replace` with a user's pattern must hit every match; a copy so the caller's lastIndex is never touched. */
function globalCopy(pattern: RegExp): RegExp {
  return new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
}

/**
 * Extra patterns from `PLUMBLINE_REDACT`: one regular expression per line, or
 * several on one line separated by commas (a comma inside `{2,5}` or `[,;]`, or
 * written `\,`, does not split). `/pattern/flags` sets flags; each whole match
 * becomes [REDACTED] (use a lookbehind to keep a prefix: `(?<=x-api-key: )\S+`).
 * A pattern that does not compile is bad input, not something to skip: a typo
 * must never silently let a secret through.
 */
export function loadExtraPatterns(env: NodeJS.ProcessEnv = process.env): RegExp[] {
  const raw = env.PLUMBLINE_REDACT;
  if (!raw || raw.trim() === '') return [];
  const sources = raw
    .split(/\r?\n/)
    .flatMap(splitCommas)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return sources.map((source, i) => {
    const slashed = /^\/(.+)\/([a-z]*)$/.exec(source);
    const [body, flags] = slashed ? [slashed[1] ?? '', slashed[2] ?? ''] : [source, ''];
    try {
      const re = new RegExp(body, flags.includes('g') ? flags : `${flags}g`);
      // A pattern matching the empty string would insert [REDACTED] between every character.
      if (re.test('')) throw new Error('it matches the empty string');
      return re;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new InputError([
        { file: 'PLUMBLINE_REDACT', line: i + 1, column: 1, message: `bad pattern ${JSON.stringify(source)}: ${why}` },
      ]);
    }
  });
}

/** Splits on commas outside `{}`/`[]`/`()` and not escaped; `\,` becomes a plain comma. */
function splitCommas(line: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? '';
    if (c === '\\' && line[i + 1] === ',') {
      cur += ',';
      i++;
    } else if (c === '\\') {
      cur += c + (line[i + 1] ?? '');
      i++;
    } else if (c === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else {
      if ('{[('.includes(c)) depth++;
      if ('}])'.includes(c) && depth > 0) depth--;
      cur += c;
    }
  }
  parts.push(cur);
  return parts;
}
