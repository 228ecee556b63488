-- wrk script: POST /prediction/<network> with the WAV file named by $WAV as audio/wav.
wrk.method = "POST"
wrk.headers["Content-Type"] = "audio/wav"
local f = assert(io.open(assert(os.getenv("WAV"), "set WAV to a .wav file"), "rb"))
wrk.body = f:read("*a")
f:close()
