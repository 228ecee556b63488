// Encodes mono PCM samples as a RIFF/WAVE file the service can read:
// format 1 (integer PCM), one channel, 16 bits, little-endian, at the capture rate.
// The server resamples, so the browser never has to.

const HEADER_BYTES = 44;
const BYTES_PER_SAMPLE = 2;

/**
 * @param {Float32Array} samples mono samples in [-1, 1] (louder values are clipped)
 * @param {number} sampleRateHz the rate the samples were captured at
 * @returns {ArrayBuffer} the whole file, ready to be a request body
 */
export function encodeWav(samples, sampleRateHz) {
  const dataBytes = samples.length * BYTES_PER_SAMPLE;
  const buffer = new ArrayBuffer(HEADER_BYTES + dataBytes);
  const view = new DataView(buffer);

  writeAscii(view, 0, 'RIFF');
  view.setUint32(4, HEADER_BYTES - 8 + dataBytes, true);  // RIFF size: everything after this field
  writeAscii(view, 8, 'WAVE');
  writeAscii(view, 12, 'fmt ');
  view.setUint32(16, 16, true);                            // fmt chunk size for plain PCM
  view.setUint16(20, 1, true);                             // WAVE_FORMAT_PCM
  view.setUint16(22, 1, true);                             // channels
  view.setUint32(24, sampleRateHz, true);
  view.setUint32(28, sampleRateHz * BYTES_PER_SAMPLE, true); // byte rate
  view.setUint16(32, BYTES_PER_SAMPLE, true);              // block align
  view.setUint16(34, 8 * BYTES_PER_SAMPLE, true);          // bits per sample
  writeAscii(view, 36, 'data');
  view.setUint32(40, dataBytes, true);

  // The reader decodes s16 as v / 2^15, so encode as round(x * 2^15), clipped to the
  // int16 range: a round trip returns every in-range sample to within 2^-16.
  for (let i = 0; i < samples.length; i++) {
    const scaled = Math.round(samples[i] * 32768);
    view.setInt16(HEADER_BYTES + i * BYTES_PER_SAMPLE, Math.max(-32768, Math.min(32767, scaled)), true);
  }
  return buffer;
}

function writeAscii(view, offset, text) {
  for (let i = 0; i < text.length; i++) {
    view.setUint8(offset + i, text.charCodeAt(i));
  }
}
