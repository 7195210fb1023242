// The krew plugin manifest (krew-index's plugins/<name>.yaml) and the rules krew
// itself checks a manifest against, restated from krew's
// internal/index/validation/validate.go (github.com/kubernetes-sigs/krew) and its
// semver package (a version must be "v" + semver), so a test can hold ours to them.

const apiVersion = 'krew.googlecontainertools.github.com/v1alpha2';
const platformLabels = { 'linux-x64': { os: 'linux', arch: 'amd64' }, 'linux-arm64': { os: 'linux', arch: 'arm64' } };

/** The release folder the manifest points at: $PLUMBLINE_RELEASE_URL, `{version}` filled in. */
export function releaseUrl(pkg) {
  const url = process.env.PLUMBLINE_RELEASE_URL;
  if (typeof url !== 'string' || !/^https:\/\//.test(url))
    throw new Error('PLUMBLINE_RELEASE_URL must be the https address the release archives are published under');
  return url.replaceAll('{version}', pkg.version).replace(/\/?$/, '/');
}

/** artifacts: [{ platform: 'linux-x64', name: 'plumbline-v0.1.0-linux-x64.tar.gz', sha256 }] */
export function krewManifest(pkg, artifacts) {
  const base = releaseUrl(pkg);
  const lines = [
    `apiVersion: ${apiVersion}`,
    'kind: Plugin',
    'metadata:',
    '  name: plumbline',
    'spec:',
    `  version: v${pkg.version}`,
    ...(pkg.homepage ? [`  homepage: ${pkg.homepage}`] : []),
    '  shortDescription: Guided troubleshooting runbooks for pods, nodes and hosts',
    '  description: |',
    '    plumbline walks a troubleshooting runbook against the current context:',
    '    it runs the checks itself, shows the evidence and the kubectl command',
    '    behind each, and ends on a diagnosis with the causal chain and the fix.',
    '    It only reads unless given --allow-mutations. Drills on a built-in',
    '    simulated cluster train the same runbooks: kubectl plumbline drill.',
    '  platforms:',
  ];
  for (const a of artifacts) {
    const labels = platformLabels[a.platform];
    if (!labels) throw new Error(`no krew os/arch for platform ${a.platform}`);
    lines.push(
      '  - selector:',
      '      matchLabels:',
      `        os: ${labels.os}`,
      `        arch: ${labels.arch}`,
      `    uri: ${base}${a.name}`,
      `    sha256: ${a.sha256}`,
      '    files:',
      '    - from: plumbline',
      '      to: .',
      '    - from: LICENSE',
      '      to: .',
      '    bin: plumbline',
    );
  }
  return `${lines.join('\n')}\n`;
}

const windowsForbidden = [
  'CON',
  'PRN',
  'AUX',
  'NUL',
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((n) => [`COM${n}`, `LPT${n}`]),
];
const semver = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** krew's ValidatePlugin for a parsed manifest: the list of problems, empty when krew would accept it. */
export function krewProblems(name, p) {
  const out = [];
  if (p?.apiVersion !== apiVersion) out.push(`apiVersion ${p?.apiVersion} is not ${apiVersion}`);
  if (p?.kind !== 'Plugin') out.push(`kind ${p?.kind} is not Plugin`);
  if (!/^[\w-]+$/.test(name) || windowsForbidden.some((f) => f.toLowerCase() === name.toLowerCase()))
    out.push(`plugin name ${name} is not allowed`);
  if (p?.metadata?.name !== name) out.push(`plugin should be named ${name}, not ${p?.metadata?.name}`);
  const spec = p?.spec ?? {};
  if (!spec.shortDescription) out.push('should have a short description');
  else if (/[\r\n]/.test(spec.shortDescription)) out.push('should not have line breaks in short description');
  if (!Array.isArray(spec.platforms) || spec.platforms.length === 0) out.push('should have a platform specified');
  if (!spec.version) out.push('should have a version specified');
  else if (!semver.test(spec.version)) out.push(`version ${spec.version} is not "v" + semver`);
  for (const pl of spec.platforms ?? []) {
    if (!pl.uri) out.push('`uri` has to be set');
    if (!pl.sha256) out.push('`sha256` sum has to be set');
    else if (!/^[a-f0-9]{64}$/.test(pl.sha256)) out.push(`sha256 ${pl.sha256} is not valid`);
    if (!pl.bin) out.push('`bin` has to be set');
    if (pl.files !== undefined) {
      if (!Array.isArray(pl.files) || pl.files.length === 0) out.push('`files` has to be unspecified or non-empty');
      for (const f of pl.files ?? []) if (!f.from || !f.to) out.push('`from` and `to` have to be set');
    }
    const sel = pl.selector;
    if (!sel) out.push('nil selector is not supported');
    else {
      if (!sel.matchLabels && !(sel.matchExpressions?.length > 0)) out.push('empty selector is not supported');
      const keys = [...Object.keys(sel.matchLabels ?? {}), ...(sel.matchExpressions ?? []).map((e) => e.key)];
      for (const k of keys) if (k !== 'os' && k !== 'arch') out.push(`selector key ${k} not supported`);
      if (sel.matchLabels && Object.keys(sel.matchLabels).length === 0) out.push('`matchLabels` specified but empty');
      if (sel.matchExpressions && sel.matchExpressions.length === 0) out.push('`matchExpressions` specified but empty');
    }
  }
  return out;
}
