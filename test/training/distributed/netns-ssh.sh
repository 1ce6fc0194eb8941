#!/bin/sh
# An ssh stand-in for mpirun's rsh launcher (--mca plm_rsh_agent), for two "machines" that are network
# namespaces of one host. Called as ssh would be, `HOST COMMAND...`, it runs COMMAND in HOST's namespace
# with only what an ssh login would give it: HOME and the PATH in NETNS_SSH_PATH (sshd's SetEnv), none of
# the launcher's variables, so whatever a rank needs must come through mpirun (-x VAR, -wdir).
#   NETNS_SSH_HOSTS: the host → namespace map, "10.213.5.1=ns-a 10.213.5.2=ns-b"
#   NETNS_SSH_LOG (optional): a file that gets one "HOST NAMESPACE" line per call
set -eu
host=$1
shift
ns=
for entry in $NETNS_SSH_HOSTS; do
  if [ "${entry%%=*}" = "$host" ]; then ns=${entry#*=}; fi
done
if [ -z "$ns" ]; then
  echo "netns-ssh: no namespace for host '$host' in NETNS_SSH_HOSTS" >&2
  exit 255 # what ssh returns when it cannot reach a host
fi
if [ -n "${NETNS_SSH_LOG:-}" ]; then echo "$host $ns" >>"$NETNS_SSH_LOG"; fi
exec ip netns exec "$ns" env -i HOME="$HOME" PATH="$NETNS_SSH_PATH" /bin/sh -c "$*"
