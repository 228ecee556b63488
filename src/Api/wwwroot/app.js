// The page's behaviour: discover the served networks, capture audio (live microphone
// windows or an audio file), send it to POST /prediction/{network} and draw the answers.
// Everything it talks to is the service that served it; nothing else is fetched. Paths are
// relative, so the page also works behind a proxy that serves the service under a sub-path.

import { encodeWav } from './wav.js';
import { showTimeline, startLiveTimeline, addLiveSegment, openStream } from './timeline.js';

/** The original service's two networks: shown when /models cannot be read, so a prediction can still say why it fails. */
const FALLBACK_NETWORKS = ['CNN', 'DNN'];
/** The eight RAVDESS emotions in the service's label order. */
const FALLBACK_LABELS = ['angry', 'calm', 'disgust', 'fearful', 'happy', 'neutral', 'sad', 'surprised'];
/** Live mode: every 2 s of captured audio, the last 2 s go out, as in the mobile app. */
const LIVE_WINDOW_SECONDS = 2;
/** How often live mode looks whether a window is due (the audio clock decides, not this timer). */
const LIVE_POLL_MS = 100;
/** No request may leave the page waiting forever. */
const REQUEST_TIMEOUT_MS = 20000;
/** While models are not ready, look again this often. */
const READINESS_POLL_MS = 10000;

const HEADINGS_BY_STATUS = {
  400: 'The request was refused',
  413: 'The audio is too large',
  415: 'That kind of upload is not accepted',
  422: 'The audio could not be read',
  503: 'The models are not ready',
};

const el = {
  serviceStatus: document.getElementById('service-status'),
  liveToggle: document.getElementById('live-toggle'),
  levelMeter: document.getElementById('level-meter'),
  levelFill: document.querySelector('#level-meter .meter-fill'),
  liveStatus: document.getElementById('live-status'),
  fileInput: document.getElementById('file-input'),
  dropzone: document.getElementById('dropzone'),
  fileStatus: document.getElementById('file-status'),
  error: document.getElementById('error'),
  source: document.getElementById('source'),
  panels: document.getElementById('panels'),
  panelTemplate: document.getElementById('panel-template'),
};

/** "CNN and DNN", "CNN, DNN, and CRNN". */
const listFormat = new Intl.ListFormat('en', { type: 'conjunction' });

/** network name -> { root, rows: Map(label -> row parts), summary, unknown } */
const panels = new Map();
let readinessTimer = 0;

// ---------------------------------------------------------------- service ----

/** A failed request, carrying the RFC 9457 problem details when the service sent them. */
class ProblemError extends Error {
  constructor(status, problem) {
    const heading = HEADINGS_BY_STATUS[status] ?? problem?.title ?? `The service answered HTTP ${status}`;
    const detail = problem?.detail && problem.detail !== heading ? problem.detail : '';
    super(detail ? `${heading}: ${detail}` : `${heading}.`);
    this.status = status;
    this.problem = problem;
  }
}

async function request(path, options = {}) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS);
  let response;
  try {
    response = await fetch(path, { ...options, signal: abort.signal, cache: 'no-store' });
  } catch (error) {
    throw new Error(abort.signal.aborted
      ? `The service did not answer within ${REQUEST_TIMEOUT_MS / 1000} seconds.`
      : 'The service could not be reached. Is it still running?');
  } finally {
    clearTimeout(timer);
  }
  const body = await readJson(response);
  if (!response.ok) {
    throw new ProblemError(response.status, body);
  }
  return body;
}

async function readJson(response) {
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) {
    return null;
  }
  try {
    return await response.json();
  } catch {
    return null;
  }
}

async function checkReadiness() {
  clearTimeout(readinessTimer);
  try {
    await request('health/ready');
    setServiceStatus('ready', 'Service ready.');
    return true;
  } catch (error) {
    setServiceStatus('unavailable', error.message);
    readinessTimer = setTimeout(refreshModels, READINESS_POLL_MS);
    return false;
  }
}

function setServiceStatus(state, text) {
  el.serviceStatus.dataset.state = state;
  el.serviceStatus.textContent = text;
}

async function refreshModels() {
  const ready = await checkReadiness();
  let models = null;
  try {
    models = (await request('models'))?.models ?? null;
  } catch {
    // Not ready or unreachable: readiness already says why.
  }
  if (models && models.length > 0) {
    renderPanels(models);
    if (ready) {
      const names = listFormat.format(models.map(m => m.networkType));
      setServiceStatus('ready', `Service ready: ${names} loaded.`);
    }
  } else if (panels.size === 0) {
    renderPanels(FALLBACK_NETWORKS.map(networkType => ({ networkType, labels: FALLBACK_LABELS, metrics: null, unknown: true })));
  }
}

// ----------------------------------------------------------------- panels ----

function renderPanels(models) {
  const wanted = models.map(m => m.networkType);
  const same = wanted.length === panels.size && wanted.every(n => panels.has(n) && !panels.get(n).unknown);
  if (same) {
    return;
  }
  panels.clear();
  el.panels.replaceChildren();
  for (const model of models) {
    const root = el.panelTemplate.content.firstElementChild.cloneNode(true);
    const titleId = `panel-title-${model.networkType}`;
    root.dataset.network = model.networkType;
    root.setAttribute('aria-labelledby', titleId);
    const title = root.querySelector('.panel-title');
    title.id = titleId;
    title.textContent = model.networkType;
    root.querySelector('.accuracy').textContent = describeAccuracy(model);
    if (model.metrics?.protocol) {
      const protocol = root.querySelector('.protocol');
      protocol.querySelector('p').textContent = model.metrics.protocol;
      protocol.hidden = false;
    }
    root.querySelector('.profile').textContent = describeListening(model.featureProfile);

    const rows = new Map();
    const list = root.querySelector('.bars');
    for (const label of model.labels?.length ? model.labels : FALLBACK_LABELS) {
      const item = document.createElement('li');
      item.className = 'bar-row';
      item.dataset.emotion = label;
      item.style.setProperty('--emotion-color', `var(--emotion-${label}, var(--accent))`);
      item.innerHTML = `
        <span class="bar-label"></span>
        <span class="bar-track" aria-hidden="true"><span class="bar-fill"></span></span>
        <span class="bar-value">–</span>
        <span class="visually-hidden top-note"></span>`;
      item.querySelector('.bar-label').textContent = label;
      list.append(item);
      rows.set(label, {
        item,
        fill: item.querySelector('.bar-fill'),
        value: item.querySelector('.bar-value'),
        topNote: item.querySelector('.top-note'),
      });
    }
    el.panels.append(root);
    panels.set(model.networkType, { root, rows, summary: root.querySelector('.summary'), unknown: Boolean(model.unknown) });
  }
}

function describeAccuracy(model) {
  if (model.unknown) {
    return 'Accuracy on unseen speakers: unknown (model list unavailable).';
  }
  const m = model.metrics;
  if (!m || typeof m.accuracy !== 'number') {
    return 'Accuracy on unseen speakers: not measured.';
  }
  const parts = [];
  if (typeof m.macroF1 === 'number') {
    parts.push(`macro-F1 ${m.macroF1.toFixed(2)}`);
  }
  if (typeof m.folds === 'number') {
    parts.push(`${m.folds}-fold cross-validation by actor`);
  }
  const how = parts.length ? ` (${parts.join('; ')})` : '';
  return `Accuracy on unseen speakers: ${Math.round(m.accuracy * 100)}%${how}.`;
}

/** Which part of a clip the network hears, from the feature profile it was trained with. */
function describeListening(profile) {
  if (!profile) {
    return '';
  }
  const seconds = value => value.toLocaleString('en', { maximumFractionDigits: 2 });
  const start = profile.offsetSeconds ?? 0;
  if (profile.durationSeconds == null) {
    return start === 0 ? 'Hears the whole clip.' : `Hears each clip from ${seconds(start)} s to its end.`;
  }
  return `Hears ${seconds(start)}–${seconds(start + profile.durationSeconds)} s of each clip; the rest is ignored.`;
}

function showResults(network, results) {
  const panel = panels.get(network);
  if (!panel) {
    return;
  }
  let top = null;
  for (const { emotionType, prediction } of results) {
    if (top === null || prediction > top.prediction) {
      top = { emotionType, prediction };
    }
  }
  for (const [label, row] of panel.rows) {
    const result = results.find(r => r.emotionType === label);
    const p = result ? result.prediction : 0;
    row.item.dataset.probability = String(p);
    row.fill.style.width = `${(p * 100).toFixed(1)}%`;
    row.value.textContent = formatPercent(p);
    const isTop = top !== null && label === top.emotionType;
    row.item.classList.toggle('is-top', isTop);
    row.topNote.textContent = isTop ? ' (most likely)' : '';
  }
  panel.root.classList.remove('is-failed');
  panel.root.dataset.updates = String(Number(panel.root.dataset.updates ?? 0) + 1);
  panel.summary.textContent = top ? `Most likely: ${top.emotionType} (${formatPercent(top.prediction)}).` : 'No result.';
}

/** A network that failed shows no result at all, so stale bars never sit beside an error. */
function showPanelFailure(network) {
  const panel = panels.get(network);
  if (!panel) {
    return;
  }
  for (const row of panel.rows.values()) {
    delete row.item.dataset.probability;
    row.fill.style.width = '0';
    row.value.textContent = '–';
    row.item.classList.remove('is-top');
    row.topNote.textContent = '';
  }
  panel.root.classList.add('is-failed');
  panel.summary.textContent = 'No result: see the message above.';
}

function formatPercent(p) {
  if (p > 0 && p < 0.005) {
    return '<1%';
  }
  return `${Math.round(p * 100)}%`;
}

// ------------------------------------------------------------- prediction ----

let analysing = false;

/**
 * Sends one recording to every network at once and shows each answer. Returns null if
 * another analysis is still running (live mode skips a window rather than queueing),
 * otherwise the number of networks that failed. Live windows are WAV; a file goes as
 * application/octet-stream, because the service recognises the format from the bytes and
 * browsers name some audio files oddly (a .webm recording is "video/webm", a .m4a may be "").
 */
async function analyse(audio, contentType, sourceText) {
  if (analysing) {
    return null;
  }
  analysing = true;
  document.body.classList.add('is-busy');
  try {
    const networks = [...panels.keys()];
    const outcomes = await Promise.allSettled(networks.map(network =>
      request(`prediction/${encodeURIComponent(network)}`, {
        method: 'POST',
        headers: { 'Content-Type': contentType, Accept: 'application/json' },
        body: audio,
      })));

    const failures = new Map(); // message -> networks
    outcomes.forEach((outcome, i) => {
      const network = networks[i];
      if (outcome.status === 'fulfilled' && Array.isArray(outcome.value?.results)) {
        showResults(network, outcome.value.results);
      } else {
        const message = outcome.status === 'rejected' ? outcome.reason.message : 'The service sent an answer this page does not understand.';
        failures.set(message, [...(failures.get(message) ?? []), network]);
        showPanelFailure(network);
      }
    });
    el.source.textContent = sourceText;
    showErrors(failures);
    // Models went away (or never came): let the status line say why, and keep looking.
    if (outcomes.some(outcome => outcome.reason?.status === 503)) {
      checkReadiness();
    }
    return [...failures.values()].reduce((count, networks) => count + networks.length, 0);
  } finally {
    analysing = false;
    document.body.classList.remove('is-busy');
  }
}

function showErrors(failures) {
  if (failures.size === 0) {
    el.error.hidden = true;
    el.error.replaceChildren();
    return;
  }
  const lines = [...failures].map(([message, networks]) => {
    const line = document.createElement('p');
    const who = document.createElement('strong');
    who.textContent = `${listFormat.format(networks)}: `;
    line.append(who, message);
    return line;
  });
  el.error.replaceChildren(...lines);
  el.error.hidden = false;
}

function showError(message) {
  const line = document.createElement('p');
  line.textContent = message;
  el.error.replaceChildren(line);
  el.error.hidden = false;
}

// ------------------------------------------------------------------- file ----

async function analyseFile(file) {
  if (!file) {
    return;
  }
  if (live) {
    await stopLive('Live mode stopped to show the file.');
  }
  el.fileStatus.textContent = `Analysing ${file.name}…`;
  if (file.size === 0) {
    el.fileStatus.textContent = `${file.name} is empty.`;
    return;
  }
  const failed = await analyse(file, 'application/octet-stream', `File: ${file.name} (${formatBytes(file.size)}).`);
  // A file the networks could not take may still have a timeline (one longer than their limit); its own error is
  // shown only when theirs would not already say what is wrong.
  await analyseTimeline(file, { quiet: failed !== 0 });
  el.fileStatus.textContent = failed === null
    ? 'Busy with another request; try again in a moment.'
    : failed === 0 ? `Analysed ${file.name}.` : `Could not analyse ${file.name}.`;
}

/** The network whose timeline is charted: the CRNN when served (it hears whole segments), else the first. */
function timelineNetwork() {
  return panels.has('CRNN') ? 'CRNN' : [...panels.keys()][0];
}

function timelineLabels() {
  return [...(panels.get(timelineNetwork())?.rows.keys() ?? FALLBACK_LABELS)];
}

async function analyseTimeline(file, { quiet }) {
  const network = timelineNetwork();
  try {
    const timeline = await request(`prediction/${encodeURIComponent(network)}/timeline`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream', Accept: 'application/json' },
      body: file,
    });
    showTimeline(timeline, `${file.name}: ${network}, ${timeline.segments.length} speech segments in ${timeline.duration.toFixed(1)} s.`, timelineLabels());
  } catch (error) {
    if (!quiet) {
      showError(`Timeline: ${error.message}`);
    }
  }
}

/**
 * One stream per network; each segment updates that network's panel, and the charted network's
 * segments go to the timeline. Null when any stream cannot be opened: live mode then polls.
 */
async function openLiveStreams(sampleRate) {
  const charted = timelineNetwork();
  try {
    return await Promise.all([...panels.keys()].map(network => openStream(network, sampleRate, {
      onSegment: message => {
        showResults(network, message.results);
        if (network === charted) {
          addLiveSegment(message, live ? live.written / sampleRate : message.end);
        }
        el.source.textContent = `Live microphone: speech from ${message.start.toFixed(1)} s to ${message.end.toFixed(1)} s.`;
      },
      onClose: event => {
        if (event.code !== 1000 && live) {
          showError(`Live stream (${network}) closed: ${event.reason || event.code}`);
        }
      },
    })));
  } catch {
    return null;
  }
}

function formatBytes(bytes) {
  if (bytes < 1024) {
    return `${bytes} bytes`;
  }
  if (bytes < 1024 * 1024) {
    return `${(bytes / 1024).toFixed(0)} KiB`;
  }
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

el.fileInput.addEventListener('change', () => {
  const file = el.fileInput.files?.[0];
  analyseFile(file).finally(() => { el.fileInput.value = ''; });
});

// A file dropped anywhere but the drop zone must not make the browser navigate away.
for (const type of ['dragover', 'drop']) {
  window.addEventListener(type, event => event.preventDefault());
}
el.dropzone.addEventListener('dragenter', () => el.dropzone.classList.add('is-dragging'));
el.dropzone.addEventListener('dragover', event => {
  event.preventDefault();
  event.dataTransfer.dropEffect = 'copy';
  el.dropzone.classList.add('is-dragging');
});
el.dropzone.addEventListener('dragleave', () => el.dropzone.classList.remove('is-dragging'));
el.dropzone.addEventListener('drop', event => {
  event.preventDefault();
  el.dropzone.classList.remove('is-dragging');
  analyseFile(event.dataTransfer?.files?.[0]);
});

// ------------------------------------------------------------------- live ----

/**
 * The running capture or null: the audio context, stream and worklet node; a ring buffer of
 * the last window; samples written so far and the count at which the next window is due.
 */
let live = null;
let starting = false;

async function startLive() {
  if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
    showError('The browser allows the microphone only on a secure page (https, or http://localhost). Open the page that way, or analyse an audio file instead.');
    return;
  }
  // Busy, not disabled: disabling the focused button would throw keyboard focus away.
  starting = true;
  el.liveToggle.setAttribute('aria-busy', 'true');
  el.liveStatus.textContent = 'Asking for the microphone…';
  let stream = null;
  let context = null;
  try {
    // No echo cancellation, noise suppression or gain control: the models were trained
    // on clean studio speech, and these filters change the voice's spectrum.
    stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    });
    context = new AudioContext();
    await context.audioWorklet.addModule('capture-worklet.js');
    const source = context.createMediaStreamSource(stream);
    // No outputs: the microphone is analysed, never played back.
    const node = new AudioWorkletNode(context, 'capture', { numberOfInputs: 1, numberOfOutputs: 0 });
    source.connect(node);
    await context.resume();

    const windowSamples = Math.round(LIVE_WINDOW_SECONDS * context.sampleRate);
    live = { context, stream, node, ring: new Float32Array(windowSamples), written: 0, nextSendAt: windowSamples, windows: 0, level: 0, timer: 0 };
    node.port.onmessage = event => receiveChunk(event.data);
    live.streams = await openLiveStreams(context.sampleRate);
    if (live.streams) {
      startLiveTimeline(`Live microphone: ${timelineNetwork()}, a segment as each phrase ends.`, timelineLabels());
    } else {
      live.timer = setInterval(sendLiveWindowIfDue, LIVE_POLL_MS);
    }

    el.liveToggle.textContent = 'Stop live';
    el.liveToggle.setAttribute('aria-pressed', 'true');
    el.liveStatus.textContent = live.streams
      ? `Listening at ${formatRate(context.sampleRate)}; streaming, a result as each phrase ends.`
      : `Listening at ${formatRate(context.sampleRate)}; results every ${LIVE_WINDOW_SECONDS} seconds.`;
    document.body.classList.add('is-live');
  } catch (error) {
    stream?.getTracks().forEach(track => track.stop());
    context?.close();
    live = null;
    el.liveStatus.textContent = 'Microphone off.';
    showError(describeMicrophoneError(error));
  } finally {
    starting = false;
    el.liveToggle.removeAttribute('aria-busy');
  }
}

async function stopLive(message = 'Microphone off.') {
  const current = live;
  live = null;
  if (current) {
    clearInterval(current.timer);
    current.streams?.forEach(stream => stream.end());
    current.node.port.onmessage = null;
    current.stream.getTracks().forEach(track => track.stop());
    await current.context.close();
  }
  el.liveToggle.textContent = 'Start live';
  el.liveToggle.setAttribute('aria-pressed', 'false');
  el.liveStatus.textContent = message;
  document.body.classList.remove('is-live');
  setLevel(0, 'off');
}

function describeMicrophoneError(error) {
  switch (error?.name) {
    case 'NotAllowedError':
      return 'The microphone was not allowed. Allow it in the browser\'s site settings and try again.';
    case 'NotFoundError':
      return 'No microphone was found.';
    case 'NotReadableError':
      return 'The microphone is in use by another program or could not be opened.';
    default:
      return `The microphone could not be started: ${error?.message ?? error}`;
  }
}

/** Appends a chunk to the ring buffer that always holds the last window, and moves the level meter. */
function receiveChunk(chunk) {
  if (!live) {
    return;
  }
  const { ring } = live;
  let sumSquares = 0;
  for (let i = 0; i < chunk.length; i++) {
    ring[(live.written + i) % ring.length] = chunk[i];
    sumSquares += chunk[i] * chunk[i];
  }
  live.written += chunk.length;
  live.streams?.forEach(stream => stream.send(chunk));

  // Level in dBFS, shown over a 60 dB range: -60 dBFS (a quiet room) is empty, 0 dBFS full.
  // It rises at once and falls slowly, so short syllables stay visible.
  const rms = Math.sqrt(sumSquares / chunk.length);
  const db = 20 * Math.log10(Math.max(rms, 1e-6));
  const level = Math.min(1, Math.max(0, (db + 60) / 60));
  live.level = Math.max(level, live.level * 0.85);
  setLevel(live.level, `${Math.round(db)} dBFS`);
}

function setLevel(level, text) {
  const percent = Math.round(level * 100);
  el.levelFill.style.clipPath = `inset(0 ${100 - percent}% 0 0)`;
  el.levelMeter.setAttribute('aria-valuenow', String(percent));
  el.levelMeter.setAttribute('aria-valuetext', text);
}

/** The ring buffer unrolled, oldest sample first. */
function lastWindow() {
  const { ring, written } = live;
  const start = written % ring.length;
  const window = new Float32Array(ring.length);
  window.set(ring.subarray(start));
  window.set(ring.subarray(0, start), ring.length - start);
  return window;
}

/**
 * Sends the last window once 2 s of audio have arrived since the previous one. Timed by samples
 * captured, so a late timer never sends a window with a gap; while a request is still running
 * the window waits and then goes out with the freshest audio.
 */
async function sendLiveWindowIfDue() {
  if (!live || analysing || live.written < live.nextSendAt) {
    return;
  }
  const current = live;
  current.nextSendAt = current.written + current.ring.length;
  const wav = encodeWav(lastWindow(), current.context.sampleRate);
  const number = current.windows + 1;
  const failed = await analyse(wav, 'audio/wav', `Live microphone: window ${number}, the last ${LIVE_WINDOW_SECONDS} seconds at ${formatRate(current.context.sampleRate)}.`);
  // The count goes to the (silent) source line: announcing it every 2 s would drown a screen reader.
  if (failed !== null && live === current) {
    current.windows = number;
  }
}

function formatRate(hz) {
  return `${(hz / 1000).toLocaleString('en', { maximumFractionDigits: 2 })} kHz`;
}

el.liveToggle.addEventListener('click', () => {
  if (starting) {
    return;
  }
  if (live) {
    stopLive();
  } else {
    startLive();
  }
});

// -------------------------------------------------------------------- go ----

refreshModels();
