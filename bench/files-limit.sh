#!/bin/sh
# Runs a bench command with the open-files limit raised. workerd keeps every SQLite-backed Durable
# Object's database and WAL open while the object lives: one run holds ~10 000 objects (ours, then
# the ceiling's), past the usual 20 000 descriptors, and past it the runtime fails with
# SQLITE_CANTOPEN and "Too many open files". As high as this user may go: the hard limit, or more
# where allowed (root).
ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec "$@"
