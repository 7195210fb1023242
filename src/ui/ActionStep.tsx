import type React from 'react';
import { Box, Text } from 'ink';
import { Paragraph } from './Paragraph.js';
import { Spinner } from './Spinner.js';
import { useTone } from './ThemeProvider.js';
import type { ActionView, StepView } from './walkReducer.js';

export interface ActionStepProps {
  step: StepView;
  width: number;
}

const indent = 2;
const outputLines = 6;

/**
 * A remediation step: the exact command in full before anything runs, the
 * y/n confirmation, then what ran and what the verify check found.
 */
export function ActionStep({ step, width }: ActionStepProps): React.JSX.Element {
  const tone = useTone();
  const action = step.action;
  const finished = step.status === 'done';
  return (
    <Box flexDirection="column">
      <Box>
        <Box flexShrink={0} marginRight={1}>
          <ActionMark step={step} />
        </Box>
        <Text>
          <Text {...tone('muted')}>{step.layer}</Text> <Text {...tone('strong')}>{step.title}</Text>
          {step.phase === 'bottom-up' ? <Text {...tone('muted')}> (bottom-up)</Text> : null}
        </Text>
      </Box>
      <Box flexDirection="column" paddingLeft={indent}>
        {finished ? null : <Paragraph {...tone('muted')} text={step.why} width={width - indent} />}
        {action ? (
          <ActionBody action={action} running={step.status === 'running'} width={width - indent} />
        ) : (
          <Text {...tone('muted')}>preparing the action…</Text>
        )}
        {(step.notes ?? []).map((n, i) => (
          <Paragraph key={i} {...tone('muted')} text={`note: ${n}`} width={width - indent} />
        ))}
      </Box>
    </Box>
  );
}

function ActionMark({ step }: { step: StepView }): React.JSX.Element {
  const tone = useTone();
  switch (step.result?.outcome) {
    case 'done':
      return <Text {...tone('ok')}>✓</Text>;
    case 'declined':
      return <Text {...tone('muted')}>–</Text>;
    case 'failed':
      return <Text {...tone('finding')}>✗</Text>;
    default:
      return step.status === 'running' ? <Spinner /> : <Text {...tone('accent')}>!</Text>;
  }
}

function ActionBody({
  action,
  running,
  width,
}: {
  action: ActionView;
  running: boolean;
  width: number;
}): React.JSX.Element {
  const tone = useTone();
  const where =
    action.target === 'host'
      ? `This runs on node ${action.node ?? '?'}:`
      : 'This writes to the Kubernetes API (the same request as):';
  const { decision, executed, verified } = action;
  return (
    <Box flexDirection="column">
      <Paragraph {...tone('strong')} text={where} width={width} />
      <Text {...tone('command')}> $ {action.command}</Text>
      {action.simulated ? (
        <Paragraph {...tone('muted')} text="Drill: the cluster is simulated; nothing real changes." width={width} />
      ) : null}
      {!decision ? (
        action.allowed ? (
          <Text>
            Run it? <Text {...tone('accent')}>y</Text> run · <Text {...tone('accent')}>n</Text> don’t run
          </Text>
        ) : null
      ) : decision.confirmed ? null : (
        <Box flexDirection="column">
          <Text {...tone('error')}>{decision.reason}</Text>
          {decision.by === 'user' ? null : (
            <Paragraph {...tone('muted')} text="To do it yourself, run the command above." width={width} />
          )}
        </Box>
      )}
      {running && !executed ? <Text {...tone('muted')}>running…</Text> : null}
      {executed ? <Executed executed={executed} /> : null}
      {executed?.ok && action.verify && !verified ? (
        <Text {...tone('muted')}>verifying with {action.verify}…</Text>
      ) : null}
      {verified ? (
        <Text>
          → verify <Text {...tone('strong')}>{verified.verifyStep}</Text>:{' '}
          <Text {...tone(verified.ok ? 'ok' : 'finding')}>{verified.outcome}</Text>: {verified.summary}
          {verified.attempts > 1 ? <Text {...tone('muted')}> (after {verified.attempts} tries)</Text> : null}
        </Text>
      ) : null}
    </Box>
  );
}

function Executed({ executed }: { executed: NonNullable<ActionView['executed']> }): React.JSX.Element {
  const tone = useTone();
  const how =
    executed.status !== undefined
      ? `HTTP ${executed.status}`
      : executed.exitCode !== undefined
        ? `exit status ${executed.exitCode ?? 'none'}`
        : '';
  const lines = executed.output
    .replace(/\n$/, '')
    .split('\n')
    .filter((l) => l !== '');
  return (
    <Box flexDirection="column">
      <Text>
        →{' '}
        {executed.ok ? (
          <Text {...tone('ok')}>ran</Text>
        ) : (
          <Text {...tone('finding')}>{executed.ran ? 'failed' : 'could not run'}</Text>
        )}
        {how ? `: ${how}` : ''}
        {!executed.ok && executed.error && executed.error !== how ? ` (${executed.error})` : ''}
      </Text>
      {lines.slice(0, outputLines).map((l, i) => (
        <Text key={i} wrap="truncate-end" {...tone('muted')}>
          {'    '}
          {l}
        </Text>
      ))}
      {lines.length > outputLines ? (
        <Text {...tone('muted')}> … {lines.length - outputLines} more lines in the transcript</Text>
      ) : null}
    </Box>
  );
}
