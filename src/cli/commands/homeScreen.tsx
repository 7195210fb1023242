import { render } from 'ink';
import type { HomeChoice, HomeDrill, HomeRunbook } from '../../ui/Home.js';
import { Home } from '../../ui/Home.js';
import { ThemeProvider } from '../../ui/ThemeProvider.js';
import { erasePreFrame } from '../preFrame.js';

/** Shows the home screen until the user picks an entry (or quits: null), then clears it. */
export async function pickOnHome(
  lists: { drills: HomeDrill[]; runbooks: HomeRunbook[] },
  color: boolean,
): Promise<HomeChoice | null> {
  let choose!: (c: HomeChoice | null) => void;
  const chosen = new Promise<HomeChoice | null>((resolve) => (choose = resolve));
  erasePreFrame();
  const app = render(
    <ThemeProvider color={color}>
      <Home drills={lists.drills} runbooks={lists.runbooks} onChoose={choose} />
    </ThemeProvider>,
    { exitOnCtrlC: false, interactive: true },
  );
  const choice = await chosen;
  app.clear();
  app.unmount();
  await app.waitUntilExit();
  return choice;
}
