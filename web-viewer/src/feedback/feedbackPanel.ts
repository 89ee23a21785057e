import { type Analysis, describe, type FeedbackRecord, type Finding, getJson, postJson, type Verdict } from '../core/api';
import { el } from '../core/dom';

const VERDICTS: { verdict: Verdict; label: string }[] = [
  { verdict: 'agree', label: 'Agree' },
  { verdict: 'disagree', label: 'Disagree' },
  { verdict: 'uncertain', label: 'Uncertain' },
];

export const feedbackKey = (jobId: number, sop: string, frame: number, classId: string) => `${jobId}|${sop}|${frame}|${classId}`;

/** The radiologist's verdict on the shown finding: given here, stored by the server, shown again on reopening. */
export class FeedbackPanel {
  readonly element = el('section', { class: 'feedback', id: 'feedback' });
  private readonly records = new Map<string, FeedbackRecord>();
  private loadError: string | null = null;
  private current: { finding: Finding; analysis: Analysis } | null = null;

  constructor(private readonly studyUid: string) {}

  async load(): Promise<void> {
    try {
      const list = await getJson<FeedbackRecord[]>(`/api/studies/${encodeURIComponent(this.studyUid)}/feedback`);
      for (const r of list) {
        this.records.set(feedbackKey(r.jobId, r.sopInstanceUid, r.frame, r.classId), r);
      }
      this.loadError = null;
    } catch (e) {
      this.loadError = describe(e, 'Earlier feedback could not be loaded');
    }
    this.render();
  }

  show(finding: Finding | undefined, analysis: Analysis | undefined): void {
    this.current = finding && analysis ? { finding, analysis } : null;
    this.render();
  }

  private render(): void {
    if (!this.current) {
      this.element.replaceChildren();
      return;
    }
    const { finding, analysis } = this.current;
    const key = feedbackKey(analysis.jobId, finding.sopInstanceUid, finding.frame || 1, finding.classId);
    const stored = this.records.get(key);
    const comment = el('textarea', { id: 'feedback-comment', maxlength: '2000', rows: '2', placeholder: 'Comment (optional)' });
    comment.value = stored?.comment ?? '';
    const message = el('p', { class: 'muted', id: 'feedback-status' },
      stored ? `Your verdict: ${stored.verdict} (${stored.user}, ${new Date(stored.createdAt).toLocaleString()})` : 'No verdict given yet.');
    const buttons = VERDICTS.map(({ verdict, label }) => {
      const b = el('button', { type: 'button', id: `feedback-${verdict}`, class: stored?.verdict === verdict ? 'chosen' : '' }, label);
      b.addEventListener('click', async () => {
        buttons.forEach((x) => (x.disabled = true));
        try {
          const record = await postJson<FeedbackRecord>(`/api/studies/${encodeURIComponent(this.studyUid)}/feedback`, {
            jobId: analysis.jobId, sopInstanceUid: finding.sopInstanceUid, frame: finding.frame || 1, classId: finding.classId,
            verdict, comment: comment.value.trim() || null,
          });
          this.records.set(key, record);
          this.render();
        } catch (e) {
          buttons.forEach((x) => (x.disabled = false));
          message.textContent = describe(e, 'Your verdict was not saved');
          message.className = 'error';
        }
      });
      return b;
    });
    this.element.replaceChildren(
      el('h3', {}, 'Your verdict on this finding'),
      el('div', { class: 'verdicts' }, ...buttons),
      comment,
      message);
    if (this.loadError) {
      this.element.append(el('p', { class: 'error' }, this.loadError));
    }
  }
}
