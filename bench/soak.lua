-- wrk script for bench/soak.sh: every connection alternates the two ways to call
-- POST /prediction/{network}: the JSON MFCC vector (the fixed body of ../shared/bench/load.lua)
-- and a WAV file as the raw body (SOAK_WAV, Content-Type audio/wav).
local f = assert(io.open(assert(os.getenv("SOAK_WAV"), "SOAK_WAV is not set"), "rb"))
local wav = f:read("*all")
f:close()

local json = '{"mfccs":[-266.8878,73.6109,-5.6017,45.6491,3.7678,-8.2786,-2.4421,1.1334,-30.3994,-0.3632,-9.1981,4.6669,-0.8245,-7.8161,1.2344,3.0378,-3.5308,-9.0812,4.7555,-6.7799,-3.1106,1.7323,-4.8156,-0.8863,-2.8380]}'
local json_request, wav_request
local sent = 0

function init(args)
  json_request = wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, json)
  wav_request = wrk.format("POST", nil, { ["Content-Type"] = "audio/wav" }, wav)
end

function request()
  sent = sent + 1
  if sent % 2 == 0 then
    return wav_request
  end
  return json_request
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_s=%.2f rps=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f " ..
    "err_connect=%d err_read=%d err_write=%d err_timeout=%d non2xx=%d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3,
    e.connect, e.read, e.write, e.timeout, e.status))
end
