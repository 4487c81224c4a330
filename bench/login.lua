-- bench/login.lua — wrk script for POST /api/auth/login (used by bench/run).
-- The JSON body ({"email": ..., "password": ...} of the user bench/run signed up) comes
-- from the environment, so no credentials are written to disk.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("BENCH_LOGIN_BODY")
