-- wrk script: request shape from the environment, and a JSON summary on stdout at the end so
-- the bench parses wrk and oha into the same result format.
wrk.method = os.getenv("TT_METHOD") or "GET"
local body = os.getenv("TT_BODY")
if body and body ~= "" then wrk.body = body end
wrk.headers["content-type"] = "application/json"
local auth = os.getenv("TT_AUTHORIZATION")
if auth and auth ~= "" then wrk.headers["authorization"] = auth end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'TTJSON {"requests":%d,"duration_us":%d,"socket_errors":%d,"non_2xx":%d,' ..
    '"p50_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
