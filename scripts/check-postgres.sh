#!/usr/bin/env bash
# The store contract tests run against a real PostgreSQL. Checks it answers on ENGINEX_TEST_PG
# (default 127.0.0.1:5432) and says how to start it when it does not.
set -euo pipefail
hostport=${ENGINEX_TEST_PG:-127.0.0.1:5432}
host=${hostport%:*} port=${hostport##*:}
if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
  exit 0
fi
cat >&2 <<MSG
error: no PostgreSQL answers on $host:$port, and the store tests need one.
  Fix: start it (Debian: pg_ctlcluster 15 main start, or systemctl start postgresql),
       with trust or password-less auth for user 'postgres' on 127.0.0.1 and a database 'test';
       or point ENGINEX_TEST_PG at another host:port.
MSG
exit 1
