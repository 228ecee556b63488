// Runs on the audio rendering thread. Mixes the microphone to mono and hands it to
// the page in chunks, so the page receives ~20 messages a second instead of one
// per 128-sample render quantum.

const CHUNK_SAMPLES = 2048;

class CaptureProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.chunk = new Float32Array(CHUNK_SAMPLES);
    this.filled = 0;
  }

  process(inputs) {
    const channels = inputs[0];
    if (channels && channels.length > 0) {
      const frames = channels[0].length;
      for (let i = 0; i < frames; i++) {
        let sum = 0;
        for (const channel of channels) {
          sum += channel[i];
        }
        this.chunk[this.filled++] = sum / channels.length;
        if (this.filled === CHUNK_SAMPLES) {
          // Transfer the buffer (no copy) and start a fresh one.
          this.port.postMessage(this.chunk, [this.chunk.buffer]);
          this.chunk = new Float32Array(CHUNK_SAMPLES);
          this.filled = 0;
        }
      }
    }
    return true;
  }
}

registerProcessor('capture', CaptureProcessor);
