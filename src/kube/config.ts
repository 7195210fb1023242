import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { printable } from './errors.js';

/** The kubeconfig could not be used; the CLI reports it as bad input (exit 2). */
export class KubeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeConfigError';
  }
}

export interface KubeConfigOptions {
  kubeconfig?: string | undefined;
  context?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

export interface LoadedKubeConfig {
  kc: KubeConfig;
  contextName: string;
  server: string;
  /** Where the config came from, for messages. */
  source: string;
}

/** Finds the kubeconfig files the way kubectl does: --kubeconfig, then $KUBECONFIG (a list), then ~/.kube/config. */
export function kubeconfigFiles(opts: KubeConfigOptions): string[] {
  const env = opts.env ?? process.env;
  if (opts.kubeconfig) {
    if (!existsSync(opts.kubeconfig)) throw new KubeConfigError(`kubeconfig ${opts.kubeconfig}: no such file`);
    return [opts.kubeconfig];
  }
  const fromEnv = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (fromEnv.length > 0) {
    // kubectl skips missing entries of $KUBECONFIG but needs at least one.
    const present = fromEnv.filter((f) => existsSync(f));
    if (present.length === 0) throw new KubeConfigError(`KUBECONFIG=${env.KUBECONFIG}: none of these files exists`);
    return present;
  }
  const home = join(env.HOME ?? homedir(), '.kube', 'config');
  if (existsSync(home)) return [home];
  throw new KubeConfigError('no kubeconfig: KUBECONFIG is unset and ~/.kube/config does not exist (pass --kubeconfig)');
}

export async function loadKubeConfig(opts: KubeConfigOptions): Promise<LoadedKubeConfig> {
  const files = kubeconfigFiles(opts);
  // Deep import: the package index would also load the generated API classes (15 MB), which plumbline never uses.
  const { KubeConfig } = await import('@kubernetes/client-node/dist/config.js');
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(files[0] ?? '');
    for (const file of files.slice(1)) {
      const more = new KubeConfig();
      more.loadFromFile(file);
      kc.mergeConfig(more);
    }
  } catch (err) {
    throw new KubeConfigError(
      `kubeconfig ${files.join(delimiter)}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const source = files.join(delimiter);
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new KubeConfigError(
        `context "${opts.context}" is not in ${source} (contexts: ${known.join(', ') || 'none'})`,
      );
    }
    kc.setCurrentContext(opts.context);
  }
  const contextName = kc.getCurrentContext();
  if (!contextName || !kc.getContextObject(contextName)) {
    throw new KubeConfigError(`${source} has no current context; pass --context or run kubectl config use-context`);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server)
    throw new KubeConfigError(`context "${contextName}" in ${source} names no cluster with a server`);
  if (!isServerUrl(cluster.server)) {
    throw new KubeConfigError(
      `cluster "${cluster.name}" in ${source} has server ${JSON.stringify(printable(cluster.server, 100))}, which is not a URL (it looks like https://host:6443)`,
    );
  }
  const exec = kc.getCurrentUser()?.exec as
    { command?: unknown; installHint?: unknown; env?: { name: string; value: string }[] | null } | undefined;
  if (
    exec &&
    typeof exec.command === 'string' &&
    exec.command !== '' &&
    !findExecutable(exec.command, execPath(exec.env, opts.env ?? process.env))
  ) {
    const hint =
      typeof exec.installHint === 'string' && exec.installHint.trim()
        ? `: ${printable(exec.installHint.trim(), 200)}`
        : '';
    throw new KubeConfigError(
      `user "${kc.getCurrentUser()?.name ?? ''}" in ${source} gets its credentials from the program ${JSON.stringify(printable(exec.command, 100))}, which is not installed (not found${exec.command.includes('/') ? '' : ' on PATH'})${hint}`,
    );
  }
  return { kc, contextName, server: cluster.server, source };
}

/** client-node needs an absolute http(s) URL (kubectl also reads a bare host:port; client-node cannot). */
function isServerUrl(server: string): boolean {
  try {
    const url = new URL(server);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** The PATH the credential plugin is started with: the plugin's own env may set it. */
function execPath(pluginEnv: { name: string; value: string }[] | null | undefined, env: NodeJS.ProcessEnv): string {
  return pluginEnv?.find((e) => e.name === 'PATH')?.value ?? env.PATH ?? '';
}

/** Whether spawn would find this program: a path is taken as it is, a bare name is looked up on PATH. */
function findExecutable(command: string, path: string): boolean {
  const candidates = command.includes('/')
    ? [command]
    : path
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, command));
  return candidates.some((file) => {
    try {
      const full = isAbsolute(file) ? file : resolve(file);
      if (!statSync(full).isFile()) return false;
      accessSync(full, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
