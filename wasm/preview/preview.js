// cordon policy preview. Every decision, error message and location comes from the engine
// (the npm package's ES module, loaded as is); this file only gathers inputs, calls the
// package and renders its answers. No network use after load: the module, the wasm and the
// default bundle are fetched once at start-up, and everything else happens in memory.
import {getCordonVersion, init, isAuthorizedJson, loadBundle} from '../dist/cordon.mjs';

const $ = (id) => document.getElementById(id);
const ELAYGENT_URL = new URL('../../policies/elaygent/', import.meta.url);
const ELAYGENT_KEY = '../keys/elaygent.pub';  // the committed Ed25519 public key (policies/keys/)

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

// replaceChildren without the nulls (which it would write as the text "null").
function fill(node, ...children) {
  node.replaceChildren(...children.flat().filter((child) => child !== null && child !== undefined));
}

function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

// ---- Editors: a textarea with line numbers, marked lines and a caret to put anywhere ----

const LINE_HEIGHT = 18;  // px; preview.css uses the same, so line N sits at (N-1)*18
const PADDING = 6;
const PADDING_X = 8;  // the textarea's left padding

class Editor {
  constructor(wrapper) {
    this.textarea = wrapper.querySelector('textarea');
    this.textarea.spellcheck = false;
    this.textarea.wrap = 'off';
    // The gutter's lines sit in an absolutely placed layer, so the textarea alone sets the height.
    this.gutterLines = el('div', {class: 'gutter-lines'});
    this.gutter = el('div', {class: 'gutter', 'aria-hidden': 'true'}, this.gutterLines);
    this.minLines = Number(this.textarea.getAttribute('rows')) || 3;
    this.maxLines = wrapper.classList.contains('tall') ? 40 : 24;
    this.marks = el('div', {class: 'marks', 'aria-hidden': 'true'});
    const code = el('div', {class: 'code'});
    this.textarea.replaceWith(code);
    code.append(this.marks, this.textarea);
    wrapper.prepend(this.gutter);
    this.lineMarks = new Map();  // line -> mark
    this.textarea.addEventListener('input', () => this.render());
    this.textarea.addEventListener('scroll', () => this.syncScroll());
    this.render();
  }

  get value() { return this.textarea.value; }
  set value(text) {
    this.textarea.value = text;
    this.render();
  }

  // marks: [{line, column?, kind, title}], kind "error", "allow" or "deny"; one per line.
  setMarks(marks) {
    this.lineMarks = new Map();
    for (const mark of marks) {
      if (!this.lineMarks.has(mark.line)) this.lineMarks.set(mark.line, mark);
    }
    this.render();
  }

  render() {
    const lines = this.textarea.value.split('\n').length;
    const gutter = [];
    for (let line = 1; line <= lines; ++line) {
      const mark = this.lineMarks.get(line);
      gutter.push(el('div', mark ? {class: `mark-${mark.kind}`, title: mark.title ?? ''} : {},
                     String(line)));
    }
    this.gutterLines.replaceChildren(...gutter);
    // Grow with the text up to maxLines, then scroll; room for a horizontal scroll bar.
    const shown = Math.min(this.maxLines, Math.max(this.minLines, lines));
    const scrollBar = this.textarea.scrollWidth > this.textarea.clientWidth ? 16 : 0;
    this.textarea.style.height = `${shown * LINE_HEIGHT + 2 * PADDING + scrollBar}px`;
    const bands = [];
    for (const mark of this.lineMarks.values()) {
      const top = PADDING + (mark.line - 1) * LINE_HEIGHT;
      bands.push(el('div', {class: `band mark-${mark.kind}`, style: `top: ${top}px`}));
      if (mark.column) {
        bands.push(el('div', {class: `column-marker mark-${mark.kind}`,
                              style: `top: ${top}px; left: ${PADDING_X + this.columnX(mark.line, mark.column)}px`}));
      }
    }
    this.marks.replaceChildren(...bands);
    this.syncScroll();
  }

  // The x offset of a column on a line, measured in the textarea's font.
  columnX(line, column) {
    const text = this.textarea.value.split('\n')[line - 1] ?? '';
    const before = [...text].slice(0, column - 1).join('').replace(/\t/g, '  ');
    Editor.canvas ??= document.createElement('canvas').getContext('2d');
    Editor.canvas.font = getComputedStyle(this.textarea).font;
    return Editor.canvas.measureText(before).width;
  }

  syncScroll() {
    this.gutterLines.style.transform = `translateY(${-this.textarea.scrollTop}px)`;
    this.marks.style.transform =
        `translate(${-this.textarea.scrollLeft}px, ${-this.textarea.scrollTop}px)`;
  }

  // The UTF-16 offset of (line, column), both 1-based; columns count code points, as the
  // engine's locations do.
  offsetOf(line, column) {
    const lines = this.textarea.value.split('\n');
    const index = Math.min(Math.max(line, 1), lines.length) - 1;
    let offset = 0;
    for (let i = 0; i < index; ++i) offset += lines[i].length + 1;
    const codePoints = [...lines[index]];
    const before = codePoints.slice(0, Math.max(column - 1, 0)).join('');
    return offset + Math.min(before.length, lines[index].length);
  }

  goTo(line, column = 1) {
    const offset = this.offsetOf(line, column);
    this.textarea.focus();
    this.textarea.setSelectionRange(offset, offset);
    const top = PADDING + (line - 1) * LINE_HEIGHT;
    const view = this.textarea.clientHeight;
    if (top < this.textarea.scrollTop || top + LINE_HEIGHT > this.textarea.scrollTop + view) {
      this.textarea.scrollTop = Math.max(0, top - view / 3);
    }
    this.syncScroll();
  }
}

const editors = {};
for (const wrapper of document.querySelectorAll('.editor')) {
  editors[wrapper.dataset.for] = new Editor(wrapper);
}

// "line L, column C" as a link that puts the caret there.
function locationLink(editor, line, column, prefix = '', beforeJump = null) {
  return el('a', {
    href: '#',
    class: 'location',
    onclick: (event) => {
      event.preventDefault();
      beforeJump?.();
      editor.goTo(line, column);
    },
  }, `${prefix}line ${line}, column ${column}`);
}

// "line L" as a link to a policy's first line (no error there: a plain link).
function policyLink(editor, line) {
  return el('a', {
    href: '#',
    onclick: (event) => {
      event.preventDefault();
      editor.goTo(line, 1);
    },
  }, `line ${line}`);
}

// JSON.parse's error, with the line and column where V8 reports a position.
function parseJson(text, what) {
  try {
    return {value: JSON.parse(text)};
  } catch (error) {
    let line = null;
    let column = null;
    const lineColumn = /line (\d+) column (\d+)/.exec(error.message);
    const position = /at position (\d+)/.exec(error.message);
    if (lineColumn) {
      line = Number(lineColumn[1]);
      column = Number(lineColumn[2]);
    } else if (position) {
      ({line, column} = lineColumnOf(text, Number(position[1])));
    } else {
      // V8 gives no position for some errors ("Unexpected token ..."): find the offset here.
      const offset = jsonErrorOffset(text);
      if (offset !== null) ({line, column} = lineColumnOf(text, offset));
    }
    return {error: {message: `${what} is not valid JSON: ${error.message}`, line, column}};
  }
}

function lineColumnOf(text, offset) {
  const before = text.slice(0, offset).split('\n');
  return {line: before.length, column: [...before[before.length - 1]].length + 1};
}

// The offset of the first syntax error in JSON text (null if it has none). Used only to place
// an error V8 reports without a position.
function jsonErrorOffset(text) {
  let i = 0;
  const space = () => { while (/[ \t\n\r]/.test(text[i] ?? '')) ++i; };
  const fail = () => { throw i; };
  const expect = (ch) => { if (text[i] !== ch) fail(); ++i; };
  const string = () => {
    expect('"');
    while (text[i] !== '"') {
      if (i >= text.length || text.charCodeAt(i) < 0x20) fail();
      if (text[i] === '\\') {
        ++i;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) {
          fail();
        }
      }
      ++i;
    }
    ++i;
  };
  const value = () => {
    space();
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      ++i;
      space();
      if (text[i] === close) { ++i; return; }
      for (;;) {
        if (close === '}') {
          space();
          string();
          space();
          expect(':');
        }
        value();
        space();
        if (text[i] === close) { ++i; return; }
        expect(',');
      }
    }
    if (ch === '"') return string();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i));
    if (!literal) fail();
    i += literal[0].length;
    if (/[\w.+-]/.test(text[i] ?? '')) fail();  // "flase", "1x": the token itself is wrong
  };
  try {
    value();
    space();
    return i < text.length ? i : null;
  } catch (offset) {
    return offset;
  }
}

// A JSON error shown under its editor, with its location marked.
function jsonErrorItem(editor, error) {
  editor.setMarks(error.line ? [{line: error.line, column: error.column, kind: 'error', title: error.message}] : []);
  return el('li', {class: 'error'},
            error.line ? locationLink(editor, error.line, error.column) : null,
            error.line ? ': ' : null, error.message);
}

// ---- Tabs ---------------------------------------------------------------------------------

const tabs = [...document.querySelectorAll('[role=tab]')];
function showTab(tab) {
  for (const other of tabs) {
    const selected = other === tab;
    other.setAttribute('aria-selected', String(selected));
    $(other.getAttribute('aria-controls')).hidden = !selected;
  }
  // Line bands are positioned from the textarea's scroll offsets, known only once visible.
  for (const editor of Object.values(editors)) editor.syncScroll();
}
for (const tab of tabs) {
  tab.addEventListener('click', () => showTab(tab));
  // Arrow keys move between tabs, as in a WAI-ARIA tab list.
  tab.addEventListener('keydown', (event) => {
    const step = {ArrowRight: 1, ArrowLeft: -1}[event.key];
    if (!step) return;
    const next = tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length];
    next.focus();
    showTab(next);
  });
}

// ---- Cedar: isAuthorizedJson on the three editors ---------------------------------------------

// Where each policy of the text starts, with its effect and @id, to point at the determining
// policies: the engine names them policy0..N by position. Only for display; the engine parses.
function policySpans(text) {
  const spans = [];
  let start = -1;
  let i = 0;
  let line = 1;
  let startLine = 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\n') {
      ++line;
      ++i;
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') ++i;
    } else if (ch === '"') {
      if (start < 0) [start, startLine] = [i, line];
      ++i;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\') ++i;
        else if (text[i] === '\n') ++line;
        ++i;
      }
      ++i;
    } else if (/\s/.test(ch)) {
      ++i;
    } else {
      if (start < 0) [start, startLine] = [i, line];
      if (ch === ';') {
        const body = text.slice(start, i);
        spans.push({
          line: startLine,
          effect: /\b(permit|forbid)\s*\(/.exec(body)?.[1] ?? null,
          annotatedId: /@id\s*\(\s*"((?:[^"\\]|\\.)*)"\s*\)/.exec(body)?.[1] ?? null,
        });
        start = -1;
      }
      ++i;
    }
  }
  return spans;
}

function decideCedar() {
  const policiesEditor = editors['policies-text'];
  const entitiesEditor = editors['entities-text'];
  const requestEditor = editors['request-text'];
  const details = [];
  const entities = parseJson(entitiesEditor.value, 'The entities text');
  const request = parseJson(requestEditor.value, 'The request');
  entitiesEditor.setMarks([]);
  requestEditor.setMarks([]);
  if (entities.error || request.error) {
    policiesEditor.setMarks([]);
    showCedar('failure', el('ul', {class: 'errors'},
        entities.error ? jsonErrorItem(entitiesEditor, entities.error) : null,
        request.error ? jsonErrorItem(requestEditor, request.error) : null));
    return;
  }
  if (request.value === null || typeof request.value !== 'object' || Array.isArray(request.value)) {
    policiesEditor.setMarks([]);
    showCedar('failure', el('ul', {class: 'errors'}, el('li', {class: 'error'},
        'The request must be a JSON object: {"principal", "action", "resource", "context"}')));
    return;
  }
  // The call goes to the engine as the author's text (isAuthorizedJson): integers keep all 64
  // bits and duplicate keys are refused, as in every build. The request object's members are
  // spliced in after the policies and entities.
  const members = requestEditor.value.trim().slice(1, -1).trim();
  const callText = `{"policies": ${JSON.stringify({staticPolicies: policiesEditor.value})}, ` +
      `"entities": ${entitiesEditor.value}${members ? `, ${members}` : ''}}`;
  const answer = JSON.parse(isAuthorizedJson(callText));
  const spans = policySpans(policiesEditor.value);
  const spanOf = (id) => /^policy(\d+)$/.test(id) ? spans[Number(id.slice(6))] : undefined;

  if (answer.type === 'failure') {
    const marks = [];
    const items = answer.errors.map((error) => {
      // Policy text errors start with "line:col: "; others (entities, request) name their part.
      const at = /^(\d+):(\d+): /.exec(error.message);
      if (!at) return el('li', {class: 'error'}, error.message);
      const [line, column] = [Number(at[1]), Number(at[2])];
      marks.push({line, column, kind: 'error', title: error.message});
      return el('li', {class: 'error'}, 'Policies, ', locationLink(policiesEditor, line, column),
                ': ', error.message.slice(at[0].length));
    });
    policiesEditor.setMarks(marks);
    showCedar('failure', el('ul', {class: 'errors'}, items));
    return;
  }

  const {decision, diagnostics} = answer.response;
  const marks = [];
  if (diagnostics.reason.length) {
    details.push(el('h3', {}, 'Determining policies'));
    details.push(el('ul', {class: 'policies'}, diagnostics.reason.map((id) => {
      const span = spanOf(id);
      if (span) marks.push({line: span.line, kind: decision, title: `${id} determined the decision`});
      return el('li', {class: `effect-${span?.effect ?? 'unknown'}`},
                el('code', {}, id), span?.annotatedId ? ` @id("${span.annotatedId}")` : '',
                span ? [' — ', span.effect ?? '', ' at ', policyLink(policiesEditor, span.line)] : '');
    })));
  } else {
    details.push(el('p', {class: 'muted'},
        decision === 'deny' ? 'No policy permits this request: denied by default.' : ''));
  }
  if (diagnostics.errors.length) {
    details.push(el('h3', {}, 'Policies that errored (skipped)'));
    details.push(el('ul', {class: 'errors'}, diagnostics.errors.map(({policyId, error}) => {
      const span = spanOf(policyId);
      if (span) marks.push({line: span.line, kind: 'error', title: error.message});
      return el('li', {class: 'error'}, el('code', {}, policyId),
                span ? [' at ', policyLink(policiesEditor, span.line)] : '', ': ', error.message);
    })));
  }
  policiesEditor.setMarks(marks);
  showCedar(decision, details);
}

function showCedar(decision, details) {
  const badge = $('decision');
  badge.className = `badge ${decision}`;
  badge.textContent = decision === 'failure' ? 'ERROR: deny' : decision.toUpperCase();
  fill($('cedar-details'), ...[details].flat());
}

for (const id of ['policies-text', 'entities-text', 'request-text']) {
  editors[id].textarea.addEventListener('input', debounce(decideCedar, 60));
}

// ---- Bundles: loading from the server or from the user's files, editing, reloading ------

const state = {
  files: {},          // path -> text, as edited
  pristine: {},       // path -> text, as loaded
  source: '',
  bundle: null,       // the last bundle that loaded
  manifest: null,     // its bundle.json, read for the lists of surfaces, profiles and examples
  loadErrors: [],     // the errors of the current files, when they do not load
  verificationKey: null,  // the Ed25519 public key the files' signature is checked with
};

// The files a manifest lists (docs/bundle-format.md); the engine decides what they mean.
function manifestFiles(manifest) {
  const paths = ['bundle.json'];
  for (const key of ['policies', 'entities', 'routes', 'fields', 'scrub', 'tables', 'examples']) {
    const value = manifest[key];
    for (const path of Array.isArray(value) ? value : [value]) {
      if (typeof path === 'string' && !paths.includes(path)) paths.push(path);
    }
  }
  return paths;
}

// The manifest, the files it lists, the signature file and the key that verifies it.
async function fetchElaygent() {
  const get = async (path, optional = false) => {
    const response = await fetch(new URL(path, ELAYGENT_URL), {cache: 'no-cache'});
    if (optional && response.status === 404) return null;
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.text();
  };
  const manifestText = await get('bundle.json');
  const manifest = JSON.parse(manifestText);
  const files = {'bundle.json': manifestText};
  await Promise.all(manifestFiles(manifest).slice(1).map(async (path) => {
    files[path] = await get(path);
  }));
  const [signatures, key] = await Promise.all([get('.signatures.json', true), get(ELAYGENT_KEY, true)]);
  if (signatures !== null) files['.signatures.json'] = signatures;
  return {files, key: key?.trim() ?? null};
}

let elaygentCache = null;  // kept so that loading it again works offline
async function loadElaygent() {
  setBundleStatus('Loading the elaygent bundle…');
  try {
    elaygentCache ??= await fetchElaygent();
    useFiles({...elaygentCache.files}, 'elaygent (policies/elaygent/)', elaygentCache.key);
  } catch (error) {
    setBundleStatus(`Could not fetch policies/elaygent/: ${error.message}`, 'error');
  }
}

async function loadChosenFiles(fileList) {
  const chosen = [...fileList];
  if (!chosen.length) return;
  const files = {};
  for (const file of chosen) {
    // A folder's files come as "folder/sub/file": paths are relative to the chosen folder.
    const path = file.webkitRelativePath ? file.webkitRelativePath.split('/').slice(1).join('/') :
                                           file.name;
    if (path.split('/').some((part) => part.startsWith('.') && part !== '.signatures.json')) continue;
    files[path] = await file.text();
  }
  const folder = chosen[0].webkitRelativePath ? chosen[0].webkitRelativePath.split('/')[0] : null;
  useFiles(files, folder ? `folder ${folder}` : `${Object.keys(files).length} files you chose`);
}

function useFiles(files, source, verificationKey = null) {
  state.verificationKey = verificationKey;
  state.files = files;
  state.pristine = {...files};
  state.source = source;
  const select = $('bundle-file');
  fill(select, ...Object.keys(files).sort(fileOrder).map((path) => el('option', {value: path}, path)));
  select.value = files['bundle.json'] !== undefined ? 'bundle.json' : select.options[0]?.value ?? '';
  showBundleFile();
  reloadBundle();
}

function fileOrder(a, b) {
  const rank = (path) => (path === 'bundle.json' ? 0 : path.endsWith('.cedar') ? 1 : path.includes('/') ? 3 : 2);
  return rank(a) - rank(b) || a.localeCompare(b);
}

function reloadBundle() {
  const answer = loadBundle({files: state.files});
  if (answer.type === 'success') {
    state.bundle?.dispose();
    state.bundle = answer.bundle;
    state.loadErrors = [];
    const manifest = parseJson(state.files['bundle.json'] ?? '{}', 'bundle.json');
    state.manifest = manifest.value ?? {};
    const signature = signatureStatus();
    setBundleStatus(`${answer.bundle.name} ${answer.bundle.revision} · ${state.source} · ` +
                    `digest ${answer.bundle.digest.slice(0, 12)}… · ${signature.text}`,
                    signature.verified === false ? 'warn' : 'ok');
    refreshBundleLists();
  } else {
    state.loadErrors = answer.errors;
    setBundleStatus(state.bundle ?
        `The files do not load (${answer.errors.length} error${answer.errors.length > 1 ? 's' : ''}); ` +
        `Route, Scrub, Matrix and Gate answer with the last bundle that loaded, ${state.bundle.name} ${state.bundle.revision}.` :
        `The files do not load as a bundle (${answer.errors.length} error${answer.errors.length > 1 ? 's' : ''}).`,
        'error');
  }
  renderLoadResult();
  decideRoute();
  scrubPayload();
  renderMatrix();
  checkGate();
}

// Whether the files still carry a valid signature: the bundle in use loads without requiring
// one (so that edits take effect), and a second load that requires it says whether it holds.
function signatureStatus() {
  if (state.files['.signatures.json'] === undefined) return {text: 'unsigned', verified: null};
  if (!state.verificationKey) return {text: 'signed; no key here to verify it', verified: null};
  const answer = loadBundle({files: state.files, options: {requireSignature: 'ed25519',
                                                          verificationKey: state.verificationKey}});
  if (answer.type === 'success') {
    answer.bundle.dispose();
    return {text: `Ed25519 signature verified (policies/keys/elaygent.pub)`, verified: true};
  }
  return {text: `signature does not verify: ${answer.errors[0].message}`, verified: false};
}

function setBundleStatus(text, kind = '') {
  const status = $('bundle-status');
  status.textContent = text;
  status.className = kind;
}

// The load errors, each "file:line:col: ..." linked to its place in the file editor.
function renderLoadResult() {
  const editor = editors['bundle-text'];
  const shown = $('bundle-file').value;
  const marks = [];
  const items = state.loadErrors.map((error) => {
    const at = /^([^:\s]+):(\d+):(\d+): /.exec(error.message);
    if (!at || state.files[at[1]] === undefined) return el('li', {class: 'error'}, error.message);
    const [file, line, column] = [at[1], Number(at[2]), Number(at[3])];
    if (file === shown) marks.push({line, column, kind: 'error', title: error.message});
    return el('li', {class: 'error'},
              locationLink(editor, line, column, `${file}, `, () => {
                showTab($('tab-bundle'));
                if ($('bundle-file').value !== file) {
                  $('bundle-file').value = file;
                  showBundleFile();
                }
              }),
              ': ', error.message.slice(at[0].length));
  });
  editor.setMarks(marks);
  const result = $('bundle-load-result');
  if (items.length) {
    result.className = 'notice error';
    fill(result, el('ul', {class: 'errors'}, items));
  } else if (state.bundle) {
    const edited = Object.keys(state.files).filter((path) => state.files[path] !== state.pristine[path]);
    result.className = 'notice ok';
    fill(result, `Loaded ${state.bundle.name} ${state.bundle.revision} from ` +
        `${Object.keys(state.files).length} files` + (edited.length ? `; edited: ${edited.join(', ')}.` : '.'));
  } else {
    result.className = 'notice';
    fill(result, 'Load the elaygent bundle or open a bundle\'s files.');
  }
}

function showBundleFile() {
  const path = $('bundle-file').value;
  editors['bundle-text'].value = state.files[path] ?? '';
  editors['bundle-text'].textarea.scrollTop = 0;
  renderLoadResult();
}

$('bundle-file').addEventListener('change', showBundleFile);
$('bundle-revert').addEventListener('click', () => {
  const path = $('bundle-file').value;
  if (state.pristine[path] === undefined) return;
  state.files[path] = state.pristine[path];
  showBundleFile();
  reloadBundle();
});
const reloadSoon = debounce(reloadBundle, 250);
editors['bundle-text'].textarea.addEventListener('input', () => {
  const path = $('bundle-file').value;
  if (!path) return;
  state.files[path] = editors['bundle-text'].value;
  reloadSoon();
});
$('load-elaygent').addEventListener('click', loadElaygent);
$('open-files').addEventListener('change', (event) => loadChosenFiles(event.target.files));
$('open-folder').addEventListener('change', (event) => loadChosenFiles(event.target.files));

// The manifest's surfaces, the profiles of fields.json and scrub.json, the example files.
function refreshBundleLists() {
  const manifest = state.manifest ?? {};
  const surfaces = Array.isArray(manifest.surfaces) && manifest.surfaces.length ?
      manifest.surfaces : ['desktop'];
  setOptions($('route-surface'), surfaces);
  setOptions($('scrub-surface'), surfaces);
  setOptions($('matrix-surface'), surfaces);
  const jsonFile = (key) => {
    const path = manifest[key];
    return typeof path === 'string' ? parseJson(state.files[path] ?? '', path).value ?? {} : {};
  };
  state.maskProfiles = Object.keys(jsonFile('fields').profiles ?? {});
  state.scrubProfiles = Object.keys(jsonFile('scrub').profiles ?? {});
  setScrubProfiles();

  const examples = Array.isArray(manifest.examples) ? manifest.examples : [];
  const routeLines = [];
  for (const path of examples.filter((p) => p.endsWith('.jsonl'))) {
    for (const line of (state.files[path] ?? '').split('\n')) {
      const parsed = parseJson(line, path).value;
      if (parsed && typeof parsed.method === 'string' && typeof parsed.path === 'string') routeLines.push(parsed);
    }
  }
  state.routeExamples = routeLines;
  fill($('route-example'),
      el('option', {value: ''}, routeLines.length ? '(examples/routes.jsonl)' : '(no examples)'),
      ...routeLines.map((request, index) => el('option', {value: String(index)},
          `${request.method} ${request.path} · ${request.surface}` +
          (request.session ? ` · ${request.session.user} (${(request.session.roles ?? []).join(', ')}` +
           `${request.session.status !== 'active' ? `, ${request.session.status}` : ''})` : '') +
          (request.credentials ? ` · ${Object.entries(request.credentials).map(([k, v]) => `${k} ${v}`).join(', ')}` : ''))));
  state.payloadExamples = examples.filter((p) => p.endsWith('.json'));
  setOptions($('scrub-example'), state.payloadExamples, '(example files)');
  setOptions($('gate-workflow'), Object.keys(manifest.workflows ?? {}));
  setOptions($('gate-example'), state.payloadExamples, '(example files)');
  if (!editors['scrub-payload'].value.trim()) {
    const dashboard = state.payloadExamples.find((p) => p.includes('dashboard'));
    if (dashboard) {
      editors['scrub-payload'].value = examplePayload(dashboard);
      $('scrub-example').value = dashboard;
    }
  }
}

// An example payload for the editor: a one-line JSON file is shown indented (unless it holds
// integers that JavaScript numbers would round).
function examplePayload(path) {
  const text = state.files[path] ?? '';
  if (text.trim().includes('\n') || /\d{16,}/.test(text)) return text;
  const parsed = parseJson(text, path);
  return parsed.error ? text : `${JSON.stringify(parsed.value, null, 2)}\n`;
}

function setOptions(select, values, placeholder = null) {
  const previous = select.value;
  fill(select, ...(placeholder !== null ? [el('option', {value: ''}, placeholder)] : []),
                         ...values.map((value) => el('option', {value}, value)));
  if (values.includes(previous)) select.value = previous;
}

// ---- Route ----------------------------------------------------------------------------------

function noBundle(target) {
  fill(target, el('p', {class: 'muted'}, 'Load the elaygent bundle or open a bundle\'s files first.'));
}

function decideRoute() {
  const badge = $('route-decision');
  const details = $('route-details');
  if (!state.bundle) {
    badge.className = 'badge';
    badge.textContent = '…';
    noBundle(details);
    return;
  }
  const request = {method: $('route-method').value, path: $('route-path').value,
                   surface: $('route-surface').value};
  const errors = [];
  for (const [id, key] of [['route-session', 'session'], ['route-credentials', 'credentials']]) {
    const editor = editors[id];
    editor.setMarks([]);
    if (!editor.value.trim()) continue;
    const parsed = parseJson(editor.value, key === 'session' ? 'The session' : 'The credentials');
    if (parsed.error) errors.push(jsonErrorItem(editor, parsed.error));
    else request[key] = parsed.value;
  }
  if (errors.length) {
    badge.className = 'badge failure';
    badge.textContent = 'ERROR: deny';
    fill(details, el('ul', {class: 'errors'}, errors));
    return;
  }
  // The session goes as the author's text, last, like a scrub payload.
  const sessionText = editors['route-session'].value;
  const {session, ...rest} = request;
  const prefix = `${JSON.stringify(rest).slice(0, -1)}${session === undefined ? '' : ', "session": '}`;
  const answer = JSON.parse(state.bundle.routeJson(`${prefix}${session === undefined ? '' : sessionText}\n}`));
  if (answer.type === 'failure') {
    badge.className = 'badge failure';
    badge.textContent = 'ERROR: deny';
    fill(details, el('ul', {class: 'errors'}, callErrorItems(answer.errors, prefix, editors['route-session'], 'Session')));
    return;
  }
  const decision = answer.decision;
  badge.className = `badge ${decision.allow ? 'allow' : 'deny'}`;
  badge.textContent = `${decision.allow ? 'ALLOW' : 'DENY'} ${decision.status}` +
                      (decision.redirect ? ` → ${decision.redirect}` : '');
  const obligations = decision.obligations;
  const obligationText = [
    ...obligations.audit.map((a) => `audit ${a}`),
    obligations.rateLimit ? `rate limit ${obligations.rateLimit}` : null,
    obligations.scrubProfile ? `scrub ${obligations.scrubProfile}` : null,
    obligations.credential ? `credential ${obligations.credential}` : null,
    obligations.revokeSession ? 'revoke session' : null,
  ].filter(Boolean);
  fill(details,
      el('dl', {class: 'facts'},
         el('dt', {}, 'route'), el('dd', {id: 'route-matched'}, decision.route ?? '(no route matches)'),
         el('dt', {}, 'action'), el('dd', {}, decision.action ?? '—'),
         el('dt', {}, 'tenant'), el('dd', {}, decision.tenant ?? '—'),
         el('dt', {}, 'obligations'), el('dd', {}, obligationText.join('; ') || 'none')),
      decision.determining.length ? el('h3', {}, 'Determining policies') : null,
      el('ul', {class: 'policies', id: 'route-determining'}, decision.determining.map((policy) =>
          el('li', {class: `effect-${policy.effect}`},
             bundlePolicyLink(policy.id),
             ` ${policy.effect}`, policy.message ? `: ${policy.message}` : ''))),
      decision.errors.length ? el('h3', {}, 'Policies that errored (skipped)') : null,
      el('ul', {class: 'errors'}, decision.errors.map((e) => el('li', {class: 'error'}, el('code', {}, e.policyId), ': ', e.message))),
      el('h3', {}, 'Explanation'),
      el('ol', {class: 'explanation'}, decision.explanation.map((sentence) => el('li', {}, sentence))));
}

// A bundle policy's id as a link to it in the file editor.
function bundlePolicyLink(id) {
  return el('a', {href: '#', onclick: (event) => { event.preventDefault(); openPolicy(id); }}, el('code', {}, id));
}

// Shows a bundle policy in the file editor, found by its @id annotation.
function openPolicy(id) {
  const pattern = new RegExp(`@id\\s*\\(\\s*"${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`);
  for (const path of Object.keys(state.files).filter((p) => p.endsWith('.cedar'))) {
    const match = pattern.exec(state.files[path]);
    if (!match) continue;
    showTab($('tab-bundle'));
    $('bundle-file').value = path;
    showBundleFile();
    editors['bundle-text'].goTo(state.files[path].slice(0, match.index).split('\n').length, 1);
    return;
  }
}

// JSON on one line with a space after each separator.
function oneLine(value) {
  if (Array.isArray(value)) return `[${value.map(oneLine).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${oneLine(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}

$('route-example').addEventListener('change', () => {
  const request = state.routeExamples?.[Number($('route-example').value)];
  if (!$('route-example').value || !request) return;
  $('route-method').value = request.method;
  $('route-path').value = request.path;
  if (request.surface) $('route-surface').value = request.surface;
  editors['route-session'].value = request.session ? oneLine(request.session) : '';
  editors['route-credentials'].value = request.credentials ? oneLine(request.credentials) : '';
  decideRoute();
});
for (const id of ['route-method', 'route-surface']) $(id).addEventListener('change', decideRoute);
for (const id of ['route-path', 'route-session', 'route-credentials']) {
  ($(id).tagName === 'INPUT' ? $(id) : editors[id].textarea).addEventListener('input', debounce(decideRoute, 60));
}

// ---- Scrub: field masks and telemetry profiles, shown as a diff -------------------------

function scrubMode() { return document.querySelector('input[name=scrub-mode]:checked').value; }

function setScrubProfiles() {
  const mask = scrubMode() === 'mask';
  setOptions($('scrub-profile'), (mask ? state.maskProfiles : state.scrubProfiles) ?? []);
  for (const node of document.querySelectorAll('.mask-only')) node.hidden = !mask;
}

for (const radio of document.querySelectorAll('input[name=scrub-mode]')) {
  radio.addEventListener('change', () => {
    setScrubProfiles();
    // Each mode starts on its own kind of example payload.
    const wanted = scrubMode() === 'mask' ? 'dashboard' : 'telemetry';
    const example = state.payloadExamples?.find((p) => p.includes(wanted));
    if (example) {
      editors['scrub-payload'].value = examplePayload(example);
      $('scrub-example').value = example;
    }
    scrubPayload();
  });
}
$('scrub-example').addEventListener('change', () => {
  const path = $('scrub-example').value;
  if (path && state.files[path] !== undefined) editors['scrub-payload'].value = examplePayload(path);
  scrubPayload();
});
for (const id of ['scrub-profile', 'scrub-surface']) $(id).addEventListener('change', () => scrubPayload());
for (const id of ['scrub-viewer', 'scrub-payload']) editors[id].textarea.addEventListener('input', debounce(scrubPayload, 80));

function scrubPayload() {
  const summary = $('scrub-summary');
  const original = $('scrub-original');
  const result = $('scrub-result');
  if (!state.bundle) {
    noBundle(summary);
    fill(original);
    fill(result);
    return;
  }
  const mask = scrubMode() === 'mask';
  const payloadEditor = editors['scrub-payload'];
  const viewerEditor = editors['scrub-viewer'];
  payloadEditor.setMarks([]);
  viewerEditor.setMarks([]);
  const payload = parseJson(payloadEditor.value, 'The payload');
  const viewer = mask ? parseJson(viewerEditor.value, 'The viewer') : {value: null};
  if (payload.error || viewer.error) {
    fill(summary, el('ul', {class: 'errors'},
        payload.error ? jsonErrorItem(payloadEditor, payload.error) : null,
        viewer.error ? jsonErrorItem(viewerEditor, viewer.error) : null));
    fill(original);
    fill(result);
    return;
  }
  // The payload goes to the engine as the author's text, last in the call, so that its integers
  // stay exact and its duplicate keys are refused as the engine refuses them everywhere; an
  // error inside it maps back to the payload editor.
  const prefix = mask ?
      `{"viewer": ${JSON.stringify(viewer.value)}, "surface": ${JSON.stringify($('scrub-surface').value)}, ` +
          `"profile": ${JSON.stringify($('scrub-profile').value)}, "payload": ` :
      `{"profile": ${JSON.stringify($('scrub-profile').value)}, "event": `;
  const answer = parseExact((mask ? state.bundle.maskJson : state.bundle.scrubJson)
                                .call(state.bundle, `${prefix}${payloadEditor.value}\n}`));
  const originalValue = parseExact(payloadEditor.value);
  if (answer.type === 'failure') {
    fill(summary, el('ul', {class: 'errors'}, callErrorItems(answer.errors, prefix, payloadEditor, 'Payload')));
    fill(original, renderJson(originalValue, new Set(), new Set()));
    fill(result);
    return;
  }
  const scrubbed = mask ? answer.result.payload : answer.result.event;
  const removed = new Set(answer.result.removed);
  const changed = new Set(mask ? answer.result.masked : answer.result.replaced);
  fill(summary,
      el('strong', {}, `${removed.size} removed, ${changed.size} ${mask ? 'masked' : 'replaced'}`),
      mask && answer.result.deniedClasses.length ?
          ` · classes this viewer may not read on ${$('scrub-surface').value}: ${answer.result.deniedClasses.join(', ')}` : '',
      el('ul', {class: 'pointers'},
         [...removed].map((p) => el('li', {class: 'removed'}, el('code', {}, p), ' removed')),
         [...changed].map((p) => el('li', {class: 'masked'}, el('code', {}, p), mask ? ' masked' : ' replaced'))));
  fill(original, renderJson(originalValue, removed, changed));
  fill(result, renderJson(scrubbed, new Set(), changed));
}

// The errors of a call made of `prefix` (one line) followed by an editor's text: a location
// ("call:L:C: ...") inside the editor's text is linked and marked there.
function callErrorItems(errors, prefix, editor, what) {
  const prefixColumns = [...prefix].length;
  const marks = [];
  const items = errors.map((error) => {
    const at = /^(?:call|route request):(\d+):(\d+): (.*)$/s.exec(error.message);
    const line = at ? Number(at[1]) : 0;
    const column = at ? Number(at[2]) - (line === 1 ? prefixColumns : 0) : 0;
    if (!at || column < 1) return el('li', {class: 'error'}, error.message);
    marks.push({line, column, kind: 'error', title: at[3]});
    return el('li', {class: 'error'}, `${what}, `, locationLink(editor, line, column), ': ', at[3]);
  });
  editor.setMarks(marks);
  return items;
}

// An integer JavaScript numbers would round, kept as its digits for display.
class ExactInteger {
  constructor(digits) { this.digits = digits; }
}

// JSON.parse, keeping integers beyond 2^53 exact where the browser gives the reviver the
// source text (Chromium 114 and later).
function parseExact(text) {
  return JSON.parse(text, (key, value, context) =>
      typeof value === 'number' && !Number.isSafeInteger(value) && /^-?\d+$/.test(context?.source ?? '') ?
          new ExactInteger(context.source) : value);
}

// Pretty-printed JSON whose members carry their RFC 6901 pointer, so that the engine's
// removed and masked pointers can be highlighted where they are.
function renderJson(value, removed, changed) {
  const out = document.createDocumentFragment();
  const escape = (key) => String(key).replace(/~/g, '~0').replace(/\//g, '~1');
  const write = (node, pointer, indent, prefix, last) => {
    const line = el('span', {class: 'json-line', 'data-pointer': pointer});
    if (removed.has(pointer)) line.classList.add('removed');
    else if (changed.has(pointer)) line.classList.add('masked');
    const pad = '  '.repeat(indent);
    const comma = last ? '' : ',';
    if (node instanceof ExactInteger) {
      line.append(pad, prefix, el('span', {class: 'json-number'}, node.digits), comma, '\n');
      out.append(line);
      return;
    }
    if (node !== null && typeof node === 'object') {
      const entries = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
      const [open, close] = Array.isArray(node) ? ['[', ']'] : ['{', '}'];
      if (!entries.length) {
        line.append(pad, prefix, open + close + comma, '\n');
        out.append(line);
        return;
      }
      line.append(pad, prefix, open, '\n');
      out.append(line);
      // A removed or masked container highlights everything inside it too.
      const inner = line.classList.contains('removed') ? 'removed' : line.classList.contains('masked') ? 'masked' : null;
      const before = out.childNodes.length;
      entries.forEach(([key, child], index) => write(child, `${pointer}/${escape(key)}`, indent + 1,
          Array.isArray(node) ? '' : `${JSON.stringify(key)}: `, index === entries.length - 1));
      if (inner) [...out.childNodes].slice(before).forEach((n) => n.classList.add(inner));
      const end = el('span', {class: `json-line${inner ? ` ${inner}` : ''}`}, pad + close + comma, '\n');
      out.append(end);
      return;
    }
    line.append(pad, prefix, el('span', {class: `json-${node === null ? 'null' : typeof node}`}, JSON.stringify(node)), comma, '\n');
    out.append(line);
  };
  write(value, '', 0, '', true);
  return out;
}

// ---- Matrix -----------------------------------------------------------------------------------

$('matrix-surface').addEventListener('change', () => renderMatrix());

function renderMatrix() {
  const target = $('matrix-result');
  if (!state.bundle) {
    noBundle(target);
    return;
  }
  const answer = state.bundle.matrix({surface: $('matrix-surface').value || 'desktop', format: 'json'});
  if (answer.type === 'failure') {
    fill(target, el('ul', {class: 'errors'}, answer.errors.map((e) => el('li', {class: 'error'}, e.message))));
    return;
  }
  const matrix = answer.matrix;
  fill(target,
      el('p', {class: 'muted'}, `${matrix.bundle} ${matrix.revision}, surface ${matrix.surface}: ` +
         `${matrix.routes.length} routes × ${matrix.roles.length} roles. Conditional cells name their condition.`),
      el('table', {class: 'matrix', id: 'matrix-table'},
         el('thead', {}, el('tr', {}, el('th', {}, 'route'), el('th', {}, 'action'),
                               matrix.roles.map((role) => el('th', {}, role)))),
         el('tbody', {}, matrix.routes.map((route, r) => el('tr', {},
             el('th', {scope: 'row'}, el('code', {}, route)),
             el('td', {class: 'action'}, matrix.actions[r]),
             matrix.cells[r].map((cell, c) => el('td', {
               class: `cell-${cell}`,
               title: matrix.notes?.[r]?.[c] || cell,
             }, cell, matrix.notes?.[r]?.[c] ? el('small', {}, matrix.notes[r][c]) : null)))))));
}

// ---- Gate -------------------------------------------------------------------------------------

function checkGate() {
  const badge = $('gate-decision');
  const details = $('gate-details');
  if (!state.bundle) {
    badge.className = 'badge';
    badge.textContent = '…';
    noBundle(details);
    return;
  }
  const actorEditor = editors['gate-actor'];
  const factsEditor = editors['gate-facts'];
  actorEditor.setMarks([]);
  factsEditor.setMarks([]);
  const actor = parseJson(actorEditor.value, 'The actor');
  const facts = factsEditor.value.trim() ? parseJson(factsEditor.value, 'The facts') : {value: null};
  const refuse = (items) => {
    badge.className = 'badge failure';
    badge.textContent = 'ERROR: refused';
    fill(details, el('ul', {class: 'errors'}, items));
  };
  if (actor.error || facts.error) {
    refuse([actor.error ? jsonErrorItem(actorEditor, actor.error) : null,
            facts.error ? jsonErrorItem(factsEditor, facts.error) : null]);
    return;
  }
  // The facts go as the author's text, last, like a scrub payload.
  const prefix = `{"workflow": ${JSON.stringify($('gate-workflow').value)}, "actor": ${JSON.stringify(actor.value)}` +
                 (factsEditor.value.trim() ? ', "facts": ' : '');
  const answer = JSON.parse(state.bundle.gateJson(`${prefix}${factsEditor.value.trim() ? factsEditor.value : ''}\n}`));
  if (answer.type === 'failure') {
    refuse(callErrorItems(answer.errors, prefix, factsEditor, 'Facts'));
    return;
  }
  const result = answer.result;
  badge.className = `badge ${result.allowed ? 'allow' : 'deny'}`;
  badge.textContent = result.allowed ? 'MAY PROCEED' :
      `REFUSED${result.unmet.length ? `: ${result.unmet.length} unmet gate${result.unmet.length > 1 ? 's' : ''}` : ''}`;
  fill(details,
      result.unmet.length ? el('h3', {}, 'Unmet gates') : null,
      el('ul', {class: 'policies', id: 'gate-unmet'}, result.unmet.map((gate) =>
          el('li', {class: 'effect-forbid'}, el('strong', {}, gate.gate), `: ${gate.message} `,
             '(', bundlePolicyLink(gate.policyId), gate.errored ? ', errored: it cannot vouch for its precondition' : '', ')'))),
      result.errors.length ? el('h3', {}, 'Policies that errored') : null,
      el('ul', {class: 'errors'}, result.errors.map((e) => el('li', {class: 'error'}, el('code', {}, e.policyId), ': ', e.message))),
      result.deletionPlan.length ? el('h3', {}, 'Deletion plan') : null,
      result.deletionPlan.length ? el('ol', {class: 'plan', id: 'gate-plan'}, result.deletionPlan.map((table) => el('li', {}, el('code', {}, table)))) : null,
      result.retention.length ? el('h3', {}, 'Retention') : null,
      el('ul', {}, result.retention.map((entry) => el('li', {}, el('code', {}, entry.entryId),
          entry.deletable ? ' may be deleted' : ' must be kept', `: ${entry.reason}`))),
      el('h3', {}, 'Explanation'),
      el('ol', {class: 'explanation'}, result.explanation.map((sentence) => el('li', {}, sentence))));
}

$('gate-workflow').addEventListener('change', checkGate);
$('gate-example').addEventListener('change', () => {
  const path = $('gate-example').value;
  if (path && state.files[path] !== undefined) editors['gate-facts'].value = examplePayload(path);
  checkGate();
});
for (const id of ['gate-actor', 'gate-facts']) editors[id].textarea.addEventListener('input', debounce(checkGate, 80));

// ---- Start ------------------------------------------------------------------------------------

try {
  await init();
  $('status').textContent = `cordon ${getCordonVersion()} (WebAssembly) loaded; decisions update as you type.`;
  $('status').className = 'ok';
  decideCedar();
  await loadElaygent();
  document.body.dataset.ready = 'true';
} catch (error) {
  $('status').textContent = `Could not load the WebAssembly module: ${error.message}`;
  $('status').className = 'error';
}
