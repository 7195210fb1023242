import { kernelLogArgv, dmesgArgv } from '../../checks/host/kernelLog.js';
import { kubeconfigArgv } from '../../checks/host/kubeconfigCertificates.js';
import { listUnitsArgv, serviceJournalsArgv } from '../../checks/host/serviceJournals.js';

/**
 * The command lines a drill host answers, keyed as the drill looks them up
 * (argv joined by single spaces). These are the exact argv plumbline's host
 * checks send with their default parameters.
 */
export const commands = {
  kubeletService:
    'systemctl show kubelet -p LoadState,ActiveState,SubState,Result,NRestarts,ExecMainStatus,ExecMainStartTimestamp,FragmentPath,ExecStart',
  kubeletConfig: 'cat -- /var/lib/kubelet/config.yaml',
  kubeletJournal: 'journalctl -u kubelet --since=-15m -o short-iso --no-pager -n 2000',
  etcdJournal: 'journalctl -u etcd -u k3s --since -30m -o short-iso --no-pager -n 3000',
  etcdContainerLog: 'docker logs --tail 3000 etcd',
  containerd:
    'systemctl show containerd -p LoadState,ActiveState,SubState,Result,NRestarts,ExecMainStatus,ExecMainStartTimestamp',
  crictlInfo: 'crictl info',
  ps: 'ps -eo pid,etimes,args',
  systemdPing:
    'busctl --system --timeout=5 call org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.DBus.Peer Ping',
  busList: 'busctl --system --timeout=5 list --no-pager',
  procStat: 'cat /proc/stat',
  top: 'top -b -c -w 512 -n 2 -d 1',
  controlPlaneServices:
    'systemctl show kube-apiserver.service kube-controller-manager.service kube-scheduler.service etcd.service -p Id,LoadState,ActiveState,SubState,UnitFileState',
  timedatectl: 'timedatectl show',
  chrony: 'chronyc tracking',
  df: 'df -P /var/lib/kubelet /var/lib/containerd',
  dfInodes: 'df -Pi /var/lib/kubelet /var/lib/containerd',
  kubeletClientCert: 'openssl x509 -enddate -noout -in /var/lib/kubelet/pki/kubelet-client-current.pem',
  apiserverCert: 'openssl x509 -enddate -noout -in /etc/kubernetes/pki/apiserver.crt',
  apiserverKubeletClientCert: 'openssl x509 -enddate -noout -in /etc/kubernetes/pki/apiserver-kubelet-client.crt',
  etcdServerCert: 'openssl x509 -enddate -noout -in /etc/kubernetes/pki/etcd/server.crt',
  listening: 'ss -ltnp',
  firewalld: 'systemctl is-active firewalld',
  iptables: 'iptables-save',
  ipvsadm: 'ipvsadm -Ln',
  iostat: 'iostat -c 1 2',
  kernelLog: kernelLogArgv({ node: '', maxLines: 3000 }).join(' '),
  dmesg: dmesgArgv.join(' '),
  listUnits: listUnitsArgv().join(' '),
  /** A kubeadm node's units: the kubelet and containerd. */
  serviceJournals: serviceJournalsArgv(['kubelet', 'containerd']).join(' '),
  kubeletKubeconfig: kubeconfigArgv({ path: '/etc/kubernetes/kubelet.conf' }).join(' '),
  nginx:
    'systemctl show nginx -p LoadState,ActiveState,SubState,Result,NRestarts,ExecMainStatus,ExecMainStartTimestamp',
} as const;

/** The properties each `systemctl show` line above asks for. */
export const serviceProps = [
  'LoadState',
  'ActiveState',
  'SubState',
  'Result',
  'NRestarts',
  'ExecMainStatus',
  'ExecMainStartTimestamp',
] as const;
export const kubeletProps = [...serviceProps, 'FragmentPath', 'ExecStart'] as const;
export const controlPlaneUnitProps = ['Id', 'LoadState', 'ActiveState', 'SubState', 'UnitFileState'] as const;
export const controlPlaneUnits = [
  'kube-apiserver.service',
  'kube-controller-manager.service',
  'kube-scheduler.service',
  'etcd.service',
] as const;
