#!/bin/sh
# The console container's entrypoint: replicas of one compose service share one environment,
# so what must differ per replica is derived from the container's hostname (unique per replica)
# unless set: the instance id (issue 16) and the MQTT client id (two clients with one id would
# keep taking the broker session from each other).
set -eu
host="$(hostname)"
: "${INSTANCE_ID:=$host}"
: "${MQTT_CLIENT_ID:=twinops-$host}"
export INSTANCE_ID MQTT_CLIENT_ID
exec "$@"
