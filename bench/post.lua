-- wrk script: post an innspill as a signed-in person, each with a new text. The session cookie,
-- CSRF token and path come from the environment (bench/run.py signs in and reads the form).
local counter = 0
local prefix = ""

init = function(args)
  prefix = string.gsub(tostring({}), "table: ", "")
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
end

request = function()
  counter = counter + 1
  local body = "csrf_token=" .. os.getenv("BENCH_CSRF") .. "&speaker=private&body=Innspill+"
    .. prefix .. "-" .. counter .. "-" .. os.time() .. "+om+dette+avsnittet."
  return wrk.format(nil, os.getenv("BENCH_POST_PATH"), nil, body)
end
-- wrk reporter: one JSON line with requests/s and the latency percentiles the bench table needs.
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '{"requests": %d, "rps": %.1f, "p50_ms": %.1f, "p95_ms": %.1f, "errors": %d, "non_2xx_3xx": %d}\n',
    summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
