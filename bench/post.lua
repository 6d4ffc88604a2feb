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
-- The same one-line JSON reporter as every other bench run (bench/run.py names its file).
dofile(os.getenv("BENCH_REPORTER"))
