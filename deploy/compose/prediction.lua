-- wrk script: POST /prediction/<network> with the original 25-MFCC body.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local mfccs = {}
for i = 1, 25 do mfccs[i] = string.format("%.3f", math.sin(i) * 10) end
wrk.body = '{"mfccs":[' .. table.concat(mfccs, ",") .. ']}'
