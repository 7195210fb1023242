import type React from 'react';
import { Box, Text } from 'ink';
import type { DiagnosisView as Diagnosis } from '../engine/events.js';
import { Paragraph } from './Paragraph.js';
import { useTone } from './ThemeProvider.js';

export interface DiagnosisViewProps {
  diagnosis: Diagnosis;
  transcriptPath: string;
  /** Terminal columns, for wrapping. */
  width: number;
}

/** The end of the walk: what is wrong, how it leads to the symptom, what to do, how to check. */
export function DiagnosisView({ diagnosis, transcriptPath, width }: DiagnosisViewProps): React.JSX.Element {
  const tone = useTone();
  return (
    <Box flexDirection="column">
      <Text>
        <Text {...tone('finding')}>DIAGNOSIS</Text>{' '}
        <Text {...tone('muted')}>
          {diagnosis.id} · {diagnosis.layer} layer
        </Text>
      </Text>
      <Paragraph {...tone('strong')} text={diagnosis.title} width={width} />
      <Section title="Causal chain" items={diagnosis.chain} width={width} numbered />
      <Section title="Fix" items={diagnosis.fix} width={width} />
      <Section title="Verify" items={diagnosis.verify} width={width} />
      <Text>
        <Text {...tone('muted')}>Transcript:</Text> {transcriptPath}
      </Text>
    </Box>
  );
}

const itemIndent = 4;

/** A titled list whose number or bullet marks each item's first line; the item's wrapped lines hang under its text. */
export function Section({
  title,
  items,
  width,
  numbered = false,
  titleTone = 'accent',
}: {
  title: string;
  items: string[];
  width: number;
  numbered?: boolean;
  titleTone?: 'accent' | 'strong';
}): React.JSX.Element | null {
  const tone = useTone();
  if (items.length === 0) return null;
  return (
    <Box flexDirection="column">
      <Text {...tone(titleTone)}>{title}</Text>
      {items.map((item, i) => (
        <Box key={i}>
          <Box flexShrink={0} width={itemIndent}>
            <Text>{numbered ? ` ${i + 1}.` : ' •'}</Text>
          </Box>
          <Paragraph text={item} width={width - itemIndent} />
        </Box>
      ))}
    </Box>
  );
}
