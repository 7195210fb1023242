import type React from 'react';
import { Box, Text } from 'ink';
import { useTone } from '../ThemeProvider.js';
import type { Prediction } from '../../training/record.js';
import { predictionKeys } from './drillKeys.js';

/** Before a check runs: what will it find? One key per outcome. */
export function Predict({ check, choices }: { check: string; choices: readonly string[] }): React.JSX.Element {
  const tone = useTone();
  return (
    <Box flexDirection="column">
      <Text {...tone('strong')}>
        Predict: what will <Text {...tone('command')}>{check}</Text> find?
      </Text>
      <Box flexWrap="wrap" columnGap={2}>
        {choices.map((c, i) => (
          <Text key={c}>
            <Text {...tone('accent')}>{predictionKeys[i]}</Text> {c}
          </Text>
        ))}
      </Box>
    </Box>
  );
}

/** After the check: the prediction against what it found. */
export function PredictionVerdict({ prediction }: { prediction: Prediction }): React.JSX.Element | null {
  const tone = useTone();
  if (prediction.actual === null) {
    return <Text {...tone('muted')}>you predicted: {prediction.predicted}</Text>;
  }
  if (prediction.right === null) {
    return (
      <Text {...tone('error')}>
        you predicted {prediction.predicted}; the check could not run ({prediction.actual}), not scored
      </Text>
    );
  }
  return prediction.right ? (
    <Text {...tone('ok')}>✓ you predicted {prediction.predicted}: right</Text>
  ) : (
    <Text {...tone('finding')}>
      ✗ you predicted {prediction.predicted}; it was {prediction.actual}
    </Text>
  );
}
