import type React from 'react';
import { Box, Text } from 'ink';
import { EvidenceList } from './EvidenceList.js';
import { verdictMark } from './LayerRail.js';
import { HostPrompt } from './HostPrompt.js';
import { InputPrompt } from './InputPrompt.js';
import { Paragraph } from './Paragraph.js';
import { Spinner } from './Spinner.js';
import { formatDuration, wrapText } from './text.js';
import { useTone } from './ThemeProvider.js';
import type { StepView } from './walkReducer.js';
import { visibleEvidence } from './walkReducer.js';

export interface CurrentStepProps {
  step: StepView;
  /** Show all evidence rather than the first few lines. */
  expanded: boolean;
  /** Step mode: the check waits for Enter. */
  awaitingContinue: boolean;
  /** Manual node access, or a `paste:` input asked for: the text pasted or typed so far. */
  pasted?: string;
  /** Terminal columns, for wrapping evidence. */
  width: number;
}

const indent = 2;
/** Columns evidence is indented by; the screen wraps evidence to what is left. */
export const evidenceIndent = indent + 2;

/** The step in focus: why it looks there, the command behind it, then what it found. */
export function CurrentStep({
  step,
  expanded,
  awaitingContinue,
  width,
  pasted = '',
}: CurrentStepProps): React.JSX.Element {
  const tone = useTone();
  const finished = step.status === 'done' || step.status === 'answered';
  return (
    <Box flexDirection="column">
      <Box>
        <Box flexShrink={0} marginRight={1}>
          <StatusMark step={step} />
        </Box>
        <Text>
          <Text {...tone('muted')}>{step.layer}</Text> <Text {...tone('strong')}>{step.title}</Text>
          {step.phase === 'bottom-up' ? <Text {...tone('muted')}> (bottom-up)</Text> : null}
        </Text>
      </Box>
      <Box flexDirection="column" paddingLeft={indent}>
        {finished ? null : <Paragraph {...tone('muted')} text={step.why} width={width - indent} />}
        {/* Manual access shows the command once, below, where it can be copied. */}
        {step.command && !step.hostPrompt && !step.inputPrompt ? (
          <Text {...tone('command')}>$ {step.command}</Text>
        ) : null}
        {step.hostPrompt || step.inputPrompt ? null : (
          <StepBody step={step} expanded={expanded} awaitingContinue={awaitingContinue} width={width - indent} />
        )}
        {(step.notes ?? []).map((n, i) => (
          <Paragraph key={i} {...tone('muted')} text={`note: ${n}`} width={width - indent} />
        ))}
      </Box>
      {step.inputPrompt ? (
        <InputPrompt
          description={step.inputPrompt.description}
          why={step.inputPrompt.why}
          typed={pasted}
          width={width}
        />
      ) : null}
      {step.hostPrompt ? (
        <HostPrompt
          node={step.hostPrompt.node}
          argv={step.hostPrompt.argv}
          {...(step.hostPrompt.sample ? { sample: step.hostPrompt.sample } : {})}
          pasted={pasted}
          width={width}
        />
      ) : null}
    </Box>
  );
}

function StatusMark({ step }: { step: StepView }): React.JSX.Element {
  const tone = useTone();
  switch (step.status) {
    case 'waiting':
      return <Text {...tone('accent')}>○</Text>;
    case 'running':
      return <Spinner />;
    case 'done': {
      const mark = verdictMark[step.result?.verdict ?? 'ok'];
      return <Text {...tone(mark.tone)}>{mark.symbol}</Text>;
    }
    case 'asking':
      return <Text {...tone('accent')}>?</Text>;
    case 'answered':
      return <Text {...tone('ok')}>✓</Text>;
  }
}

function StepBody({
  step,
  expanded,
  awaitingContinue,
  width,
}: Omit<CurrentStepProps, 'width'> & { width: number }): React.JSX.Element | null {
  const tone = useTone();
  switch (step.status) {
    case 'waiting':
      return awaitingContinue ? <Text {...tone('accent')}>Press ⏎ to run this check.</Text> : null;
    case 'running':
      return <Text {...tone('muted')}>running…</Text>;
    case 'done': {
      const { result } = step;
      if (!result) return null;
      return (
        <Box flexDirection="column">
          <OutcomeLine
            outcome={result.outcome}
            tone={verdictMark[result.verdict].tone}
            summary={result.summary}
            took={`(${result.timedOut ? 'timed out after ' : ''}${
              result.waitedMs === undefined
                ? formatDuration(result.durationMs)
                : `output pasted after ${formatDuration(result.waitedMs)}`
            })`}
            width={width}
          />
          <Box paddingLeft={2}>
            <EvidenceList
              evidence={visibleEvidence(result)}
              expanded={expanded}
              width={width - (evidenceIndent - indent)}
            />
          </Box>
        </Box>
      );
    }
    case 'asking': {
      const { question } = step;
      if (!question) return null;
      return (
        <Box flexDirection="column">
          <Paragraph {...tone('strong')} text={question.text} width={width} />
          {question.choices.slice(0, 9).map((c, i) => (
            <Text key={c.id}>
              {'  '}
              <Text {...tone('accent')}>{i + 1}.</Text> {c.label}
              {c.id === question.default ? <Text {...tone('muted')}> (default)</Text> : null}
            </Text>
          ))}
        </Box>
      );
    }
    case 'answered':
      return step.answer ? (
        <Text>
          → {step.answer.label}
          {step.answer.by === 'user' ? null : <Text {...tone('muted')}> ({step.answer.by})</Text>}
        </Text>
      ) : null;
  }
}

/**
 * "→ outcome: summary (took)", wrapped by us so the summary's wrapped lines hang
 * under its first word (Ink's own wrap keeps the space it broke at, one column off).
 */
function OutcomeLine({
  outcome,
  tone: outcomeTone,
  summary,
  took,
  width,
}: {
  outcome: string;
  tone: Parameters<ReturnType<typeof useTone>>[0];
  summary: string;
  took: string;
  width: number;
}): React.JSX.Element {
  const tone = useTone();
  const lines = wrapText(`${outcome}: ${summary} ${took}`, width - 2);
  const last = lines.length - 1;
  return (
    <Box>
      <Box flexShrink={0} width={2}>
        <Text>→</Text>
      </Box>
      <Box flexDirection="column">
        {lines.map((line, i) => {
          const head = i === 0 && line.startsWith(`${outcome}:`) ? outcome : '';
          const tail = i === last && line.endsWith(took) && line.length > head.length + took.length ? took : '';
          return (
            <Text key={i}>
              {head ? <Text {...tone(outcomeTone)}>{head}</Text> : null}
              {line.slice(head.length, line.length - tail.length)}
              {tail ? <Text {...tone('muted')}>{tail}</Text> : null}
            </Text>
          );
        })}
      </Box>
    </Box>
  );
}
