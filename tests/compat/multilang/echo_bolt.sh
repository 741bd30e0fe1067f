#!/bin/sh
# A multilang bolt in awk (started through sh, which hands its pid over):
# echoes every tuple's values anchored to it and acks it; answers
# heartbeats with sync.  Proves the host does not care about the language.
exec awk -v pid="$$" -f echo_bolt.awk
