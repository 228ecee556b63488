// Emotions over time: a chart of a recording's or a live stream's speech segments (POST
// /prediction/{network}/timeline, or the /stream/{network} WebSocket), and the WebSocket client
// that live mode uses. Each segment is a column of stacked bands, one colour per emotion, its
// height the emotion's probability; gaps are silence. Segments are buttons in one tab stop
// (roving tabindex): Tab reaches the chart, arrow keys, Home and End move between segments, and
// hovering or focusing one reads its numbers out below the chart.

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 1000;
const HEIGHT = 220;
const AXIS = 22;
/** A live chart spans at least this many seconds, so the first segments are not drawn full width. */
const MIN_LIVE_SPAN_SECONDS = 30;

const el = {
  section: document.getElementById('timeline'),
  source: document.getElementById('timeline-source'),
  chart: document.getElementById('timeline-chart'),
  readout: document.getElementById('timeline-readout'),
  legend: document.getElementById('timeline-legend'),
};

/** Segments shown now (finals, in time order), the partial one at the end if any, and the span drawn. */
const state = { segments: [], partial: null, duration: 0, live: false, focused: 0 };

function percent(p) {
  return p > 0 && p < 0.005 ? '<1%' : `${Math.round(p * 100)}%`;
}

function seconds(s) {
  return `${s.toLocaleString('en', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} s`;
}

/** "1.2–3.5 s: angry 61%, happy 12%, …" with the emotions in falling order. */
function describe(segment, index) {
  const ranked = [...segment.results].sort((a, b) => b.prediction - a.prediction);
  const what = ranked.map(r => `${r.emotionType} ${percent(r.prediction)}`).join(', ');
  const kind = segment.partial ? ' (still speaking)' : '';
  return `Segment ${index + 1}, ${seconds(segment.start)} to ${seconds(segment.end)}${kind}: ${what}.`;
}

function drawLegend(labels) {
  el.legend.replaceChildren(...labels.map(label => {
    const item = document.createElement('li');
    item.style.setProperty('--emotion-color', `var(--emotion-${label}, var(--accent))`);
    item.textContent = label;
    return item;
  }));
}

function niceStep(span) {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600];
  return steps.find(step => span / step <= 10) ?? 1200;
}

function draw() {
  const all = state.partial ? [...state.segments, state.partial] : state.segments;
  const span = Math.max(state.duration, state.live ? MIN_LIVE_SPAN_SECONDS : 0, all.at(-1)?.end ?? 0, 1);
  const x = t => (t / span) * WIDTH;
  const plot = HEIGHT - AXIS;

  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'group');
  svg.setAttribute('aria-label', all.length === 0
    ? 'Emotions over time: no speech found yet.'
    : `Emotions over time: ${all.length} speech segment${all.length === 1 ? '' : 's'} in ${seconds(span)}. Use the arrow keys to read each.`);

  const axis = document.createElementNS(SVG, 'g');
  axis.setAttribute('class', 'timeline-axis');
  axis.setAttribute('aria-hidden', 'true');
  const step = niceStep(span);
  for (let t = 0; t <= span + 1e-9; t += step) {
    const tick = document.createElementNS(SVG, 'line');
    tick.setAttribute('x1', x(t)); tick.setAttribute('x2', x(t));
    tick.setAttribute('y1', 0); tick.setAttribute('y2', plot + 4);
    axis.append(tick);
    const label = document.createElementNS(SVG, 'text');
    label.setAttribute('x', Math.min(x(t) + 3, WIDTH - 30));
    label.setAttribute('y', HEIGHT - 6);
    label.textContent = t >= 60 ? `${Math.floor(t / 60)}:${String(Math.round(t % 60)).padStart(2, '0')}` : `${t} s`;
    axis.append(label);
  }
  svg.append(axis);

  state.focused = Math.min(state.focused, Math.max(0, all.length - 1));
  all.forEach((segment, index) => {
    const group = document.createElementNS(SVG, 'g');
    group.setAttribute('class', segment.partial ? 'timeline-segment is-partial' : 'timeline-segment');
    group.setAttribute('role', 'button');
    group.setAttribute('tabindex', index === state.focused ? '0' : '-1');
    group.setAttribute('aria-label', describe(segment, index));
    group.dataset.index = String(index);
    group.dataset.start = String(segment.start);
    group.dataset.end = String(segment.end);
    const left = x(segment.start);
    const width = Math.max(1, x(segment.end) - left);
    let bottom = plot;
    for (const { emotionType, prediction } of segment.results) {
      const height = prediction * plot;
      const band = document.createElementNS(SVG, 'rect');
      band.setAttribute('x', left); band.setAttribute('width', width);
      band.setAttribute('y', bottom - height); band.setAttribute('height', height);
      band.setAttribute('class', 'timeline-band');
      band.style.fill = `var(--emotion-${emotionType}, var(--accent))`;
      band.dataset.emotion = emotionType;
      group.append(band);
      bottom -= height;
    }
    // The segment's edges, so adjacent or overlapping segments stay distinguishable.
    const edge = document.createElementNS(SVG, 'rect');
    edge.setAttribute('class', 'timeline-edge');
    edge.setAttribute('x', left); edge.setAttribute('width', width);
    edge.setAttribute('y', 0); edge.setAttribute('height', plot);
    group.append(edge);
    group.addEventListener('mouseenter', () => read(index));
    group.addEventListener('focus', () => { state.focused = index; read(index); });
    group.addEventListener('click', () => read(index));
    svg.append(group);
  });
  svg.addEventListener('keydown', onKey);
  const hadFocus = el.chart.contains(document.activeElement);
  el.chart.replaceChildren(svg);
  if (hadFocus) {
    svg.querySelector(`[data-index="${state.focused}"]`)?.focus();
  }
}

function read(index) {
  const all = state.partial ? [...state.segments, state.partial] : state.segments;
  if (all[index]) {
    el.readout.textContent = describe(all[index], index);
  }
}

function onKey(event) {
  const groups = [...el.chart.querySelectorAll('.timeline-segment')];
  if (groups.length === 0) {
    return;
  }
  const moves = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
  let next;
  if (event.key in moves) {
    next = Math.min(groups.length - 1, Math.max(0, state.focused + moves[event.key]));
  } else if (event.key === 'Home') {
    next = 0;
  } else if (event.key === 'End') {
    next = groups.length - 1;
  } else {
    return;
  }
  event.preventDefault();
  groups[state.focused]?.setAttribute('tabindex', '-1');
  state.focused = next;
  groups[next].setAttribute('tabindex', '0');
  groups[next].focus();
}

/** Shows a whole recording's timeline, as POST /prediction/{network}/timeline answers it. */
export function showTimeline(timeline, sourceText, labels) {
  state.segments = timeline.segments.map(s => ({ ...s, partial: false }));
  state.partial = null;
  state.duration = timeline.duration;
  state.live = false;
  state.focused = 0;
  el.source.textContent = state.segments.length === 0 ? `${sourceText} No speech found.` : sourceText;
  el.readout.textContent = '';
  drawLegend(labels);
  el.section.hidden = false;
  draw();
}

/** Starts an empty live chart. */
export function startLiveTimeline(sourceText, labels) {
  state.segments = [];
  state.partial = null;
  state.duration = 0;
  state.live = true;
  state.focused = 0;
  el.source.textContent = sourceText;
  el.readout.textContent = '';
  drawLegend(labels);
  el.section.hidden = false;
  draw();
}

/** A stream message: a final segment replaces the partial before it; a partial replaces the last partial. */
export function addLiveSegment(message, durationSeconds) {
  const segment = { start: message.start, end: message.end, results: message.results, partial: message.type === 'partial' };
  if (segment.partial) {
    state.partial = segment;
  } else {
    state.segments.push(segment);
    if (state.partial && state.partial.start <= segment.end) {
      state.partial = null;
    }
  }
  state.duration = Math.max(state.duration, durationSeconds, segment.end);
  draw();
}

/**
 * Opens /stream/{network} for live audio at sampleRate. Resolves once the server is ready (or rejects,
 * so the caller can fall back to polling); then onSegment gets each segment and partial message, and
 * onClose the close event. send(Float32Array) converts to 16-bit PCM; end() asks for the last segments.
 */
export function openStream(network, sampleRate, { onSegment, onEnd, onClose }) {
  const url = new URL(`stream/${encodeURIComponent(network)}?sampleRate=${Math.round(sampleRate)}`, document.baseURI);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return new Promise((resolve, reject) => {
    let socket;
    try {
      socket = new WebSocket(url);
    } catch (error) {
      reject(error);
      return;
    }
    socket.binaryType = 'arraybuffer';
    let ready = false;
    const stream = {
      network,
      send(samples) {
        // Back-pressure: while the server has not taken the last second of audio, drop rather than queue.
        if (socket.readyState !== WebSocket.OPEN || socket.bufferedAmount > sampleRate * 2) {
          return;
        }
        const pcm = new Int16Array(samples.length);
        for (let i = 0; i < samples.length; i++) {
          const s = Math.max(-1, Math.min(1, samples[i]));
          pcm[i] = s < 0 ? s * 0x8000 : s * 0x7fff;
        }
        socket.send(pcm.buffer);
      },
      end() {
        if (socket.readyState === WebSocket.OPEN) {
          socket.send(JSON.stringify({ type: 'end' }));
        }
      },
      close() {
        socket.close(1000);
      },
    };
    socket.addEventListener('message', event => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message.type === 'ready') {
        ready = true;
        resolve(stream);
      } else if (message.type === 'segment' || message.type === 'partial') {
        onSegment?.(message);
      } else if (message.type === 'end') {
        onEnd?.(message);
      }
    });
    socket.addEventListener('error', () => {
      if (!ready) {
        reject(new Error('The live stream could not be opened.'));
      }
    });
    socket.addEventListener('close', event => {
      if (!ready) {
        reject(new Error(event.reason || `The live stream closed (${event.code}).`));
      } else {
        onClose?.(event);
      }
    });
  });
}
