/**
 * A kubeconfig for the drill server: one cluster (trusting the server's own
 * certificate), one token user, one context, selected. Values are written as
 * JSON strings, which YAML reads as plain scalars, so no name or token can
 * break the document.
 */
export function kubeconfigYaml(
  server: { url: string; token: string; certificateAuthority?: string },
  name: string,
): string {
  const q = (s: string): string => JSON.stringify(s);
  const ca = server.certificateAuthority
    ? [`    certificate-authority-data: ${q(Buffer.from(server.certificateAuthority).toString('base64'))}`]
    : [];
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${q(name)}`,
    '  cluster:',
    `    server: ${q(server.url)}`,
    ...ca,
    'users:',
    `- name: ${q(name)}`,
    '  user:',
    `    token: ${q(server.token)}`,
    'contexts:',
    `- name: ${q(name)}`,
    '  context:',
    `    cluster: ${q(name)}`,
    `    user: ${q(name)}`,
    `current-context: ${q(name)}`,
    'preferences: {}',
    '',
  ].join('\n');
}
