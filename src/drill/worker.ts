import module from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { lookupIn } from '../nodeaccess/drill.js';
import { startDrill } from './cluster.js';
import type { RunningDrill } from './cluster.js';
import type { ToThread, FromThread, ThreadStart } from './threadProtocol.js';

// The drill cluster's own thread (src/drill/thread.ts starts it): building 5,000 nodes and serving
// them never blocks the screen's event loop. The screen gets the kubeconfig and asks for host answers.
module.enableCompileCache?.();

const port = parentPort;
if (!port) throw new Error('the drill worker runs only as a worker thread');
const start = workerData as ThreadStart;
const post = (m: FromThread) => port.postMessage(m);

let drill: RunningDrill | undefined;
try {
  drill = await startDrill(start.scenario, { now: new Date(start.now), kubeconfigPath: start.kubeconfigPath });
  post({ type: 'ready', url: drill.server.url, contextName: drill.contextName });
} catch (err) {
  const e = err instanceof Error ? err : new Error(String(err));
  post({
    type: 'error',
    name: e.name,
    message: e.message,
    stack: e.stack ?? '',
    ...('faultIndex' in e && typeof e.faultIndex === 'number' ? { faultIndex: e.faultIndex } : {}),
  });
}

const running = drill;
const lookup = running ? lookupIn(running.hosts) : undefined;
port.on('message', (m: ToThread) => {
  if (m.type === 'host') {
    // Only the one answer crosses: a 5,000-node drill's host answers stay here.
    const answer = lookup ? lookup(m.node, m.key) : { host: false };
    post({ type: 'host', id: m.id, answer: answer as Awaited<typeof answer> });
  } else if (m.type === 'close') {
    void (running ? running.close() : Promise.resolve()).then(() => {
      post({ type: 'closed' });
      port.close();
    });
  }
});
