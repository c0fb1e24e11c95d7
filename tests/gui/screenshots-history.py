#!/usr/bin/env python3
"""A day of history for the History picture only (tests/gui/screenshots.sh, view "history").

A fresh demo has seconds of history, which draws as dots at the right edge. This adds an
illustrative day to the demo's state database: probes every 10 minutes (box2 down for 90 minutes
in the night), each project's backlog every half hour (growing while box2 is down, falling after
the replication runs), and the copies of three replication runs. It is never run by the product
or the tests; the picture's caption says the day is illustrative.
    screenshots-history.py STATE_DATABASE
"""
import datetime
import math
import random
import sqlite3
import sys

random.seed(20261130)
db = sqlite3.connect(sys.argv[1])
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


down_from, down_until = now - datetime.timedelta(hours=9), now - datetime.timedelta(hours=7, minutes=30)
for step in range(6 * 24):
    at = now - datetime.timedelta(minutes=10 * (6 * 24 - step))
    for server, base in (("box2", 45), ("box4", 70)):
        latency = int(base + 25 * math.sin(step / 9) + random.randint(0, 30))
        if server == "box2" and down_from <= at < down_until:
            db.execute("INSERT INTO health_samples VALUES (?, ?, 0, NULL, NULL, ?, ?)",
                       (server, iso(at), "Connection refused", "refused"))
        else:
            db.execute("INSERT INTO health_samples VALUES (?, ?, 1, ?, 200, '', '')", (server, iso(at), latency))

runs = [now - datetime.timedelta(hours=h) for h in (19, 7, 2)]
for step in range(2 * 24):
    at = now - datetime.timedelta(minutes=30 * (2 * 24 - step))
    hours_since_run = min((at - run).total_seconds() / 3600 for run in runs if run <= at) if any(run <= at for run in runs) else 5
    during_outage = down_from <= at < down_until
    trunk = int(min(12, hours_since_run * 1.5)) + (6 if during_outage else 0)
    for project, source, target, versions in (("trunk", "box2", "box4", trunk), ("trunk", "box4", "box2", trunk // 3),
                                               ("inbox", "box2", "box4", int(hours_since_run) % 3),
                                               ("inbox", "box4", "box2", 1 if during_outage else 0)):
        db.execute("INSERT INTO backlog_samples VALUES (?, ?, ?, ?, ?)",
                   (int(at.timestamp() * 1000), project, source, target, versions))

for run in runs:
    for copy in range(8):
        at = run + datetime.timedelta(seconds=3 * copy)
        db.execute("INSERT INTO journal (at, who, operation, project, name, source, target, result, detail) "
                   "VALUES (?, 'cron', 'copy', 'trunk', ?, 'box2', 'box4', 'copied', '')",
                   (iso(at), "Kernel-demo.%d.mcz" % (1400 + copy)))
db.commit()
