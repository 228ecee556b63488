-- wrk script: POSTs one WAV file (env AUDIO_WAV) as an audio/wav body, for the audio routes
-- (POST /prediction/CRNN, /prediction/DNN, /prediction/CNN with a WAV upload). Prints the same
-- RESULT line as ../shared/bench/load.lua.
local path = os.getenv("AUDIO_WAV") or error("set AUDIO_WAV to a WAV file")
local file = assert(io.open(path, "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "audio/wav"

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT method=POST requests=%d duration_s=%.2f rps=%.1f " ..
    "p50_ms=%.3f p75_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f mean_ms=%.3f " ..
    "err_connect=%d err_read=%d err_write=%d err_timeout=%d non2xx=%d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1e3, latency:percentile(75) / 1e3, latency:percentile(90) / 1e3,
    latency:percentile(99) / 1e3, latency:percentile(99.9) / 1e3, latency.max / 1e3, latency.mean / 1e3,
    e.connect, e.read, e.write, e.timeout, e.status))
end
