import './styles.css';
import { showFeedbackSummary } from './feedback/summaryPage';
import { startCornerstone } from './core/cornerstone';
import { showReview } from './review/reviewPage';
import { showWorklist } from './worklist/worklistPage';

/** Pages by the URL's hash, so that the server needs no route of its own: #/?filters, #/study/{uid}, #/feedback. */
const root = document.getElementById('app')!;
let leave: () => void = () => {};

async function route(): Promise<void> {
  leave();
  leave = () => {};
  const hash = location.hash.replace(/^#/, '') || '/';
  const study = /^\/study\/([^/?]+)/.exec(hash);
  if (study) {
    leave = await showReview(root, decodeURIComponent(study[1]));
  } else if (hash.startsWith('/feedback')) {
    leave = await showFeedbackSummary(root);
  } else {
    leave = showWorklist(root, hash.split('?')[1] ?? '');
  }
}

window.addEventListener('hashchange', () => void route());
void route();
// The image viewer's set-up takes a moment of the main thread: done while the worklist is read, not on opening a study.
requestIdleCallback(() => void startCornerstone(), { timeout: 2000 });
