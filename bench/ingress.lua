-- wrk script for bench/ingress.sh: POSTs the body in $BODY_FILE (a Graph notification collection written by
-- IngressBenchLauncher, with the clientState the ingress accepts) and prints one parseable summary line.
local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK requests=%d non2xx=%d errors=%d rps=%.0f p50=%.2f p99=%.2f max=%.2f\n",
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
