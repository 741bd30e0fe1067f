# Reads one JSON message per line (gust writes each on one line) followed
# by "end".  The first is the handshake: its pidDir gets a file named pid.
function send(text) { printf "%s\nend\n", text; fflush() }
$0 == "end" { next }
!started {
  dir = $0
  sub(/.*"pidDir":"/, "", dir); sub(/".*/, "", dir)
  printf "" > (dir "/" pid); close(dir "/" pid)
  send("{\"pid\":" pid "}")
  started = 1
  next
}
/"stream":"__heartbeat"/ { send("{\"command\":\"sync\"}"); next }
{
  id = $0; sub(/.*"id":"/, "", id); sub(/".*/, "", id)
  values = $0; sub(/.*"tuple":\[/, "", values); sub(/\]\}$/, "", values)
  send("{\"command\":\"emit\",\"anchors\":[\"" id "\"],\"tuple\":[" values "],\"need_task_ids\":false}")
  send("{\"command\":\"ack\",\"id\":\"" id "\"}")
}
