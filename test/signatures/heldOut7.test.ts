import { describe, expect, it } from 'vitest';
import { walkReal as walk } from '../helpers/realWalk.js';
import { bundledCatalog, matches } from '../../src/signatures/catalog.js';

// Held-out batch 7 (scenarios/real/HELD-OUT.md): each walk on its thread's verbatim lines.
describe('held-out batch 7, on the threads’ own lines', () => {
  it('Docker Desktop 4.25: CoreDNS Ready but unable to unpack its upstream’s answers, never "not running: 1/1 pods Ready" (docker/for-win#13768)', async () => {
    const end = await walk('rm-docker-desktop-coredns-overflow-13768');
    expect(end.diagnosis?.id).toBe('coredns-upstream-answer-unparseable');
    expect(end.diagnosis?.title).toContain('login.microsoftonline.com');
    expect(end.diagnosis?.title).not.toContain('not running');
    const fix = end.diagnosis?.fix.join('\n') ?? '';
    expect(fix).toContain('force_tcp');
    expect(fix).toContain('dig +notcp +bufsize=512 login.microsoftonline.com');
  });

  it('OpenShift 4.5.35: chdir to cwd permission denied names the working directory its user may not enter (vshn/signalilo#71)', async () => {
    const end = await walk('rm-ocp-workdir-chdir-signalilo-71');
    expect(end.diagnosis?.id).toBe('container-workdir-not-accessible');
    expect(end.diagnosis?.fix.join('\n')).toContain('workingDir: /');
  });

  it('the same runtime refusal as other threads pasted it, and not a chdir that worked', () => {
    const sig = bundledCatalog().find((s) => s.id === 'container-workdir-not-accessible');
    if (!sig) throw new Error('container-workdir-not-accessible is not in the catalog');
    const status = (text: string) => matches(sig, { kind: 'status', layer: 'pod', source: 'test', text, severity: 2 });
    // https://github.com/backube/scribe/issues/183 (OpenShift, kubectl get events)
    expect(
      status(
        'Error: container create failed: time="2021-05-14T16:49:55Z" level=error msg="container_linux.go:366: starting container process caused: chdir to cwd (\\"/home/nonroot\\") set in config.json failed: permission denied"',
      ),
    ).toBe(true);
    // https://github.com/nicolaka/netshoot/issues/65 (OpenShift 4.x)
    expect(
      status(
        'Error: container create failed: time="2021-04-12T15:03:47Z" level=error msg="container_linux.go:366: starting container process caused: chdir to cwd (\\"/root\\") set in config.json failed: permission denied"',
      ),
    ).toBe(true);
    // https://github.com/jimmidyson/configmap-reload/issues/110 (docker's form)
    expect(
      status(
        'Error: failed to start container "module-configmap-reloader": Error response from daemon: OCI runtime create failed: container_linux.go:348: starting container process caused "chdir to cwd (\\"/home/nonroot\\") set in config.json failed: permission denied": unknown',
      ),
    ).toBe(true);
    // A permission error elsewhere in start-up is not this cause (IBM/portieris#124's log line).
    expect(
      status(
        'log: exiting because of error: log: cannot create log: open /tmp/trust.portieris-6d9566657c-27cmd.unknownuser.log.INFO.20200610-195916.1: permission denied',
      ),
    ).toBe(false);
  });

  it("k3s whose datastore is too slow: the storage layer's 11648 ms List names the datastore, not a CPU or an etcd read (k3s#5406)", async () => {
    const end = await walk('rm-k3s-datastore-slow-5406');
    expect(end.diagnosis?.id).toBe('datastore-requests-slow');
    expect(end.diagnosis?.title).toContain('11648ms');
    expect(end.diagnosis?.title).toContain('List /clusterrolebindings');
    expect(end.diagnosis?.fix.join('\n')).toContain('--datastore-endpoint');
  });

  it('awx: the selector matching no pod names the pod that has two of its labels and lacks component=web (lifen-charts#33)', async () => {
    const end = await walk('rm-awx-service-selector-component-33');
    expect(end.diagnosis?.id).toBe('selector-matches-nothing');
    expect(end.diagnosis?.chain.join('\n')).toContain(
      'awx-web-75769fb64-vr97f: app.kubernetes.io/instance=awx,app.kubernetes.io/name=awx, without app.kubernetes.io/component=web',
    );
  });

  it('GKE: berglas:latest whose layout changed under the webhook’s mount names the mount over a file (berglas#193)', async () => {
    const end = await walk('rm-gke-berglas-bin-not-a-directory-193');
    expect(end.diagnosis?.id).toBe('volume-mount-target-type-mismatch');
    expect(end.diagnosis?.fix.join('\n')).toContain('Pin the image tag');
  });

  it('containerd 2.0: a schema 1 image is named as such, not as missing or unauthorized (terratest#1564)', async () => {
    const end = await walk('rm-containerd2-schema1-terratest-1564');
    expect(end.diagnosis?.id).toBe('image-manifest-schema1-refused');
    expect(end.diagnosis?.fix.join('\n')).not.toContain('imagePullSecrets');
  });

  it('the same two refusals as other threads pasted them, and lines that only look alike', () => {
    const catalog = bundledCatalog();
    const sig = (id: string) => {
      const s = catalog.find((x) => x.id === id);
      if (!s) throw new Error(`${id} is not in the catalog`);
      return s;
    };
    const schema1 = sig('image-manifest-schema1-refused');
    const event = (text: string) => ({
      kind: 'event' as const,
      layer: 'pod' as const,
      source: 'test',
      text,
      severity: 2,
    });
    // https://github.com/gitopsbook/resources/issues/36 (minikube, Docker 27)
    expect(
      matches(
        schema1,
        event(
          'Failed to pull image "docker/whalesay": [DEPRECATION NOTICE] Docker Image Format v1 and Docker Image manifest version 2, schema 1 support is disabled by default and will be removed in an upcoming release. Suggest the author of docker.io/docker/whalesay:latest to upgrade the image to the OCI Format or Docker Image manifest v2, schema 2. More information at https://docs.docker.com/go/deprecated-image-specs/',
        ),
      ),
    ).toBe(true);
    // containerd 2.0's own words (terratest#1564, docker pull on the same machine)
    expect(
      matches(
        schema1,
        event(
          'Error response from daemon: failed to get converter for "docker.io/training/webapp:latest": Pulling Schema 1 images have been deprecated and disabled by default since containerd v2.0.',
        ),
      ),
    ).toBe(true);
    // A tag without the node's platform is another cause (sunnyside-io/op-erigon#221).
    expect(
      matches(
        schema1,
        event(
          'Failed to pull image "testinprod/op-erigon:2.60.8-0.7.1": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/testinprod/op-erigon:2.60.8-0.7.1": no match for platform in manifest: not found',
        ),
      ),
    ).toBe(false);

    const mount = sig('volume-mount-target-type-mismatch');
    // https://github.com/rootsongjc/kubernetes-handbook/issues/218 (docker 1.13: a ConfigMap mounted at /etc/config.toml)
    expect(
      matches(
        mount,
        event(
          'Error: failed to start container "influxdb": Error response from daemon: oci runtime error: container_linux.go:247: starting container process caused "process_linux.go:364: container init caused \\"rootfs_linux.go:54: mounting \\\\\\"/var/lib/kubelet/pods/e76b2d64-5a5e-11e8-b179-080027c9c16c/volumes/kubernetes.io~configmap/influxdb-config\\\\\\" to rootfs \\\\\\"/var/lib/docker/overlay2/e50b7f32607a04096a36d2d4852a7d6fdf4d73324ab447a2f780d8b1c7f8efb2/merged\\\\\\" at \\\\\\"/var/lib/docker/overlay2/e50b7f32607a04096a36d2d4852a7d6fdf4d73324ab447a2f780d8b1c7f8efb2/merged/etc/config.toml\\\\\\" caused \\\\\\"not a directory\\\\\\"\\"" : Are you trying to mount a directory onto a file (or vice-versa)? Check if the specified host path exists and is the expected type',
        ),
      ),
    ).toBe(true);
    // A program's own "not a directory" is not the runtime's mount (apecloud/kubeblocks#3870).
    expect(
      matches(mount, {
        kind: 'termination',
        layer: 'pod',
        source: 'test',
        text: 'Error, exit code 1: readdirent /usr/share/opensearch/config/opensearch.yaml: not a directory',
        severity: 2,
      }),
    ).toBe(false);
  });
});
