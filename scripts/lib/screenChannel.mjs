// What the workbench shows, for the end-to-end tests. The tests run in the extension host, which
// cannot see the rendered screen; this small HTTP server on loopback (its URL handed to the tests
// in LIVE_UPDATE_E2E_SCREEN) answers a few fixed questions by reading the DOM of the page the
// runner drives. Fixed queries, not arbitrary code: a test asks what a user would look at.
import { createServer } from 'node:http';
import { join } from 'node:path';

const QUERIES = {
  /** The rows of the visible terminal, as xterm's DOM renderer draws them (top to bottom). */
  terminal: () => {
    const visible = [...document.querySelectorAll('.xterm')].filter((x) => x.getClientRects().length > 0);
    const rows = visible.at(-1)?.querySelector('.xterm-rows');
    if (!rows) return null;
    return [...rows.children].map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd());
  },
  /**
   * The text editors draw after their lines' text: decorations' `after.contentText` (CSS `::after`
   * content of a span in the view lines), with each view line's own text.
   */
  editor: () => {
    const after = [];
    for (const span of document.querySelectorAll('.monaco-editor .view-lines span')) {
      const content = getComputedStyle(span, '::after').content;
      if (content && content !== 'none' && content !== 'normal') after.push(content);
    }
    const lines = [...document.querySelectorAll('.monaco-editor .view-lines .view-line')].map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' '));
    // Breakpoints drawn in the glyph margin (VS Code moves a breakpoint with an edit only once drawn).
    const breakpointGlyphs = document.querySelectorAll('.monaco-editor .codicon[class*="codicon-debug-breakpoint"]').length;
    // The CodeLenses drawn above lines.
    const lenses = [...document.querySelectorAll('.monaco-editor .codelens-decoration')].map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ').trim());
    return { after, lines, breakpointGlyphs, lenses };
  },
  /**
   * The side bar's views: each pane's title, the rows its tree draws (label and description, top
   * to bottom; only rows scrolled into view exist) and its welcome text when it shows one.
   */
  views: () =>
    [...document.querySelectorAll('.sidebar .pane')].map((pane) => {
      const text = (e) => (e?.textContent ?? '').replace(/\u00a0/g, ' ').trim();
      const rows = [...pane.querySelectorAll('.monaco-list-row')].map((r) => [text(r.querySelector('.label-name')), text(r.querySelector('.label-description'))].filter(Boolean).join(' — '));
      const welcome = pane.querySelector('.welcome-view-content');
      return { title: text(pane.querySelector('.pane-header h3.title')), rows, welcome: welcome && welcome.getClientRects().length > 0 ? text(welcome) : '' };
    }),
  /** The status bar's items: id (extension items: `<extension id>.<item id>`), text, and accessible label (which holds its tooltip's gist). */
  statusBar: () =>
    [...document.querySelectorAll('.statusbar-item')].map((i) => ({
      id: i.id,
      text: (i.textContent ?? '').replace(/\u00a0/g, ' ').trim(),
      label: i.querySelector('[aria-label]')?.getAttribute('aria-label') ?? i.getAttribute('aria-label') ?? '',
    })),
  /** The labels of the buttons shown now (in the dialog, if one is shown, else anywhere). */
  buttons: () => {
    const dialog = document.querySelector('.monaco-dialog-box');
    return [...(dialog ?? document).querySelectorAll('.monaco-button')].filter((b) => b.getClientRects().length > 0).map((b) => (b.textContent ?? '').trim());
  },
  /** The Problems panel's rows as drawn (file rows and marker rows); null while it is not shown. */
  problems: () => {
    const panel = [...document.querySelectorAll('.markers-panel')].find((p) => p.getClientRects().length > 0);
    if (!panel) return null;
    return [...panel.querySelectorAll('.monaco-list-row')].map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trim());
  },
  /** The Debug Console's rows as drawn (null while it is not shown). */
  debugConsole: () => {
    const repl = [...document.querySelectorAll('.repl')].find((r) => r.getClientRects().length > 0);
    if (!repl) return null;
    return [...repl.querySelectorAll('.monaco-list-row')].map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trim());
  },
  /** The hovers drawn now (a status bar item's tooltip, an editor hover), as text. */
  hover: () =>
    [...document.querySelectorAll('.workbench-hover, .monaco-hover')]
      .filter((h) => h.getClientRects().length > 0 && !h.classList.contains('hidden'))
      .map((h) => (h.textContent ?? '').replace(/\u00a0/g, ' ').trim())
      .filter(Boolean),
  /** The notifications drawn (toasts, and the notification center when open): message and buttons. */
  notifications: () =>
    [...document.querySelectorAll('.notification-list-item')]
      .map((t) => ({
        message: (t.querySelector('.notification-list-item-message')?.textContent ?? '').trim(),
        buttons: [...t.querySelectorAll('.monaco-button')].map((b) => (b.textContent ?? '').trim()).filter(Boolean),
      })),
};

/**
 * What a user does, by fixed name: `/press/<label>` presses the visible button of that label (in
 * the dialog shown, if any, else anywhere in the workbench, such as the Workspace Trust editor);
 * `/status/<text>` clicks the status bar item whose text contains `text`; `/hoverStatus/<text>`
 * moves the mouse over it (then `hover` reads its tooltip as drawn).
 */
const ACTIONS = {
  press: (label) => {
    const dialog = document.querySelector('.monaco-dialog-box');
    const button = [...(dialog ?? document).querySelectorAll('.monaco-button')].find((b) => (b.textContent ?? '').trim() === label && b.getClientRects().length > 0);
    if (!button) return false;
    button.click();
    return true;
  },
  status: (text) => {
    const item = [...document.querySelectorAll('.statusbar .statusbar-item')].find((i) => (i.textContent ?? '').includes(text));
    const target = item?.querySelector('a') ?? item;
    if (!target) return false;
    target.click();
    return true;
  },
};

/**
 * Starts the channel; `setPage(page)` once the workbench page exists (questions before that are
 * answered 503, and the tests poll). Resolves with its URL, `setPage` and `close`.
 * With `captureDir`, `/capture/<name>` also saves a screenshot of the page as `<name>.png` there
 * (scripts/screenshots.mjs: the README's pictures, taken by the extension host's driver at the
 * moments it chooses).
 */
export async function startScreenChannel({ captureDir } = {}) {
  let page;
  const server = createServer(async (req, res) => {
    const capture = /^\/capture\/([a-z0-9-]+)$/.exec(req.url ?? '');
    if (capture && captureDir) {
      if (!page) return void res.writeHead(503).end();
      try {
        await page.screenshot({ path: join(captureDir, `${capture[1]}.png`) });
        return void res.writeHead(200).end();
      } catch (e) {
        return void res.writeHead(500).end(e instanceof Error ? e.message : String(e));
      }
    }
    const hover = /^\/hoverStatus\/(.+)$/.exec(req.url ?? '');
    if (hover) {
      // A real mouse over the item (VS Code shows a status bar tooltip on hover, after a delay).
      if (!page) return void res.writeHead(503).end();
      const text = decodeURIComponent(hover[1]);
      const item = page.locator('.statusbar .statusbar-item', { hasText: text }).first();
      const done = await item.hover({ timeout: 2_000 }).then(() => true, () => false);
      return void res.writeHead(done ? 200 : 404).end();
    }
    const action = /^\/([a-z]+)\/(.+)$/.exec(req.url ?? '');
    if (action && ACTIONS[action[1]]) {
      if (!page) return void res.writeHead(503).end();
      const done = await page.evaluate(ACTIONS[action[1]], decodeURIComponent(action[2])).catch(() => false);
      return void res.writeHead(done ? 200 : 404).end();
    }
    const query = QUERIES[(req.url ?? '').replace(/^\//, '')];
    if (!query) return void res.writeHead(404).end();
    if (!page) return void res.writeHead(503).end();
    try {
      const answer = await page.evaluate(query);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    } catch (e) {
      res.writeHead(500).end(e instanceof Error ? e.message : String(e));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    setPage: (p) => (page = p),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
