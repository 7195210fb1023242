import { useCallback, useEffect, useRef, useState } from 'react';
import type React from 'react';
import { Box, Static, Text, useInput, useWindowSize } from 'ink';
import type { Key } from 'ink';
import type { WalkSession } from './walkSession.js';
import { ActionStep } from './ActionStep.js';
import type { AppProps } from './App.js';
import { Briefing } from './Briefing.js';
import { CurrentStep, evidenceIndent } from './CurrentStep.js';
import { DiagnosisView } from './DiagnosisView.js';
import { evidenceCap } from './EvidenceList.js';
import { FinishedStep } from './FinishedStep.js';
import { Footer } from './Footer.js';
import { Header } from './Header.js';
import type { KeyContext } from './keys.js';
import { commandFor } from './keys.js';
import { LayerRail } from './LayerRail.js';
import { evidenceLines } from './text.js';
import { useLineEditor } from './useLineEditor.js';
import { useSessionEvents } from './useSessionEvents.js';
import { WalkEnd } from './WalkEnd.js';
import type { StepView } from './walkReducer.js';
import { splitSteps, visibleEvidence } from './walkReducer.js';

type ScrollItem = { kind: 'briefing' } | { kind: 'step'; step: StepView; index: number };

/** Owns the walk: subscribes, starts the session once, maps keys to session calls, lays out the screen. */
export function WalkScreen({ session, header, startedAt, onExit }: Omit<AppProps, 'color'>): React.JSX.Element {
  const state = useSessionEvents(session);
  useStartOnce(session);
  const [auto, setAuto] = useState(session.isAuto);
  const [expandedAt, setExpandedAt] = useState<number | null>(null);
  // null: not writing a note; a string: the note typed so far.
  const [note, setNoteState] = useState<string | null>(null);
  // Keys can arrive faster than renders (a paste): the ref is the text, the state redraws it.
  const noteRef = useRef<string | null>(null);
  const setNote = (value: string | null) => {
    noteRef.current = value;
    setNoteState(value);
  };
  const { columns } = useWindowSize();

  const exited = useRef(false);
  const exit = useCallback(() => {
    if (exited.current) return;
    exited.current = true;
    onExit();
  }, [onExit]);

  const { settled, latest, active } = splitSteps(state);
  // Manual node access: the output is pasted (and edited) here; nothing typed acts as a command once a paste has begun.
  const hostEditor = useLineEditor({
    isActive: !!active?.hostPrompt && note === null,
    multiline: true,
    onSubmit: (text) => session.pasteHostOutput(text),
    onCancel: () => session.declineHostCommand(),
    onIdleKey: (input, key) => onKey(input, key, true),
  });
  const latestIndex = latest ? state.steps.lastIndexOf(latest) : -1;
  const expanded = latestIndex >= 0 && expandedAt === latestIndex;
  const evidenceWidth = columns - evidenceIndent;
  const expandable = !!latest?.result && evidenceLines(visibleEvidence(latest.result), evidenceWidth).length > evidenceCap;
  const keyContext: KeyContext = {
    screen: state.end ? 'end' : 'walk',
    waitingOn: active?.hostPrompt
      ? 'host'
      : active?.kind === 'action'
        ? active.action?.allowed && !active.action.decision
          ? 'action'
          : null
        : active?.status === 'asking'
          ? 'ask'
          : active?.status === 'waiting' && !auto
            ? 'check'
            : null,
    choices: active?.question?.choices.length ?? 0,
    auto,
    expandable,
    expanded,
    noting: note !== null,
    pasting: hostEditor.editing,
  };

  const onKey = (input: string, key: Key, idleAtHostPrompt = false) => {
    const typed = noteRef.current;
    if (typed !== null && !(key.ctrl && input === 'c')) {
      if (key.escape) setNote(null);
      else if (key.return) {
        session.note(typed);
        setNote(null);
      } else if (key.backspace || key.delete) setNote(typed.slice(0, -1));
      else if (!key.ctrl && !key.meta) setNote(typed + input.replace(/[\r\n]+/g, ' '));
      return;
    }
    // Manual node access: the editor takes every key; the ones it hands back (nothing pasted yet) are commands.
    if (active?.hostPrompt && !(key.ctrl && input === 'c') && !idleAtHostPrompt) return;
    const command = commandFor(input, key, keyContext);
    if (!command) return;
    switch (command.type) {
      case 'quit':
        session.stop('quit');
        exit();
        return;
      case 'interrupt':
        session.stop('interrupted');
        exit();
        return;
      case 'continue':
        if (state.end) exit();
        else session.proceed();
        return;
      case 'toggle-auto':
        if (state.end) return;
        session.setAuto(!session.isAuto);
        setAuto(session.isAuto);
        return;
      case 'answer': {
        const choice = active?.question?.choices[command.index];
        if (choice) session.answer(choice.id);
        return;
      }
      case 'expand':
        if (expandable) setExpandedAt(expanded ? null : latestIndex);
        return;
      case 'note':
        if (!state.end) setNote('');
        return;
      case 'confirm-action':
        session.confirmAction?.();
        return;
      case 'decline-action':
        session.declineAction?.();
        return;
      case 'paste-done':
      case 'decline':
        return;
    }
  };
  useInput((input, key) => onKey(input, key));

  const scroll: ScrollItem[] = [{ kind: 'briefing' }, ...settled.map((step) => ({ kind: 'step' as const, step, index: state.steps.indexOf(step) }))];

  return (
    <>
      <Static items={scroll}>
        {(item) =>
          item.kind === 'briefing' ? (
            <Briefing key="briefing" page={header.page} kubeconfigPath={header.kubeconfigPath} />
          ) : (
            <FinishedStep key={`${item.index}:${item.step.step}`} step={item.step} />
          )
        }
      </Static>
      <Box flexDirection="column" width={columns}>
        <Header
          runbookTitle={header.runbookTitle}
          target={header.target}
          mode={header.mode}
          startedAt={startedAt}
          running={!state.end}
          auto={auto}
        />
        <LayerRail current={state.currentLayer} verdicts={state.layers} />
        <Box flexDirection="column" marginTop={1}>
          {state.diagnosis ? (
            <DiagnosisView diagnosis={state.diagnosis} transcriptPath={header.transcriptPath} width={columns} />
          ) : state.end ? (
            <WalkEnd end={state.end} transcriptPath={header.transcriptPath} />
          ) : (
            <>
              {latest?.kind === 'action' ? (
                <ActionStep step={latest} width={columns} />
              ) : latest ? (
                <CurrentStep step={latest} expanded={expanded} awaitingContinue={false} width={columns} />
              ) : null}
              {active ? (
                <Box marginTop={latest ? 1 : 0}>
                  {active.kind === 'action' && !active.hostPrompt ? (
                    <ActionStep step={active} width={columns} />
                  ) : (
                    <CurrentStep step={active} expanded={false} awaitingContinue={!auto} width={columns} pasted={hostEditor.text} />
                  )}
                </Box>
              ) : null}
              {!latest && !active ? <Text>Starting…</Text> : null}
            </>
          )}
        </Box>
        {note !== null ? (
          <Box marginTop={1}>
            <Text>
              note: {note}
              <Text inverse> </Text>
            </Text>
          </Box>
        ) : null}
        <Box marginTop={1}>
          <Footer context={keyContext} />
        </Box>
      </Box>
    </>
  );
}

/** The CLI hands over a session not yet started; start it once, after useSessionEvents subscribed. */
function useStartOnce(session: WalkSession): void {
  const started = useRef<WalkSession | null>(null);
  useEffect(() => {
    if (started.current === session) return;
    started.current = session;
    session.start();
  }, [session]);
}
